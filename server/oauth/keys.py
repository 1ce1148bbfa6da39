"""The issuer's signing keys (its JWKS), cached.

Kept for `KEEP_SECONDS`; a token naming a key id not in the set makes one refresh, but never
more than one per `REFRESH_SECONDS`, so that a flood of tokens with made-up key ids cannot
become a flood of requests to the identity provider. A failed refresh keeps the keys known.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import anyio
import httpx2
from jwt import PyJWK
from jwt.exceptions import PyJWTError

from .fetch import FetchError, fetch_json
from .issuer import Unavailable

log = logging.getLogger("sentry_replays_mcp.oauth")
KEEP_SECONDS = 600.0
REFRESH_SECONDS = 30.0
MAX_KEYS = 100
# Asymmetric signatures only: `none` and the HMAC family (HS*) are never accepted.
ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)


class UnknownKey(Exception):
    """No key of the set verifies this token (one sentence, for the log)."""


def _usable(jwk: Any) -> bool:
    return (
        isinstance(jwk, dict)
        and jwk.get("use", "sig") == "sig"
        and jwk.get("kty") in ("RSA", "EC", "OKP")
        and ("key_ops" not in jwk or "verify" in (jwk.get("key_ops") or []))
    )


class KeySet:
    """The JWKS at the URL the issuer's metadata names, shared by every request."""

    def __init__(
        self,
        transport: httpx2.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._transport = transport
        self._clock = clock
        self._keys: list[dict[str, Any]] = []
        self._url: str | None = None
        self._fetched_at: float | None = None
        self._tried_at: float | None = None
        self._lock: anyio.Lock | None = None
        self.fetches = 0  # how many times the set was requested (tests, logs)
        self._made: dict[tuple[int, str], PyJWK] = {}  # keys parsed, per (key, algorithm)

    async def key_for(self, url: str, kid: str | None, alg: str) -> PyJWK:
        """The key that must verify a token with this header (`kid`, `alg`)."""
        now = self._clock()
        fresh = (
            self._url == url
            and self._fetched_at is not None
            and now - self._fetched_at <= KEEP_SECONDS
        )
        if not (fresh and self._find(kid, alg)) and self._may_refresh(now):
            await self._refresh(url, now)
        found = self._find(kid, alg) if self._url == url else None
        if found is None:
            shown = "no key id" if kid is None else f"key id {kid!r}"
            raise UnknownKey(f"{shown} with algorithm {alg} is not among the issuer's keys.")
        return found

    def _may_refresh(self, now: float) -> bool:
        return self._tried_at is None or now - self._tried_at >= REFRESH_SECONDS

    async def _refresh(self, url: str, now: float) -> None:
        if self._lock is None:
            self._lock = anyio.Lock()
        tried_before = self._tried_at
        async with self._lock:
            if self._tried_at != tried_before:
                return  # another request refreshed (or tried) meanwhile
            self._tried_at = now
            self.fetches += 1
            try:
                document = await fetch_json(url, transport=self._transport)
            except FetchError as error:
                log.warning("OAuth signing keys could not be refreshed: %s", error)
                if self._url != url or not self._keys:
                    raise Unavailable(f"the issuer's keys could not be read: {error}") from None
                return
            keys = document.get("keys")
            if not isinstance(keys, list):
                log.warning("OAuth signing keys at %s: the answer has no key list", url)
                return
            self._keys = [k for k in keys[:MAX_KEYS] if _usable(k)]
            self._made = {}
            self._url, self._fetched_at = url, now

    def _find(self, kid: str | None, alg: str) -> PyJWK | None:
        """The one key for (`kid`, `alg`): by its id; without an id, the only key of the set.
        A key that names its own algorithm is used for that algorithm only."""
        if kid is None:
            candidates = self._keys if len(self._keys) == 1 else []
        else:
            candidates = [k for k in self._keys if k.get("kid") == kid]
        for jwk in candidates:
            if jwk.get("alg", alg) != alg:
                continue
            made = self._made.get((id(jwk), alg))
            if made is None:
                try:
                    made = PyJWK(jwk, algorithm=alg)
                except PyJWTError:  # the key does not fit the algorithm (RSA key, ES256 token)
                    continue
                self._made[(id(jwk), alg)] = made
            return made
        return None
