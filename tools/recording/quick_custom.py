"""The custom events a browser recording is mostly made of, read straight from the page
reader's quick structs (`page_events.Custom`): `ui.click` breadcrumbs, request spans, and
the breadcrumbs and spans a summary only counts. Each reader gives exactly what the general
path (`classifier.Normalizer._tagged`) gives for the same event, with fewer calls; any other
custom event goes the general way.

Once the digest holds all the events it keeps, an event that it would only count and drop
(not an incident) is not built: the reader counts it in the digest's counts and drops
(`Normalizer.past_cap`) and returns None.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sentry_replays_mcp.tools.recording.kinds import (
    CLICK,
    COUNTED_CATEGORIES,
    COUNTED_OPS,
    REQUEST_FAILED,
    Event,
)
from sentry_replays_mcp.tools.recording.payload import Payload, data_of, request_fields
from sentry_replays_mcp.tools.recording.spans import (
    REQUEST_OPS,
    request_event,
    request_kind,
    request_status,
)
from sentry_replays_mcp.tools.recording.values import millis, text

if TYPE_CHECKING:
    from sentry_replays_mcp.tools.recording.classifier import Normalizer

Reader = Callable[["Normalizer", Payload, Any, "int | None"], "Event | None"]


def _click(n: Normalizer, payload: Payload, outer: Any, segment: int | None) -> Event | None:
    """A `ui.click` breadcrumb (crumbs `_click`); its `data` is decoded only for an event
    that is kept."""
    at = millis(payload.timestamp) or millis(outer)
    if at is None:
        n.malformed += 1
        return None
    n.mix["click"] += 1
    if n.past_cap is not None:
        counts, dropped = n.past_cap
        counts[CLICK] += 1
        dropped[CLICK] += 1
        return None
    node = data_of(payload).get("node")
    shown = text(node.get("textContent"), 200) if type(node) is dict else ""
    return Event(at, CLICK, text(payload.message, 1000), shown, segment=segment)


def _request(n: Normalizer, payload: Payload, outer: Any, segment: int | None) -> Event | None:
    """A fetch, XHR or mobile HTTP request span (spans `request`); of its `data`, only the
    status code and the method are decoded."""
    start = millis(payload.startTimestamp)
    if start is None:
        n.malformed += 1
        return None
    end = millis(payload.endTimestamp)
    took = end - start if end is not None and end >= start else None
    code, method = request_fields(payload)
    n.mix["request"] += 1
    status = code if type(code) is int and 0 < code < 1000 else request_status(code)
    kind = request_kind(status, took)
    if n.past_cap is not None and kind is not REQUEST_FAILED:
        counts, dropped = n.past_cap
        counts[kind] += 1
        dropped[kind] += 1
        return None
    url = text(payload.description, 2000)
    return request_event(start, took, url, method, status, kind, segment)


def _counted_crumb(name: str) -> Reader:
    """A breadcrumb that is only counted (crumbs `COUNTED_CATEGORIES`)."""

    def read(n: Normalizer, payload: Payload, outer: Any, segment: int | None) -> None:
        n.mix[name] += 1

    return read


def _counted_span(name: str) -> Reader:
    """A span that is only counted (an asset load, a paint), when it has a start."""

    def read(n: Normalizer, payload: Payload, outer: Any, segment: int | None) -> None:
        if millis(payload.startTimestamp) is None:
            n.malformed += 1
        else:
            n.mix[name] += 1

    return read


CRUMB_READERS: dict[str, Reader] = {
    "ui.click": _click,
    **{category: _counted_crumb(name) for category, name in COUNTED_CATEGORIES.items()},
}
SPAN_READERS: dict[str, Reader] = {
    **{op: _counted_span(name) for op, name in COUNTED_OPS.items()},
    **dict.fromkeys(REQUEST_OPS, _request),
}
