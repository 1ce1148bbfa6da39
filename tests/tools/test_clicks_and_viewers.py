"""Selectors, clicked nodes and viewers through a real MCP client, in both dialects."""

from __future__ import annotations

import pytest
from mcp import Client

from sentry_replays_mcp.server.demo import DemoSentry
from tests.conftest import text_of

pytestmark = pytest.mark.anyio


async def test_selectors_table(mcp_server, demo: DemoSentry):
    async with Client(mcp_server) as client:
        result = await client.call_tool("list_selectors", {"limit": 10, "stats_period": "90d"})
    text = text_of(result)
    assert not result.is_error, text
    assert "| # | selector | dead | rage |" in text
    rows = result.structured_content["selectors"]
    assert rows and all(row["selector"] for row in rows)
    assert any(row.get("dead_clicks") for row in rows)
    assert sum(1 for line in text.splitlines() if line.startswith("| ") and "---" not in line) == (
        len(rows) + 1
    )


async def test_clicks_with_offsets(mcp_server, demo: DemoSentry):
    async with Client(mcp_server) as client:
        result = await client.call_tool("list_clicked_nodes", {"replay_id": demo.story_replay_id})
    text = text_of(result)
    assert not result.is_error, text
    clicks = result.structured_content["clicks"]
    assert clicks and all(c.get("node_id") is not None for c in clicks)
    offsets = [c["offset_ms"] for c in clicks]
    assert offsets == sorted(offsets) and offsets[0] >= 0
    assert "- +0:" in text or "- +1:" in text


async def test_viewers(mcp_server, demo: DemoSentry):
    async with Client(mcp_server) as client:
        result = await client.call_tool("list_replay_viewers", {"replay_id": demo.story_replay_id})
    text = text_of(result)
    assert not result.is_error, text
    viewers = result.structured_content["viewers"]
    assert "viewed replay" in text
    assert all(v.get("name") or v.get("id") for v in viewers)


async def test_viewers_need_event_read(demo: DemoSentry):
    from tests.conftest import build_for

    server = build_for(demo)
    async with Client(server) as client:
        demo.faults.add(
            path=r"viewed-by/$",
            status=403,
            body={"detail": "You do not have permission to perform this action."},
        )
        result = await client.call_tool("list_replay_viewers", {"replay_id": demo.story_replay_id})
    assert result.is_error and "event:read" in text_of(result)
