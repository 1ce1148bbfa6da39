"""The custom events a browser recording is mostly made of, read straight from the page
reader's quick structs (`page_events.Custom`): `ui.click` breadcrumbs, request spans, and
the breadcrumbs and spans a summary only counts. Each reader gives exactly what the general
path (`classifier.Normalizer._tagged`) gives for the same event, with fewer calls; any other
custom event goes the general way.

Once the digest holds all the events it keeps, an event that it would only count and drop
(not an incident) is not built: the reader counts it in the digest's counts and drops
(`Normalizer.past_cap`) and returns None; and the rest of a batch is read by
`count_past_cap`, which counts clicks and successful requests in local numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from sentry_replays_mcp.tools.recording.kinds import (
    CLICK,
    COUNTED_CATEGORIES,
    COUNTED_OPS,
    REQUEST,
    REQUEST_FAILED,
    Event,
)
from sentry_replays_mcp.tools.recording.page_events import Custom
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
Keep = Callable[[Event], None]
_Request = tuple[float, float | None, Any, int | None, str]  # see `_read_request`


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
    found = _read_request(n, payload)
    if found is None:
        return None
    n.mix["request"] += 1
    start, took, method, status, kind = found
    if n.past_cap is not None and kind is not REQUEST_FAILED:
        counts, dropped = n.past_cap
        counts[kind] += 1
        dropped[kind] += 1
        return None
    url = text(payload.description, 2000)
    return request_event(start, took, url, method, status, kind, segment)


def _read_request(n: Normalizer, payload: Payload) -> _Request | None:
    """A request span's start, duration, method (as written), status and kind; None, counted
    as malformed, when it has no start. Raises ValueError when its `data` cannot be decoded."""
    start = millis(payload.startTimestamp)
    if start is None:
        n.malformed += 1
        return None
    end = millis(payload.endTimestamp)
    took = end - start if end is not None and end >= start else None
    code, method = request_fields(payload)
    status = code if type(code) is int and 0 < code < 1000 else request_status(code)
    return start, took, method, status, request_kind(status, took)


def count_past_cap(n: Normalizer, batch: Iterable[Any], segment: int | None, keep: Keep) -> None:
    """Events of a segment's part read once the digest keeps no more events but incidents
    (`Normalizer.past_cap`), in order. A `ui.click` crumb or a successful request, which
    would only be counted and dropped, is counted in a local number, added to the counts
    at the end, when the keys it counts are already there (so only their numbers change,
    never the order of the counts); everything else goes the usual way
    (`Normalizer.feed_one`), and each event it yields to `keep`."""
    assert n.past_cap is not None
    counts, dropped = n.past_cap
    mix, one = n.mix, n.feed_one
    quick_clicks = "click" in mix and CLICK in counts and CLICK in dropped
    quick_requests = "request" in mix and REQUEST in counts and REQUEST in dropped
    clicks = requests = plain = 0
    for read in batch:
        if type(read) is Custom:
            data = read.data
            tag, payload = data.tag, data.payload
            if quick_clicks and tag == "breadcrumb" and payload.category == "ui.click":
                if (millis(payload.timestamp) or millis(read.timestamp)) is None:
                    n.malformed += 1
                else:
                    clicks += 1
                continue
            op = payload.op
            is_request = tag == "performanceSpan" and type(op) is str and op in REQUEST_OPS
            if quick_requests and is_request:
                read_as = _past_request(n, payload, segment, keep)
                requests += read_as > 0
                plain += read_as > 1
                continue
        event = one(read, segment)
        if event is not None:
            keep(event)
    mix["click"] += clicks
    counts[CLICK] += clicks
    dropped[CLICK] += clicks
    mix["request"] += requests
    counts[REQUEST] += plain
    dropped[REQUEST] += plain


def _past_request(n: Normalizer, payload: Payload, segment: int | None, keep: Keep) -> int:
    """A request span past the cap: 0 when malformed; 2 when successful (the caller counts
    it); else 1: a slow one counted and dropped here, a failed one (an incident) kept."""
    try:
        found = _read_request(n, payload)
    except ValueError:  # data nested too deeply to decode again
        n.malformed += 1
        return 0
    if found is None:
        return 0
    start, took, method, status, kind = found
    if kind is REQUEST:
        return 2
    if kind is REQUEST_FAILED:
        url = text(payload.description, 2000)
        keep(request_event(start, took, url, method, status, kind, segment))
    else:
        assert n.past_cap is not None
        counts, dropped = n.past_cap
        counts[kind] += 1
        dropped[kind] += 1
    return 1


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
