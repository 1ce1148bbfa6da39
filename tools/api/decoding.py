"""Decoding Sentry's JSON bodies without holding up the event loop, in bounded memory.

A small body is decoded at once by the standard decoder. A larger one is decoded in a
worker thread by msgspec, a run of about 256 KB of whole elements at a time
(`json_chunks`): it refuses nesting deeper than `MAX_DEPTH` with one sentence, and keeps at
most `ROW_CAP` rows of a list answer, `MEMBER_CAP` members of an object and `NODE_CAP`
objects and arrays overall (the rest is read, counted and dropped), so memory stays within a
small multiple of the body. Between runs the worker lets the event loop's thread run and
looks at a stop flag, set as soon as the awaiting call ends: a cancelled call stops the
worker within a run. Escapes of lone surrogates (`\\ud800`, which no text can hold and the
sanitiser removes) are dropped before decoding. The JSON that msgspec does not read but the
standard decoder does (NaN, the infinities, numbers beyond a float's range) is decoded by a
bounded parser in Python (`json_parser`), slower, with the same caps and stop flag.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import anyio

from sentry_replays_mcp.tools.api.json_caps import (
    Caps,
    DecodingStopped,
    Rows,
    Turns,
    Unreadable,
    rows_of,
)
from sentry_replays_mcp.tools.api.json_chunks import ChunkReader, NonStandard
from sentry_replays_mcp.tools.api.json_parser import parse

__all__ = ["DecodingStopped", "Rows", "Unreadable", "decode", "decode_large", "decode_small"]

SMALL_BODY = 64_000  # bytes decoded on the event loop (well under a millisecond of work)
MAX_DEPTH = 100  # objects and arrays inside each other
ROW_CAP = 200  # rows kept from a list answer (Sentry pages hold at most 100)
MEMBER_CAP = 1_000  # members kept of one object (the rest is read and dropped)
NODE_CAP = 500_000  # objects and arrays kept from one body

TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep"

SLICE = 1 << 20  # bytes rewritten at a time (between two turns)
# The escape of a surrogate pair, and of any surrogate (left once pairs are set apart).
_PAIR = re.compile(rb"\\u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})")
_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
# Where a slice may end: before a byte that no escape holds, after one that is no backslash.
_SLICE_END = re.compile(rb'[^\\][",:\[\]{} ]')


class Readings:
    """How many large bodies are being decoded, and how many readings stopped because their
    caller gave up (for tests and benchmarks to observe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.running = 0
        self.stopped = 0

    @contextmanager
    def one(self) -> Iterator[None]:
        with self._lock:
            self.running += 1
        try:
            yield
        except DecodingStopped:
            with self._lock:
                self.stopped += 1
            raise
        finally:
            with self._lock:
                self.running -= 1


READINGS = Readings()


def rows_total(rows: list[Any]) -> int:
    """How many rows Sentry sent (more than `len(rows)` when some were dropped)."""
    return max(getattr(rows, "total", 0), len(rows))


def decode_small(raw: bytes | bytearray) -> Any:
    """The standard decoder, for bodies up to SMALL_BODY bytes."""
    try:
        body = json.loads(raw)
    except RecursionError:
        raise Unreadable(TOO_DEEP) from None
    except (ValueError, UnicodeDecodeError):
        raise Unreadable("malformed") from None
    if isinstance(body, list) and len(body) > ROW_CAP:
        return rows_of(body, ROW_CAP)
    if isinstance(body, dict) and isinstance(body.get("data"), list):
        body["data"] = decode_small_rows(body["data"])
    return body


def decode_small_rows(rows: list[Any]) -> list[Any]:
    return rows if len(rows) <= ROW_CAP else rows_of(rows, ROW_CAP)


async def decode(raw: bytes | bytearray) -> Any:
    """The JSON value of `raw`; raises `Unreadable`. Large bodies are decoded off the loop,
    by a worker that stops at its next look once this call ends (cancelled or not)."""
    if len(raw) <= SMALL_BODY:
        return decode_small(raw)
    stop = threading.Event()
    try:
        return await anyio.to_thread.run_sync(decode_large, raw, stop, abandon_on_cancel=True)
    finally:
        stop.set()


def decode_large(raw: bytes | bytearray, stop: threading.Event | None = None) -> Any:
    """The JSON value of `raw` within the caps; raises `Unreadable`, or `DecodingStopped` once
    `stop` is set."""
    caps = Caps(depth=MAX_DEPTH, rows=ROW_CAP, members=MEMBER_CAP, nodes=NODE_CAP)
    turns = Turns(stop)
    with READINGS.one():
        try:
            return ChunkReader(without_lone_surrogates(raw, turns), caps, turns).body()
        except NonStandard:
            return parse(raw, caps, turns)


def decode_bounded(raw: bytes | bytearray, stop: threading.Event | None = None) -> Any:
    """The bounded parser alone (what `decode_large` falls back on)."""
    caps = Caps(depth=MAX_DEPTH, rows=ROW_CAP, members=MEMBER_CAP, nodes=NODE_CAP)
    return parse(raw, caps, Turns(stop))


def without_lone_surrogates(raw: bytes | bytearray, turns: Turns | None = None) -> Any:
    """`raw` without the escapes of lone surrogates (pairs kept, and a `\\u` whose
    backslash is itself escaped is not an escape), rewritten a slice at a time. Escaped
    backslashes and the pairs' backslashes are set apart as control bytes, which a body
    that can be read does not hold raw."""
    if _SURROGATE.search(raw) is None or b"\x00" in raw or b"\x01" in raw:
        return raw
    out = bytearray()
    start = 0
    while start < len(raw):
        found = _SLICE_END.search(raw, start + SLICE)
        end = found.start() + 1 if found else len(raw)
        part = bytes(raw[start:end]).replace(b"\\\\", b"\x00\x00")
        part = _SURROGATE.sub(b"", _PAIR.sub(b"\x01u\\1\x01u\\2", part))
        out += part.replace(b"\x00", b"\\").replace(b"\x01", b"\\")
        start = end
        if turns is not None:
            turns.check()
    return out
