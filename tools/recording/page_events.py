"""rrweb's events as the page reader's quick path decodes them: one struct per event type
(`type`, 0 to 6, picks it), holding only what is read. Incremental events keep their source,
to be counted; Meta events their time and `href`; custom events their time, `tag` and
`payload` (the fields the classifier reads, see `payload`); the rest is skipped in C, so an
event that is only counted costs no Python. Anything else (another type, a type that is not
an int, a row without a type, a `data` or `payload` that is not an object) does not decode
so, and the chunk is read the careful way (`page_rows`)."""

from __future__ import annotations

from collections import Counter
from itertools import compress
from operator import attrgetter
from typing import Any, ClassVar

import msgspec

from sentry_replays_mcp.tools.recording.payload import EMPTY, Payload

Scalar = int | float | str | bool | None


class _IncrementalData(msgspec.Struct, frozen=True, gc=False):
    source: Scalar = None


_NO_SOURCE = _IncrementalData()


class Quick(msgspec.Struct, tag_field="type", gc=False):
    """`kind` is the type; `data.source` the incremental source (None for other types)."""

    kind: ClassVar[int]
    data: ClassVar[Any] = _NO_SOURCE


class _DomLoaded(Quick, tag=0):
    kind = 0


class _Loaded(Quick, tag=1):
    kind = 1


class _FullSnapshot(Quick, tag=2):
    kind = 2


class _Incremental(Quick, tag=3):
    kind = 3
    data: _IncrementalData = _NO_SOURCE  # type: ignore[misc]


class _Href(msgspec.Struct, frozen=True, gc=False):
    href: Any = None
    source: ClassVar[None] = None


class Meta(Quick, tag=4):
    kind = 4
    timestamp: Scalar = None
    data: _Href = _Href()  # type: ignore[misc]


class _Tagged(msgspec.Struct, frozen=True, gc=False):
    tag: Any = None
    payload: Payload = EMPTY
    source: ClassVar[None] = None


class Custom(Quick, tag=5):
    kind = 5
    timestamp: Scalar = None
    data: _Tagged = _Tagged()  # type: ignore[misc]


class _Plugin(Quick, tag=6):
    kind = 6


_Event = _DomLoaded | _Loaded | _FullSnapshot | _Incremental | Meta | Custom | _Plugin
QUICK = msgspec.json.Decoder(list[list[_Event]])
QUICK_KEPT = frozenset({Meta, Custom})
_KIND_SOURCE = attrgetter("kind", "data.source")


def kinds_of(row: list[Any]) -> Counter[tuple[int, Any]]:
    """A decoded segment's events by (type, incremental source), counted in C, in the order
    they first come (as `page_rows` counts them the careful way)."""
    return Counter(map(_KIND_SOURCE, row))


def kept(row: list[Any]) -> Any:
    """The Meta and custom events of a decoded segment, in order (picked in C)."""
    return compress(row, map(QUICK_KEPT.__contains__, map(type, row)))
