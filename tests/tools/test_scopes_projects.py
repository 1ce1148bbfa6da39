"""The project list the scopes read: `SentryClient.list_projects` against the demo, which
answers as sentry.io does (getsentry/sentry-docs
src/collections/_documentation/api/organizations/get-organization-projects.md: a bare JSON list,
`id` and `slug` as strings, paged with `Link`); the seed spec has no such route."""

from __future__ import annotations

import pytest

from sentry_replays_mcp.server.demo import DemoSentry
from sentry_replays_mcp.tools.api.client import SentryClient
from sentry_replays_mcp.tools.api.errors import NotFound

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("dialect", ["sentry"])
async def test_the_project_list_names_every_project_by_id_and_slug(
    client: SentryClient, demo: DemoSentry
):
    page = await client.list_projects("acme")
    assert [(p.id, p.slug) for p in page.items] == [(p.id, p.slug) for p in demo.projects]
    assert page.next_cursor is None
    region = await client.list_projects("acme-eu")  # answered by its region host
    assert {p.id for p in region.items} == {p.id for p in demo.region_data.projects}
    assert {r.query for r in demo.requests if r.path.endswith("/projects/")} == {"per_page=100"}


@pytest.mark.parametrize("dialect", ["spec"])
async def test_the_seed_has_no_project_list(client: SentryClient):
    with pytest.raises(NotFound):
        await client.list_projects("acme")
