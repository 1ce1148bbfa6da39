"""Callers with their own identity: the HTTP server as an OAuth 2.1 resource server.

`OAuthSettings` is what `--oauth-issuer` / `--oauth-audience` and their companions configure.
The server accepts access tokens issued by the organization's identity provider, checks them
(server/oauth/verify*), and lets each caller do what its token's scopes and claims allow.
"""

from __future__ import annotations

from dataclasses import dataclass, field

READ_SCOPE = "replays:read"  # every read-only tool
DELETE_SCOPE = "replays:delete"  # delete_replay: without it, the tool is not even listed
SCOPES = (READ_SCOPE, DELETE_SCOPE)


@dataclass(frozen=True)
class OAuthSettings:
    issuer: str  # the identity provider's issuer URL, exactly as its tokens carry it
    audience: str  # this server's own URL (RFC 8707 resource): the tokens' `aud`
    projects_claim: str | None = None  # a claim listing the caller's projects (slugs or ids)
    orgs_claim: str | None = None  # a claim listing the caller's organizations
    client_id: str | None = None  # for token introspection (RFC 7662), with client_secret
    client_secret: str | None = field(default=None, repr=False)
