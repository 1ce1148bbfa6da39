"""Recording segments, in both dialects: rrweb events (sentry.io) or metadata rows (seed)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator

from sentry_replays_mcp.tools.api.decoding import Unreadable, decode
from sentry_replays_mcp.tools.api.lenient import (
    Lenient,
    NumericId,
    OptDatetime,
    OptInt,
    replay_id_of,
    unwrap,
)


class SegmentMeta(Lenient):
    """A recording segment's metadata (`replayId`, `segmentId`, `projectId`, `dateAdded`)."""

    segment_id: OptInt = None
    replay_id: Annotated[
        str | None, BeforeValidator(lambda v: None if v is None else replay_id_of(v))
    ] = None
    project_id: NumericId = None
    date_added: OptDatetime = None
    id: OptInt = None  # the seed's field


class RecordingSegment(BaseModel):
    """One segment: its rrweb events when the server sent them, else its metadata."""

    segment_id: int
    events: list[dict[str, Any]] | None = None
    meta: SegmentMeta | None = None
    skipped_events: int = 0  # entries that were not event objects


def parse_segment(body: Any, number: int) -> RecordingSegment:
    """One segment: an array of rrweb events (with `download`) or its metadata."""
    body = unwrap(body)
    if isinstance(body, list):
        events = [e for e in body if isinstance(e, dict)]
        return RecordingSegment(
            segment_id=number, events=events, skipped_events=len(body) - len(events)
        )
    meta = SegmentMeta.model_validate(body if isinstance(body, dict) else {})
    return RecordingSegment(segment_id=number, meta=meta)


def parse_segment_page(body: Any, first_segment_id: int) -> list[RecordingSegment]:
    """A page of segments: arrays of rrweb events (sentry.io) or metadata rows (seed)."""
    rows = unwrap(body)
    if not isinstance(rows, list):
        return []
    segments: list[RecordingSegment] = []
    for index, row in enumerate(rows):
        position = first_segment_id + index
        if isinstance(row, list):
            events = [e for e in row if isinstance(e, dict)]
            segments.append(
                RecordingSegment(
                    segment_id=position, events=events, skipped_events=len(row) - len(events)
                )
            )
        elif isinstance(row, dict):
            meta = SegmentMeta.model_validate(row)
            number = meta.segment_id if meta.segment_id is not None else position
            segments.append(RecordingSegment(segment_id=number, meta=meta))
    return segments


@dataclass(frozen=True)
class RawSegment:
    """One segment as received, unparsed: a JSON array of rrweb events, or an object (its
    metadata, or the seed's segment row)."""

    segment_id: int
    body: bytearray

    @property
    def is_events(self) -> bool:
        return bytes(self.body[:4096]).lstrip(b" \t\r\n")[:1] == b"["


async def read_meta(body: bytes | bytearray) -> SegmentMeta | None:
    """A segment's metadata from an object body (decoded off the event loop when large,
    within the decoder's caps); None when it is not one."""
    try:
        decoded = unwrap(await decode(body))
    except Unreadable:
        return None
    return SegmentMeta.model_validate(decoded) if isinstance(decoded, dict) else None


def meta_rows(rows: list[dict[str, Any]], first_segment_id: int) -> list[RecordingSegment]:
    """The seed's metadata rows (as a page reader kept them) as segments."""
    segments = []
    for index, row in enumerate(rows):
        meta = SegmentMeta.model_validate(row)
        number = meta.segment_id if meta.segment_id is not None else first_segment_id + index
        segments.append(RecordingSegment(segment_id=number, meta=meta))
    return segments
