"""list_replays, get_replay and count_replays through a real MCP client, in both dialects."""

from __future__ import annotations

import json
import re

import pytest
from mcp import Client

from sentry_replays_mcp.server.demo import DemoSentry
from tests.conftest import text_of

pytestmark = pytest.mark.anyio
HEX = re.compile(r"\b[0-9a-f]{32}\b")


async def test_list_replays_one_line_each_and_the_next_page(mcp_server, demo: DemoSentry):
    async with Client(mcp_server) as client:
        first = await client.call_tool("list_replays", {"limit": 10})
        assert not first.is_error, text_of(first)
        text = text_of(first)
        lines = [line for line in text.splitlines() if re.match(r"[0-9a-f]{32},", line)]
        assert len(lines) == 10
        data = first.structured_content
        assert [row["id"] for row in data["replays"]] == [HEX.search(line)[0] for line in lines]
        hint = next(line for line in text.splitlines() if line.startswith("More available"))
        assert data["next_cursor"] and f'"cursor": "{data["next_cursor"]}"' in hint
        assert "{" not in text.replace(hint, ""), "a summary, not a JSON dump"
        live = [row for row in data["replays"] if not row.get("archived")]
        assert all("started_at" in row and "duration_seconds" in row for row in live)
        assert re.search(r",\d+[mhd],(\d+m )?\d+s,", text)  # humanised: started ago, duration
        second = await client.call_tool(
            "list_replays", {"limit": 10, "cursor": data["next_cursor"]}
        )
        ids2 = {row["id"] for row in second.structured_content["replays"]}
        assert ids2 and ids2.isdisjoint({row["id"] for row in data["replays"]})


async def test_the_next_page_hint_is_a_call_that_keeps_every_argument(mcp_server, demo: DemoSentry):
    """The hint repeats the filters, sort and limit with the next cursor: run as written, it
    gives the next page of the same list."""
    asked = {
        "limit": 3,
        "environment": "production",
        "sort": "-duration",
        "query": "count_errors:>0",
    }
    async with Client(mcp_server) as client:
        first = await client.call_tool("list_replays", asked)
        text = text_of(first)
        (hint,) = [line for line in text.splitlines() if line.startswith("More available")]
        again = json.loads(hint.split("`", 2)[1])
        assert again == {**asked, "cursor": first.structured_content["next_cursor"]}
        second = await client.call_tool("list_replays", again)
    assert not second.is_error, text_of(second)
    rows = first.structured_content["replays"] + second.structured_content["replays"]
    assert len({row["id"] for row in rows}) == len(rows) > 3
    durations = [row["duration_seconds"] for row in rows]
    assert durations == sorted(durations, reverse=True)  # one list, in the order asked


async def test_list_replays_filters_reach_sentry(mcp_server, demo: DemoSentry):
    async with Client(mcp_server) as client:
        result = await client.call_tool(
            "list_replays",
            {
                "project": "checkout",
                "environment": "production",
                "sort": "-count_errors",
                "stats_period": "14d",
                "limit": 5,
            },
        )
    assert not result.is_error, text_of(result)
    query = demo.requests[-1].query
    assert "projectSlug=checkout" in query and "environment=production" in query
    assert "sort=-count_errors" in query and "statsPeriod=14d" in query


async def test_list_replays_at_the_maximum_stays_within_budget(mcp_server, demo: DemoSentry):
    async with Client(mcp_server) as client:
        result = await client.call_tool("list_replays", {"limit": 100, "detail": "full"})
    assert not result.is_error
    total = len(text_of(result)) + len(str(result.structured_content))
    assert total <= 40_000, total
    assert result.structured_content["replays"] and result.structured_content["next_cursor"]


async def test_get_replay_sections(mcp_server, demo: DemoSentry):
    async with Client(mcp_server) as client:
        result = await client.call_tool("get_replay", {"replay_id": demo.story_replay_id})
    text = text_of(result)
    assert not result.is_error, text
    assert text.startswith(("# Replay", "_Demo")) and "## Summary" in text
    assert "## Pages visited" in text
    data = result.structured_content
    assert data["id"] == demo.story_replay_id and data["counts"]["errors"] >= 1
    if demo.dialect == "sentry":  # the seed's Replay has no error ids
        assert "## Linked errors" in text and data["error_ids"]
    assert data["user"]["name"] and data["urls"]


async def test_get_replay_folds_a_screen_listed_once_per_segment(mcp_server, demo: DemoSentry):
    """Sentry lists a replay's URLs segment by segment: the Android replay's 22 entries are 5
    screens, each said once with how often it was listed (server/demo/mobile.py)."""
    (android,) = [r for r in demo.data.replays if r.platform == "android"]
    async with Client(mcp_server) as client:
        result = await client.call_tool("get_replay", {"replay_id": android.id})
    text = text_of(result)
    assert not result.is_error, text
    screens = [u for i, u in enumerate(android.urls) if i == 0 or android.urls[i - 1] != u]
    assert f"## Screens visited ({len(screens)}, {len(android.urls)} as Sentry lists them)" in text
    assert result.structured_content["urls"] == screens
    assert sum(result.structured_content["url_repeats"]) == len(android.urls)
    assert "## Pages visited" not in text and "times in a row" in text


async def test_get_replay_from_a_sentry_url(mcp_server, demo: DemoSentry):
    url = f"https://{demo.organization}.sentry.io/replays/{demo.story_replay_id}/"
    async with Client(mcp_server) as client:
        result = await client.call_tool("get_replay", {"replay_id": url, "organization": None})
    assert not result.is_error, text_of(result)
    assert result.structured_content["organization"] == demo.organization


async def test_unknown_replay_is_an_actionable_error(mcp_server, demo: DemoSentry):
    async with Client(mcp_server) as client:
        result = await client.call_tool("get_replay", {"replay_id": "0" * 31 + "1"})
    assert result.is_error
    assert "found no replay" in text_of(result) and "Traceback" not in text_of(result)


async def test_invalid_replay_id_makes_no_request(mcp_server, demo: DemoSentry):
    async with Client(mcp_server) as client:
        result = await client.call_tool("get_replay", {"replay_id": "../../admin"})
    assert result.is_error and "Invalid replay id" in text_of(result)
    assert demo.requests == []


async def test_counts_show_the_cap_as_50_plus(mcp_server, demo: DemoSentry):
    issues = sorted(demo.issue_ids)[:25]
    async with Client(mcp_server) as client:
        result = await client.call_tool("count_replays", {"issue_ids": [int(i) for i in issues]})
    text = text_of(result)
    assert not result.is_error, text
    assert "50+ replays" in text
    rows = result.structured_content["counts"]
    assert [row["key"] for row in rows] == issues
    assert any(row["at_least"] for row in rows)
    assert "issue.id:[" in demo.requests[-1].query.replace("%3A", ":").replace("%5B", "[")


async def test_counts_need_exactly_one_kind(mcp_server, demo: DemoSentry):
    async with Client(mcp_server) as client:
        result = await client.call_tool("count_replays", {"issue_ids": [1], "transactions": ["/a"]})
    assert result.is_error and "exactly one" in text_of(result)
    assert demo.requests == []
