"""Signed-in callers over the program's own HTTP app, in process: the server built with OAuth
settings and a small token verifier that knows fixed test tokens (the identity provider's
real checks are tested with the verifier itself), reached through httpx2's ASGI transport
by the SDK's client, each caller with its own `Authorization` header. The demo Sentry, also
in process, logs every request the server made.

No tests here: the setup the test_callers_* modules share.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.server.auth.provider import AccessToken

from sentry_replays_mcp.server.app import build_server
from sentry_replays_mcp.server.config import Settings
from sentry_replays_mcp.server.demo import DemoSentry
from sentry_replays_mcp.server.http import http_app
from sentry_replays_mcp.server.oauth import DELETE_SCOPE, READ_SCOPE, OAuthSettings
from tests.conftest import DEMO_HOST_URL

ISSUER = "https://id.example.test/"
BASE = "http://127.0.0.1:8000"
AUDIENCE = f"{BASE}/mcp"
READ = [READ_SCOPE]
READ_DELETE = [READ_SCOPE, DELETE_SCOPE]
WEB_FRONTEND_ID = "4505321021243392"  # server/demo/data.py PROJECTS
CHECKOUT_ID = "4505321021243393"


def access(subject: str, scopes: list[str], **claims: Any) -> AccessToken:
    """What a verifier makes of a valid token for `subject` (the claims as the JWT holds them)."""
    return AccessToken(
        token=f"tok-{subject}-9f3c1d",
        client_id=f"app-{subject}",
        scopes=scopes,
        subject=subject,
        resource=AUDIENCE,
        claims={"iss": ISSUER, "sub": subject, "aud": AUDIENCE, **claims},
    )


class FixedTokens:
    """A token verifier that knows a fixed set of tokens by their strings."""

    def __init__(self, *known: AccessToken) -> None:
        self.known = {t.token: t for t in known}

    async def verify_token(self, token: str) -> AccessToken | None:
        return self.known.get(token)


class Served:
    """The server in process: `connect(token)` opens an SDK client signed in with `token`;
    `http(token)` a bare HTTP client of the app with that token's header."""

    def __init__(self, server: Any, app: Any) -> None:
        self.server = server
        self.app = app

    def http(self, token: AccessToken | None) -> httpx2.AsyncClient:
        headers = {"Authorization": f"Bearer {token.token}"} if token is not None else {}
        return httpx2.AsyncClient(
            transport=httpx2.ASGITransport(app=self.app), base_url=BASE, headers=headers
        )

    @asynccontextmanager
    async def connect(self, token: AccessToken, **options: Any) -> AsyncIterator[Client]:
        async with (
            self.http(token) as http,
            Client(streamable_http_client(AUDIENCE, http_client=http), **options) as client,
        ):
            yield client


@asynccontextmanager
async def signed_in(
    demo: DemoSentry,
    tokens: FixedTokens,
    *,
    stateless: bool = False,
    **options: Any,
) -> AsyncIterator[Served]:
    """The server over `demo` with OAuth on; `options` are OAuthSettings' claim fields and
    Settings fields."""
    oauth_fields = {k: options.pop(k) for k in ("projects_claim", "orgs_claim") if k in options}
    settings = Settings(
        token=demo.token,
        url=DEMO_HOST_URL,
        organization=demo.organization,
        transport="streamable-http",
        stateless=stateless,
        oauth=OAuthSettings(issuer=ISSUER, audience=AUDIENCE, **oauth_fields),
        **options,
    )
    server = build_server(
        settings, transport=httpx2.ASGITransport(app=demo.app), token_verifier=tokens
    )
    served = Served(server, http_app(server, settings))
    async with server.session_manager.run():
        yield served


def sentry_paths(demo: DemoSentry) -> list[str]:
    """The paths the demo Sentry was asked for, in order."""
    return [r.path for r in demo.requests]
