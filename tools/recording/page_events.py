"""rrweb's events as the page reader's quick path decodes them: one struct per event type
(`type`, 0 to 6, picks it), holding only what is read. Meta events keep their time and
`href`; custom events their time, `tag` and `payload` (the fields the classifier reads, its
`data` undecoded, see `payload`); incremental events their source, as the class of their
`data` (one class per rrweb source, 0 to 16, picked by msgspec from `data.source`); the rest
is skipped in C.

Every event's `data` is of a class that says what the event is (`KEY_OF`: its type and, for
an incremental event, its source), so a segment is counted by the class of each event's
`data`, in C, without a tuple per event. Anything else (another type, a type that is not an
int, a row without a type, an incremental source that is not one of rrweb's, a `data` or
`payload` that is not an object) does not decode so, and the chunk is read the careful way
(`page_rows`)."""

from __future__ import annotations

from collections import Counter
from itertools import compress
from operator import attrgetter
from typing import Any, ClassVar, Union

import msgspec

from sentry_replays_mcp.tools.recording.payload import QuickPayload

Scalar = int | float | str | bool | None
SOURCES = range(17)  # rrweb's IncrementalSource values (Mutation 0 ... CustomElement 16)


class _Mark(msgspec.Struct, frozen=True, gc=False):
    """The `data` of an event whose data is not read."""


# One class per rrweb source, tagged by `data.source`: the class is the source.
_SOURCE_CLASSES = tuple(
    msgspec.defstruct(
        f"_Source{n}", [], tag_field="source", tag=n, frozen=True, gc=False, bases=(_Mark,)
    )
    for n in SOURCES
)
_Source = Union[_SOURCE_CLASSES]  # type: ignore[valid-type]  # noqa: UP007


class _NoData(_Mark, frozen=True, gc=False):
    """An incremental event without `data`."""


class _DomLoadedData(_Mark, frozen=True, gc=False):
    pass


class _LoadedData(_Mark, frozen=True, gc=False):
    pass


class _SnapshotData(_Mark, frozen=True, gc=False):
    pass


class _PluginData(_Mark, frozen=True, gc=False):
    pass


class Quick(msgspec.Struct, tag_field="type", gc=False):
    """`kind` is the type; the class of `data` says the type and source (`KEY_OF`)."""

    kind: ClassVar[int]


class _DomLoaded(Quick, tag=0):
    kind = 0
    data: ClassVar[Any] = _DomLoadedData()


class _Loaded(Quick, tag=1):
    kind = 1
    data: ClassVar[Any] = _LoadedData()


class _FullSnapshot(Quick, tag=2):
    kind = 2
    data: ClassVar[Any] = _SnapshotData()


class _Incremental(Quick, tag=3):
    kind = 3
    data: _Source = _NoData()


class _Href(msgspec.Struct, frozen=True, gc=False):
    href: Any = None
    source: ClassVar[None] = None


class Meta(Quick, tag=4):
    kind = 4
    timestamp: Scalar = None
    data: _Href = _Href()


class _Tagged(msgspec.Struct, frozen=True, gc=False):
    tag: Any = None
    payload: QuickPayload = QuickPayload()
    source: ClassVar[None] = None


class Custom(Quick, tag=5):
    kind = 5
    timestamp: Scalar = None
    data: _Tagged = _Tagged()


class _Plugin(Quick, tag=6):
    kind = 6
    data: ClassVar[Any] = _PluginData()


_Event = _DomLoaded | _Loaded | _FullSnapshot | _Incremental | Meta | Custom | _Plugin
QUICK = msgspec.json.Decoder(list[list[_Event]])
_DATA = attrgetter("data")
# What an event is, by the class of its `data`: (type, incremental source).
KEY_OF: dict[type, tuple[int, int | None]] = {
    _DomLoadedData: (0, None),
    _LoadedData: (1, None),
    _SnapshotData: (2, None),
    _NoData: (3, None),
    _Href: (4, None),
    _Tagged: (5, None),
    _PluginData: (6, None),
    **{cls: (3, n) for n, cls in zip(SOURCES, _SOURCE_CLASSES, strict=True)},
}
_KEPT_DATA = frozenset({_Href, _Tagged})  # the `data` of Meta and custom events


def sorted_out(row: list[Any], counted: Counter[type]) -> Any:
    """A decoded segment's events counted into `counted` by the class of their `data` (see
    `KEY_OF`), and its Meta and custom events, in order (an iterator): the classes are
    listed once, in C, and serve both."""
    classes = list(map(type, map(_DATA, row)))
    counted.update(classes)
    return compress(row, map(_KEPT_DATA.__contains__, classes))
