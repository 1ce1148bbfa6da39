"""A small identity provider for the tests: an OAuth 2.1 authorization server's metadata
(RFC 8414, or OpenID Connect discovery only), its signing keys (a JWKS with an RSA and an EC
key, made fresh for each run), a token introspection endpoint (RFC 7662, HTTP Basic client
credentials) and a way to sign tokens with any claims, key, key id or algorithm.

`running_idp()` serves it on 127.0.0.1 (a free port) in a thread and stops it on exit. Its
issuer has a path (`/realms/replays`, as Keycloak's do), so that the metadata is found with
the path inserted after the host.
"""

from __future__ import annotations

import base64
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import jwt
import uvicorn
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sentry_replays_mcp.server.http import bind
from tests.waiting import until_sync

REALM = "/realms/replays"
CLIENT_ID = "replays-mcp"
CLIENT_SECRET = "introspection-secret-" + "x" * 16
PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


@dataclass
class SigningKey:
    kid: str
    alg: str
    private: PrivateKey
    use: str = "sig"  # what the JWKS says the key is for

    def jwk(self) -> dict[str, Any]:
        maker = RSAAlgorithm if self.alg.startswith(("RS", "PS")) else ECAlgorithm
        public: dict[str, Any] = maker.to_jwk(self.private.public_key(), as_dict=True)
        return {**public, "kid": self.kid, "alg": self.alg, "use": self.use}

    def public_pem(self) -> bytes:
        from cryptography.hazmat.primitives import serialization

        return self.private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


def new_key(kind: str = "RSA") -> SigningKey:
    kid = f"{kind.lower()}-{secrets.token_hex(4)}"
    if kind == "RSA":
        return SigningKey(kid, "RS256", rsa.generate_private_key(65537, 2048))
    return SigningKey(kid, "ES256", ec.generate_private_key(ec.SECP256R1()))


@dataclass
class IdentityProvider:
    base: str = ""  # http://127.0.0.1:<port>, once served
    metadata_style: str = "oauth"  # "oauth": RFC 8414 path; "oidc": OpenID Connect only
    keys: list[SigningKey] = field(default_factory=lambda: [new_key("RSA"), new_key("EC")])
    opaque: dict[str, dict[str, Any]] = field(default_factory=dict)  # token -> answer
    hits: Counter[str] = field(default_factory=Counter)  # path -> requests
    up: bool = True  # False: every endpoint answers 503
    # More endpoints and the metadata naming them (tests/oauth/sign_in.py: the sign-in flow)
    more_routes: list[Route] = field(default_factory=list)
    more_metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def issuer(self) -> str:
        return self.base + REALM

    def publish(self, key: SigningKey) -> None:
        """Key rotation: the new key joins the JWKS."""
        self.keys.append(key)

    def claims(self, audience: str, **overrides: Any) -> dict[str, Any]:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": audience,
            "sub": "user-1",
            "azp": "claude",
            "scope": "replays:read replays:delete",
            "iat": now,
            "exp": now + 300,
            "jti": secrets.token_hex(8),
        }
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}  # None: leave it out

    def sign(
        self,
        audience: str,
        *,
        key: SigningKey | None = None,
        kid: str | None = None,
        headers: dict[str, Any] | None = None,
        **overrides: Any,
    ) -> str:
        """A JWT with the default claims (`overrides` replace them; None drops one)."""
        key = key or self.keys[0]
        header = {"kid": kid or key.kid, "typ": "at+jwt", **(headers or {})}
        return jwt.encode(
            self.claims(audience, **overrides), key.private, algorithm=key.alg, headers=header
        )

    def opaque_token(self, answer: dict[str, Any]) -> str:
        token = secrets.token_urlsafe(32)
        self.opaque[token] = answer
        return token

    # -- the endpoints ---------------------------------------------------------------------

    def metadata(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": self.issuer + "/authorize",
            "token_endpoint": self.issuer + "/token",
            "jwks_uri": self.issuer + "/jwks",
            "introspection_endpoint": self.issuer + "/introspect",
            "response_types_supported": ["code"],
            "code_challenge_methods_supported": ["S256"],
            **self.more_metadata,
        }

    def app(self) -> Starlette:
        async def oauth_metadata(request: Request) -> Response:
            return self._answer(request, self.metadata_style == "oauth", self.metadata)

        async def oidc_metadata(request: Request) -> Response:
            return self._answer(request, True, self.metadata)

        async def jwks(request: Request) -> Response:
            return self._answer(request, True, lambda: {"keys": [k.jwk() for k in self.keys]})

        async def introspect(request: Request) -> Response:
            self.hits[request.url.path] += 1
            expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
            if not self.up:
                return JSONResponse({"error": "down"}, status_code=503)
            if request.headers.get("authorization") != f"Basic {expected}":
                return JSONResponse({"error": "invalid_client"}, status_code=401)
            token = (await request.form()).get("token")
            return JSONResponse(self.opaque.get(str(token), {"active": False}))

        return Starlette(
            routes=[
                Route("/.well-known/oauth-authorization-server" + REALM, oauth_metadata),
                Route(REALM + "/.well-known/openid-configuration", oidc_metadata),
                Route(REALM + "/jwks", jwks),
                Route(REALM + "/introspect", introspect, methods=["POST"]),
                *self.more_routes,
            ]
        )

    def _answer(self, request: Request, served: bool, body: Any) -> Response:
        self.hits[request.url.path] += 1
        if not self.up:
            return JSONResponse({"error": "down"}, status_code=503)
        if not served:
            return JSONResponse({"error": "not_found"}, status_code=404)
        return JSONResponse(body())


@contextmanager
def running_idp(
    metadata_style: str = "oauth", prepare: Callable[[IdentityProvider], None] | None = None
) -> Iterator[IdentityProvider]:
    """The identity provider on 127.0.0.1 (a free port), in a thread, stopped on exit.
    `prepare` may add endpoints before it serves."""
    idp = IdentityProvider(metadata_style=metadata_style)
    sock = bind("127.0.0.1", 0)
    idp.base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    if prepare is not None:
        prepare(idp)
    server = uvicorn.Server(uvicorn.Config(idp.app(), log_config=None, access_log=False))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="test-idp", daemon=True
    )
    thread.start()
    try:
        assert until_sync(lambda: server.started or not thread.is_alive(), within=20)
        assert server.started, "the test identity provider did not start"
        yield idp
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
