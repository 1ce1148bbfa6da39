"""The demo's synthetic long replay: pagination, sizes, counts and well-formed events."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx2
import pytest

from sentry_replays_mcp.server.demo import DEMO_TOKEN, DemoSentry
from sentry_replays_mcp.server.demo.__main__ import long_replay_size
from tests.demo.sentry_api import BASE, LINK
from tests.e2e.program import stop

pytestmark = pytest.mark.anyio
SEGMENTS, TARGET = 150, 3_000_000
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def demo() -> DemoSentry:
    server = DemoSentry(now=NOW)
    server.add_long_replay(SEGMENTS, TARGET)
    return server


@pytest.fixture(scope="module")
def rid(demo: DemoSentry) -> str:
    (replay_id,) = demo.long_replays
    return replay_id


@pytest.fixture
async def api(demo: DemoSentry) -> AsyncIterator[httpx2.AsyncClient]:
    transport = httpx2.ASGITransport(app=demo.app)
    headers = {"Authorization": f"Bearer {DEMO_TOKEN}"}
    async with httpx2.AsyncClient(transport=transport, base_url=BASE, headers=headers) as client:
        yield client


def segments_url(rid: str) -> str:
    return f"projects/acme/web-frontend/replays/{rid}/recording-segments/"


def links(response: httpx2.Response) -> dict[str, tuple[str, bool, str]]:
    found = LINK.findall(response.headers["link"])
    return {rel: (url, results == "true", cursor) for url, rel, results, cursor in found}


async def all_pages(api: httpx2.AsyncClient, rid: str, **params: Any) -> list[httpx2.Response]:
    pages = [await api.get(segments_url(rid), params=params)]
    while links(pages[-1])["next"][1]:
        assert len(pages) < 50
        pages.append(await api.get(links(pages[-1])["next"][0]))
    return pages


@pytest.fixture(scope="module")
def recording(demo: DemoSentry, rid: str) -> list[list[dict[str, Any]]]:
    return [json.loads(body) for body in demo.long_replays[rid].segments]


def test_default_data_set_is_unchanged() -> None:
    plain = DemoSentry()
    assert plain.long_replays == {}
    assert len(plain.data.replays) == 162  # 160 web replays, one Android, one iOS
    other = DemoSentry()
    rid = other.add_long_replay(3, 50_000)
    assert other.add_long_replay(3, 50_000) == rid  # same arguments, same replay
    assert len(other.data.replays) == 163
    assert [r.id for r in other.data.replays[:162]] == [r.id for r in plain.data.replays]
    assert other.story_replay_id == plain.story_replay_id
    assert other.long_replay_id == plain.long_replay_id != rid


def test_recording_is_deterministic(demo: DemoSentry, rid: str) -> None:
    again = DemoSentry(now=NOW)  # the same clock: "now" is to the minute, which may turn
    assert again.add_long_replay(SEGMENTS, TARGET) == rid
    assert again.long_replays[rid].segments == demo.long_replays[rid].segments


async def test_pages_of_100_with_link(api: httpx2.AsyncClient, demo: DemoSentry, rid: str) -> None:
    pages = await all_pages(api, rid)
    assert [len(p.json()) for p in pages] == [100, 50]
    first, second = links(pages[0]), links(pages[1])
    assert first["previous"][1:] == (False, "0:0:1") and first["next"][1:] == (True, "0:100:0")
    assert second["previous"][1] and not second["next"][1]
    cached = demo.long_replays[rid].pages
    assert [p.content for p in pages] == [cached[(0, 100)], cached[(100, 50)]]
    assert pages[0].headers["content-type"] == "application/json"


async def test_other_page_sizes_match_the_cached_segments(
    api: httpx2.AsyncClient, demo: DemoSentry, rid: str
) -> None:
    pages = await all_pages(api, rid, per_page=40)
    assert [len(p.json()) for p in pages] == [40, 40, 40, 30]
    segments = [seg for page in pages for seg in page.json()]
    assert segments == [json.loads(b) for b in demo.long_replays[rid].segments]
    one = await api.get(segments_url(rid) + "7/", params={"download": "1"})
    assert one.content == demo.long_replays[rid].segments[7]


def test_sizes_are_about_the_target(demo: DemoSentry, rid: str) -> None:
    built = demo.long_replays[rid]
    assert abs(built.total_bytes - TARGET) < TARGET * 0.03
    sizes = [len(b) for b in built.segments]
    assert min(sizes) > 1_000 and max(sizes) < TARGET / 5


def test_small_targets_still_make_a_recording() -> None:
    demo = DemoSentry()
    built = demo.long_replays[demo.add_long_replay(2, 0)]
    assert len(built.segments) == 2 and all(json.loads(b) for b in built.segments)


async def test_replay_counts_match_the_recording(
    api: httpx2.AsyncClient, rid: str, recording: list[list[dict[str, Any]]]
) -> None:
    response = await api.get(f"organizations/acme/replays/{rid}/")
    replay = response.json()["data"]
    assert replay["count_segments"] == SEGMENTS == len(recording)
    crumbs = Counter()
    spans = Counter()
    dead = rage = metas = 0
    for event in (e for seg in recording for e in seg):
        if event["type"] == 4:
            metas += 1
        if event["type"] != 5:
            continue
        tag, payload = event["data"]["tag"], event["data"]["payload"]
        if tag == "breadcrumb":
            category = payload["category"]
            crumbs[category if category != "console" else payload["level"]] += 1
            if category == "ui.slowClickDetected":
                data = payload["data"]
                is_dead = data["endReason"] == "timeout" and data["timeAfterClickMs"] >= 7000
                dead += is_dead and data["node"]["tagName"] in ("a", "button", "input")
                rage += is_dead and data["clickCount"] >= 5
        elif tag == "performanceSpan":
            spans[payload["op"]] += 1
    assert crumbs["ui.click"] == len(replay["clicks"]) > 20  # one ui.click for a whole burst
    assert crumbs["error"] == replay["count_errors"] == len(replay["error_ids"]) >= 3
    assert crumbs["warning"] == replay["count_warnings"] >= 2
    assert crumbs["info"] == replay["count_infos"]
    assert dead == replay["count_dead_clicks"] >= 1
    assert rage == replay["count_rage_clicks"] >= 1
    assert spans["navigation.navigate"] + spans["navigation.push"] == replay["count_urls"]
    assert metas == spans["navigation.navigate"] >= 5  # every page load snapshots the big DOM
    assert spans["memory"] == SEGMENTS
    assert spans["web-vital"] >= 2
    started = datetime.fromisoformat(replay["started_at"]).timestamp()
    finished = datetime.fromisoformat(replay["finished_at"]).timestamp()
    assert abs(finished - started - replay["duration"]) <= 1
    last = max(seconds(e) for e in recording[-1])
    assert started <= min(seconds(e) for e in recording[0]) and last <= finished + 1


def in_seconds(event: dict[str, Any]) -> bool:
    """Spans, and the replay.mutations breadcrumb, carry their outer timestamp in seconds
    (getsentry/sentry-javascript packages/replay-internal/src/util/createPerformanceSpans.ts;
    packages/replay-internal/src/replay.ts, `_createCustomBreadcrumb`)."""
    if event["type"] != 5:
        return False
    data = event["data"]
    return data["tag"] == "performanceSpan" or data["payload"].get("category") == "replay.mutations"


def seconds(event: dict[str, Any]) -> float:
    return float(event["timestamp"]) if in_seconds(event) else event["timestamp"] / 1000


def test_events_are_well_formed_with_the_right_units(
    recording: list[list[dict[str, Any]]],
) -> None:
    kinds: Counter[str] = Counter()
    failing = slow = 0
    for number, segment in enumerate(recording):
        times = [seconds(e) for e in segment]
        assert times == sorted(times), number
        for event in segment:
            assert set(event) == {"type", "timestamp", "data"}
            kind = event["type"]
            if kind != 5:
                assert isinstance(event["timestamp"], int) and event["timestamp"] > 1e12
                kinds[f"{kind}/{event['data'].get('source', '')}"] += 1
                continue
            payload = event["data"]["payload"]
            if event["data"]["tag"] == "breadcrumb" and in_seconds(event):
                assert event["timestamp"] == payload["timestamp"] < 1e11
            elif event["data"]["tag"] == "breadcrumb":
                assert event["timestamp"] > 1e12 and payload["timestamp"] < 1e11
                assert abs(payload["timestamp"] - event["timestamp"] / 1000) < 0.002
            elif event["data"]["tag"] == "performanceSpan":
                assert isinstance(event["timestamp"], float) and event["timestamp"] < 1e11
                assert payload["startTimestamp"] <= payload["endTimestamp"] < 1e11
                status = payload["data"].get("statusCode") or 0
                failing += payload["op"].startswith("resource.") and status >= 400
                long = payload["endTimestamp"] - payload["startTimestamp"] >= 3
                slow += payload["op"] == "resource.fetch" and long
    assert kinds["2/"] >= 5  # full snapshots
    assert kinds["3/1"] > 1_000 and kinds["3/0"] > 500 and kinds["3/3"] > 100  # moves, mutations
    assert kinds["3/5"] > 50  # keystrokes
    assert failing >= 5 and slow >= 3


def test_big_snapshots_hold_the_rail(recording: list[list[dict[str, Any]]]) -> None:
    snapshots = [e for seg in recording for e in seg if e["type"] == 2]
    sizes = [len(json.dumps(e)) for e in snapshots]
    assert min(sizes) > 2.5 * TARGET / SEGMENTS * 0.8
    ids: set[int] = set()

    def walk(node: dict[str, Any]) -> None:
        assert node["id"] not in ids
        ids.add(node["id"])
        for child in node.get("childNodes", []):
            walk(child)

    walk(snapshots[0]["data"]["node"])
    assert 20_000 in ids and 19_990 in ids  # the rail and its stylesheet


def test_console_script_option() -> None:
    assert long_replay_size("320:32") == (320, 32_000_000)
    assert long_replay_size("30:2.5") == (30, 2_500_000)
    for bad in ("320", "x:1", "0:1", "5:-1"):
        with pytest.raises(Exception, match="SEGMENTS:MEGABYTES"):
            long_replay_size(bad)


def test_console_script_announces_the_long_replay() -> None:
    command = [
        sys.executable,
        "-m",
        "sentry_replays_mcp.server.demo",
        "--port",
        "0",
        "--long-replay",
        "4:0.2",
    ]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        rid = info["long_replay_id"]
        headers = {"Authorization": f"Bearer {info['token']}"}
        url = info["base_url"] + segments_url(rid)
        response = httpx2.get(url, headers=headers, timeout=10)
        assert response.status_code == 200 and len(response.json()) == 4
    finally:
        stop(proc, 10)
