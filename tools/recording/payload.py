"""A custom event's `payload` (breadcrumb, performance span or video chunk) as the fields the
classifier reads, whatever their types: decoded straight from JSON by msgspec on the page
reader's quick path (`QuickPayload`: the payload's other keys are skipped in C, and its `data`
is left undecoded until it is read, most often never or into a few fields), or taken from a
dict."""

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


class QuickPayload(Payload, frozen=True, gc=False):
    """A payload as the quick path decodes it: `data` undecoded (read it with `data_of`)."""

    data: msgspec.Raw = msgspec.Raw(b"null")


class _RequestData(msgspec.Struct, gc=False):
    statusCode: Any = None
    method: Any = None


FIELDS = Payload.__struct_fields__
EMPTY = Payload()
_ANY = msgspec.json.Decoder()
_REQUEST_DATA = msgspec.json.Decoder(_RequestData)
_NO_REQUEST_DATA = _RequestData()


def data_of(payload: Payload) -> dict[str, Any]:
    """The payload's `data` when it is an object, else `{}`. Raises ValueError when the
    quick path's undecoded `data` cannot be decoded (nested too deeply to decode again)."""
    data = payload.data
    if type(data) is msgspec.Raw:
        try:
            data = _ANY.decode(data)
        except RecursionError:
            raise ValueError("the payload's data is nested too deeply") from None
    return data if isinstance(data, dict) else {}


def request_fields(payload: Payload) -> tuple[Any, Any]:
    """A request span's `data.statusCode` and `data.method` (None when missing); from the
    quick path's undecoded `data`, only these two are decoded."""
    data = payload.data
    if type(data) is not msgspec.Raw:
        found = data if isinstance(data, dict) else {}
        return found.get("statusCode"), found.get("method")
    try:
        fields = _REQUEST_DATA.decode(data)
    except msgspec.ValidationError:  # not an object: read as `{}`
        fields = _NO_REQUEST_DATA
    except RecursionError:
        raise ValueError("the payload's data is nested too deeply") from None
    return fields.statusCode, fields.method


def payload_of(value: Any) -> Payload:
    """The payload of a custom event decoded as a dict (anything else reads as empty)."""
    if not isinstance(value, dict):
        return EMPTY
    return Payload(*map(value.get, FIELDS))
