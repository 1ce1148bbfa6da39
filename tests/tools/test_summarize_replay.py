"""summarize_replay through a real MCP client: the known story, progress, caps, edge cases."""

from __future__ import annotations

import re

import pytest
from mcp import Client

from sentry_replays_mcp.server.demo import DemoSentry
from sentry_replays_mcp.tools.recording import GROUPS
from tests.conftest import text_of
from tests.hardening.watch import pages
from tests.waiting import cancel_when

pytestmark = pytest.mark.anyio
OFFSET = re.compile(r"^\+(\d+):(\d\d)")


def seconds(line: str) -> int:
    minutes, secs = OFFSET.match(line).groups()  # type: ignore[union-attr]
    return int(minutes) * 60 + int(secs)


@pytest.fixture
def dialect() -> str:
    return "sentry"


async def test_the_story_in_order_with_offsets(mcp_server, demo: DemoSentry):
    async with Client(mcp_server) as client:
        result = await client.call_tool("summarize_replay", {"replay_id": demo.story_replay_id})
    text = text_of(result)
    assert not result.is_error, text
    timeline = text.split("## Timeline", 1)[1].split("##", 1)[0].splitlines()[1:]
    wanted = ["`Pay now`", "POST `/api/orders` → 500", "console error `TypeError", "rage click"]
    lines = [next(line for line in timeline if w in line) for w in wanted]
    assert [timeline.index(line) for line in lines] == sorted(timeline.index(x) for x in lines)
    offsets = [seconds(line) for line in lines]
    assert offsets == sorted(offsets) and offsets[0] > 60
    assert "## Evidence" in text and "Problems: " in text
    data = result.structured_content
    assert data["segments_read"] == data["segments_total"] > 1
    assert data["counts"]["rage_click"] == 1 and data["counts"]["request_failed"] >= 1
    window = data["evidence"][0]
    assert any("Pay now" in m["text"] for m in window["before"])


async def test_progress_is_reported(mcp_server, demo: DemoSentry):
    seen: list[tuple[float, float | None]] = []

    async def progress(value, total, message):
        seen.append((value, total))

    async with Client(mcp_server) as client:
        everything = await client.call_tool(
            "list_replays", {"limit": 100, "stats_period": "90d", "detail": "full"}
        )
        longest = max(
            everything.structured_content["replays"], key=lambda row: row.get("count_segments") or 0
        )
        result = await client.call_tool(
            "summarize_replay", {"replay_id": longest["id"]}, progress_callback=progress
        )
    assert not result.is_error, text_of(result)
    assert len(seen) >= 2 and seen[-1][0] == seen[-1][1] == longest["count_segments"]
    assert [value for value, _ in seen] == sorted(value for value, _ in seen)
    pages = [r for r in demo.requests if "recording-segments" in r.path]
    assert len(pages) == -(-longest["count_segments"] // 100)


async def test_long_replay_stays_within_budget_in_full_detail(mcp_server, demo: DemoSentry):
    async with Client(mcp_server) as client:
        everything = await client.call_tool(
            "list_replays", {"limit": 100, "stats_period": "90d", "detail": "full"}
        )
        longest = max(
            everything.structured_content["replays"], key=lambda row: row.get("count_segments") or 0
        )
        result = await client.call_tool(
            "summarize_replay",
            {
                "replay_id": longest["id"],
                "detail": "full",
                "kinds": list(GROUPS),
            },
        )
    assert not result.is_error
    assert len(text_of(result)) + len(str(result.structured_content)) <= 40_000


async def test_around_and_kinds_focus_the_timeline(mcp_server, demo: DemoSentry):
    async with Client(mcp_server) as client:
        full = await client.call_tool("summarize_replay", {"replay_id": demo.story_replay_id})
        failed = next(m for m in full.structured_content["timeline"] if "/api/orders" in m["text"])
        focused = await client.call_tool(
            "summarize_replay",
            {
                "replay_id": demo.story_replay_id,
                "around": failed["offset"],
                "window_seconds": 3,
                "kinds": ["network"],
            },
        )
    moments = focused.structured_content["timeline"]
    assert moments and all(m["kind"].startswith("request") for m in moments)
    assert all(abs(m["offset_ms"] - failed["offset_ms"]) <= 3_000 for m in moments)


async def test_archived_and_empty_replays_say_so(mcp_server, demo: DemoSentry):
    async with Client(mcp_server) as client:
        archived = await client.call_tool(
            "summarize_replay", {"replay_id": demo.archived_replay_id}
        )
        empty = await client.call_tool("summarize_replay", {"replay_id": demo.empty_replay_id})
    assert not archived.is_error and "deleted (archived)" in text_of(archived)
    assert not empty.is_error and "no recording segments" in text_of(empty)
    assert not any(
        "recording-segments" in r.path and demo.archived_replay_id in r.path for r in demo.requests
    )


async def test_a_seed_server_sends_metadata_only(spec_demo: DemoSentry):
    from tests.conftest import build_for

    spec_demo.reset()
    async with Client(build_for(spec_demo)) as client:
        result = await client.call_tool(
            "summarize_replay", {"replay_id": spec_demo.story_replay_id}
        )
    assert not result.is_error, text_of(result)
    assert "metadata only" in text_of(result) and result.structured_content["metadata_only"]


async def test_bad_around_is_refused_before_any_request(mcp_server, demo: DemoSentry):
    async with Client(mcp_server) as client:
        result = await client.call_tool(
            "summarize_replay", {"replay_id": demo.story_replay_id, "around": "soon"}
        )
    assert result.is_error and "Invalid around" in text_of(result)
    assert demo.requests == []


async def test_a_failing_page_is_an_error_not_a_partial_story(mcp_server, demo: DemoSentry):
    demo.faults.add(path=r"recording-segments/$", status=500, times=None)
    async with Client(mcp_server) as client:
        result = await client.call_tool("summarize_replay", {"replay_id": demo.story_replay_id})
    assert result.is_error and "HTTP 500" in text_of(result)


async def test_cancelling_stops_the_upstream_work(mcp_server, demo: DemoSentry):
    import anyio

    demo.faults.add(
        path=r"recording-segments/$",
        delay=0.6,
        times=None,
        status=200,
        body=[[{"type": 4, "timestamp": 1, "data": {"href": "https://x/"}}]] * 100,
        headers={
            "Link": '<http://x/?cursor=0:100:0>; rel="next"; results="true"; cursor="0:100:0"'
        },
    )

    async with Client(mcp_server) as client:
        args = {"replay_id": demo.story_replay_id}
        asked = await cancel_when(
            lambda: pages(demo) >= 1, client.call_tool, "summarize_replay", args
        )
        started = pages(demo)
        await anyio.sleep(2.0)  # window: room for three more pages, had it gone on
        later = pages(demo)
    assert asked and 1 <= started <= 3
    assert later - started <= 1, "no new pages are fetched once the call is cancelled"


async def test_linked_errors_join_the_story(mcp_server, demo: DemoSentry):
    async with Client(mcp_server) as client:
        result = await client.call_tool("summarize_replay", {"replay_id": demo.story_replay_id})
    text = text_of(result)
    errors = result.structured_content["linked_errors"]
    assert errors and all(e["issue_id"] == str(demo.story_issue_id) for e in errors)
    assert all("TypeError" in e["title"] and e["offset_ms"] > 0 for e in errors)
    assert f"(issue {demo.story_issue_id})" in text.split("## Timeline", 1)[1]


async def test_linked_error_details_degrade_without_failing(mcp_server, demo: DemoSentry):
    demo.faults.add(path=r"replays-events-meta/$", status=403, times=None)
    async with Client(mcp_server) as client:
        result = await client.call_tool("summarize_replay", {"replay_id": demo.story_replay_id})
    assert not result.is_error
    assert "details unavailable (permission)" in text_of(result)
    assert [e["id"] for e in result.structured_content["linked_errors"]]


def test_the_kinds_argument_names_every_timeline_group():
    from typing import get_args

    from sentry_replays_mcp.tools.summarize_replay import Group

    assert set(get_args(Group)) == set(GROUPS)
