"""The shared secret that makes confirmation codes (and the SDK's multi-round-trip state) valid
on every process of a deployment and across restarts.

It comes from `SENTRY_MCP_SECRET` or from `--secret-file PATH` (the file wins), at least
`MIN_SECRET_BYTES` bytes; surrounding whitespace (a file's final newline) is not part of it.
It is never logged and never shown: `Settings` keeps it out of its repr, and no message here
quotes it. Each use gets its own key derived from it (HMAC-SHA256 with a purpose label), so
the raw secret signs nothing itself.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING

from sentry_replays_mcp.server.config import ConfigError
from sentry_replays_mcp.server.secret_file import read_secret_file

if TYPE_CHECKING:
    from mcp.server.request_state import RequestStateSecurity

MIN_SECRET_BYTES = 32
GENERATE = 'python -c "import secrets; print(secrets.token_hex(32))"'
REQUEST_STATE_PURPOSE = b"sentry-replays-mcp/request-state/v1"


def load_secret(from_environment: str | bytes | None, path: str | None) -> bytes | None:
    """The secret as bytes, or None when neither setting is given. Raises ConfigError with one
    sentence naming the setting when the file cannot be read or the secret is too short."""
    if path:
        try:
            raw = read_secret_file(path, "--secret-file", "the confirmation secret")
        except ValueError as problem:
            raise ConfigError(str(problem)) from None
        return _checked(raw, "--secret-file")
    if not from_environment:
        return None
    raw = from_environment if isinstance(from_environment, bytes) else from_environment.encode()
    return _checked(raw.strip(), "SENTRY_MCP_SECRET")


def _checked(secret: bytes, setting: str) -> bytes:
    if len(secret) < MIN_SECRET_BYTES:
        raise ConfigError(
            f"{setting} must hold at least {MIN_SECRET_BYTES} bytes of secret (it holds "
            f"{len(secret)}); make one with {GENERATE}."
        )
    return secret


def derive_key(secret: bytes, purpose: bytes) -> bytes:
    """A 32-byte key for one purpose, derived from the secret (HKDF-Extract: HMAC-SHA256)."""
    return hmac.new(secret, purpose, hashlib.sha256).digest()


def request_state_security(secret: bytes | None) -> RequestStateSecurity | None:
    """The SDK's sealing of multi-round-trip state (a 2026-07-28 client answering a question,
    such as delete_replay's, on its next request) under a key from the shared secret, so
    that any process can read what another sealed; None (the SDK's per-process key) without
    a secret."""
    if secret is None:
        return None
    from mcp.server.request_state import RequestStateSecurity

    return RequestStateSecurity(keys=[derive_key(secret, REQUEST_STATE_PURPOSE)])
