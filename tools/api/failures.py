"""Each way a Sentry call can fail, explained in one sentence an agent can act on.

The sentences speak of Sentry and the call. The program using the client may add
a hint per situation (`Hints`), for example naming the setting to fix; the hint
is appended to the sentence, which reads complete without it.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from sentry_replays_mcp.tools.api.errors import (
    AuthenticationFailed,
    InvalidArgument,
    InvalidRequest,
    NotFound,
    PermissionDenied,
    RateLimited,
    SentryError,
    UpstreamError,
)
from sentry_replays_mcp.tools.api.redact import redact

# bad_token: Sentry rejected the token (401); not_sentry: an HTML page came back instead of
# JSON; unreachable: no connection could be made.
Situation = Literal["bad_token", "not_sentry", "unreachable"]
Hints = Mapping[Situation, str]


def _detail(body: Any) -> str | None:
    """Sentry's error text: `{"detail": str}`, `{"detail": {"message": ...}}`, a field map or a
    bare string (older 429s)."""
    if isinstance(body, str):
        return body
    if not isinstance(body, dict):
        return None
    detail = body.get("detail")
    if isinstance(detail, str):
        return detail
    if isinstance(detail, dict) and isinstance(detail.get("message"), str):
        return str(detail["message"])
    parts = []
    for key, value in body.items():
        messages = value if isinstance(value, list) else [value]
        text = " ".join(str(m) for m in messages if isinstance(m, str | int | float))
        if text:
            parts.append(f"{key}: {text}")
    return "; ".join(parts) or None


def _clean(text: str, limit: int = 300) -> str:
    """Sentry's explanations are English: printable ASCII only (no invisible or look-alike
    characters from whoever answered instead of Sentry), one line, capped."""
    text = " ".join("".join(ch if " " <= ch <= "~" else " " for ch in text[: limit * 2]).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds until Sentry's rate-limit window resets, from its headers."""
    now = time.time() if now is None else now
    reset = headers.get("x-sentry-rate-limit-reset")
    if reset:
        try:
            return max(0.0, float(reset) - now)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            parsed = email.utils.parsedate_to_datetime(value) if value else None
            if parsed is not None:
                return max(0.0, parsed.timestamp() - now)
    return None


@dataclass(frozen=True)
class ErrorContext:
    """What a call was about, so that each failure can be explained in one sentence."""

    action: str  # "list replays"
    scope: str  # "org:read"
    subject: str  # "replay 7e07… in organization 'acme'"
    host: str  # "sentry.io"
    timeout: float
    secrets: tuple[str, ...] = ()  # never repeated in a message
    hints: Hints = field(default_factory=dict)  # appended to the sentence of their situation

    def _hinted(self, situation: Situation, sentence: str) -> str:
        hint = self.hints.get(situation)
        return f"{sentence} {hint}" if hint else sentence

    def failure(self, status: int, headers: Mapping[str, str], body: Any) -> SentryError:
        """The error for a non-2xx answer; `body` is the parsed JSON, or None."""
        detail = _detail(body)
        # a proxy may echo the Authorization header back, in any case or encoding
        detail = redact(detail, self.secrets) if detail else detail
        said = f' Sentry said: "{_clean(detail)}".' if detail else ""
        if status == 401:
            return AuthenticationFailed(
                self._hinted(
                    "bad_token",
                    "Sentry rejected the token (HTTP 401): it is missing, invalid or expired.",
                ),
                status=status,
            )
        if status == 403:
            return PermissionDenied(
                f"Sentry refused to {self.action} (HTTP 403): the token lacks the "
                f"'{self.scope}' scope or access to this project. Use a token with "
                f"'{self.scope}'.{said}",
                scope=self.scope,
            )
        if status == 404:
            if detail == "The requested resource does not exist":
                return NotFound(
                    f"Sentry does not know the organization or project of {self.subject} "
                    "(HTTP 404). Check the organization and project slugs.",
                    status=status,
                )
            return NotFound(
                f"Sentry found no {self.subject} (HTTP 404). Check the id, the organization "
                "and project, and the time window (replays are kept for 90 days).",
                status=status,
            )
        if status == 429:
            wait = retry_after(headers)
            seconds = max(1, round(wait)) if wait is not None else 2
            return RateLimited(
                f"Sentry is rate limiting requests to {self.action} (HTTP 429). "
                f"Retry in {seconds} seconds.",
                retry_after=float(seconds if wait is None else wait),
            )
        if status >= 500:
            return UpstreamError(
                f"Sentry failed to {self.action} (HTTP {status}). This is on Sentry's side; "
                "try again in a moment.",
                status=status,
            )
        return InvalidRequest(
            f"Sentry rejected the request to {self.action} (HTTP {status}).{said}".rstrip(),
            status=status,
        )

    def malformed(self, status: int, raw: bytes | bytearray, content_type: str) -> UpstreamError:
        if raw.lstrip()[:1] == b"<" or "html" in content_type:
            return UpstreamError(
                self._hinted(
                    "not_sentry",
                    f"Sentry answered with an HTML page instead of JSON (HTTP {status}) when "
                    f"asked to {self.action}.",
                ),
                status=status,
            )
        return UpstreamError(
            f"Sentry sent a malformed or truncated JSON body when asked to {self.action}. "
            "Try again in a moment.",
            status=status,
        )

    def too_large(self, cap: int) -> UpstreamError:
        return UpstreamError(
            f"Sentry's answer to {self.action} was larger than {cap // 1_000_000} MB and was "
            "not read. Ask for fewer items (a smaller limit).",
        )

    def unreadable(self, reason: str) -> UpstreamError:
        """A 2xx body that is JSON but cannot be read safely (`reason`: "nested more than 100
        levels deep")."""
        return UpstreamError(
            f"Sentry's answer to {self.action} was {reason} and was not read. "
            "This is not what Sentry sends; check SENTRY_URL and any proxy in between.",
        )

    def request_too_long(self, limit: int) -> InvalidArgument:
        return InvalidArgument(
            f"The request to {self.action} would need a query longer than {limit:,} "
            "characters, which Sentry does not accept: pass fewer projects, environments or "
            "ids (or a shorter query). Nothing was sent.",
        )

    def unreachable(self, exc: Exception) -> UpstreamError:
        return UpstreamError(
            self._hinted(
                "unreachable",
                f"Could not connect to Sentry at {self.host} to {self.action} "
                f"({type(exc).__name__}).",
            ),
            not_sent=True,
        )

    def timed_out(self) -> UpstreamError:
        return UpstreamError(
            f"Sentry did not answer within {self.timeout:g} s when asked to {self.action}. "
            "Try again in a moment.",
            timed_out=True,
        )

    def broken(self, exc: Exception) -> UpstreamError:
        return UpstreamError(
            f"The connection to Sentry broke while trying to {self.action} "
            f"({type(exc).__name__}). Try again in a moment."
        )
