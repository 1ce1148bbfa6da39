"""The token's organizations and an organization's projects: what argument completion offers.

Shapes follow Sentry's serializers: `GET organizations/` answers a list of organization
summaries (src/sentry/api/serializers/models/organization.py: `id`, `slug`, `name`, ...)
and `GET organizations/{org}/projects/` a list of project summaries
(src/sentry/api/serializers/models/project.py: `id`, `slug`, `name`, `platform`, ...).
Only the first page is read: completion offers at most 100 values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sentry_replays_mcp.tools.api.lenient import IdStr, Lenient, OptStr

if TYPE_CHECKING:
    from sentry_replays_mcp.tools.api.client import SentryClient

PER_PAGE = 100


class Listed(Lenient):
    """An organization or a project, as the lists name it."""

    id: IdStr = None
    slug: OptStr = None
    name: OptStr = None


async def organizations(client: SentryClient) -> tuple[list[Listed], bool]:
    """The organizations the token can see (first page), and whether that is all of them."""
    params = [("per_page", str(PER_PAGE))]
    answer = await client._call("list_organizations", {}, "organizations", params)
    page = client._page(Listed, answer)
    return [row for row in page.items if row.slug], page.next_cursor is None


async def projects(client: SentryClient, organization: str) -> tuple[list[Listed], bool]:
    """The organization's projects (first page), and whether that is all of them."""
    page = await client.list_projects(organization)
    rows = [Listed(id=p.id, slug=p.slug) for p in page.items if p.slug]
    return rows, page.next_cursor is None
