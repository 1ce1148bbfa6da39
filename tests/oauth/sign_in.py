"""The sign-in side of the test identity provider: dynamic client registration (RFC 7591),
the authorization endpoint (authorization code with PKCE S256, RFC 7636; the user consents
at once) and the token endpoint, issuing a JWT whose `aud` is the `resource` the client asked
for (RFC 8707). This is the path a remote MCP client such as Claude's connectors takes after
the server's 401: read the Protected Resource Metadata, then the issuer's, register, send the
user to sign in, trade the code for a token.

`SignIn.install(idp)` adds the endpoints (pass it as `running_idp(prepare=...)`); what the
client asked for is kept in `SignIn.asked` for the test to check.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from tests.oauth.idp import REALM, IdentityProvider


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def refusal(error: str, status: int = 400) -> Response:
    return JSONResponse({"error": error}, status_code=status)


@dataclass
class SignIn:
    """One user who consents to everything asked, with the claims their tokens carry."""

    user: str
    claims: dict[str, Any] = field(default_factory=dict)
    clients: dict[str, list[str]] = field(default_factory=dict)  # client id -> redirect URIs
    codes: dict[str, dict[str, str]] = field(default_factory=dict)  # code -> its request
    asked: list[dict[str, str]] = field(default_factory=list)  # each authorization request
    idp: IdentityProvider | None = None

    def install(self, idp: IdentityProvider) -> None:
        self.idp = idp
        idp.more_metadata.update(
            registration_endpoint=f"{idp.base}{REALM}/register",
            grant_types_supported=["authorization_code"],
            token_endpoint_auth_methods_supported=["none"],
        )
        idp.more_routes += [
            Route(REALM + "/register", self.register, methods=["POST"]),
            Route(REALM + "/authorize", self.authorize, methods=["GET"]),
            Route(REALM + "/token", self.token, methods=["POST"]),
        ]

    async def register(self, request: Request) -> Response:
        wanted = await request.json()
        uris = wanted.get("redirect_uris")
        if not isinstance(uris, list) or not uris:
            return refusal("invalid_redirect_uri")
        client_id = "client-" + secrets.token_hex(6)
        self.clients[client_id] = [str(u) for u in uris]
        answer = {**wanted, "client_id": client_id, "token_endpoint_auth_method": "none"}
        return JSONResponse(answer, status_code=201)

    async def authorize(self, request: Request) -> Response:
        asked = dict(request.query_params)
        self.asked.append(asked)
        redirect = asked.get("redirect_uri", "")
        if redirect not in self.clients.get(asked.get("client_id", ""), []):
            return refusal("invalid_client")
        if asked.get("response_type") != "code" or asked.get("code_challenge_method") != "S256":
            return refusal("invalid_request")
        code = secrets.token_urlsafe(16)
        self.codes[code] = asked
        back = {"code": code, "state": asked.get("state", "")}
        return RedirectResponse(f"{redirect}?{urlencode(back)}", status_code=302)

    async def token(self, request: Request) -> Response:
        form = dict(await request.form())
        asked = self.codes.pop(str(form.get("code")), None)
        if asked is None or form.get("grant_type") != "authorization_code":
            return refusal("invalid_grant")
        if (
            form.get("client_id") != asked["client_id"]
            or form.get("redirect_uri") != asked["redirect_uri"]
        ):
            return refusal("invalid_grant")
        if s256(str(form.get("code_verifier", ""))) != asked["code_challenge"]:
            return refusal("invalid_grant")  # PKCE: not the client that asked
        assert self.idp is not None
        scope = asked.get("scope", "")
        access = self.idp.sign(
            asked.get("resource", ""),  # RFC 8707: the token is for the resource asked for
            sub=self.user,
            azp=asked["client_id"],
            scope=scope,
            **self.claims,
        )
        return JSONResponse(
            {"access_token": access, "token_type": "Bearer", "expires_in": 300, "scope": scope}
        )
