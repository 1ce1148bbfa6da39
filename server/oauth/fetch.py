"""Reading the issuer's JSON documents (metadata, keys, introspection answers) over HTTP:
bounded in time and size, no redirects followed, and never a secret or a token in an error."""

from __future__ import annotations

import json
import ssl
from functools import cache
from typing import Any

import anyio
import httpx2

from sentry_replays_mcp.tools.api.transport import read_capped

TIMEOUT = httpx2.Timeout(10.0, connect=5.0)  # each step
TOTAL_SECONDS = 15.0  # the whole exchange, so that a slow drip cannot hold a request
MAX_DOCUMENT_BYTES = 512 * 1024  # a JWKS with many keys stays far below
USER_AGENT = "sentry-replays-mcp (OAuth resource server)"


@cache
def _tls() -> ssl.SSLContext:
    """One TLS context for every look-up: making one reads the CA bundle (about 20 ms of CPU
    on the event loop), which a client made per introspection would otherwise pay."""
    return httpx2.create_ssl_context()


class FetchError(Exception):
    """The document could not be read: one sentence, naming the URL (never a credential)."""


async def fetch_json(
    url: str,
    *,
    form: dict[str, str] | None = None,
    auth: tuple[str, str] | None = None,
    transport: httpx2.AsyncBaseTransport | None = None,
) -> dict[str, Any]:
    """GET `url` (or POST `form` to it, with HTTP Basic `auth`) and return its JSON object.
    FetchError when it does not answer 200 with a JSON object within the bounds."""
    method = "POST" if form is not None else "GET"
    async with httpx2.AsyncClient(
        timeout=TIMEOUT,
        follow_redirects=False,
        headers={"Accept": "application/json", "User-Agent": USER_AGENT},
        transport=transport,
        verify=_tls(),
    ) as client:
        try:
            with anyio.fail_after(TOTAL_SECONDS):
                async with client.stream(method, url, data=form, auth=auth) as response:
                    if response.status_code != 200:
                        raise FetchError(f"{url} answered HTTP {response.status_code}.")
                    raw = await read_capped(response, MAX_DOCUMENT_BYTES)
        except (httpx2.HTTPError, TimeoutError) as error:
            raise FetchError(f"{url} could not be reached ({type(error).__name__}).") from None
    if raw is None:
        raise FetchError(f"{url} answered more than {MAX_DOCUMENT_BYTES} bytes.")
    try:
        document = json.loads(raw)
    except ValueError:
        raise FetchError(f"{url} did not answer JSON.") from None
    if not isinstance(document, dict):
        raise FetchError(f"{url} did not answer a JSON object.")
    return document
