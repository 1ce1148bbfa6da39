"""`GET organizations/{org}/projects/` as sentry.io answers it: a bare JSON list of the
organization's projects, paged with `Link` headers (getsentry/sentry-docs
src/collections/_documentation/api/organizations/get-organization-projects.md: each row has
`id` and `slug` as strings, `name`, `platform`, `hasAccess`, `isMember`, …). The seed spec has
no such route."""

from __future__ import annotations

from starlette.responses import Response

from .logic import resolve_org
from .web import Ctx, json_response


async def organization_projects(ctx: Ctx, org: str) -> Response:
    resolve_org(ctx, org)
    rows = [
        {
            "id": p.id,
            "slug": p.slug,
            "name": p.name,
            "platform": p.platform,
            "hasAccess": True,
            "isMember": True,
        }
        for p in ctx.demo.data.projects
    ]
    page, headers = ctx.page(rows)
    return json_response(page, headers=headers)
