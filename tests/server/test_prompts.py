"""The prompts as a client sees them, through the SDK client in both protocol eras: listed
with titles and described arguments, rendered into a concrete plan (golden texts in
golden_prompts/), and refused with the tools' one sentence before any request."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from mcp import Client, MCPError
from mcp.types import INVALID_PARAMS

from sentry_replays_mcp.server.demo import DemoSentry
from tests.server.features_setup import server_for, upstream

pytestmark = pytest.mark.anyio
GOLDEN = Path(__file__).parent / "golden_prompts"
ISSUE = "5102938471"
REPLAY = "cbbda8389eee4da3b0c1e7feeaf5b7a7"
CALLS = {
    "investigate_issue": {"issue_id": ISSUE},
    "triage_frustration": {"project": "checkout", "stats_period": "7d"},
    "explain_replay": {"replay": f"https://acme.sentry.io/replays/{REPLAY}/"},
}


def matches_golden(name: str, text: str) -> None:
    path = GOLDEN / f"{name}.md"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden prompt for {name}: run with UPDATE_GOLDEN=1 and review it"
    assert text == path.read_text(encoding="utf-8")


async def test_the_prompts_are_listed_with_titles_and_described_arguments(client: Client):
    prompts = {p.name: p for p in (await client.list_prompts()).prompts}
    assert list(prompts) == list(CALLS)
    arguments = {
        name: {a.name: a.required for a in p.arguments or []} for name, p in prompts.items()
    }
    assert arguments == {
        "investigate_issue": {"issue_id": True, "organization": False},
        "triage_frustration": {"project": False, "stats_period": False, "organization": False},
        "explain_replay": {"replay": True, "organization": False},
    }
    for prompt in prompts.values():
        assert prompt.title and prompt.description
        assert all(a.description for a in prompt.arguments or [])


@pytest.mark.parametrize("name", list(CALLS))
async def test_golden_prompt(client: Client, fixed_demo: DemoSentry, name: str):
    result = await client.get_prompt(name, CALLS[name])
    assert [m.role for m in result.messages] == ["user"]
    content = result.messages[0].content
    assert content.type == "text"
    matches_golden(name, content.text + "\n")
    assert upstream(fixed_demo) == []  # a prompt is a plan: nothing is asked of Sentry


async def test_a_prompt_names_the_tools_and_the_checked_arguments(client: Client):
    issue = (await client.get_prompt("investigate_issue", {"issue_id": f" {ISSUE}"})).messages
    text = issue[0].content.text  # type: ignore[union-attr]
    assert f'list_replays with issue_id={ISSUE}, organization="acme"' in text
    assert "summarize_replay" in text
    dashed = "cbbda838-9eee-4da3-b0c1-e7feeaf5b7a7"
    explain = await client.get_prompt(
        "explain_replay", {"replay": dashed, "organization": "acme-eu"}
    )
    text = explain.messages[0].content.text  # type: ignore[union-attr]
    assert f'get_replay with replay_id="{REPLAY}" and organization="acme-eu"' in text
    triage = await client.get_prompt("triage_frustration", {})
    text = triage.messages[0].content.text  # type: ignore[union-attr]
    assert 'sort="-count_rage_clicks"' in text and 'stats_period="14d"' in text
    assert "project=" not in text and "rage.selector" in text and "dead.selector" in text


@pytest.mark.parametrize(
    ("name", "arguments", "sentence"),
    [
        ("investigate_issue", {"issue_id": "WEB-1A"}, "Invalid issue_id 'WEB-1A': use the numeric"),
        (
            "investigate_issue",
            {"issue_id": "4711", "organization": "acme/.."},
            "Invalid organization",
        ),
        ("triage_frustration", {"project": "Web Frontend"}, "Invalid project 'Web Frontend'"),
        ("triage_frustration", {"stats_period": "2 weeks"}, "Invalid stats_period '2 weeks'"),
        ("explain_replay", {"replay": "not-a-replay"}, "Invalid replay id 'not-a-replay'"),
        ("explain_replay", {"replay": "https://example.com/x"}, "Invalid replay URL"),
        ("explain_replay", {}, "Prompt explain_replay needs replay."),
        ("summarize_everything", {}, "Unknown prompt 'summarize_everything': the prompts are"),
    ],
)
async def test_a_bad_argument_is_refused_with_one_sentence_before_any_request(
    client: Client, fixed_demo: DemoSentry, name: str, arguments: dict[str, str], sentence: str
):
    with pytest.raises(MCPError) as refused:
        await client.get_prompt(name, arguments)
    assert refused.value.code == INVALID_PARAMS
    message = refused.value.message
    assert message.startswith(sentence), message
    assert message.endswith(".") and "\n" not in message and "Traceback" not in message
    assert upstream(fixed_demo) == []


async def test_without_a_default_organization_the_prompt_asks_for_one(fixed_demo: DemoSentry):
    server = server_for(fixed_demo, organization=None)
    async with Client(server) as client:
        with pytest.raises(MCPError) as refused:
            await client.get_prompt("explain_replay", {"replay": REPLAY})
        assert refused.value.message.startswith("No organization given: pass organization")
        url = f"https://sentry.io/organizations/acme-eu/replays/{REPLAY}/"
        taken = await client.get_prompt("explain_replay", {"replay": url})
        assert 'organization="acme-eu"' in taken.messages[0].content.text  # type: ignore[union-attr]


async def test_the_plans_calls_work_as_written(client: Client, fixed_demo: DemoSentry):
    """The calls the prompts name, made with the arguments they give, answer on the demo:
    the issue's replays, the rage-click ranking and a replay for its worst selector."""
    assert fixed_demo.story_issue_id == ISSUE and fixed_demo.story_replay_id == REPLAY
    issue = await client.call_tool(
        "list_replays", {"issue_id": ISSUE, "organization": "acme", "limit": 10}
    )
    assert not issue.is_error and REPLAY in str(issue.structured_content)
    ranked = await client.call_tool(
        "list_selectors",
        {"organization": "acme", "stats_period": "14d", "sort": "-count_rage_clicks", "limit": 10},
    )
    assert not ranked.is_error
    worst = ranked.structured_content["selectors"][0]["selector"]  # type: ignore[index]
    watched = await client.call_tool(
        "list_replays",
        {
            "organization": "acme",
            "stats_period": "14d",
            "limit": 1,
            "query": f'rage.selector:"{worst}"',
        },
    )
    assert not watched.is_error
    assert len(watched.structured_content["replays"]) == 1  # type: ignore[index]
