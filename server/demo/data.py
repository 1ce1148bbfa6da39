"""The deterministic demo data set: one org, its projects, members, issues and replays.

`Dataset(now)` is the organization `acme`; `Dataset(now, region=True)` is `acme-eu`, an
organization that lives in a second data-storage region (same kind of data, other ids).

Everything is drawn from `random.Random` with fixed seeds, so ids (replays, errors,
traces) are identical on every run whatever `now` is; only absolute times move.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from .catalog import (
    APPS,
    FIRST_NAMES,
    GEOS,
    ISSUE_BY_KEY,
    ISSUES,
    LANDINGS,
    LAST_NAMES,
    MEMBERS,
    PERFORMANCE_ISSUES,
    PLATFORMS,
    Issue,
)
from .plans import Action, Plan, Wishes, random_plan
from .story import story_plan

ORG_SLUG = "acme"
ORG_ID = "1138"
SEED = 1138
REGION_ORG_SLUG = "acme-eu"  # the organization in the demo's second region
REGION_ORG_ID = "2276"


@dataclass(frozen=True)
class Project:
    id: str
    slug: str
    platform: str
    name: str


PROJECTS = [
    Project("4505321021243392", "web-frontend", "javascript-react", "Web Frontend"),
    Project("4505321021243393", "checkout", "javascript-react", "Checkout"),
    Project("4505321087340544", "admin-dashboard", "javascript-vue", "Admin Dashboard"),
]
REGION_PROJECTS = [
    Project("4508112001100800", "web-frontend", "javascript-react", "Web Frontend"),
    Project("4508112001100801", "checkout", "javascript-react", "Checkout"),
    Project("4508112001165312", "admin-dashboard", "javascript-vue", "Admin Dashboard"),
]
PROJECT_MIX = ["web-frontend"] * 80 + ["checkout"] * 50 + ["admin-dashboard"] * 30
SDKS = {
    "web-frontend": [("sentry.javascript.react", "8.30.0"), ("sentry.javascript.react", "7.119.0")],
    "checkout": [("sentry.javascript.react", "8.30.0"), ("sentry.javascript.react", "8.26.0")],
    "admin-dashboard": [("sentry.javascript.vue", "7.114.0"), ("sentry.javascript.vue", "8.30.0")],
}
RELEASES = {
    "web-frontend": ["web-frontend@2.14.0", "web-frontend@2.14.1", "web-frontend@2.15.0"],
    "checkout": ["checkout@1.8.2", "checkout@1.9.0"],
    "admin-dashboard": ["admin-dashboard@0.31.0", "admin-dashboard@0.32.0"],
}
CHUNK_ERROR_REPLAYS = 60  # > 51 so replay-count shows its cap


def hex_id(rng: random.Random) -> str:
    return uuid.UUID(int=rng.getrandbits(128), version=4).hex


@dataclass(eq=False)
class Replay:
    id: str
    ordinal: int
    project: Project
    started_at: datetime
    plan: Plan
    environment: str
    user: dict[str, Any]
    browser: dict[str, Any]
    os: dict[str, Any]
    device: dict[str, Any]
    sdk: dict[str, Any]
    release: str
    replay_type: str
    tags: dict[str, list[str]]
    trace_ids: list[str]
    error_ids: list[str]
    warning_ids: list[str]
    info_ids: list[str]
    viewers: list[tuple[str, datetime]] = field(default_factory=list)
    platform: str = "javascript"  # the replay event's platform: "android", "cocoa" for mobile

    @property
    def finished_at(self) -> datetime:
        return self.started_at + timedelta(seconds=self.plan.duration)

    @property
    def duration(self) -> int:
        return int(self.plan.duration)

    @property
    def segment_count(self) -> int:
        return self.plan.segment_count

    @cached_property
    def urls(self) -> list[str]:
        return self.plan.urls

    @cached_property
    def clicks(self) -> list[Action]:
        return self.plan.clicks()

    @cached_property
    def dead_clicks(self) -> list[Action]:
        return self.plan.dead_clicks()

    @cached_property
    def rage_clicks(self) -> list[Action]:
        return self.plan.rage_clicks()

    @property
    def activity(self) -> int:
        score = len(self.error_ids) * 2 + len(self.urls) // 2 + len(self.rage_clicks) * 2
        return max(1, min(10, score + len(self.dead_clicks) + len(self.clicks) // 8))

    @cached_property
    def transactions(self) -> list[str]:
        return self.plan.transactions

    def segment_time(self, segment_id: int) -> datetime:
        """When the segment was stored (the end of its time slice)."""
        return self.started_at + timedelta(seconds=self.plan.bounds[segment_id + 1])


def _user(rng: random.Random, index: int) -> dict[str, Any]:
    city, cc, region, sub = GEOS[index % len(GEOS)]
    ip = f"{rng.choice(['203.0.113', '198.51.100', '192.0.2'])}.{rng.randint(2, 254)}"
    geo = {"city": city, "country_code": cc, "region": region, "subdivision": sub}
    if index % 7 == 6:  # anonymous visitor
        return {
            "id": None,
            "username": None,
            "email": None,
            "ip": ip,
            "display_name": ip,
            "geo": geo,
        }
    first, last = FIRST_NAMES[index % len(FIRST_NAMES)], LAST_NAMES[index % len(LAST_NAMES)]
    username = f"{first[0]}{last}" if index % 3 else None
    email = f"{first}.{last}@example.com"
    uid = str(8800 + index)
    display = username or email
    return {
        "id": uid,
        "username": username,
        "email": email,
        "ip": ip,
        "display_name": display,
        "geo": geo,
    }


class Dataset:
    def __init__(self, now: datetime, region: bool = False) -> None:
        self.now = now
        self.region = region
        self.organization = REGION_ORG_SLUG if region else ORG_SLUG
        self.organization_id = REGION_ORG_ID if region else ORG_ID
        self.projects = list(REGION_PROJECTS if region else PROJECTS)
        self.issues: list[Issue] = list(ISSUES)
        self.performance_issues: list[Issue] = list(PERFORMANCE_ISSUES)
        self.members = list(MEMBERS)
        self.replays: list[Replay] = []
        self.error_issue: dict[str, str] = {}  # error event id -> issue id
        self._build()
        self.by_id = {r.id: r for r in self.replays}
        # replay id -> issue-platform issue ids (occurrences that carry the replay's id)
        self.occurrence_issues: dict[str, list[str]] = {
            r.id: [i.id for i in self.performance_issues if _has_occurrence(r, i)]
            for r in self.replays
        }
        self.initially_archived = {self.archived_replay_id}
        self.deleted: set[str] = set(self.initially_archived)

    def reset_state(self) -> None:
        """Undo deletions made through the API."""
        self.deleted = set(self.initially_archived)

    def project(self, key: str) -> Project | None:
        for p in self.projects:
            if key in (p.id, p.slug):
                return p
        return None

    def _build(self) -> None:
        rng = random.Random(SEED)
        mix = list(PROJECT_MIX)
        rng.shuffle(mix)
        users = [_user(random.Random(f"user-{i}"), i) for i in range(56)]
        story, archived, empty, long = 3, 11, 17, 5
        mix[story] = "checkout"
        chunk_pool = [i for i in range(len(mix)) if i not in (story, archived, empty)]
        chunky = set(rng.sample(chunk_pool, CHUNK_ERROR_REPLAYS))
        for i, slug in enumerate(mix):
            r = random.Random(f"replay-{i}")
            rid = hex_id(r)
            if self.region:  # same draws, other ids: replay ids are unique across Sentry
                rid = hex_id(random.Random(f"region-replay-{i}"))
            offset = r.uniform(600, 13.5 * 86400)
            if i == story:
                offset = 2 * 3600
            elif i == empty:
                offset = 5 * 3600
            elif i == long:
                offset = 26 * 3600
            self.replays.append(
                self._replay(
                    r,
                    i,
                    rid,
                    slug,
                    offset,
                    users,
                    i in chunky,
                    kind={story: "story", archived: "archived", empty: "empty", long: "long"}.get(
                        i, ""
                    ),
                )
            )
        from .mobile import mobile_replays  # an Android and an iOS replay (mobile imports this)

        self.replays.extend(mobile_replays(self, users))
        self.story_replay_id = self.replays[story].id
        self.archived_replay_id = self.replays[archived].id
        self.empty_replay_id = self.replays[empty].id
        self.long_replay_id = self.replays[long].id

    def _replay(
        self,
        r: random.Random,
        i: int,
        rid: str,
        slug: str,
        offset: float,
        users: list[dict[str, Any]],
        chunky: bool,
        kind: str,
    ) -> Replay:
        project = self.project(slug)
        assert project is not None
        bname, bvers, osname, osvers, device, mobile = r.choice(PLATFORMS)
        sdk_name, sdk_version = r.choice(SDKS[slug])
        new_vitals = sdk_version.startswith("8.")
        replay_type = "buffer" if r.random() < 0.15 else "session"
        environment = "production" if r.random() < 0.75 else "staging"
        user = users[r.randrange(len(users))]
        if kind == "story":
            bname, bvers, osname, osvers, device, mobile = PLATFORMS[0]
            environment, replay_type, user = "production", "session", users[0]
            sdk_name, sdk_version, new_vitals = "sentry.javascript.react", "8.30.0", True
            plan, placed = story_plan(r, new_vitals)
        else:
            plan, placed = self._random_plan(r, slug, kind, chunky, replay_type, new_vitals, mobile)
        placed.sort(key=lambda p: p[0])
        error_ids = [hex_id(r) for _ in plan.console("error")]
        for action, eid in zip(plan.console("error"), error_ids, strict=True):
            action.info["event_id"] = eid
            self.error_issue[eid] = ISSUE_BY_KEY[action.info["issue"]].id
        releases = RELEASES[slug]
        release = releases[min(len(releases) - 1, int((1 - offset / (14 * 86400)) * len(releases)))]
        browser = {"name": bname, "version": r.choice(bvers)}
        os_ = {"name": osname, "version": r.choice(osvers)}
        dev = dict(zip(("name", "brand", "model", "family"), device, strict=True))
        tags = {
            "browser.name": [bname],
            "device.family": [str(device[3])],
            "os.name": [osname],
            "locale": [r.choice(["en-US", "en-GB", "de-DE", "es-ES", "ja-JP"])],
            "plan": [r.choice(["free", "pro", "pro", "enterprise"])],
            "release": [release],
            "sdk.name": [sdk_name],
        }
        viewers = self._viewers(r, kind, offset - plan.duration)
        return Replay(
            id=rid,
            ordinal=i,
            project=project,
            started_at=self.now - timedelta(seconds=round(offset)),
            plan=plan,
            environment=environment,
            user=user,
            browser=browser,
            os=os_,
            device=dev,
            sdk={"name": sdk_name, "version": sdk_version},
            release=release,
            replay_type=replay_type,
            tags=tags,
            trace_ids=[hex_id(r) for _ in plan.visits[:8]],
            error_ids=error_ids,
            warning_ids=[hex_id(r) for _ in plan.console("warning")],
            info_ids=[hex_id(r) for _ in plan.console("info")],
            viewers=viewers,
        )

    def _viewers(self, r: random.Random, kind: str, since_end: float) -> list[tuple[str, datetime]]:
        """Who viewed a replay that ended `since_end` seconds ago, and when (oldest first)."""
        now = self.now
        if kind == "story":
            return [("3", now - timedelta(minutes=50))]
        viewers: list[tuple[str, datetime]] = []
        if since_end > 900 and r.random() < 0.5:
            for mid, _, _ in r.sample(self.members, r.randint(1, 3)):
                viewers.append(
                    (mid, now - timedelta(seconds=round(r.uniform(60, since_end - 300))))
                )
            viewers.sort(key=lambda v: v[1])
        return viewers

    def _random_plan(
        self,
        r: random.Random,
        slug: str,
        kind: str,
        chunky: bool,
        replay_type: str,
        new_vitals: bool,
        mobile: bool,
    ) -> tuple[Plan, list[Any]]:
        bounds = _segment_bounds(r, kind)
        issues = _random_issues(r, slug, chunky, replay_type)
        wishes = Wishes(
            issues=issues if kind != "empty" else [],
            warnings=r.choice([0, 0, 0, 1, 2]),
            infos=r.choice([0, 0, 0, 0, 1]),
            dead=r.choice([0, 0, 0, 1, 2]),
            rage=r.choice([0] * 9 + [1]),
            landing=r.choice(LANDINGS[slug]),
        )
        plan, placed = random_plan(r, slug, bounds, wishes, new_vitals, mobile)
        if kind == "empty":
            plan.bounds = []
            plan.actions = plan.actions[:1]
            plan.visits = plan.visits[:1]
        return plan, placed


def _has_occurrence(replay: Replay, issue: Issue) -> bool:
    """Whether the replay ran into the performance issue: a web-frontend replay that opened
    the issue's page (every other one, so that the count is not simply "all of them")."""
    pages = {visit.page for visit in replay.plan.visits}
    return replay.project.slug == "web-frontend" and issue.page in pages and replay.ordinal % 2 == 0


def _segment_bounds(r: random.Random, kind: str) -> list[float]:
    """Segment boundaries in seconds: 130 short segments (long), 1 (empty), else a few."""
    if kind == "long":
        count, lo, hi = 130, 5.0, 14.0
    elif kind == "empty":
        count, lo, hi = 1, 12.0, 30.0
    else:
        count, lo, hi = min(40, 1 + int(r.expovariate(1 / 9))), 5.0, 60.0
    bounds = [0.0]
    for _ in range(count):
        bounds.append(round(bounds[-1] + r.uniform(lo, hi), 3))
    return bounds


def _random_issues(r: random.Random, slug: str, chunky: bool, replay_type: str) -> list[Issue]:
    """The issues a random replay of `slug` runs into."""
    issues: list[Issue] = [ISSUE_BY_KEY["chunk"]] if chunky else []
    if r.random() < 0.3 or (replay_type == "buffer" and not issues):
        pages = APPS[slug]
        others = [x for x in ISSUES if x.key not in ("chunk", "total")]
        issues.append(r.choice([x for x in others if x.page is None or x.page in pages]))
    if slug == "checkout" and r.random() < 0.2:
        issues.append(ISSUE_BY_KEY["total"])
    return issues
