"""Confirmation codes for destructive calls.

A code is bound to one organization, project argument and replay, and expires
after ten minutes. It is an HMAC under a secret made when the server starts,
so nothing is stored and a code cannot be guessed or reused for another replay.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable

from sentry_replays_mcp.tools.kit.errors import BadInput

VALID_SECONDS = 600


class ConfirmationCodes:
    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._secret = secrets.token_bytes(32)
        self._clock = clock

    def _sign(self, binding: str, expires: int) -> str:
        digest = hmac.new(self._secret, f"{binding}|{expires}".encode(), hashlib.sha256)
        return digest.hexdigest()[:12]

    def issue(self, binding: str) -> str:
        expires = int(self._clock()) + VALID_SECONDS
        return f"{expires:x}-{self._sign(binding, expires)}"

    def check(self, code: str, binding: str) -> None:
        """Raise BadInput unless `code` was issued for `binding` and has not expired."""
        expires_hex, _, signature = code.strip().partition("-")
        try:
            expires = int(expires_hex, 16)
        except ValueError:
            expires = -1
        expected = self._sign(binding, expires).encode()
        # as bytes: compare_digest raises TypeError on non-ASCII str
        if expires < 0 or not hmac.compare_digest(signature.encode(), expected):
            raise BadInput(
                "That confirmation code is not valid for this organization, project and replay. "
                "Nothing was deleted. Call delete_replay without confirm to get a new code."
            )
        if self._clock() > expires:
            raise BadInput(
                "That confirmation code has expired (codes last 10 minutes). Nothing was "
                "deleted. Call delete_replay without confirm to get a new code."
            )
