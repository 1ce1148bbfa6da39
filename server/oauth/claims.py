"""What a verified token says, as the SDK's `AccessToken` (the contract the tools read through
`get_access_token()`), and the checks a JWT and an introspection answer share."""

from __future__ import annotations

from typing import Any

from mcp.server.auth.provider import AccessToken

LEEWAY_SECONDS = 30  # clocks of the identity provider and of this server may differ a little


class Refused(Exception):
    """A token this server does not accept; the message is the reason, for the log (it never
    quotes the token)."""


def audiences(audience: str) -> list[str]:
    """The `aud` values that name this server: its URL, with or without a final slash."""
    bare = audience.rstrip("/")
    return [bare, f"{bare}/"] if bare != audience else [audience, f"{audience}/"]


def names_audience(aud: Any, audience: str) -> bool:
    accepted = audiences(audience)
    values = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
    return any(value in accepted for value in values)


def scopes_of(claims: dict[str, Any]) -> list[str]:
    """`scope` (space-separated, RFC 9068 / RFC 7662) or `scp` (a list, or a string)."""
    given = claims.get("scope", claims.get("scp"))
    if isinstance(given, str):
        return list(dict.fromkeys(given.split()))
    if isinstance(given, list):
        return list(dict.fromkeys(s for s in given if isinstance(s, str) and s))
    if given is not None:
        raise Refused("its scope claim is neither text nor a list.")
    return []


def subject_of(claims: dict[str, Any]) -> str:
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise Refused("it names no subject (sub).")
    return subject


def access_token(token: str, claims: dict[str, Any], audience: str) -> AccessToken:
    subject = subject_of(claims)
    client = claims.get("client_id") or claims.get("azp")
    expires = claims.get("exp")
    return AccessToken(
        token=token,
        client_id=client if isinstance(client, str) and client else subject,
        scopes=scopes_of(claims),
        expires_at=int(expires) if isinstance(expires, int | float) else None,
        resource=audience,
        subject=subject,
        claims=claims,
    )
