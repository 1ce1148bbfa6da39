"""Opaque (not JWT-shaped) access tokens, asked about at the issuer's introspection endpoint
(RFC 7662) with this server's client credentials.

The answer must say `active: true`, name this server in `aud`, the configured issuer in `iss`
(when it names one), a subject, and no passed `exp`. An accepted answer is kept for at most
`KEEP_SECONDS` (never past the token's expiry), keyed by the token's hash, so that the calls
of one session do not each cost a round trip; a refused one is not kept.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx2

from .claims import LEEWAY_SECONDS, Refused, names_audience
from .fetch import FetchError, fetch_json
from .issuer import IssuerMetadata

KEEP_SECONDS = 60.0
MAX_KEPT = 1024


def check_answer(answer: dict[str, Any], issuer: str, audience: str, now: float) -> None:
    if answer.get("active") is not True:
        raise Refused("the issuer says it is not active (introspection).")
    if "iss" in answer and answer["iss"] != issuer:
        raise Refused("it was issued by another issuer (iss, introspection).")
    if not names_audience(answer.get("aud"), audience):
        raise Refused("it was issued for another audience (aud, introspection).")
    expires = answer.get("exp")
    if expires is not None and (
        not isinstance(expires, int | float) or expires <= now - LEEWAY_SECONDS
    ):
        raise Refused("it has expired (introspection).")
    scope = answer.get("scope")
    if scope is not None and not isinstance(scope, str):
        raise Refused("its scope is not text (introspection).")


class Introspection:
    """Asks the issuer about opaque tokens; one per process."""

    def __init__(
        self,
        client_id: str | None,
        client_secret: str | None,
        transport: httpx2.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._client_id = client_id
        self._secret = client_secret
        self._transport = transport
        self._clock = clock
        self._kept: dict[bytes, tuple[float, dict[str, Any]]] = {}

    def __repr__(self) -> str:
        return f"Introspection(client_id={self._client_id!r})"

    async def claims(self, token: str, metadata: IssuerMetadata, audience: str) -> dict[str, Any]:
        """The introspection answer, checked, or Refused with the reason."""
        if metadata.introspection_endpoint is None:
            raise Refused("it is not a JWT and the issuer offers no introspection endpoint.")
        if not self._client_id or not self._secret:
            raise Refused(
                "it is not a JWT, and introspecting it needs MCP_OAUTH_CLIENT_ID and "
                "MCP_OAUTH_CLIENT_SECRET."
            )
        now = self._clock()
        digest = hashlib.sha256(token.encode()).digest()
        kept = self._kept.get(digest)
        if kept is not None and kept[0] > now:
            return kept[1]
        self._kept.pop(digest, None)
        # RFC 6749 §2.3.1: the credentials are form-encoded before HTTP Basic encoding.
        credentials = (quote(self._client_id, safe=""), quote(self._secret, safe=""))
        try:
            answer = await fetch_json(
                metadata.introspection_endpoint,
                form={"token": token, "token_type_hint": "access_token"},
                auth=credentials,
                transport=self._transport,
            )
        except FetchError as problem:
            raise Refused(f"introspection failed: {problem}") from None
        check_answer(answer, metadata.issuer, audience, now)
        self._keep(digest, answer, now)
        return answer

    def _keep(self, digest: bytes, answer: dict[str, Any], now: float) -> None:
        until = now + KEEP_SECONDS
        if isinstance(answer.get("exp"), int | float):
            until = min(until, float(answer["exp"]))
        while len(self._kept) >= MAX_KEPT:
            self._kept.pop(next(iter(self._kept)))
        self._kept[digest] = (until, answer)
