"""Recording segments summarised through a real MCP client, in both dialects."""

from __future__ import annotations

import re

import pytest
from mcp import Client

from sentry_replays_mcp.server.demo import DemoSentry
from tests.conftest import text_of

pytestmark = pytest.mark.anyio
OFFSET = re.compile(r"\+(\d+):(\d\d)")


def seconds(offset: str) -> int:
    minutes, secs = OFFSET.match(offset).groups()  # type: ignore[union-attr]
    return int(minutes) * 60 + int(secs)


async def test_the_story_in_order(mcp_server, demo: DemoSentry):
    async with Client(mcp_server) as client:
        listing = await client.call_tool(
            "list_recording_segments", {"replay_id": demo.story_replay_id}
        )
        text = text_of(listing)
        assert not listing.is_error, text
        assert "[[" not in text and '"type"' not in text, "never raw rrweb"
        data = listing.structured_content
        if demo.dialect == "spec":
            assert data["events_available"] is False and data["segments"]
            return
        assert data["project"] == "4505321021243393" or data["project"] == "checkout"
        story = next(
            s for s in data["segments"] if any("Pay now" in n for n in s.get("notable", []))
        )
        detail = await client.call_tool(
            "get_recording_segment",
            {"replay_id": demo.story_replay_id, "segment_id": story["segment_id"]},
        )
    moments = detail.structured_content["notable"]
    wanted = ["Pay now", "/api/orders", "TypeError", "rage click"]
    found = [next(i for i, m in enumerate(moments) if w in m) for w in wanted]
    assert found == sorted(found), moments
    pay, post = moments[found[0]], moments[found[1]]
    assert "POST" in post and "500" in post
    assert seconds(pay) <= seconds(post) and seconds(pay) > 0


async def test_segment_pages_and_the_cursor(mcp_server, demo: DemoSentry):
    async with Client(mcp_server) as client:
        listed = await client.call_tool("list_replays", {"limit": 100, "stats_period": "90d"})
        rows = listed.structured_content["replays"]
        cursor = listed.structured_content.get("next_cursor")
        while cursor:
            more = await client.call_tool(
                "list_replays", {"limit": 100, "stats_period": "90d", "cursor": cursor}
            )
            rows += more.structured_content["replays"]
            cursor = more.structured_content.get("next_cursor")
        longest = max(rows, key=lambda row: row.get("count_segments") or 0)
        if not longest.get("count_segments"):  # summary rows carry no segment count
            full = await client.call_tool(
                "list_replays", {"limit": 100, "stats_period": "90d", "detail": "full"}
            )
            longest = max(
                full.structured_content["replays"], key=lambda row: row.get("count_segments") or 0
            )
        first = await client.call_tool(
            "list_recording_segments", {"replay_id": longest["id"], "limit": 100}
        )
        assert not first.is_error, text_of(first)
        page = first.structured_content
        assert page["next_cursor"], "more than one page"
        second = await client.call_tool(
            "list_recording_segments",
            {"replay_id": longest["id"], "limit": 100, "cursor": page["next_cursor"]},
        )
    numbers = [s["segment_id"] for s in page["segments"] + second.structured_content["segments"]]
    assert numbers == list(range(len(numbers)))
    assert len(text_of(first)) + len(str(page)) <= 40_000


async def test_archived_replay_has_no_recording(mcp_server, demo: DemoSentry):
    if demo.dialect == "spec":
        pytest.skip("the seed has no archived replays")
    async with Client(mcp_server) as client:
        result = await client.call_tool(
            "list_recording_segments", {"replay_id": demo.archived_replay_id}
        )
    assert not result.is_error and "deleted" in text_of(result)


async def test_replay_without_segments(mcp_server, demo: DemoSentry):
    async with Client(mcp_server) as client:
        result = await client.call_tool(
            "list_recording_segments", {"replay_id": demo.empty_replay_id}
        )
    assert not result.is_error, text_of(result)
    assert result.structured_content["segments"] == []
    assert "No recording segments" in text_of(result)


async def test_a_replay_just_read_is_not_fetched_again(mcp_server, demo: DemoSentry):
    async with Client(mcp_server) as client:
        await client.call_tool("get_replay", {"replay_id": demo.story_replay_id})
        before = len(demo.requests)
        result = await client.call_tool(
            "list_recording_segments", {"replay_id": demo.story_replay_id}
        )
    assert not result.is_error, text_of(result)
    paths = [r.path for r in demo.requests[before:]]
    assert len(paths) == 1 and "recording-segments" in paths[0], paths


def test_recent_replays_expire_and_are_bounded():
    from sentry_replays_mcp.tools.api.models import Replay
    from sentry_replays_mcp.tools.kit.state import RECENT_MAX, RecentReplays

    now = [0.0]
    recent = RecentReplays(clock=lambda: now[0])
    replay = Replay(id="a" * 32)
    recent.put("acme", replay)
    assert recent.get("acme", "a" * 32) is replay and recent.get("other", "a" * 32) is None
    now[0] = 61.0
    assert recent.get("acme", "a" * 32) is None
    for n in range(RECENT_MAX + 10):
        recent.put("acme", Replay(id=f"{n:032x}"))
    assert recent.get("acme", f"{0:032x}") is None and recent.get("acme", f"{RECENT_MAX + 9:032x}")
