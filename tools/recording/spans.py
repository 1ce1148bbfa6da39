"""Performance spans (rrweb custom events with `tag: "performanceSpan"`) → `Event`s.

Ops follow sentry-javascript `packages/replay-internal/src/`: `coreHandlers/handleHistory.ts`
(navigation.push), `util/createPerformanceEntries.ts` (navigation.navigate / reload /
back_forward, resource.<initiator> asset loads, paint, web-vital with `data.value` and
`data.rating`), `coreHandlers/util/fetchUtils.ts` and `xhrUtils.ts` (resource.fetch,
resource.xhr with `data.method` and `data.statusCode`), `util/addMemoryEntry.ts` (memory); and
the mobile converters (sentry-java `DefaultReplayBreadcrumbConverter.kt`, sentry-cocoa
`SentrySRDefaultBreadcrumbConverter.swift`): resource.http with `statusCode` and `method`.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from sentry_replays_mcp.tools.recording.kinds import (
    MEMORY,
    REQUEST,
    REQUEST_FAILED,
    REQUEST_SLOW,
    VITALS,
    WEB_VITAL,
    Event,
)
from sentry_replays_mcp.tools.recording.values import dict_of, number, text

SLOW_REQUEST_MS = 3_000
MEMORY_PRESSURE = 0.9  # used / limit of the JS heap
REQUEST_OPS = frozenset({"resource.fetch", "resource.xhr", "resource.http"})


def request_path(url: str) -> str:
    """Host-relative path without the query string (which may hold tokens or personal data)."""
    if url.isascii() and url.isprintable():  # the usual URLs, read as `urlsplit` reads them
        if url[:1] == "/" and url[1:2] != "/":
            return _before_query(url)
        found = _ABSOLUTE.match(url)
        if found is not None:
            return found.group(1) or "/"
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return parts.path or "/"
    return _before_query(url)


# An absolute http(s) URL whose host (up to the first `/`, `?` or `#`) is not empty and has no
# brackets (an IPv6 host, left to `urlsplit`); its path, up to the query or the fragment.
_ABSOLUTE = re.compile(r"https?://[^/?#\[\]]+(?=[/?#]|\Z)([^?#]*)")


def _before_query(url: str) -> str:
    return url.split("?", 1)[0].split("#", 1)[0]


def request_status(code: Any) -> int | None:
    """A request's status from its `statusCode`; None when no response came (0 or missing:
    a network error, CORS, an abort)."""
    if type(code) is int:  # the usual case
        return code if 0 < code < 1000 else None
    found = number(code)
    return int(found) if found is not None and 0 < found < 1000 else None


def request_kind(status: int | None, took: float | None) -> str:
    """Failed (no response, or 400 and above), slow (3 s or more) or neither."""
    if status is None or status >= 400:
        return REQUEST_FAILED
    return REQUEST_SLOW if took is not None and took >= SLOW_REQUEST_MS else REQUEST


def request(start: float, took: float | None, url: str, data: dict[str, Any]) -> Event:
    """A fetch, XHR or mobile HTTP request (see `request_status` and `request_kind`); the
    event keeps no status when no response came."""
    status = request_status(data.get("statusCode"))
    return request_event(start, took, url, data.get("method"), status, request_kind(status, took))


def request_event(
    start: float,
    took: float | None,
    url: str,
    method: Any,
    status: int | None,
    kind: str,
    segment: int | None = None,
) -> Event:
    """A request's event; `method` as written (an HTTP method, else GET)."""
    verb = _VERBS.get(method) if type(method) is str else None
    if verb is None:
        verb = text(method, 10).upper()
        verb = verb if verb.isascii() and verb.isalpha() else "GET"
        if type(method) is str and len(_VERBS) < _VERBS_KEPT and len(method) <= 10:
            _VERBS[method] = verb
    path = request_path(url)
    return Event(start, kind, path, status=status, took=took, method=verb, segment=segment)


_VERBS: dict[str, str] = {}  # the few methods a recording repeats, as written → as shown
_VERBS_KEPT = 64


def web_vital(start: float, op: str, description: str, data: dict[str, Any]) -> Event:
    name = VITALS.get(op) or VITALS.get(description.lower(), description[:20] or "vital")
    rating = text(data.get("rating"), 30)
    return Event(start, WEB_VITAL, name, rating, took=number(data.get("value")))


def memory_pressure(start: float, data: dict[str, Any]) -> Event | None:
    """An event when the JS heap is 90% full or more."""
    memory = dict_of(data, "memory")
    used, limit = number(memory.get("usedJSHeapSize")), number(memory.get("jsHeapSizeLimit"))
    if used is not None and limit is not None and limit > 0 and used / limit >= MEMORY_PRESSURE:
        return Event(start, MEMORY, "", f"{used / limit:.0%} of the JS heap")
    return None
