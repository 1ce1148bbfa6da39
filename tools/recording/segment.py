"""One segment's summary: its time span, its event mix and its notable moments, read by the
same classifier and described by the same timeline as a whole recording's digest."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sentry_replays_mcp.tools.kit import text as r
from sentry_replays_mcp.tools.recording.bursts import fold_bursts
from sentry_replays_mcp.tools.recording.classifier import Normalizer, millis
from sentry_replays_mcp.tools.recording.kinds import DEFAULT_KINDS, KNOWN_KINDS, Event
from sentry_replays_mcp.tools.recording.timeline import collapse, describe

KEEP_EVENTS = 5_000  # events that can be moments kept per segment; the rest are counted


@dataclass(frozen=True)
class SegmentMoment:
    """A notable moment in a segment: when, what kind, and its description."""

    at_ms: float
    kind: str
    text: str  # already rendered as inert data


@dataclass
class SegmentSummary:
    """A segment's time span (ms since the epoch), event counts and notable moments."""

    first_ms: float | None = None
    last_ms: float | None = None
    events: int = 0
    skipped: int = 0
    mix: Counter[str] = field(default_factory=Counter)
    moments: list[SegmentMoment] = field(default_factory=list)
    more_moments: int = 0  # moments past those kept in `moments`
    unread: int = 0  # events that could be moments, past the first KEEP_EVENTS: only counted
    video_segment_id: int | None = None  # a mobile segment's id, from its video chunk
    entries: int = 0  # objects and values the segment held (0: Sentry sent it empty)

    def seen(self, at: float | None) -> None:
        if at is None:
            return
        self.first_ms = at if self.first_ms is None else min(self.first_ms, at)
        self.last_ms = at if self.last_ms is None else max(self.last_ms, at)


class SegmentBuilder:
    """One segment's summary, fed event by event (`feed`) or by counts (`count`, for the
    events that yield nothing, counted by a page reader), in memory bounded by KEEP_EVENTS."""

    def __init__(self) -> None:
        self.summary = SegmentSummary()
        self.normalizer = Normalizer()
        self.kept: list[Event] = []

    def feed(self, raw: Any) -> None:
        event = self.normalizer.feed(raw)
        if event is None:
            return
        self.summary.seen(event.at)
        if len(self.kept) < KEEP_EVENTS:
            self.kept.append(event)
        else:
            self.summary.unread += 1

    def count(self, kind: int, source: int | None, times: int) -> None:
        self.normalizer.count(kind, source, times)

    def finish(self, notable: int | None = None) -> SegmentSummary:
        """The summary, with its first `notable` moments (all of them when None)."""
        summary, normalizer = self.summary, self.normalizer
        kept, _, _ = fold_bursts(self.kept)  # sorted, a burst's click crumbs in its rage/dead click
        self.kept = []
        summary.skipped += normalizer.malformed
        summary.mix = normalizer.mix
        summary.events = sum(normalizer.mix.values())
        summary.video_segment_id = normalizer.video.segment_id
        entries = collapse(kept, DEFAULT_KINDS)
        shown = entries if notable is None else entries[:notable]
        summary.more_moments = len(entries) - len(shown)
        summary.moments = [
            SegmentMoment(entry.first.at, entry.first.kind, describe(entry)) for entry in shown
        ]
        return summary


def summarize_segment(events: Iterable[Any]) -> SegmentSummary:
    """Summarise one segment's raw rrweb events. A timestamp that is not a plausible time
    (a huge integer, a string) leaves the span unchanged; the event is still counted."""
    builder = SegmentBuilder()
    for raw in events:
        builder.summary.entries += 1
        if isinstance(raw, dict):
            builder.summary.seen(millis(raw.get("timestamp")))
        builder.feed(raw)
    return builder.finish()


def mix_text(mix: Mapping[str, int], limit: int = 8) -> str:
    """'12 mouse moves, 3 clicks, 1 page load', most frequent first."""
    ranked = sorted(((n, k) for k, n in mix.items() if n), key=lambda item: (-item[0], item[1]))
    parts = [
        r.plural(n, k) if k in KNOWN_KINDS else f"{n} × {r.code(k, 40)}" for n, k in ranked[:limit]
    ]
    hidden = len(ranked) - limit
    return ", ".join(parts) + (f", {hidden} more kinds" if hidden > 0 else "")
