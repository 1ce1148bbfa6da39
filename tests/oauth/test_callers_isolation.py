"""Callers with different claims share one process, one Sentry client and one tool state:
calls made at the same time, with or without sessions, each see their own projects only;
what completion keeps for one is never offered to the other; resources follow the caller's
lists too."""

from __future__ import annotations

import re
from typing import Any

import anyio
import pytest
from mcp import MCPError
from mcp.types import ResourceTemplateReference

from tests.oauth.test_callers_setup import (
    CHECKOUT_ID,
    READ,
    WEB_FRONTEND_ID,
    FixedTokens,
    access,
    signed_in,
)
from tests.tool_calls import replays_in

pytestmark = pytest.mark.anyio
CHECKOUT_USER = access("checkout-dev", READ, projects=["checkout"])
WEB_USER = access("web-dev", READ, projects="web-frontend")
TOKENS = FixedTokens(CHECKOUT_USER, WEB_USER)
OWN = {CHECKOUT_USER.token: CHECKOUT_ID, WEB_USER.token: WEB_FRONTEND_ID}
REPLAY_TEMPLATE = ResourceTemplateReference(
    type="ref/resource", uri="sentry-replay://{organization}/{replay_id}"
)
ROUNDS = 4


@pytest.mark.parametrize("stateless", [False, True])
@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_callers_at_the_same_time_see_only_their_own_projects(
    sentry, stateless: bool, mode: str
):
    projects_of = {r.id: r.project.id for r in sentry.data.replays}
    seen: dict[str, list[str]] = {CHECKOUT_USER.token: [], WEB_USER.token: []}
    refused: dict[str, list[bool]] = {CHECKOUT_USER.token: [], WEB_USER.token: []}
    other = {
        CHECKOUT_USER.token: replays_in(sentry, "web-frontend")[0],
        WEB_USER.token: replays_in(sentry, "checkout")[0],
    }

    async def work(served: Any, token: Any) -> None:
        async with served.connect(token, mode=mode) as client:
            for _ in range(ROUNDS):
                page = await client.call_tool("list_replays", {"limit": 20})
                rows = page.structured_content["replays"]
                seen[token.token] += [row["project_id"] for row in rows]
                outside = await client.call_tool("get_replay", {"replay_id": other[token.token]})
                refused[token.token].append(outside.is_error)
                done = await client.complete(REPLAY_TEMPLATE, {"name": "replay_id", "value": ""})
                seen[token.token] += [projects_of[rid] for rid in done.completion.values]

    with anyio.fail_after(120):
        async with (
            signed_in(sentry, TOKENS, stateless=stateless, projects_claim="projects") as served,
            anyio.create_task_group() as group,
        ):
            for token in (CHECKOUT_USER, WEB_USER, CHECKOUT_USER, WEB_USER):
                group.start_soon(work, served, token)
    for token, own in OWN.items():
        assert seen[token] and set(seen[token]) == {own}
        assert refused[token] == [True] * ROUNDS * 2


async def test_completion_kept_for_one_caller_is_not_offered_to_another(sentry):
    """The first caller's list is kept for a while; the second, asking right after with other
    projects, gets its own (one more request), not the one kept."""
    owners = {r.id: r.project.slug for r in sentry.data.replays}
    async with signed_in(sentry, TOKENS, projects_claim="projects") as served:
        async with served.connect(CHECKOUT_USER) as client:
            first = await client.complete(REPLAY_TEMPLATE, {"name": "replay_id", "value": ""})
            again = await client.complete(REPLAY_TEMPLATE, {"name": "replay_id", "value": ""})
        asked = served.server.completer.cache.fetches
        async with served.connect(WEB_USER) as client:
            second = await client.complete(REPLAY_TEMPLATE, {"name": "replay_id", "value": ""})
    assert {owners[v] for v in first.completion.values} == {"checkout"}
    assert again.completion.values == first.completion.values and asked == 1
    assert second.completion.values
    assert {owners[v] for v in second.completion.values} == {"web-frontend"}
    assert served.server.completer.cache.fetches == 2


async def test_resources_follow_the_callers_projects(sentry):
    web = replays_in(sentry, "web-frontend")[0]
    async with (
        signed_in(sentry, TOKENS, projects_claim="projects") as served,
        served.connect(CHECKOUT_USER) as client,
    ):
        recent = await client.read_resource("sentry-replay://acme/recent")
        with pytest.raises(MCPError) as refused:
            await client.read_resource(f"sentry-replay://acme/{web}")
        story = await client.read_resource(f"sentry-replay://acme/{sentry.story_replay_id}")
    owners = {r.id: r.project.slug for r in sentry.data.replays}
    listed = re.findall(r"[0-9a-f]{32}", recent.contents[0].text)
    assert listed and {owners[rid] for rid in listed if rid in owners} == {"checkout"}
    assert "outside this caller's scope" in str(refused.value)
    assert sentry.story_replay_id in story.contents[0].text
