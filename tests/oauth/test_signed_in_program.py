"""The whole chain with real tokens: the test identity provider signs JWTs, the real program
(a subprocess, `--oauth-projects-claim sentry_projects`) checks them and lets each caller do
what its scopes and its projects claim allow. A read-only token neither sees nor runs
delete_replay; a token for the checkout project cannot read a web-frontend replay; a full
token previews and deletes, and the program's log names who deleted what."""

from __future__ import annotations

from collections.abc import Iterator

import anyio
import pytest

from sentry_replays_mcp.server.demo import DemoSentry
from tests.conftest import text_of
from tests.e2e.program import Running
from tests.oauth.conftest import AUDIENCE
from tests.oauth.idp import IdentityProvider
from tests.oauth.serving import resource_server, signed_in_client
from tests.waiting import until

pytestmark = pytest.mark.anyio
CLAIM = "sentry_projects"
CHECKOUT_ID = "4505321021243393"  # server/demo/data.py PROJECTS


def demo_replays(slug: str) -> list[str]:
    """The demo data set's replays in one project (the program serves the same data)."""
    return [r.id for r in DemoSentry().data.replays if r.project.slug == slug]


@pytest.fixture(scope="module")
def program(idp: IdentityProvider) -> Iterator[Running]:
    with resource_server(idp, "streamable-http", "--oauth-projects-claim", CLAIM) as running:
        yield running


async def test_a_read_only_token_neither_sees_nor_runs_delete(
    idp: IdentityProvider, program: Running
):
    victim = demo_replays("checkout")[0]
    token = idp.sign(AUDIENCE, sub="reader", scope="replays:read", sentry_projects=["checkout"])
    with anyio.fail_after(60):
        async with signed_in_client(program, token) as client:
            names = {tool.name for tool in (await client.list_tools()).tools}
            refused = await client.call_tool("delete_replay", {"replay_id": victim})
            still = await client.call_tool("get_replay", {"replay_id": victim})
    assert "delete_replay" not in names and "get_replay" in names
    assert refused.is_error is True
    assert "replays:delete" in text_of(refused)
    assert still.is_error is False  # nothing was deleted
    assert "deletes replay" not in program.stderr()


async def test_a_checkout_token_reads_no_other_project(idp: IdentityProvider, program: Running):
    elsewhere = demo_replays("web-frontend")[0]
    token = idp.sign(AUDIENCE, sub="checkout-dev", sentry_projects="checkout")
    with anyio.fail_after(60):
        async with signed_in_client(program, token) as client:
            listed = await client.call_tool("list_replays", {"limit": 50, "stats_period": "90d"})
            refused = await client.call_tool("summarize_replay", {"replay_id": elsewhere})
    rows = listed.structured_content["replays"]
    assert rows and {row["project_id"] for row in rows} == {CHECKOUT_ID}
    assert refused.is_error is True
    assert "outside this caller's scope" in text_of(refused)
    assert elsewhere not in text_of(refused) or "web-frontend" not in text_of(refused)


async def test_a_token_without_the_claim_reaches_nothing(idp: IdentityProvider, program: Running):
    token = idp.sign(AUDIENCE, sub="no-claim")
    with anyio.fail_after(60):
        async with signed_in_client(program, token) as client:
            refused = await client.call_tool("list_replays", {"limit": 5})
    assert refused.is_error is True
    assert CLAIM in text_of(refused)


async def test_a_full_token_deletes_and_the_log_names_the_caller(
    idp: IdentityProvider, program: Running
):
    victim = demo_replays("checkout")[-1]
    token = idp.sign(AUDIENCE, sub="alice@example.com", sentry_projects=["checkout"])
    with anyio.fail_after(60):
        async with signed_in_client(program, token) as client:
            names = {tool.name for tool in (await client.list_tools()).tools}
            preview = await client.call_tool("delete_replay", {"replay_id": victim})
            code = preview.structured_content["confirmation_code"]
            done = await client.call_tool("delete_replay", {"replay_id": victim, "confirm": code})
    assert "delete_replay" in names
    assert done.is_error is False, text_of(done)
    deleted = f'"alice@example.com" deletes replay {victim} (organization acme, project'
    called = '"alice@example.com" calls delete_replay'
    assert await until(lambda: deleted in program.stderr() and called in program.stderr())
    assert token not in program.stderr()
