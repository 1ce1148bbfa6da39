"""The token's organizations and an organization's projects, against the demo in both
dialects. Shapes: sentry.io answers bare lists of serialized organizations and projects
(getsentry/sentry src/sentry/api/endpoints/organization_index.py and
src/sentry/api/endpoints/organization_projects.py); the seed spec has neither route."""

from __future__ import annotations

import pytest

from sentry_replays_mcp.server.demo import DemoSentry
from sentry_replays_mcp.tools.api import directory
from sentry_replays_mcp.tools.api.client import SentryClient
from sentry_replays_mcp.tools.api.errors import InvalidArgument, NotFound

pytestmark = pytest.mark.anyio


async def test_organizations_and_projects(client: SentryClient, demo: DemoSentry, dialect: str):
    if dialect == "spec":
        with pytest.raises(NotFound):
            await directory.organizations(client)
        return
    orgs, whole = await directory.organizations(client)
    assert [(o.slug, o.name) for o in orgs] == [("acme", "Acme"), ("acme-eu", "Acme EU")]
    assert whole is True
    projects, whole = await directory.projects(client, "acme")
    assert [p.slug for p in projects] == [p.slug for p in demo.projects]
    assert whole is True and projects[0].id == demo.projects[0].id


async def test_a_bad_organization_is_refused_before_any_request(
    client: SentryClient, demo: DemoSentry
):
    with pytest.raises(InvalidArgument):
        await directory.projects(client, "../acme")
    assert demo.requests == []
