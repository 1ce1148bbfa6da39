"""The one request path: bearer auth, timeouts, retries, size caps, status → error.

Knows HTTP and Sentry's conventions, not the operations (see `client.py`); each
failure is explained by `failures.py`.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import anyio
import httpx2

from sentry_replays_mcp.tools.api.decoding import SMALL_BODY, Unreadable, decode
from sentry_replays_mcp.tools.api.errors import RateLimited, SentryError, UpstreamError
from sentry_replays_mcp.tools.api.failures import ErrorContext
from sentry_replays_mcp.tools.api.notices import notify

log = logging.getLogger("sentry_replays_mcp.api")
USER_AGENT = "sentry-replays-mcp/0.1"

QueryParams = Sequence[tuple[str, str]]
_RETRYABLE_STATUS = {502, 503, 504}
# Errors raised before any byte of the request reached Sentry: safe to retry for every method.
_NOT_SENT = (httpx2.ConnectError, httpx2.ConnectTimeout, httpx2.PoolTimeout)
# Longer query strings are refused before sending (proxies and Sentry's front end answer 414
# well before httpx's own limit).
MAX_QUERY_CHARS = 8_000


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


def pooled_http(
    base_url: str,
    token: str,
    timeout: float,
    max_concurrency: int,
    transport: httpx2.AsyncBaseTransport | None = None,
) -> httpx2.AsyncClient:
    """One connection pool to Sentry: bearer token, JSON, no redirects followed."""
    return httpx2.AsyncClient(
        base_url=base_url,
        auth=BearerAuth(token),
        timeout=httpx2.Timeout(timeout, connect=min(timeout, 10.0)),
        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        limits=httpx2.Limits(
            max_connections=max_concurrency, max_keepalive_connections=max_concurrency
        ),
        transport=transport,
        follow_redirects=False,
    )


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
                await _tell_retry(context, error, wait, attempt + 1, self._retry.attempts)
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
        if len(urlencode(list(params))) > MAX_QUERY_CHARS:
            raise context.request_too_long(MAX_QUERY_CHARS)
        started = time.monotonic()
        async with self._limiter:
            try:
                # httpx2's timeouts bound each read; this bounds the whole answer (a slow body)
                with anyio.fail_after(context.timeout):
                    request = self._http.build_request(method, path, params=list(params))
                    response = await self._http.send(request, stream=True)
                    try:
                        raw = await read_capped(response, cap)
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
        return await _interpret(context, response.status_code, response.headers, raw)


async def _tell_retry(
    context: ErrorContext, error: SentryError, wait: float, attempt: int, attempts: int
) -> None:
    """The client hears of a retry: a rate limit as a warning, a flaky answer as info."""
    retrying = f"retrying in {wait:.1f}s (attempt {attempt} of {attempts})."
    if isinstance(error, RateLimited):
        message = f"Sentry is rate limiting requests to {context.action}; {retrying}"
        await notify("warning", message, context.secrets)
    else:
        failed = f"Sentry failed to {context.action} (unreachable or a server error); "
        await notify("info", failed + retrying, context.secrets)


def _type(response: httpx2.Response) -> str:
    return response.headers.get("content-type", "")


async def read_capped(response: httpx2.Response, cap: int) -> bytearray | None:
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


async def _interpret(
    context: ErrorContext, status: int, headers: Mapping[str, str], raw: bytes | bytearray
) -> Answer:
    """The answer of a 2xx with a JSON (or empty) body; any other answer raises its error. A
    large body is decoded off the event loop; an error's body is read only when small."""
    empty = len(raw) < 1_024 and not raw.strip()
    success = 200 <= status < 300
    body: Any = None
    problem: Unreadable | None = None
    if not empty and (success or len(raw) <= SMALL_BODY):
        try:
            body = await decode(raw)
        except Unreadable as error:
            problem = error
    if success:
        if problem is not None and problem.reason != "malformed":
            raise context.unreadable(problem.reason)
        if problem is not None:
            raise context.malformed(status, raw, headers.get("content-type", ""))
        return Answer(status, body, headers)
    raise context.failure(status, headers, body)
