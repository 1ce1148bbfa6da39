"""A segment-list page (`[[event, ...], [event, ...]]`), one segment's download (`[event, ...]`)
or a page of the seed's metadata rows, read segment by segment for the segment tools: in
time linear in the page and memory bounded by the chunk and the summaries, whatever it holds.

`page_scan.PageScan` cuts the page into chunks of whole events, reads a chunk that does not
decode event by event, looks at the stop flag and says where a page is malformed; this
module decodes each chunk itself (msgspec), so that every event is counted in its own
segment: its type and source and the span of its times in C, and only the events that can
be moments (types 4 and 5) turned into dicts and fed to the segment's `SegmentBuilder`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

import msgspec

from sentry_replays_mcp.tools.recording.page_rows import DECODING_ERRORS, AnyRow, SourceOnly
from sentry_replays_mcp.tools.recording.page_scan import Page, PageScan
from sentry_replays_mcp.tools.recording.segment import SegmentBuilder, SegmentSummary
from sentry_replays_mcp.tools.recording.values import LATEST_MS, SECONDS_BELOW, millis

__all__ = ["MAX_METADATA", "MAX_SEGMENTS", "SegmentScan", "SegmentsRead", "read_segments"]

MAX_SEGMENTS = 200  # segments summarised per page (Sentry sends at most 100); more are counted
MAX_METADATA = 200  # metadata rows kept per page
Scalar = int | float | str | bool | None
_UNSET = msgspec.UNSET
_KEPT = (4, 5)
_SOURCES = frozenset(range(64))
_META_KEYS = ("segmentId", "replayId", "projectId", "dateAdded", "id")


class _Seen(msgspec.Struct, gc=False):
    """An event as counted: its type, time and, for incremental events, its source."""

    type: Scalar | msgspec.UnsetType = _UNSET
    timestamp: Scalar | msgspec.UnsetType = _UNSET
    data: SourceOnly = msgspec.field(default_factory=SourceOnly)


class _Kept(msgspec.Struct, gc=False):
    """An event as kept (its `data` left undecoded), or a metadata row of the seed."""

    type: Scalar | msgspec.UnsetType = _UNSET
    timestamp: Scalar | msgspec.UnsetType = _UNSET
    data: msgspec.Raw | msgspec.UnsetType = _UNSET
    segmentId: Scalar | msgspec.UnsetType = _UNSET
    replayId: Scalar | msgspec.UnsetType = _UNSET
    projectId: Scalar | msgspec.UnsetType = _UNSET
    dateAdded: Scalar | msgspec.UnsetType = _UNSET
    id: Scalar | msgspec.UnsetType = _UNSET


_SEEN = msgspec.json.Decoder(list[list[_Seen]])
_HEADS = msgspec.json.Decoder(list[list[_Kept]])
_ROWS = msgspec.json.Decoder(list[list[AnyRow]])
_LENIENT = msgspec.json.Decoder(list[list[_Kept | int | float | str | bool | None]])
_SOURCE = msgspec.json.Decoder(SourceOnly)
_KIND_SOURCE = attrgetter("type", "data.source")
_TIME = attrgetter("timestamp")


@dataclass
class SegmentsRead:
    """What a page held: `count` segments from `first_segment`, the first MAX_SEGMENTS of
    them summarised (a segment Sentry sent empty has `entries == 0`), the seed's metadata
    rows instead when it sent those, and `problem`, one sentence for a part not read."""

    first_segment: int
    count: int = 0
    summaries: list[tuple[int, SegmentSummary]] = field(default_factory=list)
    metadata: list[dict[str, Any]] = field(default_factory=list)
    problem: str | None = None


class SegmentScan(PageScan):
    """One reading of a page, segment by segment. Iterate it for `(segment, raw event)` of
    the events that can be moments and feed each to `builder(segment)`; `finish()` then
    gives the page's segments."""

    def __init__(
        self, page: Page, first_segment: int = 0, notable: int | None = None, *, one: bool = False
    ) -> None:
        self._malformed = 0
        self._open: dict[int, SegmentBuilder] = {}
        self._done: dict[int, SegmentSummary] = {}
        self.notable = notable
        self.one = one  # a segment's download: the page is that segment, even when `[]`
        super().__init__(page, first_segment)
        self.flat = _flat(self.page)  # `[{...}]`: one segment's events, or metadata rows

    # -- malformed events, each counted in the segment it was found in --------------------

    @property
    def malformed(self) -> int:
        return self._malformed

    @malformed.setter
    def malformed(self, value: int) -> None:
        added, self._malformed = value - self._malformed, value
        if added <= 0:
            return
        builder = self._open.get(self.first_segment if self.one else self.segment)
        if builder is None:
            builder = self.builder(self.segment)
        if builder is not None:
            builder.summary.skipped += added
            builder.summary.entries += added

    def builder(self, segment: int) -> SegmentBuilder | None:
        """The builder of `segment`, None past MAX_SEGMENTS."""
        segment = self.first_segment if self.one else segment
        builder = self._open.get(segment)
        if builder is None and segment - self.first_segment < MAX_SEGMENTS:
            builder = self._open[segment] = SegmentBuilder()
        return builder

    def _settle(self, final: bool = False) -> None:
        """Finish the segments before the one a chunk or piece starts in: the events read
        before it have all been handed on (so memory holds about a chunk of events)."""
        if self.one and not final:
            return
        for number in [n for n in self._open if n < self.segment or final]:
            self._done[number] = self._open.pop(number).finish(self.notable)

    def finish(self) -> SegmentsRead:
        self._settle(final=True)
        count = max(self.segments, 1) if self.one else self.segments
        shown = range(self.first_segment, self.first_segment + min(count, MAX_SEGMENTS))
        if self.metadata:
            shown = range(0)
        return SegmentsRead(
            self.first_segment,
            count,
            [(n, self._done.get(n) or SegmentSummary()) for n in shown],
            self.metadata,
            self.problem,
        )

    # -- decoding a chunk (called by PageScan) ---------------------------------------------

    def rows(self, wrapped: bytes | bytearray) -> Iterator[tuple[int, Any]]:
        """A wrapped chunk (`[[...]]`): every event counted in its segment, the events that
        can be moments yielded. Raises one of the decoding errors, before counting anything,
        when the chunk is not a list of event objects."""
        self._settle()
        if wrapped.find(b'"type"') < 0:
            yield from self._without_types(wrapped)
            return
        meta = self._may_be_metadata(wrapped)
        seen = _SEEN.decode(wrapped)
        timed = wrapped.find(b'"timestamp"') >= 0
        counted = [(Counter(map(_KIND_SOURCE, row)), _span(row) if timed else None) for row in seen]
        del seen
        kept = any(_kept(kind, meta) for kinds, _ in counted for kind, _ in kinds)
        heads = _HEADS.decode(wrapped) if kept else None  # may raise: nothing is counted yet
        base = self.segment
        for index, (kinds, span) in enumerate(counted):
            self.segment = base + index
            builder = self.builder(self.segment)
            self.look(kinds.total())
            if builder is None:
                continue
            builder.summary.entries += kinds.total()
            if span is not None:
                builder.summary.seen(span[0])
                builder.summary.seen(span[1])
            self._count_row(builder, kinds, meta)
            if heads is not None:
                yield from self._kept_events(heads[index], meta, counted=True)

    def lenient_rows(self, wrapped: bytes | bytearray) -> Iterator[tuple[int, Any]]:
        """One piece that did not decode as events: values that are not objects are each a
        malformed event; raises one of the decoding errors on anything else, when called
        (not a generator: a piece that does not decode, the common case here, costs less)."""
        try:
            decoded = _LENIENT.decode(wrapped)
        except msgspec.DecodeError:  # JSON allows lone surrogates, msgspec does not
            mended = _LONE_SURROGATE.sub(_mend, wrapped) if b"\\u" in wrapped else wrapped
            if len(mended) == len(wrapped):
                raise
            decoded = _LENIENT.decode(mended)
        return self._lenient(decoded, wrapped)

    def _lenient(
        self, decoded: list[list[Any]], wrapped: bytes | bytearray
    ) -> Iterator[tuple[int, Any]]:
        self._settle()
        meta = self._may_be_metadata(wrapped)
        base = self.segment
        for index, row in enumerate(decoded):
            self.segment = base + index
            builder = self.builder(self.segment)
            if builder is None:
                continue
            heads = [item for item in row if isinstance(item, _Kept)]
            if len(heads) < len(row):
                self.malformed += len(row) - len(heads)
            for head in heads:
                builder.summary.entries += 1
                builder.summary.seen(millis(head.timestamp))
                kind = head.type
                if type(kind) is int and not _kept(kind, meta):
                    source = _source_of(head.data) if kind == 3 else None
                    builder.count(kind, source, 1)
                elif type(kind) is not int and kind is not _UNSET:
                    self.malformed += 1
            yield from self._kept_events(heads, meta)

    def _without_types(self, wrapped: bytes | bytearray) -> Iterator[tuple[int, Any]]:
        """A chunk without a `"type"` key: its rows are malformed, or the seed's metadata."""
        if self._may_be_metadata(wrapped):
            for index, heads in enumerate(_HEADS.decode(wrapped)):
                self.segment += 1 if index else 0
                builder = self.builder(self.segment)
                if builder is not None:
                    builder.summary.entries += len(heads)
                    yield from self._kept_events(heads, True)
            return
        base = self.segment
        for index, row in enumerate(_ROWS.decode(wrapped)):
            self.segment = base + index
            self.look(len(row))
            if self.builder(self.segment) is not None:
                self.malformed += len(row)

    def _may_be_metadata(self, wrapped: bytes | bytearray) -> bool:
        return self.flat and (wrapped.find(b'"segmentId"') >= 0 or wrapped.find(b'"replayId"') >= 0)

    def _count_row(self, builder: SegmentBuilder, kinds: Counter[Any], meta: bool) -> None:
        """A segment's events that yield nothing, counted in C by (type, source)."""
        for (kind, source), times in kinds.items():
            if _kept(kind, meta):
                continue
            if type(kind) is not int:
                self.malformed += times
            elif kind == 3:
                known = source if type(source) is int and source in _SOURCES else None
                builder.count(3, known, times)
            else:
                builder.count(kind, None, times)

    def _kept_events(
        self, row: list[_Kept], meta: bool, counted: bool = False
    ) -> Iterator[tuple[int, Any]]:
        """The events of a row that can be moments, as dicts; the seed's metadata rows.
        `counted`: objects without a type were counted as malformed already."""
        for head in row:
            kind = head.type
            if kind in _KEPT and type(kind) is int:
                raw = self._rebuild(head)
                if raw is not None:
                    yield self.segment, raw
            elif kind is _UNSET:
                if meta and (head.segmentId is not _UNSET or head.replayId is not _UNSET):
                    if len(self.metadata) < MAX_METADATA:
                        self.metadata.append(_present(head, _META_KEYS))
                elif meta or not counted:
                    self.malformed += 1
        self.look(len(row))


def read_segments(
    page: Page, first_segment: int = 0, notable: int | None = None, *, one: bool = False
) -> SegmentsRead:
    """Summarise every segment of a page (`one`: a segment's download), each with its first
    `notable` moments. Raises `Stopped` when the stop flag is set (see `page_scan`)."""
    scan = SegmentScan(page, first_segment, notable, one=one)
    for segment, raw in scan:
        builder = scan.builder(segment)
        if builder is not None:
            builder.feed(raw)
    return scan.finish()


def _kept(kind: Any, meta: bool) -> bool:
    """Whether events of this type are looked at one by one (not only counted)."""
    return (kind in _KEPT and type(kind) is int) or (meta and kind is _UNSET)


def _span(row: list[_Seen]) -> tuple[float, float] | None:
    """The first and last plausible time of a row's events, in ms (see `values.millis`)."""
    stamps = list(map(_TIME, row))
    try:
        low, high = min(stamps), max(stamps)
    except (TypeError, ValueError):  # a time that is not a number, or no events
        low = high = None
    if (
        isinstance(low, int | float)
        and isinstance(high, int | float)
        and low >= SECONDS_BELOW
        and high <= LATEST_MS
    ):  # every time a plausible one in ms (a bool is below SECONDS_BELOW)
        return float(low), float(high)
    times = [t for t in map(millis, stamps) if t is not None]
    return (min(times), max(times)) if times else None


_LONE_SURROGATE = re.compile(
    rb"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\u[dD][89a-fA-F][0-9a-fA-F]{2}"
)


def _mend(found: re.Match[bytes]) -> bytes:
    """A surrogate pair stays; a lone surrogate (an invisible character that the text
    sanitiser would remove anyway) is dropped."""
    return found.group() if len(found.group()) == 12 else b""


def _flat(page: bytes | bytearray) -> bool:
    """True when the page is `[{...` (not a list of segments)."""
    head = bytes(page[:4096]).lstrip(b" \t\r\n")
    return head[:1] == b"[" and head[1:].lstrip(b" \t\r\n")[:1] == b"{"


def _source_of(data: Any) -> int | None:
    if not isinstance(data, msgspec.Raw):
        return None
    try:
        source = _SOURCE.decode(data).source
    except DECODING_ERRORS:
        return None
    return source if type(source) is int and source in _SOURCES else None


def _present(head: _Kept, names: tuple[str, ...]) -> dict[str, Any]:
    return {n: v for n in names if (v := getattr(head, n)) is not _UNSET}
