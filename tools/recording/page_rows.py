"""The events of one chunk of a recording page, decoded by msgspec and counted in C.

For a summary, a chunk of up to 1 MB is first decoded once into a struct per event type
(`page_events`): the events that can yield something (Meta and Sentry's custom events, types
4 and 5) come out as those structs, the others are only counted. A chunk that does not decode
so (or when every event is wanted) is read the careful way: into small heads, counted in C,
and the Meta and custom events turned into dicts, one by one in Python.

A chunk is a run of whole events (with segment breaks `],[` between some of them), given
wrapped as `[[...]]`, so it decodes as a list of segments. Every decoder raises on what is
not an event object, and the caller then reads the chunk event by event (`page_scan`).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextvars import ContextVar
from operator import attrgetter
from typing import Any

import msgspec

from sentry_replays_mcp.tools.recording.page_events import KEY_OF, QUICK, sorted_out

MAX_DECODED_BYTES = 1 << 20  # a type-4/5 event's `data` larger than this is not decoded
STOP_EVERY = 256  # events between two looks at the stop flag (and two chances for others)
PAUSE_AFTER = 0.002  # seconds of work before the reading lets other threads run
STOP: ContextVar[threading.Event | None] = ContextVar("recording_stop", default=None)
DECODING_ERRORS = (msgspec.DecodeError, msgspec.ValidationError, RecursionError)

Scalar = int | float | str | bool | None
_UNSET = msgspec.UNSET


class Batch(list[Any]):
    """The Meta and custom events of a segment's part read on the quick path, handed over
    at once (when the reader was asked for `batches`) rather than one by one."""


class Stopped(Exception):
    """The caller gave up (it was cancelled): the reading stopped between two chunks."""


class SourceOnly(msgspec.Struct, gc=False):
    """An incremental event's `data`, read for its source alone."""

    source: Scalar = None


class _Counted(msgspec.Struct, gc=False):
    """An event as counted: its type and, for incremental events, its source."""

    type: Scalar | msgspec.UnsetType = _UNSET
    data: SourceOnly = msgspec.field(default_factory=SourceOnly)


class _Head(msgspec.Struct, gc=False):
    """An event as kept: its type and time, its `data` left undecoded."""

    type: Scalar | msgspec.UnsetType = _UNSET
    timestamp: Scalar | msgspec.UnsetType = _UNSET
    data: msgspec.Raw | msgspec.UnsetType = _UNSET
    segmentId: Scalar | msgspec.UnsetType = _UNSET  # the seed's metadata rows
    replayId: Scalar | msgspec.UnsetType = _UNSET


class AnyRow(msgspec.Struct, gc=False):
    """Any object: for chunks in which no object can be an event (no `"type"` key)."""


_COUNTED = msgspec.json.Decoder(list[list[_Counted]])
_SOURCE = msgspec.json.Decoder(SourceOnly)
_HEADS = msgspec.json.Decoder(list[list[_Head]])
_ROWS = msgspec.json.Decoder(list[list[AnyRow]])
_LENIENT = msgspec.json.Decoder(list[list[_Head | int | float | str | bool | None]])
_ANY = msgspec.json.Decoder()
_KIND_SOURCE = attrgetter("type", "data.source")
_KNOWN_TYPES = frozenset(range(7))
_SOURCES = frozenset(range(64))
_KEPT = (4, 5)


def stop_requested() -> bool:
    flag = STOP.get()
    return flag is not None and flag.is_set()


class RowReader:
    """What the chunks of a page added up to: `tally` of the events only counted, by (type,
    incremental source), `malformed`, the seed's `metadata` rows, and `problem`, one
    sentence for the first part that could not be read. With `everything`, every event is
    yielded (as a dict of `type`, `timestamp` and `data`), not only types 4 and 5."""

    def __init__(self, first_segment: int, everything: bool) -> None:
        self.first_segment = first_segment
        self.everything = everything
        self.batches = False  # quick-path events handed over as a `Batch` per segment
        self.tally: Counter[tuple[int, int | None]] = Counter()
        self.malformed = 0
        self.metadata: list[dict[str, Any]] = []
        self.problem: str | None = None
        self.segment = first_segment
        self._since_look = 0
        self._paused_at = time.perf_counter()

    def fail(self, where: str, why: str) -> None:
        self.malformed += 1
        if self.problem is None:
            self.problem = f"This recording page is malformed at {where}: {why}."

    def look(self, events: int = 1) -> None:
        """`checkpoint()` every STOP_EVERY events."""
        self._since_look += events
        if self._since_look >= STOP_EVERY:
            self._since_look = 0
            self.checkpoint()

    def checkpoint(self) -> None:
        """Raise `Stopped` if the caller asked to stop. Also where this thread lets others
        run: a thread that holds the interpreter lock makes the event loop wait a switch
        interval (5 ms) at each of its many lock hand-overs (another session's latency), so
        after PAUSE_AFTER seconds of work it pauses 100 µs, which hands the lock over
        (`sleep(0)` was measured not to: the lock came straight back). A lone thread (no
        other thread to hand the lock to) does not pause: on a busy machine the pause gives the
        CPU away for far longer than 100 µs."""
        now = time.perf_counter()
        if now - self._paused_at >= PAUSE_AFTER and threading.active_count() > 1:
            time.sleep(0.0001)
            self._paused_at = time.perf_counter()
        if stop_requested():
            raise Stopped

    def rows(self, wrapped: bytes | bytearray) -> Iterator[tuple[int, Any]]:
        """Read a wrapped chunk (`[[...]]`); raises one of DECODING_ERRORS, before yielding
        anything, when it is not a list of event objects."""
        if wrapped.find(b'"type"') < 0 and not self.everything:
            yield from self._typeless(wrapped)
            return
        quick = self._quick(wrapped)
        if quick is not None:
            yield from quick
            return
        counted = _COUNTED.decode(wrapped)
        kinds = [Counter(map(_KIND_SOURCE, row)) for row in counted]
        del counted
        kept = sum(times for row in kinds for (kind, _), times in row.items() if self._kept(kind))
        heads = _HEADS.decode(wrapped) if kept else None  # may raise: nothing is counted yet
        for row_kinds in kinds:
            self._count(row_kinds)
        if heads is None:
            self.segment += len(kinds) - 1
            return
        for index, row in enumerate(heads):
            self.segment += 1 if index else 0
            yield from self._heads(row)

    def _quick(self, wrapped: bytes | bytearray) -> Iterator[tuple[int, Any]] | None:
        """The chunk decoded once, each event into a struct of its type holding only what is
        read (`page_events`), for a summary (not `everything`) of a chunk no larger than
        MAX_DECODED_BYTES (so no event's data can be over the limit). None when it does not
        decode so: the chunk is then read the careful way, which also says what is wrong with
        it. Yields and counts what the careful way would (Meta and custom events as structs).
        """
        if self.everything or len(wrapped) > MAX_DECODED_BYTES:
            return None
        try:
            segments = QUICK.decode(wrapped)
        except DECODING_ERRORS:
            return None
        return self._quick_rows(segments)

    def _quick_rows(self, segments: list[list[Any]]) -> Iterator[tuple[int, Any]]:
        counted: Counter[type] = Counter()
        picked = [sorted_out(row, counted) for row in segments]
        self.look(sum(counted.values()))
        tally, kept_events = self.tally, 0
        for cls, times in counted.items():
            key = KEY_OF[cls]
            if key[0] in _KEPT:
                kept_events += times
            else:
                tally[key] += times
        if not kept_events:
            self.segment += len(segments) - 1
            return
        for index, (row, events) in enumerate(zip(segments, picked, strict=True)):
            self.segment += 1 if index else 0
            if self.batches:
                batch = Batch(events)
                if batch:
                    yield self.segment, batch
            else:
                for event in events:
                    yield self.segment, event
            self.look(len(row))

    def _typeless(self, wrapped: bytes | bytearray) -> Iterator[tuple[int, Any]]:
        """A chunk without a `"type"` key: its rows are malformed, or the seed's metadata."""
        if wrapped.find(b'"segmentId"') < 0 and wrapped.find(b'"replayId"') < 0:
            rows = _ROWS.decode(wrapped)
            self.malformed += sum(map(len, rows))
            self.segment += len(rows) - 1
            return
        for index, row in enumerate(_HEADS.decode(wrapped)):
            self.segment += 1 if index else 0
            yield from self._heads(row)

    def _kept(self, kind: Any) -> bool:
        """Whether events of this type are looked at one by one (not only counted)."""
        return kind in _KEPT or kind is _UNSET or self.everything

    def _count(self, kinds: Counter[tuple[Any, Any]]) -> None:
        """Add a segment's events, counted in C by (type, source), to the tally."""
        self.look(sum(kinds.values()))
        for (kind, source), times in kinds.items():
            if self._kept(kind):
                continue
            if type(kind) is not int:
                self.malformed += times
            elif kind == 3:
                known = source if type(source) is int and source in _SOURCES else None
                self.tally[3, known] += times
            else:
                self.tally[kind if kind in _KNOWN_TYPES else -1, None] += times

    def lenient_rows(self, wrapped: bytes | bytearray) -> Iterator[tuple[int, Any]]:
        """Like `rows`, for one piece that did not decode so: values that are not objects
        are each one malformed event; raises DECODING_ERRORS on anything else."""
        for index, row in enumerate(_LENIENT.decode(wrapped)):
            self.segment += 1 if index else 0
            heads = [item for item in row if isinstance(item, _Head)]
            self.malformed += len(row) - len(heads)
            yield from self._heads(heads, count=True)

    def _heads(self, row: list[_Head], count: bool = False) -> Iterator[tuple[int, Any]]:
        """The events to look at, as dicts; with `count`, the others are counted here (they
        were not counted in C: the chunk is being read event by event)."""
        for head in row:
            kind = head.type
            if kind is _UNSET:
                self._typeless_head(head)
            elif type(kind) is not int:
                self.malformed += count or self.everything  # a type that is not a number
            elif kind in _KEPT or self.everything:
                raw = self._rebuild(head)
                if raw is not None:
                    yield self.segment, raw
            elif count:
                source = _source_of(head.data) if kind == 3 else None
                self.tally[kind if kind in _KNOWN_TYPES else -1, source] += 1
        self.look(len(row))

    def _typeless_head(self, head: _Head) -> None:
        if head.segmentId is not _UNSET or head.replayId is not _UNSET:
            self.metadata.append(_present(head, ("segmentId", "replayId")))
        else:
            self.malformed += 1

    def _rebuild(self, head: msgspec.Struct) -> dict[str, Any] | None:
        """The event (any struct with `type`, `timestamp` and `data`) as a dict, its `data`
        decoded (bounded in size; depth-guarded)."""
        raw = _present(head, ("type", "timestamp"))
        data = getattr(head, "data", _UNSET)
        if isinstance(data, msgspec.Raw):
            if len(data) > MAX_DECODED_BYTES:
                self.fail(
                    f"an event of segment {self.segment}",
                    f"its data is larger than {MAX_DECODED_BYTES:,} bytes, so it was skipped",
                )
                return None
            try:
                raw["data"] = _ANY.decode(data)
            except DECODING_ERRORS:
                self.fail(
                    f"an event of segment {self.segment}",
                    "its data is not valid JSON or is nested too deeply, so it was skipped",
                )
                return None
        return raw


def _source_of(data: Any) -> int | None:
    """An incremental event's source, from its undecoded `data` (None when it has none)."""
    if not isinstance(data, msgspec.Raw):
        return None
    try:
        source = _SOURCE.decode(data).source
    except DECODING_ERRORS:
        return None
    return source if type(source) is int and source in _SOURCES else None


def _present(head: msgspec.Struct, names: tuple[str, ...]) -> dict[str, Any]:
    return {n: v for n in names if (v := getattr(head, n)) is not _UNSET}
