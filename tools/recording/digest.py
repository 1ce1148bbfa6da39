"""A replay's recording digested page by page: the events kept (incidents beyond the cap),
counts of every kind, and what was dropped or malformed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sentry_replays_mcp.tools.recording.bursts import fold_bursts
from sentry_replays_mcp.tools.recording.classifier import Normalizer
from sentry_replays_mcp.tools.recording.kinds import CLICK, INCIDENTS, Event
from sentry_replays_mcp.tools.recording.page_reader import Page, PageReader, PageScan
from sentry_replays_mcp.tools.recording.page_rows import Batch

KEEP_EVENTS = 5_000  # normalised events kept per replay; incidents are kept beyond it
KEEP_INCIDENTS = 1_000


@dataclass
class Digest:
    """Everything kept from a replay's recording, fed page by page."""

    origin_ms: float | None = None
    events: list[Event] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    dropped: Counter[str] = field(default_factory=Counter)
    segments: int = 0
    raw_events: int = 0
    metadata_rows: int = 0  # segment metadata instead of events (servers that follow the seed)
    problem: str | None = None  # the first part of a page that could not be read, in a sentence
    normalizer: Normalizer = field(default_factory=Normalizer)
    burst_clicks: int = 0  # clicks that made up slow, dead and rage clicks
    _incidents: int = 0
    _finished: bool = False

    @property
    def malformed(self) -> int:
        return self.normalizer.malformed

    @property
    def mix(self) -> Counter[str]:
        return self.normalizer.mix

    def add_page(self, page: Page, first_segment: int = 0, segments: int | None = None) -> None:
        """One segment-list page (JSON text or bytes), in linear time and bounded memory:
        only the events that can yield an `Event` are decoded, the rest are counted.
        `segments`, when the caller knows how many segments the page holds (from the
        paging), is taken over the page's own count."""
        scan = PageScan(page, first_segment)
        scan.batches = True
        feed, keep = self.normalizer.feed_batch, self.keep
        for segment, raw in scan:
            if type(raw) is Batch:  # Meta and custom events decoded on the quick path
                self.raw_events += len(raw)
                feed(raw, segment, keep)
            else:
                self.add(raw, segment)
        for (kind, source), times in scan.tally.items():
            self.normalizer.count(kind, source, times)
            self.raw_events += times
        self.metadata_rows += len(scan.metadata)
        self.normalizer.malformed += scan.malformed
        self.problem = self.problem or scan.problem
        if not scan.metadata:
            self.segments += scan.segments if segments is None else segments

    def read_page(self, page: Page, first_segment: int = 0) -> None:
        """Decode every event, not only those that can yield an `Event` (slower)."""
        reader = PageReader(page, first_segment)
        for segment, raw in reader:
            self.add(raw, segment)
        self.metadata_rows += len(reader.metadata)
        self.segments += reader.segments if not self.metadata_rows else 0
        self.normalizer.malformed += reader.malformed
        self.problem = self.problem or reader.problem

    def add(self, raw: Any, segment: int | None = None) -> None:
        if (
            isinstance(raw, dict)
            and "type" not in raw
            and ("segmentId" in raw or "replayId" in raw)
        ):
            self.metadata_rows += 1
            return
        self.raw_events += 1
        event = self.normalizer.feed(raw, segment)
        if event is not None:
            self.keep(event)

    def keep(self, event: Event) -> None:
        kind = event.kind
        self.counts[kind] += 1
        events = self.events
        if len(events) < KEEP_EVENTS:
            events.append(event)
            self._incidents += kind in INCIDENTS
            if len(events) >= KEEP_EVENTS:
                self.normalizer.past_cap = (self.counts, self.dropped)
        elif kind in INCIDENTS and self._incidents < KEEP_INCIDENTS:
            events.append(event)
            self._incidents += 1
        else:
            self.dropped[kind] += 1

    def finish(self) -> Digest:
        """Sort the events and fold each slow, dead or rage click's click crumbs into it; the
        clicks counted are then every click the person made, bursts included."""
        if self._finished:
            return self
        self._finished = True
        self.events, folded, self.burst_clicks = fold_bursts(self.events)
        if self.burst_clicks:
            self.counts[CLICK] += self.burst_clicks - folded
        if self.origin_ms is None and self.events:
            self.origin_ms = self.events[0].at
        return self


def summarize_pages(
    pages: Iterable[tuple[Page, int]], origin_ms: float | None, total_segments: int | None = None
) -> Digest:
    """Digest already-downloaded segment-list pages (JSON text or bytes, first segment id).
    With `total_segments`, each page's segment count follows from the paging."""
    digest = Digest(origin_ms)
    listed = list(pages)
    for index, (page, first) in enumerate(listed):
        following = listed[index + 1][1] if index + 1 < len(listed) else total_segments
        digest.add_page(page, first, following - first if following is not None else None)
    return digest.finish()
