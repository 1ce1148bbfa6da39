"""Which API host serves an organization: sentry.io's data-storage regions.

On sentry.io every organization lives in one region (US, DE, ...) with its own API host,
named by `links.regionUrl` in the organization's details. sentry.io proxies a request sent
to another host, at a cost in latency, so the client reads the region once per organization
and calls it directly (as getsentry/sentry-mcp does in
packages/mcp-core/src/internal/tool-helpers/resolve-region-url.ts).

The region URL comes from the server, so it is checked before the token is sent to it: it is
followed only from sentry.io to an https host in sentry.io, or from the embedded demo's host
(`demo.invalid`, a reserved name that never resolves outside this process) to a host under
it. A self-hosted Sentry is used as configured; its region URL is never read.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

import anyio

from sentry_replays_mcp.tools.api.errors import SentryError

SAAS_DOMAIN = "sentry.io"
DEMO_DOMAIN = "demo.invalid"
_HOST = re.compile(
    r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*"
)


def _within(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


def domain_of(base_url: str) -> str | None:
    """The domain whose region hosts may serve this API root, or None (self-hosted)."""
    host = (urlsplit(base_url).hostname or "").lower()
    for domain in (SAAS_DOMAIN, DEMO_DOMAIN):
        if _within(host, domain):
            return domain
    return None


def region_root(region_url: object, base_url: str) -> str | None:
    """The API root for an organization whose details name `region_url`, or None to keep
    `base_url` (no region named, the same host, or a region URL that is refused)."""
    domain = domain_of(base_url)
    if domain is None or not isinstance(region_url, str) or not region_url.strip():
        return None
    try:
        parts, base = urlsplit(region_url.strip()), urlsplit(base_url)
        port = parts.port
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    scheme = "https" if domain == SAAS_DOMAIN else base.scheme
    if (
        parts.scheme != scheme
        or parts.username is not None
        or parts.password is not None
        or not _HOST.fullmatch(host)
        or not _within(host, domain)
        or parts.path.strip("/")
        or parts.query
        or parts.fragment
        or port not in (None, base.port)
    ):
        return None
    netloc = host if port is None else f"{host}:{port}"
    if netloc == base.netloc.lower():
        return None
    return f"{scheme}://{netloc}/api/0/"


class RegionRoots:
    """Per organization, the API root of its region (None: the configured URL), read once
    with `read(org)` (the organization's details) and remembered, a failed read included:
    the configured URL still answers, sentry.io proxies to the region."""

    def __init__(self, base_url: str, read: Callable[[str], Awaitable[Any]]) -> None:
        self._base_url = base_url
        self._read = read
        self._follow = domain_of(base_url) is not None
        self._roots: dict[str, str | None] = {}
        self._lock = anyio.Lock()

    def known(self) -> dict[str, str | None]:
        return dict(self._roots)

    async def root(self, org: str) -> str | None:
        if not self._follow:
            return None
        async with self._lock:
            if org not in self._roots:
                try:
                    body = await self._read(org)
                except SentryError:
                    body = None
                links = body.get("links") if isinstance(body, dict) else None
                found = links.get("regionUrl") if isinstance(links, dict) else None
                self._roots[org] = region_root(found, self._base_url)
            return self._roots[org]
