"""The real program as a resource server for the test identity provider (a subprocess on
127.0.0.1), and the ways a test knocks on its door."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx2
from mcp import Client
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client

from tests.e2e.program import INITIALIZE, Running, running_server
from tests.oauth.conftest import AUDIENCE
from tests.oauth.idp import CLIENT_ID, CLIENT_SECRET, IdentityProvider

METADATA_URL = "https://replays.example.com/.well-known/oauth-protected-resource/mcp"
MCP_HEADERS = {
    "Accept": "application/json, text/event-stream",
    "MCP-Protocol-Version": "2025-11-25",
}


@contextmanager
def resource_server(idp: IdentityProvider, transport: str, *args: str) -> Iterator[Running]:
    audience = AUDIENCE.replace("/mcp", "/sse") if transport == "sse" else AUDIENCE
    with running_server(
        transport,
        *("--oauth-issuer", idp.issuer, "--oauth-audience", audience, "--log-level", "INFO"),
        *args,
        env={"MCP_OAUTH_CLIENT_ID": CLIENT_ID, "MCP_OAUTH_CLIENT_SECRET": CLIENT_SECRET},
    ) as running:
        yield running


def signed_in_client(running: Running, token: str) -> Client:
    """The SDK's client, sending `token` on every request."""
    headers = {"Authorization": f"Bearer {token}"}
    if running.endpoint.endswith("/sse"):
        return Client(sse_client(running.endpoint, headers=headers))
    http = httpx2.AsyncClient(headers=headers, timeout=httpx2.Timeout(30, read=60))
    return Client(streamable_http_client(running.endpoint, http_client=http))


async def knock(running: Running, token: str | None) -> httpx2.Response:
    """An initialize request, as a client's first, with `token` (or none)."""
    headers = dict(MCP_HEADERS)
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    async with httpx2.AsyncClient(timeout=30) as http:
        if running.endpoint.endswith("/sse"):  # an SSE client's first request opens the stream
            async with http.stream("GET", running.endpoint, headers=headers) as response:
                return response  # its head is all a refusal has to say
        return await http.post(running.endpoint, json=INITIALIZE, headers=headers)


def challenge(response: httpx2.Response) -> dict[str, Any]:
    """The parameters of the `WWW-Authenticate: Bearer ...` header."""
    value = response.headers.get("www-authenticate", "")
    assert value.startswith("Bearer "), value
    pairs = [part.strip().split("=", 1) for part in value[len("Bearer ") :].split(",")]
    return {name: raw.strip('"') for name, raw in pairs}
