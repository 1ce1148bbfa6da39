"""The issuer's metadata (RFC 8414, or OpenID Connect Discovery): where its keys and its
introspection endpoint are.

Looked up on first need and kept for `KEEP_SECONDS`; a failed lookup is logged and tried again
no sooner than `RETRY_SECONDS` later (meanwhile tokens are refused), so that an identity
provider that is down neither crashes the server nor receives a request per caller.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import anyio
import httpx2

from .fetch import FetchError, fetch_json

log = logging.getLogger("sentry_replays_mcp.oauth")
KEEP_SECONDS = 3600.0
RETRY_SECONDS = 30.0
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class Unavailable(Exception):
    """The issuer's metadata or keys cannot be had right now (one sentence, for the log)."""


@dataclass(frozen=True)
class IssuerMetadata:
    issuer: str
    jwks_uri: str | None
    introspection_endpoint: str | None


def metadata_urls(issuer: str) -> list[str]:
    """Where to look, in the order the MCP authorization spec gives: RFC 8414 with the path
    inserted after the host, OpenID Connect the same way, then OpenID Connect appended."""
    parts = urlsplit(issuer)
    origin = f"{parts.scheme}://{parts.netloc}"
    path = parts.path.rstrip("/")
    if not path:
        return [
            f"{origin}/.well-known/oauth-authorization-server",
            f"{origin}/.well-known/openid-configuration",
        ]
    return [
        f"{origin}/.well-known/oauth-authorization-server{path}",
        f"{origin}/.well-known/openid-configuration{path}",
        f"{origin}{path}/.well-known/openid-configuration",
    ]


def _endpoint(document: dict[str, Any], name: str, issuer: str) -> str | None:
    """An endpoint URL of the metadata: https (http only when the issuer is on loopback)."""
    value = document.get(name)
    if value is None:
        return None
    try:
        parts = urlsplit(value) if isinstance(value, str) else None
    except ValueError:
        parts = None
    plain_ok = urlsplit(issuer).hostname in LOOPBACK
    if parts is None or not parts.hostname or parts.scheme not in ("https", "http"):
        raise Unavailable(f"the issuer's metadata has no usable {name}.")
    if parts.scheme == "http" and not plain_ok:
        raise Unavailable(f"the issuer's metadata gives a plain-http {name}.")
    return str(value)


def read_metadata(document: dict[str, Any], issuer: str) -> IssuerMetadata:
    if document.get("issuer") != issuer:
        raise Unavailable(
            f"the metadata names issuer {document.get('issuer')!r}, not the configured {issuer!r}."
        )
    return IssuerMetadata(
        issuer=issuer,
        jwks_uri=_endpoint(document, "jwks_uri", issuer),
        introspection_endpoint=_endpoint(document, "introspection_endpoint", issuer),
    )


class Discovery:
    """The metadata of one issuer, shared by every request of the process."""

    def __init__(
        self,
        issuer: str,
        transport: httpx2.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.issuer = issuer
        self._transport = transport
        self._clock = clock
        self._metadata: IssuerMetadata | None = None
        self._fetched_at = 0.0
        self._failed_at: float | None = None
        self._problem = ""
        self._lock: anyio.Lock | None = None

    async def metadata(self) -> IssuerMetadata:
        now = self._clock()
        if self._metadata is not None and now - self._fetched_at < KEEP_SECONDS:
            return self._metadata
        if self._lock is None:
            self._lock = anyio.Lock()
        async with self._lock:
            return await self._refresh()

    async def _refresh(self) -> IssuerMetadata:
        now = self._clock()
        if self._metadata is not None and now - self._fetched_at < KEEP_SECONDS:
            return self._metadata  # another request refreshed it meanwhile
        if self._failed_at is not None and now - self._failed_at < RETRY_SECONDS:
            if self._metadata is not None:
                return self._metadata  # stale but known beats none
            raise Unavailable(self._problem)
        try:
            metadata = await self._discover()
        except Unavailable as problem:
            self._failed_at, self._problem = now, str(problem)
            log.warning(
                "OAuth issuer discovery failed, tokens are refused until it works: %s", problem
            )
            if self._metadata is not None:
                return self._metadata
            raise
        self._metadata, self._fetched_at, self._failed_at = metadata, now, None
        log.info("OAuth issuer %s: keys at %s", metadata.issuer, metadata.jwks_uri)
        return metadata

    async def _discover(self) -> IssuerMetadata:
        problems = []
        for url in metadata_urls(self.issuer):
            try:
                document = await fetch_json(url, transport=self._transport)
            except FetchError as error:
                problems.append(str(error))
                continue
            return read_metadata(document, self.issuer)
        raise Unavailable(f"no metadata for {self.issuer}: {' '.join(problems)}")
