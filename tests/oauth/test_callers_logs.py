"""Who did what: one INFO line per tool call names the caller (its token's subject, else its
client id) and the tool; every deletion names the caller, the replay, the organization and
the project. The caller's name is one visible, capped line; no token is ever logged. Without
OAuth the caller is `local`."""

from __future__ import annotations

import logging

import pytest
from mcp import Client

from sentry_replays_mcp.server.oauth.callers import NAME_LIMIT
from tests.conftest import build_for, text_of
from tests.oauth.test_callers_setup import (
    CHECKOUT_ID,
    READ,
    READ_DELETE,
    FixedTokens,
    access,
    signed_in,
)

pytestmark = pytest.mark.anyio
DELETER = access("alice@example.com", READ_DELETE)
HOSTILE = access("eve\n2026-11-30 INFO forged: admin calls x\x1b[31m" + "z" * 300, READ)
NO_SUBJECT = access("ignored", READ).model_copy(update={"subject": None})
TOKENS = FixedTokens(DELETER, HOSTILE, NO_SUBJECT)


def ours(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name.startswith("sentry_replays_mcp") and r.levelno >= logging.INFO
    ]


async def test_each_call_and_each_deletion_name_the_caller(sentry, caplog):
    caplog.set_level(logging.DEBUG)  # everything anything logs, the SDK's records too
    victim = sentry.story_replay_id
    async with signed_in(sentry, TOKENS) as served, served.connect(DELETER) as client:
        await client.call_tool("list_replays", {"limit": 2})
        preview = await client.call_tool("delete_replay", {"replay_id": victim})
        code = preview.structured_content["confirmation_code"]
        done = await client.call_tool("delete_replay", {"replay_id": victim, "confirm": code})
    assert done.structured_content["deleted"] is True, text_of(done)
    lines = ours(caplog)
    calls = [line for line in lines if " calls " in line]
    assert calls == [
        '"alice@example.com" calls list_replays',
        '"alice@example.com" calls delete_replay',
        '"alice@example.com" calls delete_replay',
    ]
    assert [line for line in lines if " deletes " in line] == [
        f'"alice@example.com" deletes replay {victim} (organization acme, project {CHECKOUT_ID})'
    ]
    everything = "\n".join(r.getMessage() for r in caplog.records)
    assert DELETER.token not in everything and "Bearer" not in everything


async def test_the_callers_name_is_one_visible_capped_line(sentry, caplog):
    caplog.set_level(logging.INFO)
    async with signed_in(sentry, TOKENS) as served:
        async with served.connect(HOSTILE) as client:
            await client.call_tool("list_replays", {"limit": 1})
        async with served.connect(NO_SUBJECT) as client:
            await client.call_tool("list_replays", {"limit": 1})
    hostile, anonymous = [line for line in ours(caplog) if " calls " in line]
    assert "\n" not in hostile and "\x1b" not in hostile
    name = hostile.removesuffix(" calls list_replays")
    assert name.startswith('"eve 2026-11-30 INFO forged: admin calls x') and name.endswith('…"')
    assert len(name) == NAME_LIMIT + 2  # the quotes
    assert anonymous == 'client "app-ignored" calls list_replays'
    assert HOSTILE.token not in "\n".join(r.getMessage() for r in caplog.records)


async def test_without_oauth_the_caller_is_local(sentry, caplog):
    caplog.set_level(logging.INFO)
    async with Client(build_for(sentry)) as client:
        listed = [tool.name for tool in (await client.list_tools()).tools]
        preview = await client.call_tool("delete_replay", {"replay_id": sentry.story_replay_id})
        code = preview.structured_content["confirmation_code"]
        args = {"replay_id": sentry.story_replay_id, "confirm": code}
        await client.call_tool("delete_replay", args)
    assert "delete_replay" in listed
    assert ours(caplog) == [
        "local calls delete_replay",
        "local calls delete_replay",
        f"local deletes replay {sentry.story_replay_id} (organization acme, project {CHECKOUT_ID})",
    ]
