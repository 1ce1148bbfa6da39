"""Fault injection and the request log of the demo Sentry.

A fault answers instead of the real route when its `path` regex is found in the URL
path after `/api/0/` (and its method, if given, matches). In process (`FaultSet.add`, for
tests) `path` is a regex; through the control route it is literal text (`literal_pattern`).
Faults are checked before authentication, so they can fake 401/403 too; the request is still
logged.
The fault's response has exactly the status, body and headers the fault names
(no rate-limit headers are added), plus a content type derived from the body.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

import anyio
from starlette.responses import Response, StreamingResponse

MAX_LOG = 50_000
PENDING = 0  # a logged request's status until its answer is ready


@dataclass
class RequestRecord:
    """One request as the demo saw it. The Authorization header is never kept."""

    method: str
    path: str  # URL path as received (raw, still percent-encoded)
    query: str  # raw query string
    status: int  # PENDING (0) while the demo is still answering
    authenticated: bool
    host: str = ""  # the Host the request was sent to (the demo answers on two)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Fault:
    path: str
    method: str | None = None
    status: int = 500
    body: bytes | str | dict[str, Any] | list[Any] | None = None
    headers: dict[str, str] | None = None
    content_type: str | None = None
    delay: float = 0.0
    chunk_delay: float = 0.0
    chunks: int = 1
    times: int | None = 1
    hits: int = 0
    id: int = 0
    _rx: re.Pattern[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._rx = re.compile(self.path)
        if self.chunks < 1:
            raise ValueError("chunks must be >= 1")
        if not 100 <= int(self.status) <= 599:
            raise ValueError("status must be an HTTP status code")

    @property
    def remaining(self) -> int | None:
        return None if self.times is None else max(0, self.times - self.hits)

    def matches(self, method: str, path: str) -> bool:
        if self.method and self.method.upper() != method.upper():
            return False
        if self.times is not None and self.hits >= self.times:
            return False
        return self._rx.search(path) is not None

    def payload(self) -> tuple[bytes, str | None]:
        body, ctype = self.body, self.content_type
        if isinstance(body, dict | list):
            return json.dumps(body).encode(), ctype or "application/json"
        if isinstance(body, str):
            return body.encode(), ctype or "text/plain; charset=utf-8"
        if isinstance(body, bytes):
            return body, ctype or "application/octet-stream"
        return b"", ctype

    async def respond(self) -> Response:
        """The fault's answer: its status, body and only the headers it names."""
        if self.delay > 0:
            await anyio.sleep(self.delay)
        body, ctype = self.payload()
        headers = dict(self.headers or {})
        if ctype:
            headers["content-type"] = ctype
        if self.chunk_delay <= 0 and self.chunks <= 1:
            return Response(body, status_code=self.status, headers=headers)
        parts = _split(body, self.chunks)
        pause = self.chunk_delay

        async def stream() -> AsyncIterator[bytes]:
            for part in parts:
                if pause > 0:
                    await anyio.sleep(pause)
                yield part

        return StreamingResponse(stream(), status_code=self.status, headers=headers)

    def describe(self) -> dict[str, Any]:
        body = self.body.decode("latin-1") if isinstance(self.body, bytes) else self.body
        return {
            "id": self.id,
            "path": self.path,
            "method": self.method,
            "status": self.status,
            "body": body,
            "headers": self.headers,
            "content_type": self.content_type,
            "delay": self.delay,
            "chunk_delay": self.chunk_delay,
            "chunks": self.chunks,
            "times": self.times,
            "hits": self.hits,
        }


def _split(body: bytes, n: int) -> list[bytes]:
    if n <= 1 or len(body) <= 1:
        return [body]
    size = -(-len(body) // n)
    return [body[i : i + size] for i in range(0, len(body), size)]


MAX_PATH = 500
_LITERAL = re.compile(r"\^?[^\\^$*+?()\[\]{}|]*\$?")  # a dot is a dot


def literal_pattern(path: Any) -> str:
    """The regex for a control route's literal `path` (optionally anchored by `^` / `$`)."""
    if not isinstance(path, str) or len(path) > MAX_PATH or not _LITERAL.fullmatch(path):
        raise ValueError(
            f"path must be literal text of at most {MAX_PATH} characters, optionally starting "
            "with ^ or ending with $ (no other regex syntax)"
        )
    start, end = path.startswith("^"), path.endswith("$") and len(path) > int(path[:1] == "^")
    middle = path[1 if start else 0 : len(path) - 1 if end else len(path)]
    return ("^" if start else "") + re.escape(middle) + ("$" if end else "")


FAULT_KEYS = {
    "path",
    "method",
    "status",
    "body",
    "headers",
    "content_type",
    "delay",
    "chunk_delay",
    "chunks",
    "times",
}


class FaultSet:
    """The active faults; thread-safe (tests add faults while a server thread runs)."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self._next_id = 1

    def add(
        self,
        path: str,
        method: str | None = None,
        status: int = 500,
        body: bytes | str | dict[str, Any] | list[Any] | None = None,
        headers: dict[str, str] | None = None,
        content_type: str | None = None,
        delay: float = 0.0,
        chunk_delay: float = 0.0,
        chunks: int = 1,
        times: int | None = 1,
    ) -> Fault:
        fault = Fault(
            path,
            method,
            int(status),
            body,
            headers,
            content_type,
            float(delay),
            float(chunk_delay),
            int(chunks),
            times,
        )
        with self._lock:
            fault.id = self._next_id
            self._next_id += 1
            self._faults.append(fault)
        return fault

    def add_from_json(self, spec: Any) -> Fault:
        """A fault from the control route: its `path` is literal text, not a regex (a caller's
        regex could take exponential time on every request), found anywhere in the path, or
        at its start with a leading `^`, or at its end with a trailing `$`."""
        if not isinstance(spec, dict) or "path" not in spec:
            raise ValueError("expected a JSON object with at least `path`")
        unknown = set(spec) - FAULT_KEYS
        if unknown:
            raise ValueError(f"unknown keys: {sorted(unknown)}")
        headers = spec.get("headers")
        if headers is not None and not isinstance(headers, dict):
            raise ValueError("headers must be an object")
        return self.add(**{**spec, "path": literal_pattern(spec["path"])})

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, method: str, path: str) -> Fault | None:
        """The first matching fault with uses left; counts the use."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    fault.hits += 1
                    return fault
        return None

    def __iter__(self) -> Iterator[Fault]:
        with self._lock:
            return iter(list(self._faults))

    def __len__(self) -> int:
        with self._lock:
            return len(self._faults)
