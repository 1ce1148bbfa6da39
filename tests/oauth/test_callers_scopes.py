"""Token scopes decide the tools a signed-in caller sees and may call: delete_replay needs
`replays:delete`. Without it the tool is not listed, and a call to it is one sentence naming
the scope with no request to Sentry; with it the preview and the confirmed deletion work."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from sentry_replays_mcp.server.app import READ_ONLY_REFUSAL
from tests.conftest import text_of
from tests.oauth.test_callers_setup import (
    AUDIENCE,
    READ,
    READ_DELETE,
    FixedTokens,
    access,
    sentry_paths,
    signed_in,
)
from tests.tool_calls import READ_ONLY_TOOL_NAMES, TOOL_NAMES, valid_calls

pytestmark = pytest.mark.anyio
READER = access("reader", READ)
DELETER = access("deleter", READ_DELETE)
NO_READ = access("stranger", ["profile"])
TOKENS = FixedTokens(READER, DELETER, NO_READ)
ERAS = ["auto", "legacy"]


async def listed(client: Any) -> list[str]:
    return [tool.name for tool in (await client.list_tools()).tools]


@pytest.mark.parametrize("mode", ERAS)
@pytest.mark.parametrize("stateless", [False, True])
async def test_a_read_only_token_neither_sees_nor_deletes(sentry, mode: str, stateless: bool):
    victim = sentry.story_replay_id
    with anyio.fail_after(60):
        async with (
            signed_in(sentry, TOKENS, stateless=stateless) as served,
            served.connect(READER, mode=mode) as reader,
        ):
            assert await listed(reader) == list(READ_ONLY_TOOL_NAMES)
            before = len(sentry.requests)
            refused = await reader.call_tool("delete_replay", {"replay_id": victim})
            sent = sentry_paths(sentry)[before:]
            # the read tools still work for it
            page = await reader.call_tool("list_replays", {"limit": 2})
    assert refused.is_error
    assert text_of(refused) == (
        "delete_replay needs the `replays:delete` scope, which this caller's access token "
        "does not grant, so nothing was sent to Sentry."
    )
    assert sent == []
    assert not page.is_error, text_of(page)
    assert victim not in sentry.data.deleted


@pytest.mark.parametrize("mode", ERAS)
async def test_a_token_with_the_delete_scope_previews_and_deletes(sentry, mode: str):
    async with signed_in(sentry, TOKENS) as served, served.connect(DELETER, mode=mode) as deleter:
        assert await listed(deleter) == list(TOOL_NAMES)
        page = await deleter.call_tool("list_replays", {"limit": 3})
        victim = page.structured_content["replays"][1]["id"]
        preview = await deleter.call_tool("delete_replay", {"replay_id": victim})
        assert not preview.is_error, text_of(preview)
        code = preview.structured_content["confirmation_code"]
        assert victim not in sentry.data.deleted  # a preview deletes nothing
        done = await deleter.call_tool("delete_replay", {"replay_id": victim, "confirm": code})
    assert not done.is_error, text_of(done)
    assert done.structured_content["deleted"] is True, text_of(done)
    assert victim in sentry.data.deleted
    assert any(r.method == "DELETE" for r in sentry.requests)


async def test_every_read_tool_answers_a_read_only_token(sentry):
    async with signed_in(sentry, TOKENS) as served, served.connect(READER) as reader:
        for tool, arguments in valid_calls(sentry).items():
            if tool == "delete_replay":
                continue
            result = await reader.call_tool(tool, arguments)
            assert not result.is_error, f"{tool}: {text_of(result)}"


async def test_without_replays_read_the_sdk_refuses_at_http_level(sentry):
    """The SDK's own check (403, insufficient_scope) stays in place: no MCP call is made."""
    message = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    accept = {"Accept": "application/json, text/event-stream"}
    async with signed_in(sentry, TOKENS) as served, served.http(NO_READ) as http:
        answer = await http.post(AUDIENCE, headers=accept, json=message)
    assert answer.status_code == 403
    assert answer.json()["error"] == "insufficient_scope"
    assert sentry.requests == []


async def test_read_only_mode_still_refuses_with_its_own_reason(sentry):
    """--read-only wins over a token's delete scope, with the sentence it always gave."""
    async with (
        signed_in(sentry, TOKENS, read_only=True) as served,
        served.connect(DELETER) as deleter,
    ):
        names = await listed(deleter)
        refused = await deleter.call_tool("delete_replay", {"replay_id": sentry.story_replay_id})
    assert names == list(READ_ONLY_TOOL_NAMES)
    assert text_of(refused) == READ_ONLY_REFUSAL.format(name="delete_replay")
    assert sentry.requests == []


async def test_a_code_confirms_a_deletion_for_the_caller_it_was_issued_to_only(sentry):
    """Two callers who may both delete in the same projects: the second cannot use the
    first's code (it confirms the first's preview, not the second's); the first still can."""
    other = access("other-deleter", READ_DELETE)
    tokens = FixedTokens(DELETER, other)
    async with signed_in(sentry, tokens) as served:
        async with served.connect(DELETER) as first:
            page = await first.call_tool("list_replays", {"limit": 3})
            victim = page.structured_content["replays"][0]["id"]
            preview = await first.call_tool("delete_replay", {"replay_id": victim})
            code = preview.structured_content["confirmation_code"]
        async with served.connect(other) as second:
            refused = await second.call_tool(
                "delete_replay", {"replay_id": victim, "confirm": code}
            )
        assert victim not in sentry.data.deleted
        assert not any(r.method == "DELETE" for r in sentry.requests)
        async with served.connect(DELETER) as first:
            done = await first.call_tool("delete_replay", {"replay_id": victim, "confirm": code})
    assert refused.is_error
    assert "not valid for this organization, project, replay and caller" in text_of(refused)
    assert done.structured_content["deleted"] is True, text_of(done)
