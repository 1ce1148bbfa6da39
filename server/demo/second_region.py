"""The demo's second data-storage region.

sentry.io keeps each organization in one region (US, DE, ...) with its own API host, named
by `links.regionUrl` in the organization's details (`GET /api/0/organizations/{org}/`). The
demo serves `acme` on its own host and `acme-eu` in a second region at `REGION_ORIGIN`:
requests for `acme-eu` are answered on both hosts (sentry.io proxies a request that reached
the wrong host), requests for `acme` on the region host are 404, as that region does not
hold it. Which host each request reached is in the request log (`RequestRecord.host`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .data import Dataset

if TYPE_CHECKING:
    from starlette.requests import Request

REGION_ORIGIN = "http://de.demo.invalid"  # `.invalid` never resolves outside this process


class RegionView:
    """The demo as the region's organization sees it: the region's data set, the rest
    (clock, segment rendering, caches) shared with the demo."""

    def __init__(self, demo: Any, data: Dataset) -> None:
        self._demo = demo
        self.data = data

    def __getattr__(self, name: str) -> Any:
        return getattr(self._demo, name)


def host_of(request: Request) -> str:
    return request.headers.get("host", "").lower()


def region_host(demo: Any) -> str:
    origin: str = demo.region_origin
    return urlsplit(origin).netloc.lower()


def owner_for(demo: Any, org: str | None, request: Request) -> Any | None:
    """Who answers a request for `org`: the region's view, the demo itself, or None when
    the request reached the region host for an organization that region does not hold."""
    regional = demo.region_data
    if org is not None and org in (regional.organization, regional.organization_id):
        return RegionView(demo, regional)
    if org is not None and host_of(request) == region_host(demo):
        return None
    return demo


def organization_json(demo: Any, request: Request) -> dict[str, Any]:
    """The organization details, trimmed to what a client reads (sentry.io sends many more
    keys; `links` as getsentry/sentry-mcp packages/mcp-core/src/api-client/schema.ts reads
    them: `regionUrl` may be empty on self-hosted servers)."""
    data = demo.data
    own = f"{request.url.scheme}://{host_of(request)}"
    region_url = demo.region_origin if data.region else own
    return {
        "id": data.organization_id,
        "slug": data.organization,
        "name": "Acme EU" if data.region else "Acme",
        "status": {"id": "active", "name": "active"},
        "features": ["session-replay"],
        "links": {"organizationUrl": own, "regionUrl": region_url},
    }
