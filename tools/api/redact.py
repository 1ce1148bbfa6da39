"""Secrets out of text that came back from upstream (a proxy or an error page may echo the
`Authorization` header): the secret as sent, in any letter case, percent-encoded (either hex
case, `+` for spaces), base64-encoded, or hex-encoded."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

REDACTED = "[redacted]"
MIN_SECRET = 8  # shorter values are too common in ordinary text to hide


def _echoes(secret: str) -> set[str]:
    raw = secret.encode()
    return {
        secret,
        quote(secret, safe=""),
        quote_plus(secret, safe=""),
        base64.b64encode(raw).decode().rstrip("="),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
        raw.hex(),
    }


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every echo of each secret replaced by `[redacted]`."""
    forms = sorted({form for s in secrets if len(s) >= MIN_SECRET for form in _echoes(s)}, key=len)
    if not forms:
        return text
    pattern = re.compile("|".join(re.escape(form) for form in reversed(forms)), re.IGNORECASE)
    return pattern.sub(REDACTED, text)
