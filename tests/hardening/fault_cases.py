"""The upstream faults every tool must survive, and running every row's call at once."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import anyio
from mcp import Client

from sentry_replays_mcp.server.demo import DemoSentry
from tests.hardening.watch import all_text, call

HTML_PAGE = "<!DOCTYPE html><html><head><title>Sign in</title></head><body>Sign in</body></html>"
FIFTY_MB = b"x" * 50_000_000
# The server's Sentry timeout: LONG where it must not fire (a busy machine reads 16 MB slowly),
# SHORT where the fault outlasts it by far.
LONG, SHORT = 120.0, 5.0


def tool_of(row: str) -> str:
    return row.split("+", 1)[0]


@dataclass(frozen=True)
class Case:
    name: str
    fault: dict[str, Any] | None  # None: nothing listens on the port (connection refused)
    expect: tuple[str, ...]  # regexes the error must match; () when the call recovers
    attempts: int | None  # tries of the most-tried GET path (None: not counted)
    seconds: float  # bound on one call
    timeout: float = LONG  # the server's Sentry timeout

    @property
    def recovers(self) -> bool:
        return not self.expect


def inject(demo: DemoSentry, path: str, fault: dict[str, Any], **extra: Any) -> None:
    """Add the fault; `reset_in` becomes an X-Sentry-Rate-Limit-Reset that many seconds away."""
    spec = {"times": None, **fault, **extra}
    reset_in = spec.pop("reset_in", None)
    if reset_in is not None:
        spec["headers"] = {"X-Sentry-Rate-Limit-Reset": str(int(time.time()) + reset_in)}
    demo.faults.add(path=path, **spec)


def cases() -> list[Case]:
    """Each bound on one call is far from what the wrong behaviour would take (sleeping out a
    60 s rate limit, waiting for a 60 s answer, reading a whole 50 MB body), so that a busy
    machine cannot fail a right answer and a fast one cannot pass a wrong one."""
    json_ct = {"content_type": "application/json"}
    return [
        Case("401", {"status": 401, "body": {"detail": "Invalid token"}},
             ("HTTP 401", "Set SENTRY_AUTH_TOKEN"), 1, 20),
        Case("403", {"status": 403, "body": {"detail": "You do not have permission"}},
             ("HTTP 403", "scope"), 1, 20),
        Case("500", {"status": 500, "body": {"detail": "Internal Error", "errorId": "e1"}},
             ("HTTP 500", "try again"), 1, 20),
        Case("502", {"status": 502, "body": HTML_PAGE.replace("Sign in", "502 Bad Gateway"),
                     "content_type": "text/html"}, ("HTTP 502", "try again"), 3, 20),
        Case("503", {"status": 503, "body": {"detail": "Service unavailable"}},
             ("HTTP 503", "try again"), 3, 20),
        Case("503 twice, then fine", {"status": 503, "times": 2}, (), 3, 20),
        Case("429 reset in 60 s", {"status": 429, "reset_in": 60},
             ("HTTP 429", r"Retry in (5\d|60) seconds"), 1, 30),
        Case("429 without headers", {"status": 429, "body": "Too many requests"},
             ("HTTP 429", "Retry in 2 seconds"), 3, 30),
        Case("429 reset in 1 s, once", {"status": 429, "reset_in": 1, "times": 1},
             (), 2, 30),
        Case("timeout", {"status": 200, "body": {"data": []}, "delay": 60},
             (r"did not answer within 5 s", "Try again"), 1, 30, timeout=5),
        Case("slow body", {"status": 200, "body": '{"data": []}', "chunks": 2,
                           "chunk_delay": 60, **json_ct},
             (r"did not answer within 5 s",), 1, 30, timeout=5),
        Case("connection refused", None, ("Could not connect", "SENTRY_URL"), None, 20),
        Case("malformed JSON", {"status": 200, "body": "this is {not json", **json_ct},
             ("malformed or truncated JSON",), 1, 20),
        Case("truncated JSON", {"status": 200, "body": '{"data": [{"id": "7e07485f', **json_ct},
             ("malformed or truncated JSON",), 1, 20),
        Case("50 MB body", {"status": 200, "body": FIFTY_MB, **json_ct},
             ("larger than 16 MB", "smaller limit"), 1, 30),
        Case("50 MB body, streamed", {"status": 200, "body": FIFTY_MB, "chunks": 10, **json_ct},
             ("larger than 16 MB",), 1, 30),
        Case("HTML page", {"status": 200, "body": HTML_PAGE, "content_type": "text/html"},
             ("HTML page instead of JSON", "SENTRY_URL"), 1, 20),
    ]  # fmt: skip


CASES = cases()


@dataclass
class Outcome:
    text: str
    is_error: bool
    seconds: float
    structured: dict[str, Any] | None


async def run_all(
    clients: dict[str, Client], args: dict[str, dict[str, Any]], bound: float
) -> dict[str, Outcome]:
    """Every row's call at once; each one bounded."""
    outcomes: dict[str, Outcome] = {}

    async def one(row: str) -> None:
        started = time.monotonic()
        with anyio.fail_after(bound):
            result = await call(clients[row], tool_of(row), args[row])
        outcomes[row] = Outcome(
            all_text(result),
            bool(result.is_error),
            time.monotonic() - started,
            result.structured_content,
        )

    async with anyio.create_task_group() as group:
        for row in clients:
            group.start_soon(one, row)
    return outcomes
