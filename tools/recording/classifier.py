"""Recording segments → a normalised event stream.

Input is what Sentry sends: rrweb events (`{"type", "timestamp", "data"}`) with Sentry's
custom events (type 5) carrying breadcrumbs and performance spans. Output is a small `Event`
per thing a person would care about (a page, a click, a failed request, a console error, a
rage click...); everything else is only counted.

Timestamp units differ per event type (reference §6): rrweb's outer `timestamp` and modern
breadcrumbs' are milliseconds; breadcrumb payload timestamps, performance spans and old
SDKs' breadcrumbs are seconds. A value below 1e12 is taken as seconds.

`iter_page` walks a segment-list page body (`[[event, ...], [event, ...]]`) one event at a
time with the C JSON decoder, so a page is never turned into one big tree of objects.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

SLOW_REQUEST_MS = 3_000
DEAD_CLICK_MS = 7_000
RAGE_CLICKS = 5
MEMORY_PRESSURE = 0.9  # used / limit of the JS heap
_CLICKABLE = {"a", "button", "input"}
_SOURCES = {
    0: "mutation",
    1: "mouse move",
    2: "pointer",
    3: "scroll",
    4: "resize",
    5: "input change",
    6: "touch move",
    7: "media",
    8: "style",
    9: "canvas",
    10: "font",
    11: "log",
    12: "drag",
    13: "style",
    14: "selection",
    15: "style",
    16: "custom element",
}
VITALS = {
    "largest-contentful-paint": "LCP",
    "cumulative-layout-shift": "CLS",
    "first-input-delay": "FID",
    "interaction-to-next-paint": "INP",
    "first-contentful-paint": "FCP",
    "time-to-first-byte": "TTFB",
    "lcp": "LCP",
    "cls": "CLS",
    "fid": "FID",
    "inp": "INP",
    "fcp": "FCP",
    "ttfb": "TTFB",
}

# Counted kinds that are ours to name (anything else in a mix came from the recording).
KNOWN_KINDS = frozenset(
    {
        *_SOURCES.values(),
        "other",
        "page load",
        "snapshot",
        "click",
        "input",
        "navigation",
        "console log",
        "console error",
        "console warning",
        "console warn",
        "console info",
        "console debug",
        "console assert",
        "slow click",
        "dead click",
        "rage click",
        "multi click",
        "mutation limit",
        "hydration error",
        "feedback",
        "request",
        "web vital",
        "memory",
        "custom",
        "breadcrumb",
        "span",
        "resource",
        "ui.keyDown",
        "ui.blur",
        "ui.focus",
        "ui.exit",
        "sentry.event",
        "sentry.transaction",
        "replay.throttled",
        "navigation.push",
        "paint",
    }
)

# Kinds of normalised events.
PAGE, CLICK, INPUT = "page", "click", "input"
CONSOLE_ERROR, CONSOLE_WARNING = "console_error", "console_warning"
REQUEST, REQUEST_FAILED, REQUEST_SLOW = "request", "request_failed", "request_slow"
SLOW_CLICK, DEAD_CLICK, RAGE_CLICK, MULTI_CLICK = (
    "slow_click",
    "dead_click",
    "rage_click",
    "multi_click",
)
WEB_VITAL, MEMORY, HYDRATION_ERROR = "web_vital", "memory_pressure", "hydration_error"
MUTATIONS, FEEDBACK, ERROR_EVENT = "mutation_limit", "feedback", "error_event"
INCIDENTS = frozenset(
    {CONSOLE_ERROR, REQUEST_FAILED, RAGE_CLICK, DEAD_CLICK, HYDRATION_ERROR, ERROR_EVENT}
)


@dataclass(slots=True)
class Event:
    at: float  # absolute time, ms since the epoch
    kind: str
    target: str = ""  # selector, URL or path, vital name
    text: str = ""  # element text, console message, rating
    status: int | None = None
    took: float | None = None  # ms
    count: int = 1
    method: str = ""
    segment: int | None = None
    ref: str = ""  # an issue id, for linked error events


def millis(value: Any) -> float | None:
    """A timestamp in ms, from seconds or ms; None when it is not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return None
    return float(value) if value > 1e12 else float(value) * 1000


def _dict(parent: dict[str, Any], key: str) -> dict[str, Any]:
    value = parent.get(key)
    return value if isinstance(value, dict) else {}


def _str(value: Any, limit: int = 500) -> str:
    return value[:limit] if isinstance(value, str) else ""


_NOT_LABEL = re.compile(r"[^\w .:/-]")


def _label(value: Any, limit: int = 40) -> str:
    """A tag, category or op from the recording, for counting: label characters only."""
    return _NOT_LABEL.sub("", _str(value, limit * 2))[:limit]


def request_path(url: str) -> str:
    """Host-relative path without the query string (which may hold tokens or personal data)."""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return parts.path or "/"
    return url.split("?", 1)[0].split("#", 1)[0]


@dataclass
class Normalizer:
    """Turns raw events into `Event`s, counting everything (`mix`) and what was malformed."""

    mix: Counter[str] = field(default_factory=Counter)
    malformed: int = 0
    _last_page: tuple[str, float] = ("", 0.0)

    def feed(self, raw: Any, segment: int | None = None) -> Event | None:
        if not isinstance(raw, dict) or not isinstance(raw.get("type"), int):
            self.malformed += 1
            return None
        try:
            event = self._one(raw)
        except (TypeError, ValueError, AttributeError, KeyError, OverflowError):
            self.malformed += 1
            return None
        if event is not None:
            event.segment = segment
            if event.kind == PAGE:
                url, when = self._last_page
                if url == event.target and abs(event.at - when) < 2_000:
                    return None  # the same page load seen as Meta, span and breadcrumb
                self._last_page = (event.target, event.at)
        return event

    def count(self, kind: int, source: int | None, times: int = 1) -> None:
        """Count events that yield nothing: snapshots, incremental DOM and pointer events."""
        if kind == 2:
            self.mix["snapshot"] += times
        elif kind == 3:
            self.mix[_SOURCES.get(source, "other") if source is not None else "other"] += times
        else:
            self.mix["other"] += times

    def _one(self, raw: dict[str, Any]) -> Event | None:
        kind = raw["type"]
        at = millis(raw.get("timestamp"))
        data = _dict(raw, "data")
        if kind == 4:
            self.mix["page load"] += 1
            href = _str(data.get("href"), 2000)
            return Event(at, PAGE, href) if href and at is not None else None
        if kind in (2, 3):
            source = data.get("source")
            self.count(kind, source if isinstance(source, int) else None)
        elif kind == 5:
            tag = data.get("tag")
            payload = _dict(data, "payload")
            if tag == "breadcrumb":
                return self._breadcrumb(payload, at)
            if tag == "performanceSpan":
                return self._span(payload)
            if tag != "options":  # SDK settings, not activity
                self.mix[_label(tag) or "custom"] += 1
        else:
            self.count(kind, None)
        return None

    def _breadcrumb(self, payload: dict[str, Any], outer: float | None) -> Event | None:
        category = _label(payload.get("category"), 60) or "breadcrumb"
        at = millis(payload.get("timestamp")) or outer
        if at is None:
            self.mix[category] += 1
            return None
        data = _dict(payload, "data")
        message = _str(payload.get("message"), 1000)
        node = _dict(data, "node")
        if category == "ui.click":
            self.mix["click"] += 1
            return Event(at, CLICK, message, _str(node.get("textContent"), 200))
        if category == "ui.input":
            self.mix["input"] += 1
            return Event(at, INPUT, message)  # the typed value is never read
        if category == "navigation":
            self.mix["navigation"] += 1
            to = _str(data.get("to"), 2000)
            return Event(at, PAGE, to) if to else None
        if category == "console":
            level = _label(payload.get("level"), 20) or "log"
            self.mix[f"console {level}"] += 1
            if level in ("error", "assert"):
                return Event(at, CONSOLE_ERROR, "", message or _arguments(data))
            if level in ("warning", "warn"):
                return Event(at, CONSOLE_WARNING, "", message or _arguments(data))
            return None
        if category == "ui.slowClickDetected":
            return self._slow_click(at, message, data, node)
        if category == "ui.multiClick":
            self.mix["multi click"] += 1
            return Event(at, MULTI_CLICK, message, count=int(data.get("clickCount") or 2))
        if category == "replay.mutations":
            self.mix["mutation limit"] += 1
            return Event(at, MUTATIONS, "", count=int(data.get("count") or 0))
        if category == "replay.hydrate-error":
            self.mix["hydration error"] += 1
            return Event(at, HYDRATION_ERROR, _str(data.get("url"), 2000))
        if category == "sentry.feedback":
            self.mix["feedback"] += 1
            return Event(at, FEEDBACK, _str(data.get("feedbackId"), 64))
        self.mix[category] += 1
        return None

    def _slow_click(
        self, at: float, message: str, data: dict[str, Any], node: dict[str, Any]
    ) -> Event:
        waited = float(data.get("timeAfterClickMs") or 0)
        tag = _str(node.get("tagName"), 20).lower()
        clicks = int(data.get("clickCount") or 1)
        dead = data.get("endReason") == "timeout" and tag in _CLICKABLE and waited >= DEAD_CLICK_MS
        kind = (RAGE_CLICK if clicks >= RAGE_CLICKS else DEAD_CLICK) if dead else SLOW_CLICK
        self.mix[kind.replace("_", " ")] += 1
        text = _str(node.get("textContent"), 200)
        return Event(at, kind, message or tag, text, took=waited, count=clicks)

    def _span(self, payload: dict[str, Any]) -> Event | None:
        op = _label(payload.get("op"), 60) or "span"
        start = millis(payload.get("startTimestamp"))
        end = millis(payload.get("endTimestamp"))
        if start is None:
            self.mix[op] += 1
            return None
        took = end - start if end is not None and end >= start else None
        data = _dict(payload, "data")
        description = _str(payload.get("description"), 2000)
        if op.startswith("navigation."):
            self.mix["page load"] += 1
            return Event(start, PAGE, description, took=took) if description else None
        if op in ("resource.fetch", "resource.xhr"):
            self.mix["request"] += 1
            status = data.get("statusCode")
            status = status if isinstance(status, int) and not isinstance(status, bool) else None
            failed = status is not None and (status >= 400 or status == 0)
            slow = took is not None and took >= SLOW_REQUEST_MS
            kind = REQUEST_FAILED if failed else REQUEST_SLOW if slow else REQUEST
            method = _str(data.get("method"), 10).upper()
            method = method if method.isascii() and method.isalpha() else "GET"
            return Event(
                start, kind, request_path(description), status=status, took=took, method=method
            )
        if op == "web-vital" or op in VITALS:
            self.mix["web vital"] += 1
            name = VITALS.get(op) or VITALS.get(description.lower(), description[:20] or "vital")
            rating = _str(data.get("rating"), 30)
            value = data.get("value")
            number = float(value) if isinstance(value, int | float) else None
            return Event(start, WEB_VITAL, name, rating, took=number)
        if op == "memory":
            self.mix["memory"] += 1
            memory = _dict(data, "memory")
            used, limit = memory.get("usedJSHeapSize"), memory.get("jsHeapSizeLimit")
            if (
                isinstance(used, int | float)
                and isinstance(limit, int | float)
                and limit > 0
                and used / limit >= MEMORY_PRESSURE
            ):
                return Event(start, MEMORY, "", f"{used / limit:.0%} of the JS heap")
            return None
        self.mix[op.split(".")[0]] += 1
        return None


def _arguments(data: dict[str, Any]) -> str:
    args = data.get("arguments")
    if isinstance(args, list):
        return " ".join(a for a in args if isinstance(a, str))[:1000]
    return ""


_DECODER = json.JSONDecoder()
_SPACE = " \t\r\n"


class PageReader:
    """Iterates `(segment_id, raw event)` over a segment-list page without building the page.

    Accepts the sentry.io shape `[[e, e], [e]]` and a bare event array `[e, e]` (one
    segment's download). Anything unreadable is counted in `malformed` and skipped.
    """

    def __init__(self, text: str, first_segment: int = 0) -> None:
        self.text = text
        self.first_segment = first_segment
        self.malformed = 0
        self.segments = 0

    def _skip(self, pos: int) -> int:
        text = self.text
        while pos < len(text) and text[pos] in _SPACE:
            pos += 1
        return pos

    def __iter__(self) -> Iterator[tuple[int, Any]]:
        text, pos = self.text, self._skip(0)
        if pos >= len(text) or text[pos] != "[":
            self.malformed += 1 if text.strip() else 0
            return
        pos = self._skip(pos + 1)
        if pos < len(text) and text[pos] == "]":
            return  # no segments
        nested = pos < len(text) and text[pos] == "["
        segment = self.first_segment
        if not nested:
            self.segments = 1
            yield from self._array(pos, segment)
            return
        while pos < len(text) and text[pos] == "[":
            self.segments += 1
            pos = yield from self._array(self._skip(pos + 1), segment)
            segment += 1
            pos = self._skip(pos)
            if pos < len(text) and text[pos] == ",":
                pos = self._skip(pos + 1)

    def _array(self, pos: int, segment: int) -> Generator[tuple[int, Any], None, int]:
        """Yield the values of one array whose `[` was consumed; return the position after `]`."""
        text = self.text
        while pos < len(text):
            if text[pos] == "]":
                return pos + 1
            try:
                value, pos = _DECODER.raw_decode(text, pos)
            except ValueError:
                self.malformed += 1
                return len(text)  # truncated or broken: stop reading this page
            yield segment, value
            pos = self._skip(pos)
            if pos < len(text) and text[pos] == ",":
                pos = self._skip(pos + 1)
        self.malformed += 1  # the array never closed
        return pos


# The start of a top-level rrweb event: `{"type":N,` then `"data"` or `"timestamp"`, with the
# incremental source when it follows. JSON escapes quotes inside strings, so this can only
# match structure, and nested DOM nodes (`{"type":2,"tagName"...`) do not match. SDKs write
# compact JSON; a spaced variant (`{"type": 3, ...`) is used when a page is written so.
_START = (
    r'\{"type":(\d+),(?:"timestamp":[-+\d.eE]+,)?(?:"data":\{"source":(\d+)|"data"|"timestamp")'
)
_SPACED = _START.replace(":", r":\s*").replace(",", r",\s*")
_PATTERNS: dict[tuple[type, bool], re.Pattern[Any]] = {
    (str, False): re.compile(_START),
    (str, True): re.compile(_SPACED),
    (bytes, False): re.compile(_START.encode()),
    (bytes, True): re.compile(_SPACED.encode()),
}
_SEGMENT_BREAK: dict[type, re.Pattern[Any]] = {
    str: re.compile(r'\]\s*,\s*\[\s*(?=\{"type":|\])'),
    bytes: re.compile(rb'\]\s*,\s*\[\s*(?=\{"type":|\])'),
}
BROKEN: Any = object()
Page = str | bytes | bytearray


def _pattern(page: Page) -> re.Pattern[Any] | None:
    """The event-start pattern for this page's type and spacing, or None if neither fits."""
    kind: type = str if isinstance(page, str) else bytes
    head: Any = page[:4096]
    opening: Any = "[" if kind is str else b"["
    if not head.lstrip().startswith(opening):
        return None
    for spaced in (False, True):
        if _PATTERNS[kind, spaced].search(head):
            return _PATTERNS[kind, spaced]
    return None


def _decode_at(page: Page, start: int) -> Any:
    """The JSON value that starts at `start`; bytes are decoded a window at a time."""
    if isinstance(page, str):
        return _DECODER.raw_decode(page, start)[0]
    size = 4096
    while True:
        window = bytes(page[start : start + size]).decode("utf-8", errors="replace")
        try:
            return _DECODER.raw_decode(window)[0]
        except ValueError:
            if start + size >= len(page):
                raise
            size *= 8


def scan_page(page: Page) -> tuple[list[Any], Counter[tuple[Any, Any]]] | None:
    """A fast reading of a segment-list page that decodes only what can yield an `Event`
    (Meta and Sentry's custom events, a few percent of the bytes) and only counts the rest.

    Returns the decoded events of types 4 and 5 (`BROKEN` for one that failed to decode)
    and a tally of the others by (type, incremental source), as matched text; or None when
    the page does not look like rrweb JSON as SDKs write it (`type` first), so that the
    caller falls back to `PageReader`.
    """
    pattern = _pattern(page)
    if pattern is None:
        return None
    decoded: list[Any] = []
    tally: Counter[tuple[Any, Any]] = Counter()
    four, five = ("4", "5") if isinstance(page, str) else (b"4", b"5")
    for match in pattern.finditer(page):
        kind = match.group(1)
        if kind in (five, four):
            try:
                decoded.append(_decode_at(page, match.start()))
            except ValueError:
                decoded.append(BROKEN)
        else:
            tally[kind, match.group(2)] += 1
    return decoded, tally


def count_segments(page: Page) -> int:
    """Segments in a segment-list page (`[[...],[...]]`), from the breaks between them."""
    head = bytes(page[:64]) if not isinstance(page, str) else page[:64].encode()
    stripped = head.lstrip()
    if not stripped.startswith(b"[") or stripped[1:].lstrip().startswith(b"]"):
        return 0
    return 1 + len(_SEGMENT_BREAK[str if isinstance(page, str) else bytes].findall(page))
