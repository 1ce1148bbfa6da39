"""Raw recording events → normalised `Event`s.

Input is what Sentry sends: rrweb events (`{"type", "timestamp", "data"}`) with Sentry's
custom events (type 5) carrying breadcrumbs (`crumbs`), performance spans (`spans`), the SDK's
options and, for mobile replays, `video` chunks. Output is a small `Event` per thing a person
would care about (a page or screen, a click or tap, a failed request, a console error...);
everything else is counted in the mix, and what no SDK writes is counted as unknown, by name.

Timestamp units differ per event type (reference §6): rrweb's outer `timestamp` and modern
breadcrumbs' are milliseconds; breadcrumb payload timestamps, performance spans and old
SDKs' breadcrumbs are seconds. A value below 1e12 is taken as seconds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sentry_replays_mcp.tools.recording.crumbs import BREADCRUMBS, Crumb, looks_like_screen
from sentry_replays_mcp.tools.recording.kinds import (
    COUNTED_CATEGORIES,
    COUNTED_OPS,
    PAGE,
    SCREEN,
    SOURCES,
    VITALS,
    Event,
)
from sentry_replays_mcp.tools.recording.navigation import PageViews
from sentry_replays_mcp.tools.recording.page_events import Custom, Meta
from sentry_replays_mcp.tools.recording.payload import EMPTY, Payload, data_of, payload_of
from sentry_replays_mcp.tools.recording.quick_custom import (
    CRUMB_READERS,
    SPAN_READERS,
    Keep,
    count_past_cap,
)
from sentry_replays_mcp.tools.recording.spans import (
    REQUEST_OPS,
    memory_pressure,
    request,
    request_path,
    web_vital,
)
from sentry_replays_mcp.tools.recording.values import dict_of, label, millis, number, text

__all__ = ["Normalizer", "millis", "request_path"]

UNKNOWN_NAMES = 50  # distinct unknown names kept; more are counted under "other"
_VIEWS = (PAGE, SCREEN)


@dataclass
class Video:
    """A mobile replay's video chunks (`tag: "video"`, sentry-java `io/sentry/rrweb/
    RRWebVideoEvent.java`, sentry-cocoa `RRWeb/SentryRRWebVideoEvent.swift`)."""

    chunks: int = 0
    ms: float = 0.0
    segment_id: int | None = None  # the first chunk's own segment id, as the SDK wrote it

    def add(self, payload: Payload) -> None:
        self.chunks += 1
        named = number(payload.segmentId)
        if self.segment_id is None and named is not None and 0 <= named < 1e9:
            self.segment_id = int(named)
        self.ms += chunk_ms(payload)


def chunk_ms(payload: Payload | dict[str, Any]) -> float:
    """A video chunk's length in ms. Both SDKs write `duration` in whole milliseconds
    (sentry-java `io/sentry/rrweb/RRWebVideoEvent.java` `durationMs`; sentry-cocoa
    `Sources/Swift/Integrations/SessionReplay/RRWeb/SentryRRWebVideoEvent.swift`
    `Int(duration * 1_000)`); sentry-cocoa before its #4163 (July 2024) wrote the TimeInterval,
    in seconds. The unit that agrees with `frameCount / frameRate` wins; without them, a value
    with a fraction below 100 is seconds."""
    if isinstance(payload, dict):
        payload = payload_of(payload)
    duration = number(payload.duration)
    if duration is None or not 0 < duration < 86_400_000:
        return 0.0
    frames, rate = number(payload.frameCount), number(payload.frameRate)
    if frames is not None and rate is not None and frames > 0 and rate > 0:
        seconds = frames / rate
        as_seconds = abs(duration - seconds) < abs(duration / 1000 - seconds)
    else:
        as_seconds = duration < 100 and not duration.is_integer()
    return duration * 1000 if as_seconds else duration


@dataclass
class Normalizer:
    """Turns raw events into `Event`s, counting everything (`mix`), what no SDK writes
    (`unknown`), the video chunks of a mobile replay, and what was malformed."""

    mix: Counter[str] = field(default_factory=Counter)
    unknown: Counter[str] = field(default_factory=Counter)
    video: Video = field(default_factory=Video)
    malformed: int = 0
    pages: PageViews = field(default_factory=PageViews)
    # Once the digest keeps no more events but incidents: its counts and drops, where the
    # quick readers count the events they do not build (see `quick_custom`).
    past_cap: tuple[Counter[str], Counter[str]] | None = None

    def feed(self, raw: Any, segment: int | None = None) -> Event | None:
        """One event decoded as a dict."""
        if not isinstance(raw, dict) or not isinstance(raw.get("type"), int):
            self.malformed += 1
            return None
        kind = raw["type"]
        data = dict_of(raw, "data")
        if kind in (4, 5):
            payload = payload_of(data.get("payload"))
            return self._custom(kind, raw.get("timestamp"), data.get("tag"), payload, data, segment)
        source = data.get("source")
        self.count(kind, source if isinstance(source, int) and kind == 3 else None)
        return None

    def feed_batch(self, batch: Iterable[Meta | Custom], segment: int | None, keep: Keep) -> None:
        """The Meta and custom events of a segment's part, from the page reader's quick path
        (`page_events`), in order; each event they yield goes to `keep`. Once the digest
        keeps no more events but incidents (`past_cap`), the rest are counted the quick way
        (`quick_custom.count_past_cap`)."""
        events = iter(batch)
        if self.past_cap is None:
            one = self.feed_one
            for read in events:
                event = one(read, segment)
                if event is not None:
                    keep(event)
                    if self.past_cap is not None:
                        break
            else:
                return
        count_past_cap(self, events, segment, keep)

    def feed_one(self, read: Meta | Custom, segment: int | None) -> Event | None:
        """A Meta or custom event from the page reader's quick path: the most common custom
        events go to their quick readers (`quick_custom`), the rest the general way."""
        if type(read) is not Custom:
            return self._custom(4, read.timestamp, None, EMPTY, read.data, segment)
        data = read.data
        tag, payload = data.tag, data.payload
        if tag == "breadcrumb":
            name, readers = payload.category, CRUMB_READERS
        elif tag == "performanceSpan":
            name, readers = payload.op, SPAN_READERS
        else:
            name = None
        if type(name) is str and (reader := readers.get(name)) is not None:
            try:
                return reader(self, payload, read.timestamp, segment)
            except ValueError:  # data nested too deeply to decode again
                self.malformed += 1
                return None
        return self._custom(5, read.timestamp, tag, payload, data, segment)

    def _custom(
        self, kind: Any, timestamp: Any, tag: Any, payload: Payload, data: Any, segment: int | None
    ) -> Event | None:
        """A Meta (4) or custom (5) event; a Meta event's `href` is in `data` (a dict, or the
        quick path's `data`)."""
        try:
            if kind == 4:
                at = millis(timestamp)
                href = data.get("href") if isinstance(data, dict) else data.href
                event = self._meta(href, at)
            else:
                event = self._tagged(tag, payload, timestamp)
        except (TypeError, ValueError, AttributeError, KeyError, OverflowError):
            self.malformed += 1
            return None
        if event is not None:
            event.segment = segment
            if event.kind in _VIEWS and not self.pages.is_new(event.target, event.at, kind == 4):
                return None  # the same navigation, announced again
        return event

    def count(self, kind: int, source: int | None, times: int = 1) -> None:
        """Count events that yield nothing: snapshots, incremental DOM and pointer events."""
        if kind == 2:
            self.mix["snapshot"] += times
        elif kind == 3:
            self.mix[SOURCES.get(source, "other") if source is not None else "other"] += times
        else:
            self.mix["other"] += times

    def _unknown(self, what: str, name: str) -> None:
        key = f"{what} {name}"
        if key not in self.unknown and len(self.unknown) >= UNKNOWN_NAMES:
            key, name = "other", "other"
        self.unknown[key] += 1
        self.mix[name] += 1

    def _tagged(self, tag: Any, payload: Payload, timestamp: Any) -> Event | None:
        if tag == "breadcrumb":
            return self._breadcrumb(payload, millis(timestamp))
        if tag == "performanceSpan":
            return self._span(payload)
        if tag == "video":
            self.mix["video chunk"] += 1
            self.video.add(payload)
        elif tag != "options":  # SDK settings, not activity
            self._unknown("tag", label(tag) or "(none)")
        return None

    def _meta(self, href_value: Any, at: float | None) -> Event | None:
        """rrweb's Meta event: the page's URL on the web, the screen size on mobile."""
        href = text(href_value, 2000)
        if not href or looks_like_screen(href):
            self.mix["screen size"] += 1
            return None
        self.mix["page load"] += 1
        return Event(at, PAGE, href) if at is not None else None

    def _breadcrumb(self, payload: Payload, outer: float | None) -> Event | None:
        category = label(payload.category, 60) or "(none)"
        at = millis(payload.timestamp) or outer
        read = BREADCRUMBS.get(category)
        if read is None:
            counted = COUNTED_CATEGORIES.get(category)
            if counted:
                self.mix[counted] += 1
            else:
                self._unknown("category", category)
            return None
        if at is None:
            self.malformed += 1
            return None
        data = data_of(payload)
        message = text(payload.message, 1000)
        return read(self.mix, Crumb(at, message, data, dict_of(data, "node"), payload.level))

    def _span(self, payload: Payload) -> Event | None:
        op = label(payload.op, 60) or "(none)"
        start = millis(payload.startTimestamp)
        end = millis(payload.endTimestamp)
        if start is None:
            self.malformed += 1
            return None
        took = end - start if end is not None and end >= start else None
        data = data_of(payload)
        description = text(payload.description, 2000)
        if op.startswith("navigation."):
            self.mix["page load" if op != "navigation.push" else "navigation"] += 1
            return Event(start, PAGE, description, took=took) if description else None
        if op in REQUEST_OPS:
            self.mix["request"] += 1
            return request(start, took, description, data)
        if op == "web-vital" or op in VITALS:
            self.mix["web vital"] += 1
            return web_vital(start, op, description, data)
        if op == "memory":
            self.mix["memory"] += 1
            return memory_pressure(start, data)
        counted = COUNTED_OPS.get(op) or ("asset load" if op.startswith("resource.") else None)
        if counted:
            self.mix[counted] += 1
        else:
            self._unknown("op", op)
        return None
