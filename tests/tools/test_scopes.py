"""--allow-org / --allow-project: a call outside is refused before any request about it, a replay
in a project outside cannot be read, listed, summarised or deleted by any tool, and lists show
only the allowed projects. Through the real MCP client against the demo Sentry, whose request
log (`DemoSentry.requests`) shows what was asked.

The demo's project list follows sentry.io (getsentry/sentry-docs
src/collections/_documentation/api/organizations/get-organization-projects.md): a bare list of
projects with `id` and `slug` as strings."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from mcp import Client

from sentry_replays_mcp.server.demo import DemoSentry
from tests.conftest import build_for, text_of
from tests.tool_calls import REPLAY_TOOLS as EVERY_REPLAY_TOOL

pytestmark = pytest.mark.anyio
WEB_FRONTEND = "4505321021243392"
CHECKOUT = "4505321021243393"
OUTSIDE = "outside this server's scope"
REPLAY_TOOLS = [
    *EVERY_REPLAY_TOOL,
    ("delete_replay", {"confirm": "6a1f3c2e-9b0d-51c2e3f4-4e5f6a7b8c9d"}),
]


def paths(demo: DemoSentry) -> list[str]:
    return [f"{r.method} {r.path}" for r in demo.requests]


def project_filter(demo: DemoSentry, endpoint: str) -> list[list[str]]:
    """The `project` values of each request to `endpoint` (a path ending)."""
    return [
        parse_qs(r.query).get("project", [])
        for r in demo.requests
        if r.path.endswith(endpoint) and r.method == "GET"
    ]


def replay_in(demo: DemoSentry, slug: str) -> str:
    return next(r.id for r in demo.data.replays if r.project.slug == slug)


def secrets_of(demo: DemoSentry, replay_id: str) -> list[str]:
    """What a refusal must not tell about the replay: its user and its pages."""
    replay = demo.replay(replay_id)
    return [str(v) for v in (replay.user.get("email"), replay.user.get("username")) if v] + [
        replay.plan.visits[0].url
    ]


@pytest.mark.parametrize("dialect", ["sentry"])
@pytest.mark.parametrize(("tool", "extra"), REPLAY_TOOLS)
async def test_a_replay_in_a_project_outside_is_refused_by_every_tool(
    demo: DemoSentry, tool: str, extra: dict
):
    server = build_for(demo, allowed_projects=("web-frontend",))
    story = demo.story_replay_id  # in `checkout`
    async with Client(server) as client:
        result = await client.call_tool(tool, {"replay_id": story, **extra})
    text = text_of(result)
    if "confirm" in extra:  # a code this server never issued is refused as such, first
        assert result.is_error and "Nothing was deleted" in text, text
    else:
        assert result.is_error and OUTSIDE in text and "`web-frontend`" in text, text
    assert not any(secret in text for secret in secrets_of(demo, story)), text
    assert len(text.splitlines()) == 1
    # Only the replay itself (to learn its project), the project list and the organization
    # (for its region) were read: no segment, click or viewer request, and nothing deleted.
    assert set(paths(demo)) <= {
        f"GET /api/0/organizations/acme/replays/{story}/",
        "GET /api/0/organizations/acme/",
        "GET /api/0/organizations/acme/projects/",
    }, paths(demo)
    assert story not in demo.data.deleted


@pytest.mark.parametrize("dialect", ["sentry"])
@pytest.mark.parametrize(("tool", "extra"), REPLAY_TOOLS)
async def test_naming_a_project_outside_makes_no_request(demo: DemoSentry, tool: str, extra: dict):
    server = build_for(demo, allowed_projects=("web-frontend", "admin-dashboard"))
    arguments = {"replay_id": demo.story_replay_id, "project": "checkout", **extra}
    async with Client(server) as client:
        result = await client.call_tool(tool, arguments)
    text = text_of(result)
    assert result.is_error and "Project `checkout` is outside" in text, text
    assert "`web-frontend`, `admin-dashboard`" in text
    assert demo.requests == []


@pytest.mark.parametrize("dialect", ["sentry"])
async def test_a_project_named_by_id_is_matched_to_the_allowed_slug(demo: DemoSentry):
    """The allowed project by slug, the caller's by id: one read of the project list decides,
    and a foreign id is refused without any request about the replay."""
    server = build_for(demo, allowed_projects=("web-frontend",))
    replay = replay_in(demo, "web-frontend")
    async with Client(server) as client:
        foreign = await client.call_tool(
            "list_recording_segments", {"replay_id": replay, "project": CHECKOUT}
        )
        assert [p for p in paths(demo) if "/replays/" in p] == []
        allowed = await client.call_tool(
            "list_recording_segments", {"replay_id": replay, "project": WEB_FRONTEND}
        )
    assert foreign.is_error and f"Project `{CHECKOUT}` is outside" in text_of(foreign)
    assert not allowed.is_error, text_of(allowed)
    assert allowed.structured_content["segments"]
    assert paths(demo).count("GET /api/0/organizations/acme/projects/") == 1  # kept


@pytest.mark.parametrize("dialect", ["sentry", "spec"])
async def test_a_replay_inside_is_read_as_before(demo: DemoSentry):
    """Allowed by id, nothing else to read: no project list (the seed spec has none)."""
    server = build_for(demo, allowed_projects=(CHECKOUT,))
    story = demo.story_replay_id
    async with Client(server) as client:
        got = await client.call_tool("get_replay", {"replay_id": story})
        summary = await client.call_tool("summarize_replay", {"replay_id": story})
        elsewhere = replay_in(demo, "web-frontend")
        outside = await client.call_tool("get_replay", {"replay_id": elsewhere})
    assert not got.is_error and not summary.is_error, text_of(got) + text_of(summary)
    assert got.structured_content["id"] == story
    assert outside.is_error and OUTSIDE in text_of(outside)
    assert not any("/projects/" in p and "organizations" in p for p in paths(demo))


@pytest.mark.parametrize("dialect", ["sentry"])
async def test_lists_show_only_the_allowed_projects(demo: DemoSentry):
    server = build_for(demo, allowed_projects=("web-frontend",))
    async with Client(server) as client:
        listed = await client.call_tool("list_replays", {"limit": 100, "stats_period": "90d"})
        selectors = await client.call_tool("list_selectors", {"limit": 100, "stats_period": "90d"})
        counted = await client.call_tool(
            "count_replays", {"issue_ids": [int(i) for i in demo.issue_ids[:5]]}
        )
    assert not listed.is_error and not selectors.is_error and not counted.is_error
    rows = listed.structured_content["replays"]
    assert len(rows) >= 20 and {row["project_id"] for row in rows} == {WEB_FRONTEND}
    picked = selectors.structured_content["selectors"]
    assert picked and {row["project_id"] for row in picked} == {WEB_FRONTEND}
    # Sentry was asked for the allowed project only (by id), for all three lists.
    assert project_filter(demo, "/replays/") == [[WEB_FRONTEND]]
    assert project_filter(demo, "/replay-selectors/") == [[WEB_FRONTEND]]
    assert project_filter(demo, "/replay-count/") and all(
        f == [WEB_FRONTEND] for f in project_filter(demo, "/replay-count/")
    )
    assert f"projects {WEB_FRONTEND}" in text_of(counted)


@pytest.mark.parametrize("dialect", ["sentry"])
async def test_counts_are_those_of_the_allowed_projects(demo: DemoSentry):
    """The story replay's issue has replays in `checkout`: none is counted for web-frontend."""
    issue = int(demo.story_issue_id)
    async with Client(build_for(demo)) as client:
        everywhere = await client.call_tool("count_replays", {"issue_ids": [issue]})
    async with Client(build_for(demo, allowed_projects=("web-frontend",))) as client:
        scoped = await client.call_tool("count_replays", {"issue_ids": [issue]})
        refused = await client.call_tool(
            "count_replays", {"issue_ids": [issue], "project": "checkout"}
        )
    assert everywhere.structured_content["counts"][0]["count"] >= 1
    assert scoped.structured_content["counts"][0]["count"] == 0
    assert refused.is_error and "Project `checkout` is outside" in text_of(refused)


@pytest.mark.parametrize("dialect", ["sentry"])
async def test_replays_asked_by_id_outside_are_hidden_and_counted(demo: DemoSentry):
    inside = [r.id for r in demo.data.replays if r.project.slug == "web-frontend"][:2]
    outside = [r.id for r in demo.data.replays if r.project.slug == "checkout"][:3]
    server = build_for(demo, allowed_projects=("web-frontend",))
    async with Client(server) as client:
        result = await client.call_tool("list_replays", {"replay_ids": inside + outside})
    text = text_of(result)
    assert not result.is_error, text
    shown = {row["id"] for row in result.structured_content["replays"]}
    assert shown == set(inside)
    assert result.structured_content["hidden"] == 3
    assert "3 replays hidden: in projects outside this server's scope" in text
    assert not any(rid in text for rid in outside)
    for rid in outside:
        assert not any(secret in text for secret in secrets_of(demo, rid))


@pytest.mark.parametrize("dialect", ["sentry"])
async def test_an_issues_replays_outside_are_hidden(demo: DemoSentry):
    """The story issue's replays are in `checkout`: listed by issue, all are hidden."""
    server = build_for(demo, allowed_projects=("web-frontend",))
    async with Client(server) as client:
        result = await client.call_tool("list_replays", {"issue_id": demo.story_issue_id})
    text = text_of(result)
    assert not result.is_error, text
    assert result.structured_content["replays"] == []
    assert result.structured_content["hidden"] >= 1
    assert "hidden: in projects outside this server's scope" in text
    assert demo.story_replay_id not in text


@pytest.mark.parametrize("dialect", ["sentry"])
async def test_a_list_naming_a_project_outside_makes_no_request(demo: DemoSentry):
    server = build_for(demo, allowed_projects=("web-frontend",))
    async with Client(server) as client:
        for tool in ("list_replays", "list_selectors", "count_replays"):
            extra = {"replay_ids": [demo.story_replay_id]} if tool == "count_replays" else {}
            result = await client.call_tool(tool, {"project": "checkout", **extra})
            assert result.is_error and "Project `checkout` is outside" in text_of(result)
        both = await client.call_tool("list_replays", {"project": ["web-frontend", "checkout"]})
        assert both.is_error and "`checkout`" in text_of(both)
    assert demo.requests == []


@pytest.mark.parametrize("dialect", ["sentry"])
async def test_an_organization_outside_is_refused_before_any_request(demo: DemoSentry):
    server = build_for(demo, allowed_orgs=("acme",))
    story = demo.story_replay_id
    calls = [
        ("list_replays", {"organization": "acme-eu"}),
        ("count_replays", {"organization": "acme-eu", "replay_ids": [story]}),
        ("list_selectors", {"organization": "other"}),
        ("get_replay", {"replay_id": story, "organization": "acme-eu"}),
        ("summarize_replay", {"replay_id": f"https://acme-eu.sentry.io/replays/{story}/"}),
        ("delete_replay", {"replay_id": story, "organization": "acme-eu"}),
    ]
    async with Client(server) as client:
        for tool, arguments in calls:
            result = await client.call_tool(tool, arguments)
            text = text_of(result)
            assert result.is_error and "is outside this server's scope" in text, (tool, text)
            assert "may reach only the organization `acme`" in text
        assert demo.requests == []
        inside = await client.call_tool("get_replay", {"replay_id": story})
    assert not inside.is_error, text_of(inside)


@pytest.mark.parametrize("dialect", ["sentry"])
async def test_only_an_allowed_org_makes_every_project_reachable(demo: DemoSentry):
    server = build_for(demo, allowed_orgs=("acme",))
    async with Client(server) as client:
        listed = await client.call_tool("list_replays", {"limit": 100, "stats_period": "90d"})
    ids = {row["project_id"] for row in listed.structured_content["replays"]}
    assert {WEB_FRONTEND, CHECKOUT} <= ids
    assert project_filter(demo, "/replays/") == [[]]  # no filter: every project


@pytest.mark.parametrize("dialect", ["sentry"])
async def test_allowed_slugs_are_matched_per_organization(demo: DemoSentry):
    """`web-frontend` exists in both demo organizations under different ids; in the second
    region's `acme-eu` the list is asked for that organization's own id."""
    server = build_for(demo, allowed_projects=("web-frontend",))
    region_id = demo.region_data.project("web-frontend").id
    async with Client(server) as client:
        result = await client.call_tool(
            "list_replays", {"organization": "acme-eu", "stats_period": "90d"}
        )
    assert not result.is_error, text_of(result)
    assert project_filter(demo, "/replays/") == [[region_id]]
    assert {row["project_id"] for row in result.structured_content["replays"]} <= {region_id}


@pytest.mark.parametrize("dialect", ["spec"])
async def test_a_sentry_without_a_project_list_refuses_rather_than_guesses(demo: DemoSentry):
    """The seed has no project list: slugs cannot be matched to the replays' project ids, so
    the call is refused, saying to allow the projects by id."""
    server = build_for(demo, allowed_projects=("checkout",))
    async with Client(server) as client:
        result = await client.call_tool("get_replay", {"replay_id": demo.story_replay_id})
    text = text_of(result)
    assert result.is_error and "by numeric id in SENTRY_ALLOWED_PROJECTS" in text, text
    assert not any("recording-segments" in p for p in paths(demo))


@pytest.mark.parametrize("dialect", ["sentry"])
async def test_an_organization_without_any_allowed_project_lists_nothing(demo: DemoSentry):
    """No allowed project in the organization: refused, never asked without a filter (which
    would mean every project)."""
    server = build_for(demo, allowed_projects=("no-such-project",))
    async with Client(server) as client:
        result = await client.call_tool("list_replays", {})
    text = text_of(result)
    assert result.is_error and "organization `acme` has none of them" in text, text
    assert [p for p in paths(demo) if "/replays/" in p] == []


@pytest.mark.parametrize("dialect", ["sentry"])
async def test_the_instructions_say_what_the_server_reaches(demo: DemoSentry):
    scoped = build_for(demo, allowed_orgs=("acme",), allowed_projects=("web-frontend", CHECKOUT))
    async with Client(scoped) as client:
        said = client.instructions or ""
    async with Client(build_for(demo)) as client:
        plain = client.instructions or ""
    assert said.endswith(
        f"This server reaches only the organization `acme` and the projects `web-frontend`, "
        f"`{CHECKOUT}`: calls for others are refused."
    )
    assert "reaches only" not in plain and said.startswith(plain)


@pytest.mark.parametrize("dialect", ["sentry"])
async def test_a_genuine_code_does_not_delete_a_replay_outside(demo: DemoSentry):
    """A code that is valid (issued under the same shared secret by a server without the
    limit) still deletes nothing outside the allowed projects."""
    secret = b"s" * 32
    story = demo.story_replay_id  # in `checkout`
    async with Client(build_for(demo, secret=secret)) as unlimited:
        preview = await unlimited.call_tool("delete_replay", {"replay_id": story})
    code = preview.structured_content["confirmation_code"]
    assert code, text_of(preview)
    limited = build_for(demo, secret=secret, allowed_projects=("web-frontend",))
    async with Client(limited) as client:
        result = await client.call_tool("delete_replay", {"replay_id": story, "confirm": code})
    assert result.is_error and OUTSIDE in text_of(result), text_of(result)
    assert story not in demo.data.deleted
    assert not any(r.method == "DELETE" for r in demo.requests)
