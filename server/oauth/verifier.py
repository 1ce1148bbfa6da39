"""The token verifier of the resource server: the SDK's `TokenVerifier` for one issuer.

A JWT-shaped token is checked locally against the issuer's keys (server/oauth/jwt_checks.py);
any other token is asked about at the issuer's introspection endpoint
(server/oauth/introspection.py). The issuer's metadata and keys are looked up once and shared
by every request of the process. A refused token gets the caller a 401 from the SDK; its
reason is logged at INFO on stderr, never with the token.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable

import httpx2
from mcp.server.auth.provider import AccessToken

from . import OAuthSettings
from .claims import Refused, access_token
from .introspection import Introspection
from .issuer import Discovery, Unavailable
from .jwt_checks import jwt_claims
from .keys import KeySet

log = logging.getLogger("sentry_replays_mcp.oauth")
MAX_TOKEN_CHARS = 8192
# Three base64url parts; an empty signature too, so that `alg: none` is refused as such.
JWT_SHAPE = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
# RFC 6750's b64token: what an opaque bearer token may be made of.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9\-._~+/]+=*")


class IssuerVerifier:
    """Accepts the access tokens `settings.issuer` issued for `settings.audience`."""

    def __init__(
        self,
        settings: OAuthSettings,
        transport: httpx2.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,  # paces the look-ups (tests move it)
    ) -> None:
        self.settings = settings
        self.discovery = Discovery(settings.issuer, transport, clock)
        self.keys = KeySet(transport, clock)
        self.introspection = Introspection(settings.client_id, settings.client_secret, transport)

    def __repr__(self) -> str:
        return f"IssuerVerifier(issuer={self.settings.issuer!r})"

    async def verify_token(self, token: str) -> AccessToken | None:
        try:
            return await self._verify(token)
        except Refused as reason:
            log.info("refused a bearer token: %s", reason)
        except Exception as error:  # never a crash for a caller's token; the reason is logged
            log.warning("refused a bearer token: checking it failed (%s)", type(error).__name__)
        return None

    async def _verify(self, token: str) -> AccessToken:
        if len(token) > MAX_TOKEN_CHARS:
            raise Refused(f"it is longer than {MAX_TOKEN_CHARS} characters.")
        if not TOKEN_SHAPE.fullmatch(token):
            raise Refused("it is not a bearer token's text.")
        try:
            metadata = await self.discovery.metadata()
        except Unavailable as problem:
            raise Refused(f"the issuer cannot be consulted: {problem}") from None
        audience = self.settings.audience
        if JWT_SHAPE.fullmatch(token):
            claims = await jwt_claims(token, metadata, self.keys, audience)
        else:
            claims = await self.introspection.claims(token, metadata, audience)
        return access_token(token, claims, audience)
