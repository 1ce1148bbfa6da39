"""From rrweb events (with Sentry's custom breadcrumb and span events) to a summary: the event
mix and the notable moments, with offsets from the start of the replay.

Timestamp units differ per event type: rrweb's outer `timestamp` and breadcrumbs' are in
milliseconds; performance spans' and payload timestamps are in seconds. Anything below
1e12 is taken as seconds. Malformed events are skipped and counted, never fatal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tools import render as r

SLOW_REQUEST_MS = 3_000
DEAD_CLICK_MS = 7_000
RAGE_CLICKS = 5
_CLICKABLE = {"a", "button", "input"}
_INCREMENTAL = {
    0: "mutation",
    1: "mouse move",
    2: "mouse interaction",
    3: "scroll",
    4: "resize",
    5: "input",
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
_VITALS = {
    "largest-contentful-paint": "LCP",
    "cumulative-layout-shift": "CLS",
    "first-input-delay": "FID",
    "interaction-to-next-paint": "INP",
    "first-contentful-paint": "FCP",
    "time-to-first-byte": "TTFB",
}


def _dict(parent: dict[str, Any], key: str) -> dict[str, Any]:
    value = parent.get(key)
    return value if isinstance(value, dict) else {}


def millis(value: Any) -> float | None:
    """A timestamp in ms, from seconds or ms."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if value > 1e12 else float(value) * 1000


@dataclass(frozen=True)
class Moment:
    at_ms: float
    kind: str  # page, click, rage_click, dead_click, console_error, request_failed, ...
    text: str  # already rendered as inert data


@dataclass
class Summary:
    first_ms: float | None = None
    last_ms: float | None = None
    events: int = 0
    skipped: int = 0
    mix: Counter[str] = field(default_factory=Counter)
    moments: list[Moment] = field(default_factory=list)

    def seen(self, at: float | None) -> None:
        if at is None:
            return
        self.first_ms = at if self.first_ms is None else min(self.first_ms, at)
        self.last_ms = at if self.last_ms is None else max(self.last_ms, at)


def summarize(events: Iterable[Any]) -> Summary:
    summary = Summary()
    for event in events:
        if not isinstance(event, dict) or not isinstance(event.get("type"), int):
            summary.skipped += 1
            continue
        try:
            _one(summary, event)
        except (TypeError, ValueError, AttributeError, KeyError):
            summary.skipped += 1
            continue
        summary.events += 1
    summary.moments.sort(key=lambda m: m.at_ms)
    return summary


def _one(summary: Summary, event: dict[str, Any]) -> None:
    kind = event["type"]
    at = millis(event.get("timestamp"))
    summary.seen(at)
    data = _dict(event, "data")
    if kind == 4:
        summary.mix["page load"] += 1
        if data.get("href") and at is not None:
            summary.moments.append(Moment(at, "page", "page " + r.code(data["href"], 160)))
    elif kind == 2:
        summary.mix["snapshot"] += 1
    elif kind == 3:
        source = data.get("source")
        name = _INCREMENTAL.get(source, "other") if isinstance(source, int) else "other"
        if name == "mouse interaction":
            name = "click" if data.get("type") == 2 else "mouse interaction"
        summary.mix[name] += 1
    elif kind == 5:
        payload = _dict(data, "payload")
        if data.get("tag") == "breadcrumb":
            _breadcrumb(summary, payload, at)
        elif data.get("tag") == "performanceSpan":
            _span(summary, payload)
        elif data.get("tag") != "options":  # SDK settings, not user activity
            summary.mix[str(data.get("tag") or "custom")[:30]] += 1
    else:
        summary.mix["other"] += 1


def short_selector(selector: object, keep: int = 2) -> str:
    """The last `keep` steps of a CSS path: '… > form#checkout > button#pay-now'."""
    steps = [step.strip() for step in str(selector).split(">")]
    return ("… > " if len(steps) > keep else "") + " > ".join(steps[-keep:])


def _node_text(payload: dict[str, Any]) -> str:
    data = _dict(payload, "data")
    node = _dict(data, "node")
    text = node.get("textContent")
    return f" {r.code(text, 60)}" if isinstance(text, str) and text.strip() else ""


def _breadcrumb(summary: Summary, payload: dict[str, Any], outer: float | None) -> None:
    category = str(payload.get("category") or "breadcrumb")
    at = millis(payload.get("timestamp")) or outer
    data = _dict(payload, "data")
    message = payload.get("message")

    def note(kind: str, text: str) -> None:
        if at is not None:
            summary.moments.append(Moment(at, kind, text))

    if category == "ui.click":
        note("click", f"click {r.code(short_selector(message or '?'), 120)}{_node_text(payload)}")
    elif category == "navigation":
        summary.mix["navigation"] += 1
        if data.get("to"):
            note("page", f"navigate to {r.code(data['to'], 160)}")
    elif category == "console":
        level = str(payload.get("level") or "log")
        summary.mix[f"console {level}"] += 1
        if level in ("error", "warning", "assert"):
            note(f"console_{level}", f"console {level} {r.code(message or '', 200)}")
    elif category == "ui.slowClickDetected":
        waited = data.get("timeAfterClickMs") or 0
        node = _dict(data, "node")
        tag = str(node.get("tagName") or "").lower()
        dead = data.get("endReason") == "timeout" and tag in _CLICKABLE and waited >= DEAD_CLICK_MS
        clicks = int(data.get("clickCount") or 1)
        target = r.code(short_selector(message or tag or "?"), 120)
        if dead and clicks >= RAGE_CLICKS:
            summary.mix["rage click"] += 1
            note("rage_click", f"rage click on {target} ({clicks} clicks, no response)")
        elif dead:
            summary.mix["dead click"] += 1
            note("dead_click", f"dead click on {target} (no response in {waited / 1000:.0f} s)")
        else:
            summary.mix["slow click"] += 1
            note("slow_click", f"slow click on {target} ({waited / 1000:.1f} s)")
    elif category == "replay.mutations":
        summary.mix["mutation limit"] += 1
        note("mutations", f"{data.get('count', 'many')} DOM mutations (recording throttled)")
    elif category == "replay.hydrate-error":
        summary.mix["hydration error"] += 1
        note("hydration_error", "hydration error " + r.code(data.get("url") or "", 160))
    elif category == "sentry.feedback":
        summary.mix["feedback"] += 1
        note("feedback", "user feedback sent")
    else:
        summary.mix[category[:30]] += 1


def _span(summary: Summary, payload: dict[str, Any]) -> None:
    op = str(payload.get("op") or "span")
    start = millis(payload.get("startTimestamp"))
    end = millis(payload.get("endTimestamp"))
    summary.seen(start)
    data = _dict(payload, "data")
    description = payload.get("description") or ""
    took = (end - start) if start is not None and end is not None else None
    if op.startswith("navigation."):
        summary.mix["page load"] += 1
    elif op in ("resource.fetch", "resource.xhr"):
        summary.mix["request"] += 1
        status = data.get("statusCode")
        method = str(data.get("method") or "GET")[:10]
        failed = isinstance(status, int) and status >= 400
        slow = took is not None and took >= SLOW_REQUEST_MS
        if (failed or slow) and start is not None:
            timing = f", {took / 1000:.1f} s" if took is not None else ""
            kind = "request_failed" if failed else "request_slow"
            text = f"{method} {r.code(description, 160)} → {status if status else '?'}{timing}"
            summary.moments.append(Moment(start, kind, text))
    elif op == "web-vital" or op in _VITALS:
        summary.mix["web vital"] += 1
        name = _VITALS.get(op) or _VITALS.get(str(description), str(description)[:30])
        rating = data.get("rating")
        if rating == "poor" and start is not None:
            value = data.get("value")
            shown = f" {value:.0f}" if isinstance(value, int | float) and value > 1 else ""
            summary.moments.append(Moment(start, "web_vital", f"poor {name}{shown}"))
    elif op == "memory":
        summary.mix["memory"] += 1
    else:
        summary.mix[op.split(".")[0][:30]] += 1


def mix_text(mix: Mapping[str, int], limit: int = 8) -> str:
    """'12 mouse moves, 3 clicks, 1 page load', most frequent first."""
    ranked = sorted(((n, k) for k, n in mix.items() if n), key=lambda item: (-item[0], item[1]))
    parts = [r.plural(n, k) for n, k in ranked[:limit]]
    hidden = len(ranked) - limit
    return ", ".join(parts) + (f", {hidden} more kinds" if hidden > 0 else "")
