"""A recording page made ready for a replay player (rrweb, in the replay view): the events
the player needs, as recorded or made inert (`player_inert`), each segment encoded as one
JSON array.

msgspec decodes the page into small structs whose `data` stays raw JSON, so that the events
passed as recorded (pointer moves, scrolls, inputs, …: most of a page) are never built into
Python objects; only snapshots, mutations and style changes are decoded, made inert and
encoded again. A page whose rows are not all events takes the same path event by event.
Custom events (breadcrumbs, spans, video) are left out: the view's timeline has them; canvas
drawing and font loading too, since both could fetch. Time and memory are linear in the page;
a page over MAX_PAGE_BYTES is not read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import msgspec

from sentry_replays_mcp.tools.recording.player_inert import (
    inert_mutation,
    inert_rules,
    inert_snapshot,
)

MB = 1 << 20
MAX_PAGE_BYTES = 16 * MB
# Every row decodes into an object of ~50 bytes, however small the row: a page of tiny rows
# (`{},{},…`, 3 bytes each) would take 16 times its size. SDK events are tens of bytes or
# more (one comma in 17 bytes in a browser session's mix), so a page with a comma in fewer
# than 8 bytes is not read: memory stays within about 6 times the page (benchmarks/view_feed.py).
BYTES_PER_COMMA = 8
NULL = msgspec.Raw(b"null")
PASSED = frozenset({0, 1, 4})  # DomContentLoaded, Load, Meta
SNAPSHOT, INCREMENTAL = 2, 3
# rrweb's IncrementalSource: these play as recorded ...
PASSED_SOURCES = frozenset({1, 2, 3, 4, 5, 6, 7, 11, 12, 14, 16})
# ... these after being made inert (Mutation, StyleSheetRule, StyleDeclaration,
# AdoptedStyleSheet); CanvasMutation (9) and Font (10) are left out.
Make = Callable[[dict[str, Any]], int]  # makes an event's data inert; how many nodes it cut
INERT: dict[int, Make] = {
    0: inert_mutation,
    8: inert_rules,
    13: inert_rules,
    15: inert_rules,
}


class Recorded(msgspec.Struct, gc=False, omit_defaults=True):
    """An rrweb event with its data left as raw JSON."""

    type: int = -1
    timestamp: int | float | None = None
    data: msgspec.Raw = NULL


class Source(msgspec.Struct, gc=False):
    source: int = -1


@dataclass
class PlayerPage:
    """A page's events for the player: each segment's as one JSON array, and what was not
    used."""

    segments: list[bytes] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)  # events kept, per segment
    events: int = 0
    left_out: int = 0  # custom events, rows that are not events, what could fetch
    pruned: int = 0  # DOM nodes whose children were cut (too deep)
    problem: str | None = None


def player_page(body: bytes | bytearray, first_segment: int) -> PlayerPage:
    """The page's segments (a JSON list of lists of events) as the player needs them."""
    out = PlayerPage()
    where = f"The recording page from segment {first_segment}"
    if len(body) > MAX_PAGE_BYTES:
        out.problem = (
            f"{where} weighs {len(body) / MB:.1f} MB, more than the player takes "
            f"({MAX_PAGE_BYTES // MB} MB); the player stops before it."
        )
        return out
    if body.count(b",") > max(10_000, len(body) // BYTES_PER_COMMA):
        out.problem = (
            f"{where} is made of rows too small to be recorded events; the player stops before it."
        )
        return out
    try:
        segments = _segments(body)
    except (msgspec.DecodeError, RecursionError):
        out.problem = f"{where} is malformed or nested too deeply; the player stops before it."
        return out
    if segments is None:
        out.problem = f"{where} is not a list of segments."
        return out
    for events, not_events in segments:
        out.left_out += not_events
        kept = _playable(events, out)
        out.events += len(kept)
        out.counts.append(len(kept))
        out.segments.append(msgspec.json.encode(kept))
    return out


def _segments(body: bytes | bytearray) -> list[tuple[list[Recorded], int]] | None:
    """Each segment's events and how many of its rows were not events; None when the page is
    not a list."""
    try:
        return [(events, 0) for events in msgspec.json.decode(body, type=list[list[Recorded]])]
    except msgspec.ValidationError:
        pass  # some row is not an event: event by event
    try:
        rows = msgspec.json.decode(body, type=list[msgspec.Raw])
    except msgspec.ValidationError:
        return None
    return [_one_by_one(row) for row in rows]


def _one_by_one(segment: msgspec.Raw) -> tuple[list[Recorded], int]:
    try:
        rows = msgspec.json.decode(segment, type=list[msgspec.Raw])
    except msgspec.ValidationError:
        return [], 1  # a segment that is not a list
    events, bad = [], 0
    for row in rows:
        try:
            events.append(msgspec.json.decode(row, type=Recorded))
        except msgspec.ValidationError:
            bad += 1
    return events, bad


def _sources(incremental: list[Recorded]) -> list[int]:
    """Each incremental event's source, in one decode (event by event if one is odd)."""
    if not incremental:
        return []
    joined = b"[" + b",".join(bytes(e.data) for e in incremental) + b"]"
    try:
        return [s.source for s in msgspec.json.decode(joined, type=list[Source])]
    except msgspec.ValidationError:
        return [_source(e.data) for e in incremental]


def _source(data: msgspec.Raw) -> int:
    try:
        return msgspec.json.decode(data, type=Source).source
    except msgspec.ValidationError:
        return -1


def _playable(events: list[Recorded], out: PlayerPage) -> list[Recorded]:
    sources = iter(_sources([e for e in events if e.type == INCREMENTAL]))
    kept: list[Recorded] = []
    for event in events:
        kind = event.type
        made: Recorded | None = None
        if kind in PASSED:
            made = event
        elif kind == INCREMENTAL:
            source = next(sources)
            if source in PASSED_SOURCES:
                made = event
            elif source in INERT:
                made = _inert(event, INERT[source], out)
        elif kind == SNAPSHOT:
            made = _inert(event, inert_snapshot, out)
        if made is None:
            out.left_out += 1
        else:
            kept.append(made)
    return kept


def _inert(
    event: Recorded, make: Callable[[dict[str, Any]], int], out: PlayerPage
) -> Recorded | None:
    try:
        data = msgspec.json.decode(event.data)
        if not isinstance(data, dict):
            return None
        out.pruned += make(data)
        return Recorded(event.type, event.timestamp, msgspec.Raw(msgspec.json.encode(data)))
    except (msgspec.DecodeError, msgspec.EncodeError, RecursionError):
        return None
