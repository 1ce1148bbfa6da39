"""replay_events, the player's feed: a web replay's DOM events page by page, as recorded
less what would load something, until the cursor runs out."""

from __future__ import annotations

import json
from collections.abc import Callable
from itertools import pairwise
from typing import Any

import pytest
from mcp import Client
from mcp.server.mcpserver import MCPServer

from sentry_replays_mcp.server.demo import DemoSentry
from sentry_replays_mcp.tools.kit.view_events import MAX_CALL_BYTES, SEGMENTS_PER_CALL
from tests.conftest import build_for, text_of
from tests.view.apps_client import ShowsApps
from tests.view.conftest import CHECKOUT

pytestmark = pytest.mark.anyio
Build = Callable[..., MCPServer[Any]]
LOADING = ('"src"', '"srcset"', '"href"', "url(http", "@import")


async def every_page(client: Client, replay_id: str, bound: int = 60) -> list[dict[str, Any]]:
    pages: list[dict[str, Any]] = []
    cursor = None
    for _ in range(bound):
        arguments = {"replay_id": replay_id, "cursor": cursor}
        result = await client.call_tool("replay_events", arguments)
        assert not result.is_error, text_of(result)
        assert result.structured_content is not None
        pages.append(result.structured_content)
        cursor = result.structured_content.get("next_cursor")
        if cursor is None:
            return pages
    raise AssertionError(f"the cursor did not run out in {bound} pages")


async def test_the_checkout_replay_plays_from_its_snapshot(server_for: Build):
    async with Client(server_for(), extensions=[ShowsApps()]) as client:
        (page,) = await every_page(client, CHECKOUT)
    events = json.loads(page["events_json"])
    assert page["segments"] == "0–8" and page["segments_total"] == 9
    assert page["events"] == len(events)
    types = [event["type"] for event in events]
    assert types[:2] == [4, 2]  # rrweb: Meta, then the FullSnapshot the player starts from
    assert set(types) <= {0, 1, 2, 3, 4} and types.count(3) > 100
    assert page["left_out"] > 0  # the breadcrumbs and spans: the timeline has them
    played = json.dumps([e for e in events if e["type"] != 4])  # Meta's href is not loaded
    assert not any(word in played for word in LOADING)


async def test_a_long_replay_is_read_segment_by_segment_exactly_once(server_for: Build):
    demo = DemoSentry()
    replay_id = demo.add_long_replay(35, 1_500_000)
    async with Client(build_for(demo), extensions=[ShowsApps()]) as client:
        pages = await every_page(client, replay_id)
    assert SEGMENTS_PER_CALL == 10
    assert [p["segments"] for p in pages] == ["0–9", "10–19", "20–29", "30–34"]
    events = [json.dumps(e, sort_keys=True) for p in pages for e in json.loads(p["events_json"])]
    assert events and len(events) == len(set(events))  # no segment read twice


async def test_a_call_stops_at_whole_segments_near_its_size_and_the_next_goes_on():
    """Ten segments of about 1 MB each would make a 10 MB answer, serialised on the event
    loop: a call stops after about MAX_CALL_BYTES and its cursor starts the next call at the
    next segment."""
    demo = DemoSentry()
    replay_id = demo.add_long_replay(20, 20_000_000)
    async with Client(build_for(demo), extensions=[ShowsApps()]) as client:
        pages = await every_page(client, replay_id)
    sizes = [len(p["events_json"]) for p in pages]
    assert len(pages) > 2 and max(sizes) < 2 * MAX_CALL_BYTES, sizes
    ranges = [[int(n) for n in p["segments"].split("–")] for p in pages]
    assert ranges[0][0] == 0 and ranges[-1][1] == 19
    assert all(b[0] == a[1] + 1 for a, b in pairwise(ranges))  # each segment exactly once
    assert sum(p["events"] for p in pages) == sum(len(json.loads(p["events_json"])) for p in pages)


async def test_an_archived_replay_has_nothing_to_play(server_for: Build, view_demo: DemoSentry):
    async with Client(server_for(), extensions=[ShowsApps()]) as client:
        result = await client.call_tool(
            "replay_events", {"replay_id": view_demo.archived_replay_id}
        )
    assert result.is_error
    assert text_of(result).endswith(
        f"Replay {view_demo.archived_replay_id} is archived: it has no recording to play."
    )
