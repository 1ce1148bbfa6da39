"""From an issue to its replays: list_replays(issue_id=…), list_replays(replay_ids=…) and
count_replays, through a real MCP client against the demo in both dialects.

The demo answers replay-count as getsentry/sentry src/sentry/replays/usecases/replay_counts.py
does: `returnIds=true` gives `{issue id: [replay ids]}` (at most 51), error issues are found
with `data_source=discover`, issue-platform (performance) issues only with `search_issues`.
The seed spec's replay-count has neither `returnIds` nor `data_source`.
"""

from __future__ import annotations

import ast
import re

import pytest
from mcp import Client

from sentry_replays_mcp.server.demo import DemoSentry
from tests.conftest import text_of

pytestmark = pytest.mark.anyio
HEX = re.compile(r"^([0-9a-f]{32}),", re.M)


def linked_to(demo: DemoSentry, issue: str) -> set[str]:
    """The demo's own record of the replays an issue was seen in (errors or occurrences)."""
    data = demo.data
    errors = {r.id for r in data.replays if any(data.error_issue[e] == issue for e in r.error_ids)}
    platform = {rid for rid, issues in data.occurrence_issues.items() if issue in issues}
    return (errors | platform) - data.deleted


def counts(demo: DemoSentry, path: str) -> list[str]:
    return [r.query for r in demo.requests if r.path.endswith(path)]


async def test_one_call_lists_the_replays_of_an_error_issue(mcp_server, demo: DemoSentry):
    issue = demo.story_issue_id
    async with Client(mcp_server) as client:
        result = await client.call_tool("list_replays", {"issue_id": int(issue), "limit": 100})
    text = text_of(result)
    assert not result.is_error, text
    listed = set(HEX.findall(text))
    if demo.dialect == "spec":
        # The seed's replay-count has no returnIds: the count is said, the listing refused.
        assert not listed and "counts only, not replay ids" in text
        assert f"Issue {issue}: {len(linked_to(demo, issue))} replays." in text
        return
    assert demo.story_replay_id in listed and listed == linked_to(demo, issue)
    assert "found in error events (data_source=discover)" in text
    info = result.structured_content["issues"]
    assert info == [{"issue_id": issue, "count": len(listed), "found_in": "discover"}]
    asked = counts(demo, "replay-count/")
    assert len(asked) == 1 and "returnIds=true" in asked[0] and "data_source=discover" in asked[0]


async def test_one_call_lists_the_replays_of_a_performance_issue(mcp_server, demo: DemoSentry):
    issue = demo.performance_issue_id
    expected = linked_to(demo, issue)
    assert 1 < len(expected) < 51
    async with Client(mcp_server) as client:
        result = await client.call_tool("list_replays", {"issue_id": issue, "limit": 100})
    text = text_of(result)
    assert not result.is_error, text
    if demo.dialect == "spec":
        assert "counts only, not replay ids" in text and not HEX.findall(text)
        return
    assert set(HEX.findall(text)) == expected
    assert "found in the issue platform (data_source=search_issues)" in text
    sources = [re.search(r"data_source=(\w+)", q)[1] for q in counts(demo, "replay-count/")]
    assert sources == ["discover", "search_issues"]  # the error events found nothing


async def test_issues_with_their_replays_sorted_and_paged(mcp_server, demo: DemoSentry):
    issues = [demo.performance_issue_id, demo.story_issue_id]
    args = {"issue_id": issues, "sort": "-duration", "limit": 5}
    async with Client(mcp_server) as client:
        first = await client.call_tool("list_replays", args)
        cursor = (first.structured_content or {}).get("next_cursor")
        second = await client.call_tool("list_replays", {**args, "cursor": cursor or "0:5:0"})
    if demo.dialect == "spec":
        assert "counts only" in text_of(first)
        return
    rows = first.structured_content["replays"] + second.structured_content["replays"]
    durations = [row["duration_seconds"] for row in rows]
    assert cursor and durations == sorted(durations, reverse=True) and len(rows) == 10
    expected = linked_to(demo, issues[0]) | linked_to(demo, issues[1])
    assert {row["id"] for row in rows} <= expected


async def test_an_issue_without_replays_says_where_it_looked(mcp_server, demo: DemoSentry):
    async with Client(mcp_server) as client:
        result = await client.call_tool("list_replays", {"issue_id": "4711"})
    text = text_of(result)
    assert not result.is_error and "Issue 4711: no linked replays in the last 90d" in text
    assert "error events and the issue platform" in text


async def test_replays_by_id_in_both_dialects(mcp_server, demo: DemoSentry):
    wanted = [demo.story_replay_id, demo.empty_replay_id]
    dashed = (
        f"{wanted[1][:8]}-{wanted[1][8:12]}-{wanted[1][12:16]}-{wanted[1][16:20]}-{wanted[1][20:]}"
    )
    async with Client(mcp_server) as client:
        result = await client.call_tool("list_replays", {"replay_ids": [wanted[0], dashed.upper()]})
    assert not result.is_error, text_of(result)
    assert set(HEX.findall(text_of(result))) == set(wanted)
    assert [r for r in demo.requests if "replay-count" in r.path] == []


@pytest.mark.parametrize(
    ("args", "said"),
    [
        ({"issue_id": "WEB-1A"}, "Invalid issue_id 'WEB-1A': use the numeric issue id"),
        ({"issue_id": 0}, "Invalid issue_id 0"),
        ({"issue_id": [1, 2, 3, 4, 5, 6]}, "issue_id has 6 ids: give at most 5."),
        ({"issue_id": []}, "issue_id is empty"),
        ({"issue_id": 4711, "replay_ids": ["ab" * 16]}, "Give issue_id or replay_ids, not both."),
        ({"replay_ids": ["not-a-replay"]}, "not-a-replay"),
        ({"issue_id": 4711, "start": "2026-01-01T00:00:00Z"}, "Give both start and end"),
    ],
)
async def test_bad_issue_and_replay_ids_are_refused_before_any_request(
    mcp_server, demo: DemoSentry, args: dict[str, object], said: str
):
    async with Client(mcp_server) as client:
        result = await client.call_tool("list_replays", args)
    text = text_of(result)
    assert result.is_error and said in text and "Traceback" not in text
    assert demo.requests == []


async def test_count_replays_says_what_sentry_said_and_where(mcp_server, demo: DemoSentry):
    perf, story = demo.performance_issue_id, demo.story_issue_id
    chunk = "5102938472"  # the demo's issue with more than 51 replays
    async with Client(mcp_server) as client:
        result = await client.call_tool(
            "count_replays", {"issue_ids": [int(perf), int(story), int(chunk)]}
        )
    text = text_of(result)
    assert not result.is_error, text
    rows = {row["key"]: row for row in result.structured_content["counts"]}
    assert rows[perf]["count"] == len(linked_to(demo, perf))
    assert f"issue {story}: {len(linked_to(demo, story))} replays" in text
    assert rows[chunk]["count"] == 51 and rows[chunk]["at_least"] and "50+" in text
    assert "50+" not in text.split(f"issue {chunk}")[0]  # exact numbers below the cap
    if demo.dialect == "sentry":
        assert rows[perf]["found_in"] == "search_issues" and rows[story]["found_in"] == "discover"
        assert "data_source=events" not in " ".join(counts(demo, "replay-count/"))
    else:
        assert "counts only" in text and "Next:" not in text


async def test_count_replays_prints_an_uncapped_count_as_it_is(mcp_server, demo: DemoSentry):
    demo.faults.add(path=r"replay-count/$", status=200, body={"4711": 56}, times=None)
    async with Client(mcp_server) as client:
        result = await client.call_tool("count_replays", {"issue_ids": [4711]})
    assert "issue 4711: 56 replays" in text_of(result)
    assert result.structured_content["counts"][0] == {"key": "4711", "count": 56, "at_least": False}


def parse_call(hint: str) -> tuple[str, dict[str, object]]:
    """`list_replays(issue_id=4711, organization="acme")` → its name and arguments."""
    node = ast.parse(hint.replace("=true", "=True").replace("=false", "=False"), mode="eval")
    call = node.body
    assert isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
    return call.func.id, {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg}


@pytest.mark.parametrize(
    "args",
    [
        {"issue_ids": "perf"},
        {"issue_ids": "story"},
        {"transactions": ["/checkout"], "return_ids": True},
        {"replay_ids": "story replay"},
    ],
)
async def test_the_next_call_of_count_replays_runs_and_lists_them(
    mcp_server, demo: DemoSentry, args: dict[str, object]
):
    named = {
        "perf": [int(demo.performance_issue_id)],
        "story": [int(demo.story_issue_id)],
        "story replay": [demo.story_replay_id],
    }
    args = {k: named.get(v, v) if isinstance(v, str) else v for k, v in args.items()}
    async with Client(mcp_server) as client:
        counted = await client.call_tool("count_replays", args)
        text = text_of(counted)
        hint = re.search(r"^Next: (\w+\(.*?\))(?: \(|$)", text, re.M)
        if demo.dialect == "spec" and "replay_ids" not in args:
            assert hint is None and "counts only" in text
            return
        assert hint, text
        name, call_args = parse_call(hint[1])
        listed = await client.call_tool(name, call_args)
    assert name == "list_replays" and not listed.is_error, text_of(listed)
    ids = {row["id"] for row in listed.structured_content["replays"]}
    total = sum(row["count"] for row in counted.structured_content["counts"])
    assert ids and len(ids) == min(total, 10 if "transactions" in args else 20)
    if "issue_ids" in args:
        assert ids <= linked_to(demo, str(args["issue_ids"][0]))  # type: ignore[index]


async def test_count_replays_gives_the_ids_when_asked(mcp_server, demo: DemoSentry):
    issue = demo.performance_issue_id
    async with Client(mcp_server) as client:
        plain = await client.call_tool("count_replays", {"issue_ids": [int(issue)]})
        with_ids = await client.call_tool(
            "count_replays", {"issue_ids": [int(issue)], "return_ids": True}
        )
    assert "replay_ids" not in plain.structured_content["counts"][0]
    row = with_ids.structured_content["counts"][0]
    if demo.dialect == "spec":
        assert "replay_ids" not in row and "counts only" in text_of(with_ids)
        return
    assert set(row["replay_ids"]) == linked_to(demo, issue)
    assert "more (in the structured result)" in text_of(with_ids)
