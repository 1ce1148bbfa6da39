"""Checking a JWT access token (RFC 9068) with PyJWT: an asymmetric signature by one of the
issuer's current keys, `iss` exactly the issuer, `aud` naming this server, `exp` required
and not passed, `nbf` / `iat` not in the future (each with a small leeway)."""

from __future__ import annotations

from typing import Any

import jwt
from jwt import exceptions as e

from .claims import LEEWAY_SECONDS, Refused, audiences
from .issuer import IssuerMetadata, Unavailable
from .keys import ALGORITHMS, KeySet, UnknownKey

# Header types of access tokens: RFC 9068's, and the plain "JWT" many identity providers
# (Keycloak, Auth0) put on theirs; anything else (a logout token, ...) is not an access token.
ACCESS_TOKEN_TYPES = {"at+jwt", "application/at+jwt", "jwt"}
REQUIRED = ["exp", "iss", "aud", "sub"]
REASONS: list[tuple[type[Exception], str]] = [
    (e.ExpiredSignatureError, "it has expired."),
    (e.InvalidAudienceError, "it was issued for another audience (aud)."),
    (e.InvalidIssuerError, "it was issued by another issuer (iss)."),
    (e.ImmatureSignatureError, "it is not valid yet (nbf or iat in the future)."),
    (e.InvalidSignatureError, "its signature does not verify."),
    (e.InvalidAlgorithmError, "its algorithm does not fit the key."),
    (e.InvalidIssuedAtError, "its iat is not a number."),
]


def _header(token: str) -> tuple[str, str | None]:
    try:
        header = jwt.get_unverified_header(token)
    except e.PyJWTError:
        raise Refused("it is not a readable JWT.") from None
    alg, kid, typ = header.get("alg"), header.get("kid"), header.get("typ")
    if alg not in ALGORITHMS:
        raise Refused(f"its algorithm {str(alg)[:20]!r} is not accepted (asymmetric ones only).")
    if kid is not None and not isinstance(kid, str):
        raise Refused("its key id (kid) is not text.")
    if typ is not None and (not isinstance(typ, str) or typ.lower() not in ACCESS_TOKEN_TYPES):
        raise Refused(f"its type {str(typ)[:30]!r} is not an access token's.")
    return str(alg), kid


async def jwt_claims(
    token: str, metadata: IssuerMetadata, keys: KeySet, audience: str
) -> dict[str, Any]:
    """The verified payload, or Refused with the reason."""
    alg, kid = _header(token)
    if metadata.jwks_uri is None:
        raise Refused("the issuer publishes no signing keys (jwks_uri).")
    try:
        key = await keys.key_for(metadata.jwks_uri, kid, alg)
    except UnknownKey as problem:
        raise Refused(f"it was signed with an unknown key: {problem}") from None
    except Unavailable as problem:
        raise Refused(str(problem)) from None
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[alg],
            audience=audiences(audience),
            issuer=metadata.issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": REQUIRED, "strict_aud": False},
        )
    except e.MissingRequiredClaimError as problem:
        raise Refused(f"it has no {problem.claim} claim.") from None
    except e.PyJWTError as problem:
        reason = next((r for kind, r in REASONS if isinstance(problem, kind)), None)
        raise Refused(reason or f"it is not a valid JWT ({type(problem).__name__}).") from None
    return claims
