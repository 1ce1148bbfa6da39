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
    video_segment_id: int | None = None  # a mobile segment's id, from its video chunk

    def seen(self, at: float | None) -> None:
        if at is None:
            return
        self.first_ms = at if self.first_ms is None else min(self.first_ms, at)
        self.last_ms = at if self.last_ms is None else max(self.last_ms, at)


def summarize_segment(events: Iterable[Any]) -> SegmentSummary:
    """Summarise one segment's raw rrweb events. A timestamp that is not a plausible time
    (a huge integer, a string) leaves the span unchanged; the event is still counted."""
    summary = SegmentSummary()
    normalizer = Normalizer()
    kept: list[Event] = []
    for raw in events:
        event = normalizer.feed(raw)
        if isinstance(raw, dict):
            summary.seen(millis(raw.get("timestamp")))
        if event is not None:
            summary.seen(event.at)
            kept.append(event)
    kept, _, _ = fold_bursts(kept)  # sorted, a burst's click crumbs in its rage/dead click
    summary.skipped = normalizer.malformed
    summary.mix = normalizer.mix
    summary.events = sum(normalizer.mix.values())
    summary.video_segment_id = normalizer.video.segment_id
    summary.moments = [
        SegmentMoment(entry.first.at, entry.first.kind, describe(entry))
        for entry in collapse(kept, DEFAULT_KINDS)
    ]
    return summary


def mix_text(mix: Mapping[str, int], limit: int = 8) -> str:
    """'12 mouse moves, 3 clicks, 1 page load', most frequent first."""
    ranked = sorted(((n, k) for k, n in mix.items() if n), key=lambda item: (-item[0], item[1]))
    parts = [
        r.plural(n, k) if k in KNOWN_KINDS else f"{n} × {r.code(k, 40)}" for n, k in ranked[:limit]
    ]
    hidden = len(ranked) - limit
    return ", ".join(parts) + (f", {hidden} more kinds" if hidden > 0 else "")
