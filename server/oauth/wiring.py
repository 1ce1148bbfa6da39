"""The SDK's resource-server support switched on for `OAuthSettings`."""

from __future__ import annotations

from typing import Any

from mcp.server.auth.provider import TokenVerifier
from mcp.server.auth.settings import AuthSettings

from . import READ_SCOPE, OAuthSettings


def oauth_options(oauth: OAuthSettings | None, verifier: TokenVerifier | None) -> dict[str, Any]:
    """Keyword arguments for the MCP server: none without OAuth; otherwise the SDK's auth
    settings (every request needs a token with `replays:read`) and the token verifier."""
    if oauth is None:
        return {}
    if verifier is None:  # the issuer's metadata and keys, shared by every request
        from .verifier import IssuerVerifier

        verifier = IssuerVerifier(oauth)
    auth = AuthSettings(
        issuer_url=oauth.issuer,  # pydantic validates the URLs
        resource_server_url=oauth.audience,
        required_scopes=[READ_SCOPE],
        validate_token_resource=False,  # the verifier checks `aud` itself
    )
    return {"auth": auth, "token_verifier": verifier}
