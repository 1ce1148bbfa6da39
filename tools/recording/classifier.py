"""Raw recording events → normalised `Event`s.

Input is what Sentry sends: rrweb events (`{"type", "timestamp", "data"}`) with Sentry's
custom events (type 5) carrying breadcrumbs and performance spans. Output is a small `Event`
per thing a person would care about (a page, a click, a failed request, a console error, a
rage click...); everything else is only counted.

Timestamp units differ per event type (reference §6): rrweb's outer `timestamp` and modern
breadcrumbs' are milliseconds; breadcrumb payload timestamps, performance spans and old
SDKs' breadcrumbs are seconds. A value below 1e12 is taken as seconds.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from sentry_replays_mcp.tools.recording.kinds import (
    CLICK,
    CONSOLE_ERROR,
    CONSOLE_WARNING,
    DEAD_CLICK,
    FEEDBACK,
    HYDRATION_ERROR,
    INPUT,
    MEMORY,
    MULTI_CLICK,
    MUTATIONS,
    PAGE,
    RAGE_CLICK,
    REQUEST,
    REQUEST_FAILED,
    REQUEST_SLOW,
    SLOW_CLICK,
    SOURCES,
    VITALS,
    WEB_VITAL,
    Event,
)

SLOW_REQUEST_MS = 3_000
DEAD_CLICK_MS = 7_000
RAGE_CLICKS = 5
MEMORY_PRESSURE = 0.9  # used / limit of the JS heap
_CLICKABLE = {"a", "button", "input"}


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
            self.mix[SOURCES.get(source, "other") if source is not None else "other"] += times
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
        read = _BREADCRUMBS.get(category)
        if at is None or read is None:
            self.mix[category] += 1  # only counted
            return None
        data = _dict(payload, "data")
        message = _str(payload.get("message"), 1000)
        return read(self.mix, Crumb(at, message, data, _dict(data, "node"), payload))

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
            return _request(start, took, description, data)
        if op == "web-vital" or op in VITALS:
            self.mix["web vital"] += 1
            return _web_vital(start, op, description, data)
        if op == "memory":
            self.mix["memory"] += 1
            return _memory_pressure(start, data)
        self.mix[op.split(".")[0]] += 1
        return None


# -- web breadcrumbs: each reader counts what it reads in the mix ------------------------------


@dataclass(frozen=True, slots=True)
class Crumb:
    """A breadcrumb's fields, read once: its time (ms), message, data and DOM node."""

    at: float
    message: str
    data: dict[str, Any]
    node: dict[str, Any]
    payload: dict[str, Any]


def _click(mix: Counter[str], crumb: Crumb) -> Event:
    mix["click"] += 1
    return Event(crumb.at, CLICK, crumb.message, _str(crumb.node.get("textContent"), 200))


def _input(mix: Counter[str], crumb: Crumb) -> Event:
    mix["input"] += 1
    return Event(crumb.at, INPUT, crumb.message)  # the typed value is never read


def _navigation(mix: Counter[str], crumb: Crumb) -> Event | None:
    mix["navigation"] += 1
    to = _str(crumb.data.get("to"), 2000)
    return Event(crumb.at, PAGE, to) if to else None


_CONSOLE_KINDS = {
    "error": CONSOLE_ERROR,
    "assert": CONSOLE_ERROR,
    "warning": CONSOLE_WARNING,
    "warn": CONSOLE_WARNING,
}


def _console(mix: Counter[str], crumb: Crumb) -> Event | None:
    level = _label(crumb.payload.get("level"), 20) or "log"
    mix[f"console {level}"] += 1
    kind = _CONSOLE_KINDS.get(level)
    if kind is None:
        return None  # logs, info and debug are only counted
    return Event(crumb.at, kind, "", crumb.message or _arguments(crumb.data))


def _slow_click(mix: Counter[str], crumb: Crumb) -> Event:
    """Sentry's rules: a timed-out click on a link, button or input is dead after 7 s, and
    a rage click with 5 clicks or more; any other detected click is slow."""
    data, node = crumb.data, crumb.node
    waited = float(data.get("timeAfterClickMs") or 0)
    tag = _str(node.get("tagName"), 20).lower()
    clicks = int(data.get("clickCount") or 1)
    dead = data.get("endReason") == "timeout" and tag in _CLICKABLE and waited >= DEAD_CLICK_MS
    kind = (RAGE_CLICK if clicks >= RAGE_CLICKS else DEAD_CLICK) if dead else SLOW_CLICK
    mix[kind.replace("_", " ")] += 1
    text = _str(node.get("textContent"), 200)
    return Event(crumb.at, kind, crumb.message or tag, text, took=waited, count=clicks)


def _multi_click(mix: Counter[str], crumb: Crumb) -> Event:
    mix["multi click"] += 1
    clicks = int(crumb.data.get("clickCount") or 2)
    return Event(crumb.at, MULTI_CLICK, crumb.message, count=clicks)


def _mutations(mix: Counter[str], crumb: Crumb) -> Event:
    mix["mutation limit"] += 1
    return Event(crumb.at, MUTATIONS, "", count=int(crumb.data.get("count") or 0))


def _hydration_error(mix: Counter[str], crumb: Crumb) -> Event:
    mix["hydration error"] += 1
    return Event(crumb.at, HYDRATION_ERROR, _str(crumb.data.get("url"), 2000))


def _feedback(mix: Counter[str], crumb: Crumb) -> Event:
    mix["feedback"] += 1
    return Event(crumb.at, FEEDBACK, _str(crumb.data.get("feedbackId"), 64))


_BREADCRUMBS: dict[str, Callable[[Counter[str], Crumb], Event | None]] = {
    "ui.click": _click,
    "ui.input": _input,
    "navigation": _navigation,
    "console": _console,
    "ui.slowClickDetected": _slow_click,
    "ui.multiClick": _multi_click,
    "replay.mutations": _mutations,
    "replay.hydrate-error": _hydration_error,
    "sentry.feedback": _feedback,
}


# -- performance spans (counted by the Normalizer before they are read) ------------------------


def _request(start: float, took: float | None, url: str, data: dict[str, Any]) -> Event:
    """A fetch or XHR: failed (status 0, or 400 and above), slow (3 s or more) or neither."""
    status = data.get("statusCode")
    status = status if isinstance(status, int) and not isinstance(status, bool) else None
    failed = status is not None and (status >= 400 or status == 0)
    slow = took is not None and took >= SLOW_REQUEST_MS
    kind = REQUEST_FAILED if failed else REQUEST_SLOW if slow else REQUEST
    method = _str(data.get("method"), 10).upper()
    method = method if method.isascii() and method.isalpha() else "GET"
    return Event(start, kind, request_path(url), status=status, took=took, method=method)


def _web_vital(start: float, op: str, description: str, data: dict[str, Any]) -> Event:
    name = VITALS.get(op) or VITALS.get(description.lower(), description[:20] or "vital")
    rating = _str(data.get("rating"), 30)
    value = data.get("value")
    number = float(value) if isinstance(value, int | float) else None
    return Event(start, WEB_VITAL, name, rating, took=number)


def _memory_pressure(start: float, data: dict[str, Any]) -> Event | None:
    """An event when the JS heap is 90% full or more."""
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


def _arguments(data: dict[str, Any]) -> str:
    args = data.get("arguments")
    if isinstance(args, list):
        return " ".join(a for a in args if isinstance(a, str))[:1000]
    return ""
