"""A synthetic long replay (hundreds of segments, tens of megabytes) for benchmarks and tests.

`build_long_replay(data, segments, target_bytes)` makes one `web-frontend` replay that
is not part of the default data set: a long random walk through the shop (page loads
with big FullSnapshots now and then, clicks, inputs, navigations, console errors and
warnings, failing and slow fetches, dead and rage clicks, web vitals, memory spans),
rendered by `bulk.LongSegment` and topped up with rrweb noise until the segments
total about `target_bytes` of JSON. Its id depends only on `(segments, target_bytes)`.

Everything is rendered once, up front: `LongReplay.segments` holds each segment's
JSON and `LongReplay.pages` the bodies of the segment-list pages at the default
`per_page=100`, so serving them measures transfer, not generation.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import timedelta

from .bulk import CARD_BYTES, LongSegment, Rail
from .catalog import ISSUE_BY_KEY, PLATFORMS
from .data import Dataset, Replay, _user, hex_id
from .pages import ORIGIN
from .plans import Action, Plan, Wishes, random_plan
from .web import dumps

PAGE_SIZE = 100
ISSUE_CYCLE = ["hydration", "cart500", "json", "fetch", "chunk"]
FAILING = [
    ("GET", "/api/recommendations?limit=24", 503),
    ("GET", "/api/inventory/{n}", 404),
    ("POST", "/api/events/track", 429),
    ("GET", "/api/cart", 500),
    ("POST", "/api/cart", 502),
]
SLOW = [
    ("GET", "/api/recommendations?limit=24", 200),
    ("GET", "/api/search?q=trail", 200),
    ("GET", "/api/products?page=3", 200),
]


@dataclass
class LongReplay:
    replay: Replay
    segments: list[bytes]
    pages: dict[tuple[int, int], bytes] = field(default_factory=dict)  # (first, count)
    seconds: float = 0.0  # how long generation took

    @property
    def total_bytes(self) -> int:
        return sum(len(body) for body in self.pages.values())


def long_replay_id(segments: int, target_bytes: int) -> str:
    return hex_id(random.Random(f"long-replay:{segments}:{target_bytes}"))


def build_long_replay(data: Dataset, segments: int, target_bytes: int) -> LongReplay:
    """Make the replay (not yet registered in `data`) and render its recording."""
    if segments < 1:
        raise ValueError("segments must be at least 1")
    if target_bytes < 0:
        raise ValueError("target_bytes must not be negative")
    began = time.perf_counter()
    replay = _make_replay(data, segments, target_bytes)
    average = target_bytes / segments
    rail = Rail(f"{replay.id}:rail", int(min(2_000, max(20, 2.5 * average / CARD_BYTES))))
    rendered = [LongSegment(replay, i, rail) for i in range(segments)]
    base = []
    for seg in rendered:
        seg.render()
        base.append(seg.size())
    rng = random.Random(f"{replay.id}:budgets")
    weights = [rng.uniform(0.3, 1.7) for _ in range(segments)]
    budgets = _budgets(base, weights, target_bytes - 2 * segments)
    bodies = []
    carry = 0  # bytes the segments so far overshot their budgets by
    for seg, size, budget in zip(rendered, base, budgets, strict=True):
        use = min(carry, budget // 2)
        body = dumps(seg.pad(budget - use))
        carry += len(body) - size - budget
        bodies.append(body)
    result = LongReplay(replay, bodies)
    for first in range(0, segments, PAGE_SIZE):
        chunk = bodies[first : first + PAGE_SIZE]
        result.pages[(first, len(chunk))] = b"[" + b",".join(chunk) + b"]"
    result.seconds = time.perf_counter() - began
    return result


def _budgets(base: list[int], weights: list[float], total: int) -> list[int]:
    """Padding per segment so that segment sizes follow `weights` and sum to `total`.

    Segment `i` should weigh `k * weights[i]` bytes; it gets `k * weights[i] - base[i]`
    bytes of padding (none if its own events already weigh more); `k` is found by
    bisection so that the padded sizes add up to `total`.
    """
    spare = total - sum(base)
    if spare <= 0:
        return [0] * len(base)

    def padding(k: float) -> float:
        return sum(max(0.0, k * w - b) for w, b in zip(weights, base, strict=True))

    lo, hi = 0.0, (total + max(base)) / min(weights)
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if padding(mid) < spare else (lo, mid)
    return [int(max(0.0, hi * w - b)) for w, b in zip(weights, base, strict=True)]


def _make_replay(data: Dataset, segments: int, target_bytes: int) -> Replay:
    r = random.Random(f"long-replay:{segments}:{target_bytes}")
    rid = hex_id(r)
    assert rid == long_replay_id(segments, target_bytes)
    project = data.project("web-frontend")
    assert project is not None
    bounds = [0.0]
    for _ in range(segments):
        bounds.append(round(bounds[-1] + r.uniform(6.0, 14.0), 3))
    issues = [ISSUE_BY_KEY[ISSUE_CYCLE[i % len(ISSUE_CYCLE)]] for i in range(1 + segments // 50)]
    wishes = Wishes(
        issues=issues,
        warnings=1 + segments // 40,
        infos=segments // 80,
        dead=1 + segments // 100,
        rage=1 + segments // 150,
        landing="home",
    )
    plan, _ = random_plan(r, "web-frontend", bounds, wishes, new_vitals=True, mobile=False)
    _reload_some(r, plan)
    _more_fetches(r, plan, segments)
    bname, bvers, osname, osvers, device, _ = PLATFORMS[1]
    user = _user(random.Random("user-1"), 1)
    started = data.now - timedelta(seconds=round(plan.duration) + 40 * 60)
    error_ids = []
    for action in plan.console("error"):
        eid = hex_id(r)
        action.info["event_id"] = eid
        data.error_issue[eid] = ISSUE_BY_KEY[action.info["issue"]].id
        error_ids.append(eid)
    release = "web-frontend@2.15.0"
    tags = {
        "browser.name": [bname],
        "device.family": [str(device[3])],
        "os.name": [osname],
        "locale": ["en-US"],
        "plan": ["pro"],
        "release": [release],
        "sdk.name": ["sentry.javascript.react"],
    }
    return Replay(
        id=rid,
        ordinal=len(data.replays),
        project=project,
        started_at=started,
        plan=plan,
        environment="production",
        user=user,
        browser={"name": bname, "version": bvers[-1]},
        os={"name": osname, "version": osvers[0]},
        device=dict(zip(("name", "brand", "model", "family"), device, strict=True)),
        sdk={"name": "sentry.javascript.react", "version": "8.30.0"},
        release=release,
        replay_type="session",
        tags=tags,
        trace_ids=[hex_id(r) for _ in plan.visits[:8]],
        error_ids=error_ids,
        warning_ids=[hex_id(r) for _ in plan.console("warning")],
        info_ids=[hex_id(r) for _ in plan.console("info")],
    )


def _reload_some(r: random.Random, plan: Plan) -> None:
    """Turn about a quarter of the in-app navigations into full page loads (big snapshots)."""
    for action in plan.actions:
        if action.kind == "push" and r.random() < 0.25:
            action.kind = "load"


def _more_fetches(r: random.Random, plan: Plan, segments: int) -> None:
    """Failing (>= 400) and slow requests besides the pages' usual ones."""
    added = []
    for i in range(2 + segments // 12):
        visit = r.choice(plan.visits)
        lo, hi = visit.start + 0.5, max(visit.start + 0.6, visit.end - 1.0)
        t = round(r.uniform(lo, hi), 3)
        failing = i % 3 != 2
        method, path, status = r.choice(FAILING if failing else SLOW)
        duration = r.uniform(0.05, 0.9) if failing else r.uniform(3.0, 9.5)
        url = ORIGIN + path.replace("{n}", str(r.randint(1001, 1099)))
        req = r.randint(80, 600) if method == "POST" else 0
        resp = r.randint(40, 400) if failing else r.randint(2_000, 90_000)
        info = {
            "op": "resource.fetch",
            "method": method,
            "url": url,
            "status": status,
            "duration": round(duration, 3),
            "req": req,
            "resp": resp,
        }
        added.append(Action(t, "fetch", visit.page, None, info))
    plan.actions = sorted(
        plan.actions + [a for a in added if a.t < plan.duration - 0.05], key=lambda a: a.t
    )
