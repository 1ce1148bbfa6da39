"""delete_replay deletes nothing without a valid confirmation code (and the user's yes)."""

from __future__ import annotations

import pytest
from mcp import Client
from mcp.types import ElicitResult

from sentry_replays_mcp.server.demo import DemoSentry
from sentry_replays_mcp.tools.kit.confirm import ConfirmationCodes
from sentry_replays_mcp.tools.kit.errors import BadInput
from tests.conftest import build_for, text_of

pytestmark = pytest.mark.anyio


def deletes(demo: DemoSentry) -> list:
    return [r for r in demo.requests if r.method == "DELETE"]


async def preview(client: Client, replay_id: str, **extra: object):
    result = await client.call_tool("delete_replay", {"replay_id": replay_id, **extra})
    assert not result.is_error, text_of(result)
    return result


async def test_without_confirm_nothing_is_deleted(mcp_server, demo: DemoSentry):
    async with Client(mcp_server) as client:
        result = await preview(client, demo.story_replay_id)
    data = result.structured_content
    assert data["deleted"] is False and data["confirmation_code"]
    assert "Ask the user" in text_of(result) and data["confirmation_code"] in text_of(result)
    assert deletes(demo) == []


async def test_the_code_deletes_and_the_replay_is_archived(mcp_server, demo: DemoSentry):
    async with Client(mcp_server) as client:
        code = (await preview(client, demo.story_replay_id)).structured_content["confirmation_code"]
        result = await client.call_tool(
            "delete_replay", {"replay_id": demo.story_replay_id, "confirm": code}
        )
        assert not result.is_error, text_of(result)
        assert result.structured_content["deleted"] is True and "archived" in text_of(result)
        assert len(deletes(demo)) == 1
        after = await client.call_tool("get_replay", {"replay_id": demo.story_replay_id})
    if demo.dialect == "sentry":
        assert after.structured_content["archived"] is True
    else:
        assert after.is_error


# A signature with non-ASCII text, which hmac.compare_digest refuses to compare as str (a crash,
# "failed unexpectedly", before it was compared as bytes).
@pytest.mark.parametrize(
    "code", ["nope", "", "0-000000000000", "ffffffff-abcdefabcdef", "ffffffff-abcdéfabcdef"]
)
async def test_a_wrong_code_deletes_nothing(mcp_server, demo: DemoSentry, code: str):
    async with Client(mcp_server) as client:
        await preview(client, demo.story_replay_id)
        result = await client.call_tool(
            "delete_replay", {"replay_id": demo.story_replay_id, "confirm": code or " "}
        )
    assert result.is_error and "Nothing was deleted" in text_of(result)
    assert deletes(demo) == []


async def test_another_replays_code_deletes_nothing(mcp_server, demo: DemoSentry):
    other = demo.empty_replay_id
    async with Client(mcp_server) as client:
        code = (await preview(client, other)).structured_content["confirmation_code"]
        result = await client.call_tool(
            "delete_replay", {"replay_id": demo.story_replay_id, "confirm": code}
        )
        assert result.is_error and "not valid" in text_of(result)
        moved = await client.call_tool(
            "delete_replay", {"replay_id": other, "confirm": code, "project": "checkout"}
        )
        assert moved.is_error, "the code is bound to the project argument too"
    assert deletes(demo) == []


def test_codes_expire_after_ten_minutes():
    now = [1_000_000.0]
    codes = ConfirmationCodes(clock=lambda: now[0])
    code = codes.issue("acme||abc")
    codes.check(code, "acme||abc")
    now[0] += 599
    codes.check(code, "acme||abc")
    now[0] += 2
    with pytest.raises(BadInput, match="expired"):
        codes.check(code, "acme||abc")
    forged = f"{int(now[0] + 600):x}-" + code.split("-")[1]
    with pytest.raises(BadInput, match="not valid"):
        codes.check(forged, "acme||abc")


@pytest.mark.parametrize("mode", ["auto", "legacy"])
@pytest.mark.parametrize("action", ["decline", "cancel", "accept-no"])
async def test_the_user_can_refuse_through_elicitation(mcp_server, demo, mode, action):
    asked = []

    async def answer(context, params):
        asked.append(params.message)
        if action == "accept-no":
            return ElicitResult(action="accept", content={"delete": False})
        return ElicitResult(action=action)

    async with Client(mcp_server, mode=mode, elicitation_callback=answer) as client:
        code = (await preview(client, demo.story_replay_id)).structured_content["confirmation_code"]
        result = await client.call_tool(
            "delete_replay", {"replay_id": demo.story_replay_id, "confirm": code}
        )
    assert asked and demo.story_replay_id in asked[0]
    assert not result.is_error and result.structured_content["deleted"] is False
    assert deletes(demo) == []


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_the_user_can_agree_through_elicitation(mcp_server, demo, mode):
    async def answer(context, params):
        return ElicitResult(action="accept", content={"delete": True})

    async with Client(mcp_server, mode=mode, elicitation_callback=answer) as client:
        code = (await preview(client, demo.story_replay_id)).structured_content["confirmation_code"]
        result = await client.call_tool(
            "delete_replay", {"replay_id": demo.story_replay_id, "confirm": code}
        )
    assert result.structured_content["deleted"] is True
    assert len(deletes(demo)) == 1


async def test_read_only_mode_removes_delete(demo: DemoSentry):
    async with Client(build_for(demo, read_only=True)) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
        result = await client.call_tool("delete_replay", {"replay_id": demo.story_replay_id})
    assert "delete_replay" not in names and len(names) == 9
    assert result.is_error and deletes(demo) == []
