"""delete_replay deletes nothing without a valid confirmation code (and the user's yes), names
the session the user approves, and says "deleted" only when the replay reads as deleted.

The demo answers a DELETE as Sentry does (getsentry/sentry
src/sentry/replays/endpoints/project_replay_details.py): 204 whatever project the path names,
the deletion done apart from the answer (only in the project that holds the replay), 404 when
the replay is already archived."""

from __future__ import annotations

import pytest
from mcp import Client
from mcp.types import ElicitResult

from sentry_replays_mcp.server.demo import DemoSentry
from sentry_replays_mcp.server.demo.shapes import sentry_replay
from tests.conftest import build_for, text_of

pytestmark = pytest.mark.anyio
WEB_FRONTEND = "4505321021243392"  # a demo project that does not hold the story replay
CHECKOUT = "4505321021243393"  # the story replay's project


def deletes(demo: DemoSentry) -> list:
    return [r for r in demo.requests if r.method == "DELETE"]


async def preview(client: Client, replay_id: str, **extra: object):
    result = await client.call_tool("delete_replay", {"replay_id": replay_id, **extra})
    assert not result.is_error, text_of(result)
    return result


async def code_for(client: Client, replay_id: str, **extra: object) -> str:
    return str((await preview(client, replay_id, **extra)).structured_content["confirmation_code"])


async def confirm(client: Client, replay_id: str, code: str, **extra: object):
    arguments = {"replay_id": replay_id, "confirm": code, **extra}
    return await client.call_tool("delete_replay", arguments)


@pytest.mark.parametrize("dialect", ["sentry"])
async def test_the_demo_answers_a_delete_as_sentry_does(demo: DemoSentry):
    """204 whatever project the path names (deleting only in the project holding the replay),
    404 for a replay already archived there: what the project check guards against."""
    import httpx2

    story = demo.story_replay_id
    auth = {"Authorization": f"Bearer {demo.token}"}
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=demo.app), base_url="http://demo.invalid/api/0/"
    ) as http:
        wrong = await http.delete(f"projects/acme/web-frontend/replays/{story}/", headers=auth)
        assert wrong.status_code == 204 and story not in demo.data.deleted
        right = await http.delete(f"projects/acme/checkout/replays/{story}/", headers=auth)
        assert right.status_code == 204 and story in demo.data.deleted
        again = await http.delete(f"projects/acme/checkout/replays/{story}/", headers=auth)
        elsewhere = await http.delete(f"projects/acme/web-frontend/replays/{story}/", headers=auth)
    assert again.status_code == 404 and elsewhere.status_code == 204


async def test_without_confirm_nothing_is_deleted(mcp_server, demo: DemoSentry):
    async with Client(mcp_server) as client:
        result = await preview(client, demo.story_replay_id)
    data, text = result.structured_content, text_of(result)
    assert data["deleted"] is False and data["confirmation_code"] in text
    assert "Ask the user" in text and "once" in text
    assert f"project {CHECKOUT}" in text and "maria.lopez@example.com" in text
    assert deletes(demo) == []


async def test_the_code_deletes_and_the_answer_says_what_sentry_shows(mcp_server, demo: DemoSentry):
    async with Client(mcp_server) as client:
        code = await code_for(client, demo.story_replay_id)
        result = await confirm(client, demo.story_replay_id, code)
        after = await client.call_tool("get_replay", {"replay_id": demo.story_replay_id})
    assert not result.is_error, text_of(result)
    data, text = result.structured_content, text_of(result)
    assert data["deleted"] is True and data["accepted"] is True and len(deletes(demo)) == 1
    assert text.startswith(("Deleted", "_Demo")) and "Sentry accepted the deletion" in text
    if demo.dialect == "sentry":
        assert data["reads_as"] == "archived" and "reads as archived" in text
        assert after.structured_content["archived"] is True
    else:  # the seed spec knows no archived stubs: a deleted replay is gone
        assert data["reads_as"] == "not found" and "no longer finds" in text
        assert after.is_error


async def test_a_code_deletes_at_most_once(mcp_server, demo: DemoSentry):
    async with Client(mcp_server) as client:
        code = await code_for(client, demo.empty_replay_id)
        first = await confirm(client, demo.empty_replay_id, code)
        demo.reset()  # the replay is back: only the spent code stands in the way
        again = await confirm(client, demo.empty_replay_id, code)
    assert first.structured_content["deleted"] is True
    assert again.is_error and "already used" in text_of(again)
    assert deletes(demo) == []


async def test_five_concurrent_confirms_send_one_delete(mcp_server, demo: DemoSentry):
    import anyio

    async with Client(mcp_server) as client:
        code = await code_for(client, demo.story_replay_id)
        results: list = []

        async def one() -> None:
            results.append(await confirm(client, demo.story_replay_id, code))

        with anyio.fail_after(30):
            async with anyio.create_task_group() as group:
                for _ in range(5):
                    group.start_soon(one)
    assert len(deletes(demo)) == 1, [r.path for r in deletes(demo)]
    done = [r for r in results if not r.is_error]
    assert len(done) == 1 and done[0].structured_content["accepted"] is True
    assert all("already used" in text_of(r) for r in results if r.is_error), [
        text_of(r) for r in results
    ]


def re_encodings(code: str) -> list[str]:
    """The same code written other ways: each must be refused, none read as the code."""
    arabic = code.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    fullwidth = code.translate(
        str.maketrans("0123456789abcdef", "０１２３４５６７８９ａｂｃｄｅｆ")
    )
    return [
        f" {code}",
        f"{code} ",
        f"{code}\n",
        "0x" + code,
        "+" + code,
        code.replace("-", "_"),
        code.replace("-", " "),
        "0" + code,
        code.upper(),
        arabic,
        fullwidth,
        code[:-1] + "é",
        code.replace("-", "‐"),  # a Unicode hyphen
    ]


async def test_only_the_code_as_given_is_accepted(mcp_server, demo: DemoSentry):
    async with Client(mcp_server) as client:
        code = await code_for(client, demo.story_replay_id)
        variants = [v for v in re_encodings(code) if v != code]
        refused = [await confirm(client, demo.story_replay_id, v) for v in variants]
        assert deletes(demo) == []
        accepted = await confirm(client, demo.story_replay_id, code)
    for variant, result in zip(variants, refused, strict=True):
        text = text_of(result)
        assert result.is_error and "exactly as delete_replay gave it" in text, (variant, text)
        assert "unexpectedly" not in text and variant.strip() not in text
    assert not accepted.is_error and len(deletes(demo)) == 1, "refusals do not spend the code"


@pytest.mark.parametrize("code", ["nope", "0-000000000000", "ffffffff-abcdefabcdef", "x" * 64])
async def test_a_wrong_code_deletes_nothing(mcp_server, demo: DemoSentry, code: str):
    async with Client(mcp_server) as client:
        await preview(client, demo.story_replay_id)
        result = await confirm(client, demo.story_replay_id, code)
    assert result.is_error and "nothing was deleted" in text_of(result).lower()
    assert deletes(demo) == []


async def test_another_replays_code_deletes_nothing(mcp_server, demo: DemoSentry):
    other = demo.empty_replay_id
    async with Client(mcp_server) as client:
        code = await code_for(client, other)
        result = await confirm(client, demo.story_replay_id, code)
        assert result.is_error and "not valid" in text_of(result)
        moved = await confirm(client, other, code, project="checkout")
        assert moved.is_error, "the code is bound to the project argument too"
    assert deletes(demo) == []


async def test_a_code_from_another_server_run_says_so(demo: DemoSentry):
    async with Client(build_for(demo)) as before:
        code = await code_for(before, demo.story_replay_id)
    async with Client(build_for(demo)) as after:  # as after a restart: a new secret
        result = await confirm(after, demo.story_replay_id, code)
    text = text_of(result)
    assert result.is_error and "restarted" in text and "another server process" in text
    assert "new preview" in text and deletes(demo) == []


@pytest.mark.parametrize("wrong", ["web-frontend", WEB_FRONTEND])
async def test_a_project_that_does_not_hold_the_replay_is_refused(
    mcp_server, demo: DemoSentry, wrong: str
):
    async with Client(mcp_server) as client:
        result = await client.call_tool(
            "delete_replay", {"replay_id": demo.story_replay_id, "project": wrong}
        )
    text = text_of(result)
    assert result.is_error and f"belongs to project {CHECKOUT}" in text and wrong in text
    assert "confirmation_code" not in (result.structured_content or {})
    assert deletes(demo) == []


@pytest.mark.parametrize("dialect", ["sentry"])
@pytest.mark.parametrize("default", ["web-frontend", "checkout"])
async def test_the_default_project_is_checked_too(demo: DemoSentry, default: str):
    """A replay that does not say its project, and SENTRY_PROJECT: the default is checked to
    hold the replay before the DELETE that names it (a wrong one would be answered 204)."""
    story = demo.story_replay_id
    body = {"data": sentry_replay(demo.replay(story), "1")}
    del body["data"]["project_id"]
    demo.faults.add(path=f"organizations/acme/replays/{story}/$", status=200, body=body,
                    method="GET", times=2)  # fmt: skip
    async with Client(build_for(demo, project=default)) as client:
        result = await client.call_tool("delete_replay", {"replay_id": story})
        if default == "checkout":
            done = await confirm(client, story, result.structured_content["confirmation_code"])
    if default == "web-frontend":
        text = text_of(result)
        assert result.is_error and "does not list replay" in text and "web-frontend" in text
        assert deletes(demo) == []
    else:
        assert done.structured_content["deleted"] is True, text_of(done)
        assert [r.path.split("/")[5] for r in deletes(demo)] == ["checkout"]


@pytest.mark.parametrize("dialect", ["sentry"])
async def test_still_live_after_the_delete_is_not_called_deleted(demo: DemoSentry):
    """Sentry deletes in the background: until the replay reads as archived, the answer says
    what Sentry accepted and no more."""
    live = {"data": sentry_replay(demo.replay(demo.story_replay_id), "1")}
    async with Client(build_for(demo)) as client:
        code = await code_for(client, demo.story_replay_id)
        demo.faults.add(path=r"organizations/acme/replays/[0-9a-f]{32}/$", status=200, body=live,
                        method="GET", times=None)  # fmt: skip
        result = await confirm(client, demo.story_replay_id, code)
    data, text = result.structured_content, text_of(result)
    assert data["accepted"] is True and data["deleted"] is False and data["reads_as"] == "live"
    assert "Deleted" not in text and "still reads as live" in text and "background" in text


async def test_a_404_to_the_delete_says_deleted_or_not_found(mcp_server, demo: DemoSentry):
    async with Client(mcp_server) as client:
        code = await code_for(client, demo.story_replay_id)
        demo.faults.add(path=r"replays/[0-9a-f]{32}/$", method="DELETE", status=404)
        result = await confirm(client, demo.story_replay_id, code)
        demo.data.deleted.add(demo.story_replay_id)  # now really deleted
        again = await client.call_tool("delete_replay", {"replay_id": demo.story_replay_id})
    text = text_of(result)
    assert not result.is_error and result.structured_content["deleted"] is False
    assert "deleted already or is not found" in text
    assert "Repeating a confirmed deletion is harmless: nothing more was deleted." in text
    if demo.dialect == "sentry":
        assert "already deleted (archived)" in text_of(again)
    else:
        assert again.is_error and "deleted already or is not found" in text_of(again)
        assert "Sentry does not know the organization" not in text_of(again)


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
        code = await code_for(client, demo.story_replay_id)
        result = await confirm(client, demo.story_replay_id, code)
    assert asked and demo.story_replay_id in asked[0]
    assert not result.is_error and result.structured_content["deleted"] is False
    assert deletes(demo) == []


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_the_question_names_the_session(mcp_server, demo, mode):
    asked = []

    async def answer(context, params):
        asked.append(params.message)
        return ElicitResult(action="accept", content={"delete": True})

    async with Client(mcp_server, mode=mode, elicitation_callback=answer) as client:
        code = await code_for(client, demo.story_replay_id, project="checkout")
        result = await confirm(client, demo.story_replay_id, code, project="checkout")
    question = asked[0]
    for part in (
        "User: `maria.lopez@example.com`",
        "First page: `https://shop.acme.example/products`",
        "Started: 2026-",
        f"Project: `checkout` (id {CHECKOUT})",
        "Organization: acme",
    ):
        assert part in question, (part, question)
    assert result.structured_content["deleted"] is True
    assert len(deletes(demo)) == 1


async def test_read_only_mode_says_deleting_is_disabled(demo: DemoSentry):
    async with Client(build_for(demo, read_only=True)) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
        result = await client.call_tool("delete_replay", {"replay_id": demo.story_replay_id})
    assert "delete_replay" not in names and len(names) == 9
    assert result.is_error and "this server runs read-only; deleting is disabled" in text_of(result)
    assert deletes(demo) == []
