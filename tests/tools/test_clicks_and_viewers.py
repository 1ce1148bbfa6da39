"""Selectors, clicked nodes and viewers through a real MCP client, in both dialects."""

from __future__ import annotations

import json

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


SELECTORS = r"replay-selectors/$"


def _selector(dom: str, dead: int | None, rage: int | None, project: str = "1") -> dict:
    """A `replay-selectors` row as sentry.io sends it (OAS `listOrganizationReplaySelectors`;
    getsentry/sentry src/sentry/replays/endpoints/organization_replay_selector_index.py)."""
    return {
        "dom_element": dom,
        "count_dead_clicks": dead,
        "count_rage_clicks": rage,
        "project_id": project,
        "element": {"tag": "button", "id": "", "class": [], "aria_label": "", "testid": ""},
    }


def _table(text: str) -> list[list[str]]:
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[1:]]


@pytest.mark.parametrize("dialect", ["sentry"])
async def test_selectors_the_server_did_not_sort_are_sorted_here(mcp_server, demo):
    unsorted = [_selector("a.one", 9, 0), _selector("a.two", 1, 4), _selector("a.three", 3, 2)]
    demo.faults.add(path=SELECTORS, status=200, body={"data": unsorted})
    async with Client(mcp_server) as client:
        result = await client.call_tool("list_selectors", {"sort": "-count_rage_clicks"})
    text = text_of(result)
    assert [row[1] for row in _table(text)] == ["`a.two`", "`a.three`", "`a.one`"]
    assert "sorted by -count_rage_clicks here: Sentry sent them unsorted" in text
    assert result.structured_content["sorted_here"] is True
    assert "'rage.selector:" in text and "dead.selector" not in text


@pytest.mark.parametrize("dialect", ["sentry"])
async def test_rows_of_one_selector_per_project_are_added_up(mcp_server, demo):
    rows = [
        _selector("a.top", 5, 0, "1"),
        _selector("a.spread", 4, 1, "1"),
        _selector("a.spread", 3, 0, "2"),
    ]
    demo.faults.add(path=SELECTORS, status=200, body={"data": rows})
    async with Client(mcp_server) as client:
        result = await client.call_tool("list_selectors", {})
    text = text_of(result)
    assert _table(text) == [["1", "`a.spread`", "7", "1"], ["2", "`a.top`", "5", "0"]]
    assert "added up" in text
    assert result.structured_content["selectors"][0]["project_ids"] == ["1", "2"]


@pytest.mark.parametrize("dialect", ["sentry"])
async def test_unknown_counts_are_not_zero(mcp_server, demo):
    demo.faults.add(path=SELECTORS, status=200, body={"data": [_selector("a.x", 2, None)]})
    async with Client(mcp_server) as client:
        text = text_of(await client.call_tool("list_selectors", {}))
    assert _table(text) == [["1", "`a.x`", "2", "–"]]
    assert "– means Sentry did not send this count: it is unknown, not zero." in text


async def test_selector_pages_go_on(mcp_server, demo: DemoSentry):
    """Page 2 ranks from 6, its hint repeats every argument, and its rows are the ones
    after page 1's in the same order."""
    first_args = {"sort": "-count_rage_clicks", "limit": 5, "stats_period": "90d"}
    async with Client(mcp_server) as client:
        first = await client.call_tool("list_selectors", first_args)
        hint = next(line for line in text_of(first).splitlines() if "More available" in line)
        again = json.loads(hint.split("`")[1])
        assert again == {**first_args, "cursor": first.structured_content["next_cursor"]}
        second = await client.call_tool("list_selectors", again)
    ranks = [row[0] for row in _table(text_of(second))]
    assert ranks == ["6", "7", "8", "9", "10"]
    assert [row["rank"] for row in second.structured_content["selectors"]] == list(range(6, 11))
    rage = [row.get("rage_clicks") or 0 for row in second.structured_content["selectors"]]
    assert rage == sorted(rage, reverse=True)
    shown = text_of(second)
    if "| project |" in shown:  # rows per project on a page: the project is shown
        assert "one selector can have a row per project" in shown


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


async def test_the_next_clicks_hint_is_a_call_that_runs(mcp_server, demo: DemoSentry):
    async with Client(mcp_server) as client:
        first = await client.call_tool(
            "list_clicked_nodes", {"replay_id": demo.story_replay_id, "limit": 2}
        )
        (hint,) = [line for line in text_of(first).splitlines() if line.startswith("More clicks")]
        again = json.loads(hint.split("`", 2)[1])
        assert again["replay_id"] == demo.story_replay_id and again["limit"] == 2
        second = await client.call_tool("list_clicked_nodes", again)
    assert not second.is_error, text_of(second)
    offsets = [c["offset_ms"] for r in (first, second) for c in r.structured_content["clicks"]]
    assert len(offsets) == 4 and offsets == sorted(offsets)  # the clicks that came next


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


# -- clicked nodes joined with the recording's click breadcrumbs -------------------------------

RECORDING = r"recording-segments/$"
CLICKS = r"clicks/$"


def _click_breadcrumb(node_id: int, tag: str, text: str, attributes: dict, at: float) -> dict:
    """A `ui.click` breadcrumb as the browser SDK writes it: `message` the CSS path, `data`
    the node id and the element (sentry-javascript
    packages/replay-internal/src/coreHandlers/handleDom.ts, getBaseDomBreadcrumb, with
    attributes from util/getAttributesToRecord.ts, where data-testid becomes testId)."""
    return {
        "type": 5,
        "timestamp": at * 1000,
        "data": {
            "tag": "breadcrumb",
            "payload": {
                "timestamp": at,
                "type": "default",
                "category": "ui.click",
                "message": f"body > form > {tag}",
                "data": {
                    "nodeId": node_id,
                    "node": {
                        "id": node_id,
                        "tagName": tag,
                        "textContent": text,
                        "attributes": attributes,
                    },
                },
            },
        },
    }


@pytest.mark.parametrize("dialect", ["sentry"])
async def test_clicked_nodes_name_their_elements_from_the_recording(mcp_server, demo):
    async with Client(mcp_server) as client:
        result = await client.call_tool(
            "list_clicked_nodes", {"replay_id": demo.story_replay_id, "limit": 10}
        )
    text = text_of(result)
    clicks = result.structured_content["clicks"]
    assert clicks and all(c.get("element") and c.get("selector") for c in clicks), clicks
    pay = next(c for c in clicks if "pay-now" in c["element"])
    assert pay["element"].startswith("button#pay-now") and pay["text"] == "Pay now"
    assert f"node {pay['node_id']} · `{pay['element']}` · `Pay now`" in text
    assert "without an element" not in text
    pages = [r for r in demo.requests if "recording-segments" in r.path]
    assert 1 <= len(pages) <= 3


@pytest.mark.parametrize("dialect", ["sentry"])
async def test_masked_text_and_missing_nodes_are_said(mcp_server, demo):
    start = 1_796_032_800.0  # the join is by node id; the time only has to be plausible
    clicks = [
        {"node_id": 7, "timestamp": "2026-11-30T10:00:05+00:00"},
        {"node_id": 8, "timestamp": "2026-11-30T10:00:09+00:00"},
    ]
    crumbs = [
        _click_breadcrumb(
            7, "BUTTON", "****", {"id": "pay", "class": "btn", "testId": "pay"}, start + 5
        )
    ]
    demo.faults.add(path=CLICKS, status=200, body={"data": clicks})
    demo.faults.add(path=RECORDING, status=200, body=[crumbs])
    async with Client(mcp_server) as client:
        result = await client.call_tool("list_clicked_nodes", {"replay_id": demo.story_replay_id})
    text = text_of(result)
    rows = result.structured_content["clicks"]
    assert rows[0]["element"] == 'button#pay.btn[data-testid="pay"]' and rows[0]["text_masked"]
    assert "text" not in rows[0] and "****" not in text and "(text masked)" in text
    assert "element" not in rows[1]
    assert result.structured_content["elements_note"] == (
        "1 click without an element: the recording's click breadcrumbs do not name their "
        "nodes (an SDK that does not record them, or a recording that is gone)."
    )


@pytest.mark.parametrize("dialect", ["sentry"])
async def test_a_recording_that_cannot_be_read_is_said(mcp_server, demo):
    demo.faults.add(path=RECORDING, status=500, body={"detail": "boom"}, times=None)
    async with Client(mcp_server) as client:
        result = await client.call_tool(
            "list_clicked_nodes", {"replay_id": demo.story_replay_id, "limit": 3}
        )
    text = text_of(result)
    assert not result.is_error, text
    assert "3 clicks without an element: the recording could not be read (Sentry failed" in text
    assert all("node " in line for line in text.splitlines()[1:4])
