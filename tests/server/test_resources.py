"""The `sentry-replay://` resources through the SDK client in both protocol eras: listed with
names, titles and mime types; a replay's read is summarize_replay's text plus its facts as
JSON; the newest replays are list_replays' text; a bad or unknown one is one sentence."""

from __future__ import annotations

import json

import pytest
from mcp import Client, MCPError
from mcp.types import INTERNAL_ERROR, INVALID_PARAMS

from sentry_replays_mcp.server.demo import DemoSentry
from tests.conftest import text_of
from tests.server.features_setup import upstream

pytestmark = pytest.mark.anyio
REPLAY_TEMPLATE = "sentry-replay://{organization}/{replay_id}"
RECENT_TEMPLATE = "sentry-replay://{organization}/recent"


async def test_the_templates_and_the_default_organizations_newest_replays_are_listed(
    client: Client,
):
    templates = (await client.list_resource_templates()).resource_templates
    assert [t.uri_template for t in templates] == [RECENT_TEMPLATE, REPLAY_TEMPLATE]
    assert [t.name for t in templates] == ["recent_replays", "replay_summary"]
    assert all(t.title and t.description and t.mime_type == "text/markdown" for t in templates)
    listed = (await client.list_resources()).resources
    assert [(r.uri, r.mime_type) for r in listed] == [
        ("sentry-replay://acme/recent", "text/markdown")
    ]
    assert listed[0].title == "Newest replays of acme"


async def test_a_replay_reads_as_its_summary_and_its_facts(client: Client, fixed_demo: DemoSentry):
    replay = fixed_demo.story_replay_id
    uri = f"sentry-replay://acme/{replay}"
    read = await client.read_resource(uri)
    assert [(c.uri, c.mime_type) for c in read.contents] == [
        (uri, "text/markdown"),
        (uri, "application/json"),
    ]
    summary = await client.call_tool("summarize_replay", {"replay_id": replay})
    assert read.contents[0].text == text_of(summary)  # type: ignore[union-attr]
    assert read.contents[0].text.startswith(f"# What happened in replay {replay}")  # type: ignore[union-attr]
    facts = json.loads(read.contents[1].text)  # type: ignore[union-attr]
    assert facts == summary.structured_content
    assert facts["replay_id"] == replay and facts["linked_errors"]


async def test_the_newest_replays_read_as_list_replays_text(client: Client):
    read = await client.read_resource("sentry-replay://acme/recent")
    listed = await client.call_tool("list_replays", {"organization": "acme", "limit": 20})
    assert read.contents[0].mime_type == "text/markdown"
    assert read.contents[0].text == text_of(listed)  # type: ignore[union-attr]
    assert read.contents[0].text.startswith("20 replays (organization acme")  # type: ignore[union-attr]
    rows = json.loads(read.contents[1].text)["replays"]  # type: ignore[union-attr]
    assert len(rows) == 20


@pytest.mark.parametrize(
    ("uri", "code", "sentence", "asked"),
    [
        ("sentry-replay://acme/xyz", INVALID_PARAMS, "Invalid replay id 'xyz'", False),
        ("sentry-replay://-acme/recent", INVALID_PARAMS, "Invalid organization '-acme'", False),
        (
            "sentry-replay://acme/" + "0" * 32,
            INVALID_PARAMS,
            "Sentry found no replay 00000000000000000000000000000000",
            True,
        ),
        (
            "sentry-replay://nope/recent",
            INVALID_PARAMS,
            "Sentry does not know the organization",
            True,
        ),
        ("sentry-replay://acme", INVALID_PARAMS, "Unknown resource", False),
    ],
)
async def test_a_bad_or_unknown_resource_is_one_sentence(
    client: Client, fixed_demo: DemoSentry, uri: str, code: int, sentence: str, asked: bool
):
    with pytest.raises(MCPError) as refused:
        await client.read_resource(uri)
    assert refused.value.code == code
    message = refused.value.message
    assert message.startswith(sentence), message
    assert "\n" not in message and "Traceback" not in message
    assert fixed_demo.token not in message
    assert bool(upstream(fixed_demo)) is asked  # refused before any request when malformed


async def test_sentry_failing_is_an_internal_error_with_the_reason(
    client: Client, fixed_demo: DemoSentry
):
    fixed_demo.faults.add(path="/replays/", status=503, times=None)
    with pytest.raises(MCPError) as failed:
        await client.read_resource("sentry-replay://acme/recent")
    assert failed.value.code == INTERNAL_ERROR
    assert failed.value.message.startswith("Sentry"), failed.value.message
    assert "503" in failed.value.message
