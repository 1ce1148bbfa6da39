"""A token's projects / organizations claim narrows the server's allow-lists for that caller:
lists show only its projects (with the others hidden and counted), a replay elsewhere is
refused by every tool without a word of what it holds, counts and completion follow, and a
confirmation code issued to one caller deletes nothing outside another's projects. A token
without the claim reaches nothing. Over HTTP with the SDK client; the demo Sentry's request
log shows what was asked."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import pytest
from mcp.types import PromptReference, ResourceTemplateReference

from sentry_replays_mcp.server.demo import DemoSentry
from tests.conftest import text_of
from tests.oauth.test_callers_setup import (
    CHECKOUT_ID,
    READ,
    READ_DELETE,
    WEB_FRONTEND_ID,
    FixedTokens,
    access,
    signed_in,
)
from tests.tool_calls import READ_ONLY_TOOL_NAMES, REPLAY_TOOLS, replays_in, valid_calls

pytestmark = pytest.mark.anyio
ADMIN_ID = "4505321087340544"
CHECKOUT_USER = access("checkout-dev", READ_DELETE, projects="checkout")
WEB_USER = access("web-dev", READ_DELETE, projects=[WEB_FRONTEND_ID])
NO_CLAIM = access("no-claim", READ_DELETE)
TOKENS = FixedTokens(CHECKOUT_USER, WEB_USER, NO_CLAIM)
TRIAGE = PromptReference(type="ref/prompt", name="triage_frustration")
REPLAY_TEMPLATE = ResourceTemplateReference(
    type="ref/resource", uri="sentry-replay://{organization}/{replay_id}"
)
OUTSIDE = "outside this caller's scope"


def asked_projects(demo: DemoSentry, ending: str) -> list[list[str]]:
    return [
        parse_qs(r.query).get("project", [])
        for r in demo.requests
        if r.path.endswith(ending) and r.method == "GET"
    ]


async def test_a_checkout_token_lists_only_checkout(sentry):
    inside, outside = replays_in(sentry, "checkout")[:2], replays_in(sentry, "web-frontend")[:3]
    async with (
        signed_in(sentry, TOKENS, projects_claim="projects") as served,
        served.connect(CHECKOUT_USER) as client,
    ):
        listed = await client.call_tool("list_replays", {"limit": 50, "stats_period": "90d"})
        by_id = await client.call_tool("list_replays", {"replay_ids": inside + outside})
    rows = listed.structured_content["replays"]
    assert rows and {row["project_id"] for row in rows} == {CHECKOUT_ID}
    assert asked_projects(sentry, "/replays/")[0] == [CHECKOUT_ID]
    text = text_of(by_id)
    assert {row["id"] for row in by_id.structured_content["replays"]} == set(inside)
    assert by_id.structured_content["hidden"] == 3
    assert "3 replays hidden: in projects outside this caller's scope (`checkout`)." in text
    assert not any(rid in text for rid in outside)


@pytest.mark.parametrize(("tool", "extra"), REPLAY_TOOLS)
async def test_a_replay_in_another_project_is_refused_by_every_tool(sentry, tool: str, extra):
    web = replays_in(sentry, "web-frontend")[0]
    replay = sentry.replay(web)
    secrets = [str(v) for v in replay.user.values() if v] + [replay.plan.visits[0].url]
    async with (
        signed_in(sentry, TOKENS, projects_claim="projects") as served,
        served.connect(CHECKOUT_USER) as client,
    ):
        result = await client.call_tool(tool, {"replay_id": web, **extra})
    text = text_of(result)
    assert result.is_error and OUTSIDE in text and "`checkout`" in text, text
    assert not any(secret in text for secret in secrets), text
    assert {f"{r.method} {r.path}" for r in sentry.requests} <= {
        f"GET /api/0/organizations/acme/replays/{web}/",
        "GET /api/0/organizations/acme/",
        "GET /api/0/organizations/acme/projects/",
    }
    assert web not in sentry.data.deleted


async def test_counts_are_those_of_the_callers_projects(sentry):
    """The story replay's issue has its replays in `checkout`: the web caller counts none."""
    issue = int(sentry.story_issue_id)
    async with signed_in(sentry, TOKENS, projects_claim="projects") as served:
        async with served.connect(CHECKOUT_USER) as client:
            mine = await client.call_tool("count_replays", {"issue_ids": [issue]})
        async with served.connect(WEB_USER) as client:
            theirs = await client.call_tool("count_replays", {"issue_ids": [issue]})
            refused = await client.call_tool(
                "count_replays", {"issue_ids": [issue], "project": "checkout"}
            )
    assert mine.structured_content["counts"][0]["count"] >= 1, text_of(mine)
    assert theirs.structured_content["counts"][0]["count"] == 0, text_of(theirs)
    assert refused.is_error and "Project `checkout` is outside this caller's scope" in text_of(
        refused
    )


async def test_completion_offers_only_the_callers_projects_and_replays(sentry):
    owners = {r.id: r.project.slug for r in sentry.data.replays}
    async with (
        signed_in(sentry, TOKENS, projects_claim="projects") as served,
        served.connect(CHECKOUT_USER) as client,
    ):
        projects = await client.complete(TRIAGE, {"name": "project", "value": ""})
        replays = await client.complete(REPLAY_TEMPLATE, {"name": "replay_id", "value": ""})
    assert projects.completion.values == ["checkout"]
    assert replays.completion.values
    assert {owners[rid] for rid in replays.completion.values} == {"checkout"}


async def test_a_code_issued_to_one_caller_deletes_nothing_outside_anothers_projects(sentry):
    victim = replays_in(sentry, "web-frontend")[1]
    async with signed_in(sentry, TOKENS, projects_claim="projects") as served:
        async with served.connect(WEB_USER) as web:
            preview = await web.call_tool("delete_replay", {"replay_id": victim})
            code = preview.structured_content["confirmation_code"]
        async with served.connect(CHECKOUT_USER) as other:
            refused = await other.call_tool("delete_replay", {"replay_id": victim, "confirm": code})
        assert not any(r.method == "DELETE" for r in sentry.requests)
        assert victim not in sentry.data.deleted
        async with served.connect(WEB_USER) as web:  # the code is still good for its caller
            done = await web.call_tool("delete_replay", {"replay_id": victim, "confirm": code})
    # Refused before its project is looked at: the code was issued to another caller.
    assert refused.is_error, text_of(refused)
    assert "not valid for this organization, project, replay and caller" in text_of(refused)
    assert done.structured_content["deleted"] is True, text_of(done)


async def test_a_token_without_the_claim_reaches_nothing(sentry):
    async with (
        signed_in(sentry, TOKENS, projects_claim="projects") as served,
        served.connect(NO_CLAIM) as client,
    ):
        results = {t: await client.call_tool(t, a) for t, a in valid_calls(sentry).items()}
        projects = await client.complete(TRIAGE, {"name": "project", "value": ""})
    sentence = (
        "This caller's access token has no `projects` claim (the projects it may reach), so "
        "it may reach no project: nothing is shown or changed."
    )
    assert {t: text_of(r) for t, r in results.items()} == dict.fromkeys(results, sentence)
    assert all(r.is_error for r in results.values())
    assert projects.completion.values == []
    assert sentry.requests == []


async def test_the_claim_narrows_the_servers_own_list(sentry):
    """The server allows web-frontend and checkout; each caller reaches the part of its
    claim that the server allows, whichever way (slug or id) either names a project."""
    tokens = FixedTokens(
        both := access("both", READ, projects="checkout, admin-dashboard"),
        by_id := access("by-id", READ, projects=[CHECKOUT_ID]),
        admin := access("admin", READ, projects=["admin-dashboard"]),
        admin_id := access("admin-id", READ, projects=[ADMIN_ID]),
    )
    server_list = {"allowed_projects": ("web-frontend", "checkout")}
    admin_replay = replays_in(sentry, "admin-dashboard")[0]
    async with signed_in(sentry, tokens, projects_claim="projects", **server_list) as served:
        answers: dict[str, Any] = {}
        for name, token in (("both", both), ("by_id", by_id)):
            async with served.connect(token) as client:
                answers[name] = await client.call_tool("list_replays", {"limit": 30})
                answers[f"{name}_admin"] = await client.call_tool(
                    "get_replay", {"replay_id": admin_replay}
                )
        for name, token in (("admin", admin), ("admin_id", admin_id)):
            async with served.connect(token) as client:
                answers[name] = await client.call_tool("list_replays", {"limit": 30})
    for name in ("both", "by_id"):
        rows = answers[name].structured_content["replays"]
        assert rows and {row["project_id"] for row in rows} == {CHECKOUT_ID}, name
        assert answers[f"{name}_admin"].is_error
        assert OUTSIDE in text_of(answers[f"{name}_admin"])
    assert text_of(answers["admin"]) == (
        "This caller's access token names no project in its `projects` claim that this "
        "server may reach (`web-frontend`, `checkout`), so nothing is shown or changed."
    )
    assert text_of(answers["admin_id"]).endswith(
        f"This caller may reach only the project `{ADMIN_ID}`, and this server may reach none "
        "of them in organization `acme`."
    )
    assert all(not p or p == [CHECKOUT_ID] for p in asked_projects(sentry, "/replays/"))


async def test_an_organizations_claim_narrows_the_organizations(sentry):
    tokens = FixedTokens(
        acme := access("acme-dev", READ, orgs=["ACME"]),
        elsewhere := access("globex-dev", READ, orgs="globex"),
    )
    async with signed_in(sentry, tokens, orgs_claim="orgs") as served:
        async with served.connect(acme) as client:
            listed = [tool.name for tool in (await client.list_tools()).tools]
            inside = await client.call_tool("list_replays", {"limit": 2})
            before = len(sentry.requests)
            other = await client.call_tool("list_replays", {"organization": "acme-eu"})
            after = len(sentry.requests)
        async with served.connect(elsewhere) as client:
            not_acme = await client.call_tool("list_replays", {"limit": 2})
    only_acme = {"orgs_claim": "orgs", "allowed_orgs": ("acme",)}
    async with signed_in(sentry, tokens, **only_acme) as served, served.connect(elsewhere) as c:
        nowhere = await c.call_tool("list_replays", {"organization": "globex"})
    assert listed == list(READ_ONLY_TOOL_NAMES)
    assert not inside.is_error, text_of(inside)
    assert other.is_error and text_of(other).endswith(
        "Organization `acme-eu` is outside this caller's scope: it may reach only the "
        "organization `acme` (by slug)."
    )
    assert after == before
    assert not_acme.is_error and text_of(not_acme).endswith(
        "Organization `acme` is outside this caller's scope: it may reach only the "
        "organization `globex` (by slug)."
    )
    assert text_of(nowhere) == (
        "This caller's access token names no organization in its `orgs` claim that this "
        "server may reach (`acme`), so nothing is shown or changed."
    )


NAMES_NOTHING = (
    "This caller's access token names no project in its `projects` claim, so nothing is "
    "shown or changed."
)


@pytest.mark.parametrize(
    ("claim", "reached"),
    [
        ("checkout,web-frontend", [WEB_FRONTEND_ID, CHECKOUT_ID]),
        (" checkout \t web-frontend ", [WEB_FRONTEND_ID, CHECKOUT_ID]),
        ([int(CHECKOUT_ID), "web-frontend"], [WEB_FRONTEND_ID, CHECKOUT_ID]),
        (["checkout", "not a slug!", "", "../admin-dashboard"], [CHECKOUT_ID]),
        ([True, "checkout"], [CHECKOUT_ID]),
        ({"checkout": True}, None),
        ([], None),
        ("", None),
    ],
)
async def test_the_claims_shapes(sentry, claim: Any, reached: list[str] | None):
    """A JSON array or a string separated by spaces or commas; slugs or ids; anything that is
    neither a slug nor an id is dropped, and a claim of another shape names nothing."""
    token = access("shaped", READ, projects=claim)
    async with (
        signed_in(sentry, FixedTokens(token), projects_claim="projects") as served,
        served.connect(token) as client,
    ):
        listed = await client.call_tool("list_replays", {"limit": 50, "stats_period": "90d"})
    if reached is None:
        assert listed.is_error and text_of(listed) == NAMES_NOTHING
        assert sentry.requests == []
        return
    assert not listed.is_error, text_of(listed)
    assert asked_projects(sentry, "/replays/") == [reached]
    rows = listed.structured_content["replays"]
    assert rows and {row["project_id"] for row in rows} <= set(reached)
