"""A custom event's `payload` (breadcrumb, performance span or video chunk) as the fields the
classifier reads, whatever their types: decoded straight from JSON by msgspec on the page
reader's quick path (the payload's other keys are skipped in C), or taken from a dict."""

from __future__ import annotations

from typing import Any

import msgspec


class Payload(msgspec.Struct, frozen=True, gc=False):
    """Each field is the JSON value as written (None when missing), checked where it is read.
    Breadcrumbs: category, timestamp, message, level, data. Spans: op, description,
    startTimestamp, endTimestamp, data. Video chunks: segmentId, duration, frameCount,
    frameRate."""

    category: Any = None
    timestamp: Any = None
    message: Any = None
    level: Any = None
    data: Any = None
    op: Any = None
    description: Any = None
    startTimestamp: Any = None
    endTimestamp: Any = None
    segmentId: Any = None
    duration: Any = None
    frameCount: Any = None
    frameRate: Any = None


FIELDS = Payload.__struct_fields__
EMPTY = Payload()


def payload_of(value: Any) -> Payload:
    """The payload of a custom event decoded as a dict (anything else reads as empty)."""
    if not isinstance(value, dict):
        return EMPTY
    return Payload(*map(value.get, FIELDS))
