"""Confirmation codes for destructive calls.

A code is bound to one organization, project argument and replay, and expires after ten
minutes. It is an HMAC under a key derived from the deployment's shared secret
(`SENTRY_MCP_SECRET` or `--secret-file`), so that every process with that secret accepts it,
after a restart too; without one, under a random key made when the process starts. Either way
a code cannot be guessed or moved to another replay. The server-run field names the key
(derived from it), so a code from another key is told apart from a forged one. One format
only: `<expiry: 8 hex>-<server run: 4 hex>-<nonce: 8 hex>-<signature: 12 hex>`, lower-case
ASCII; anything else is refused as it is, never re-read as a number. The nonce makes every
preview's code a new one.

A code is spent when it is used: `claim()` marks it under a lock before the deletion is sent,
so a second or concurrent use is refused. The spent codes are kept in this process until they
would have expired anyway, and at most `MAX_SPENT` of them at once. Another process does not
know them: there, a repeated confirmation finds the replay already deleted (archived, or a 404
to the deletion) and deletes nothing more.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable

import anyio

from sentry_replays_mcp.tools.kit.errors import BadInput

VALID_SECONDS = 600
MAX_SPENT = 4096
CODE_SHAPE = re.compile(r"([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{8})-([0-9a-f]{12})", re.ASCII)
EXAMPLE = "6a1f3c2e-9b0d-51c2e3f4-4e5f6a7b8c9d"
NEW_CODE = "Call delete_replay without confirm to get a new code."
CODES_PURPOSE = b"sentry-replays-mcp/confirmation-codes/v1"


class ConfirmationCodes:
    def __init__(self, secret: bytes | None = None, clock: Callable[[], float] = time.time) -> None:
        self.shared = secret is not None
        # The key is derived from the shared secret (the raw secret signs nothing), else random.
        self._secret = (
            hmac.new(secret, CODES_PURPOSE, hashlib.sha256).digest()
            if secret is not None
            else secrets.token_bytes(32)
        )
        # Names the key in its codes, so a code under another key can be told apart: with a
        # shared secret every process agrees on it.
        self._run = hashlib.sha256(b"run|" + self._secret).hexdigest()[:4]
        self._clock = clock
        self._spent: dict[str, int] = {}  # code -> its expiry (epoch seconds)
        self._lock = anyio.Lock()

    def _sign(self, binding: str, expires: int, nonce: str) -> str:
        signed = f"{binding}|{expires}|{nonce}".encode()
        return hmac.new(self._secret, signed, hashlib.sha256).hexdigest()[:12]

    def issue(self, binding: str) -> str:
        expires = int(self._clock()) + VALID_SECONDS
        nonce = secrets.token_hex(4)
        return f"{expires:08x}-{self._run}-{nonce}-{self._sign(binding, expires, nonce)}"

    def check(self, code: str, binding: str, caller_bound: bool = False) -> None:
        """Raise BadInput unless `code` is in the one format, was issued by this server run for
        `binding`, has not expired and was not used. `caller_bound`: the binding names the
        signed-in caller too (the refusal says so)."""
        shape = CODE_SHAPE.fullmatch(code)
        if shape is None:
            raise BadInput(
                "confirm must be the confirmation_code exactly as delete_replay gave it (four "
                f"groups of lower-case hex such as {EXAMPLE}). Nothing was deleted. {NEW_CODE}"
            )
        expires_hex, run, nonce, signature = shape.groups()
        expires = int(expires_hex, 16)
        if run != self._run:
            raise BadInput(self._other_run())
        if not hmac.compare_digest(signature, self._sign(binding, expires, nonce)):
            raise BadInput(
                "That confirmation code is not valid for this organization, project"
                f"{', replay and caller' if caller_bound else ' and replay'}. "
                f"Nothing was deleted. {NEW_CODE}"
            )
        if self._clock() > expires:
            raise BadInput(
                f"That confirmation code has expired (codes last 10 minutes). Nothing was "
                f"deleted. {NEW_CODE}"
            )
        if code in self._spent:
            raise _spent()

    async def claim(self, code: str, binding: str, caller_bound: bool = False) -> None:
        """Check `code`, then mark it spent, atomically: of several concurrent claims of one
        code, exactly one returns."""
        async with self._lock:
            self.check(code, binding, caller_bound)
            self._forget_expired()
            if len(self._spent) >= MAX_SPENT:
                raise BadInput(
                    f"Too many deletions were confirmed in the last 10 minutes (at most "
                    f"{MAX_SPENT}). Nothing was deleted. Try again in a few minutes."
                )
            self._spent[code] = int(code[:8], 16)

    def _forget_expired(self) -> None:
        now = self._clock()
        for code in [c for c, expires in self._spent.items() if expires < now]:
            del self._spent[code]

    def _other_run(self) -> str:
        again = (
            "Nothing was deleted. A new preview (delete_replay without confirm) gives a new code."
        )
        if self.shared:
            return (
                "That confirmation code was signed under another secret than this server's "
                "SENTRY_MCP_SECRET (the secret changed, or another deployment issued it). " + again
            )
        return (
            "That confirmation code was not issued by this server run: the server may have "
            "restarted since, or another server process issued it (setting SENTRY_MCP_SECRET "
            "to one value on every process makes codes work across processes and restarts). "
            + again
        )

    @property
    def spent_count(self) -> int:
        return len(self._spent)


def _spent() -> BadInput:
    return BadInput(
        "That confirmation code was already used (a code deletes at most once). Nothing more "
        f"was deleted. {NEW_CODE}"
    )
