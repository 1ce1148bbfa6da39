"""The one request path: bearer auth, timeouts, retries, size caps, status → error.

Knows HTTP and Sentry's conventions, not the operations (see `client.py`).
"""

from __future__ import annotations

import email.utils
import json
import logging
import random
import time
from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import anyio
import httpx2

from sentry_replays_mcp.tools.api.errors import (
    AuthenticationFailed,
    InvalidRequest,
    NotFound,
    PermissionDenied,
    RateLimited,
    SentryError,
    UpstreamError,
)

log = logging.getLogger("sentry_replays_mcp.api")

QueryParams = Sequence[tuple[str, str]]
_RETRYABLE_STATUS = {502, 503, 504}
# Errors raised before any byte of the request reached Sentry: safe to retry for every method.
_NOT_SENT = (httpx2.ConnectError, httpx2.ConnectTimeout, httpx2.PoolTimeout)


class BearerAuth(httpx2.Auth):
    """Adds the token to each request; its repr never shows it."""

    def __init__(self, token: str) -> None:
        self._header = f"Bearer {token}"

    def auth_flow(
        self, request: httpx2.Request
    ) -> Generator[httpx2.Request, httpx2.Response, None]:
        request.headers["Authorization"] = self._header
        yield request

    def __repr__(self) -> str:
        return "BearerAuth(<hidden>)"


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3  # total tries for a GET, including the first
    backoff: float = 0.25  # base of the exponential, jittered back-off (seconds)
    max_backoff: float = 4.0
    max_rate_limit_wait: float = 10.0  # longer waits are reported, not slept


@dataclass(frozen=True)
class Answer:
    """A successful response: status, parsed JSON body (None when empty) and headers."""

    status: int
    body: Any
    headers: Mapping[str, str]


class Transport:
    def __init__(
        self,
        http: httpx2.AsyncClient,
        *,
        retry: RetryPolicy,
        max_concurrency: int,
        max_body_bytes: int,
    ) -> None:
        self._http = http
        self._retry = retry
        self._limiter = anyio.CapacityLimiter(max_concurrency)
        self._max_body = max_body_bytes

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: QueryParams = (),
        context: ErrorContext,
        max_body_bytes: int | None = None,
        as_text: bool = False,
    ) -> Answer:
        """`as_text`: a successful body is returned unparsed, as the bytes received (for large
        pages read event by event)."""
        cap = max_body_bytes or self._max_body
        attempt = 0
        while True:
            attempt += 1
            try:
                return await self._once(method, path, params, context, cap, as_text)
            except SentryError as error:
                wait = self._retry_wait(method, error, attempt)
                if wait is None:
                    raise
                log.info("retrying %s %s in %.2fs (%s)", method, path, wait, error.kind)
                await anyio.sleep(wait)

    def _retry_wait(self, method: str, error: SentryError, attempt: int) -> float | None:
        """Seconds to wait before another try, or None to give up."""
        if attempt >= self._retry.attempts:
            return None
        not_sent = isinstance(error, UpstreamError) and error.not_sent
        if method != "GET" and not not_sent:
            return None  # a DELETE that may have reached Sentry is never repeated blindly
        if isinstance(error, RateLimited):
            if error.retry_after > self._retry.max_rate_limit_wait:
                return None
            return error.retry_after + random.uniform(0, 0.1)
        if isinstance(error, UpstreamError) and (not_sent or error.status in _RETRYABLE_STATUS):
            ceiling = min(self._retry.max_backoff, self._retry.backoff * 2 ** (attempt - 1))
            return random.uniform(ceiling / 2, ceiling)
        return None

    async def _once(
        self,
        method: str,
        path: str,
        params: QueryParams,
        context: ErrorContext,
        cap: int,
        as_text: bool,
    ) -> Answer:
        started = time.monotonic()
        async with self._limiter:
            try:
                # httpx2's timeouts bound each read; this bounds the whole answer (a slow body)
                with anyio.fail_after(context.timeout):
                    request = self._http.build_request(method, path, params=list(params))
                    response = await self._http.send(request, stream=True)
                    try:
                        raw = await _read_capped(response, cap)
                    finally:
                        await response.aclose()
            except _NOT_SENT as exc:
                raise context.unreachable(exc) from None
            except (httpx2.TimeoutException, TimeoutError):
                raise context.timed_out() from None
            except httpx2.TransportError as exc:
                raise context.broken(exc) from None
        log.debug(
            "%s %s -> %s in %.0f ms",
            method,
            request.url.path,
            response.status_code,
            (time.monotonic() - started) * 1000,
        )
        if raw is None:
            raise context.too_large(cap)
        if as_text and 200 <= response.status_code < 300:
            if bytes(raw[:64]).lstrip()[:1] not in (b"[", b"{"):  # not JSON: HTML or garbage
                raise context.malformed(response.status_code, raw[:512], _type(response))
            return Answer(response.status_code, raw, response.headers)
        return context.interpret(response.status_code, response.headers, raw)


def _type(response: httpx2.Response) -> str:
    return response.headers.get("content-type", "")


async def _read_capped(response: httpx2.Response, cap: int) -> bytearray | None:
    """The body, or None when it is larger than `cap` bytes."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        return None
    body = bytearray()
    async for chunk in response.aiter_bytes():
        if len(body) + len(chunk) > cap:
            return None
        body += chunk
    return body


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
    text = "".join(ch if ch.isprintable() else " " for ch in text).strip()
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

    def interpret(self, status: int, headers: Mapping[str, str], raw: bytes | bytearray) -> Answer:
        body = _json(raw) if raw.strip() else None
        if 200 <= status < 300:
            if raw.strip() and body is _INVALID:
                raise self.malformed(status, raw, headers.get("content-type", ""))
            return Answer(status, body, headers)
        detail = _detail(body) if body is not _INVALID else None
        raise self.failure(status, headers, detail)

    def failure(self, status: int, headers: Mapping[str, str], detail: str | None) -> SentryError:
        for secret in self.secrets:  # a proxy may echo the Authorization header back
            detail = detail.replace(secret, "[redacted]") if detail else detail
        said = f' Sentry said: "{_clean(detail)}".' if detail else ""
        if status == 401:
            return AuthenticationFailed(
                "Sentry rejected the token (HTTP 401): it is missing, invalid or expired. "
                "Set SENTRY_AUTH_TOKEN to a valid auth token.",
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
                f"Sentry answered with an HTML page instead of JSON (HTTP {status}) when asked "
                f"to {self.action}. Check that SENTRY_URL points at a Sentry server.",
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

    def unreachable(self, exc: Exception) -> UpstreamError:
        return UpstreamError(
            f"Could not connect to Sentry at {self.host} to {self.action} "
            f"({type(exc).__name__}). Check SENTRY_URL and the network, then try again.",
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


_INVALID: Any = object()


def _json(raw: bytes | bytearray) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return _INVALID
