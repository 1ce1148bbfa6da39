"""Decoding Sentry's JSON bodies without holding up the event loop, in bounded memory.

A small body is decoded at once. A larger one is decoded in a worker thread by a parser
written in Python: it gives the event loop its turn between values (the standard decoder
holds the interpreter for the whole body: seconds for 16 MB of tiny rows), it refuses
nesting deeper than `MAX_DEPTH` with one sentence, and it keeps at most `ROW_CAP` rows of a
list answer, `MEMBER_CAP` members of an object and `NODE_CAP` objects and arrays overall
(the rest is read, counted and dropped), so memory stays within a small multiple of the body.
"""

from __future__ import annotations

import codecs
import json
import re
import time
from collections.abc import Callable
from typing import Any

import anyio

SMALL_BODY = 64_000  # bytes decoded on the event loop (well under a millisecond of work)
MAX_DEPTH = 100  # objects and arrays inside each other
ROW_CAP = 200  # rows kept from a list answer (Sentry pages hold at most 100)
MEMBER_CAP = 1_000  # members kept of one object (the rest is read and dropped)
NODE_CAP = 500_000  # objects and arrays kept from one body
YIELD_EVERY = 500  # values decoded between two turns offered to the event loop


class Unreadable(Exception):
    """The body is not JSON this client reads; `reason` is a clause for a sentence."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Rows(list[Any]):
    """A list answer's rows, of which only the first ones were kept; `total` counts all."""

    total: int = 0


def rows_total(rows: list[Any]) -> int:
    """How many rows Sentry sent (more than `len(rows)` when some were dropped)."""
    return max(getattr(rows, "total", 0), len(rows))


TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep"


def decode_small(raw: bytes | bytearray) -> Any:
    """The standard decoder, for bodies up to SMALL_BODY bytes."""
    try:
        body = json.loads(raw)
    except RecursionError:
        raise Unreadable(TOO_DEEP) from None
    except (ValueError, UnicodeDecodeError):
        raise Unreadable("malformed") from None
    if isinstance(body, list) and len(body) > ROW_CAP:
        kept = Rows(body[:ROW_CAP])
        kept.total = len(body)
        return kept
    if isinstance(body, dict) and isinstance(body.get("data"), list):
        body["data"] = decode_small_rows(body["data"])
    return body


def decode_small_rows(rows: list[Any]) -> list[Any]:
    if len(rows) <= ROW_CAP:
        return rows
    kept = Rows(rows[:ROW_CAP])
    kept.total = len(rows)
    return kept


async def decode(raw: bytes | bytearray) -> Any:
    """The JSON value of `raw`; raises `Unreadable`. Large bodies are decoded off the loop."""
    if len(raw) <= SMALL_BODY:
        return decode_small(raw)
    return await anyio.to_thread.run_sync(decode_large, raw)


def decode_large(raw: bytes | bytearray) -> Any:
    parts = []
    utf8 = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(raw), SMALL_BODY * 8):  # short turns, as in the parser
            parts.append(utf8.decode(raw[start : start + SMALL_BODY * 8]))
            time.sleep(0)
        parts.append(utf8.decode(b"", final=True))
    except UnicodeDecodeError:
        raise Unreadable("malformed") from None
    text = "".join(parts)
    del parts
    parser = _Parser(text)
    try:
        value, end = parser.value(0, 0, keep=True, rows=True)
    except (IndexError, ValueError, KeyError):
        raise Unreadable("malformed") from None
    if _skip(text, end) != len(text):
        raise Unreadable("malformed")
    return value


_WS = re.compile(r"[ \t\n\r]*")
# The standard library's string scanner (in C where available): a string's end and value.
Scan = Callable[[str, int, bool], tuple[str, int]]
scanstring: Scan = json.decoder.scanstring  # type: ignore[attr-defined]


def _skip(text: str, at: int) -> int:
    """The position after the whitespace at `at`."""
    found = _WS.match(text, at)
    return found.end() if found else at


_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
# As the standard decoder reads them (NaN and the infinities included).
_LITERALS: dict[str, tuple[str, Any]] = {
    "n": ("null", None),
    "t": ("true", True),
    "f": ("false", False),
    "N": ("NaN", float("nan")),
    "I": ("Infinity", float("inf")),
    "-": ("-Infinity", float("-inf")),
}


class _Parser:
    """A recursive-descent JSON parser, bounded in depth and in what it keeps."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.nodes = 0
        self.values = 0

    def value(self, at: int, depth: int, *, keep: bool, rows: bool = False) -> tuple[Any, int]:
        text = self.text
        self.values += 1
        if not self.values % YIELD_EVERY:
            time.sleep(0)  # hand the interpreter to the event loop's thread, if it waits
        at = _skip(text, at)
        first = text[at]
        if first == '"':
            return scanstring(text, at + 1, True)
        if first in "[{":
            if depth >= MAX_DEPTH:
                raise Unreadable(TOO_DEEP)
            keep = keep and self.nodes < NODE_CAP
            self.nodes += keep
            if first == "[":
                return self.array(at + 1, depth + 1, keep=keep, rows=rows)
            return self.object(at + 1, depth + 1, keep=keep)
        word, literal = _LITERALS.get(first, ("", None))
        if word and text.startswith(word, at):
            return literal, at + len(word)
        number = _NUMBER.match(text, at)
        if number is None:
            raise ValueError("not a value")
        found = number.group()
        parsed = float(found) if number.group(1) or number.group(2) else int(found)
        return parsed, number.end()

    def array(self, at: int, depth: int, *, keep: bool, rows: bool) -> tuple[list[Any], int]:
        text = self.text
        items: list[Any] = Rows() if rows else []
        count = 0
        at = _skip(text, at)
        if text[at] == "]":
            return items, at + 1
        while True:
            kept = keep and (not rows or count < ROW_CAP)
            item, at = self.value(at, depth, keep=kept)
            count += 1
            if kept:
                items.append(item)
            at = _skip(text, at)
            mark = text[at]
            at += 1
            if mark == "]":
                if isinstance(items, Rows):
                    items.total = count
                return items, at
            if mark != ",":
                raise ValueError("expected , or ]")

    def object(self, at: int, depth: int, *, keep: bool) -> tuple[dict[str, Any], int]:
        text = self.text
        members: dict[str, Any] = {}
        at = _skip(text, at)
        if text[at] == "}":
            return members, at + 1
        while True:
            if text[at] != '"':
                raise ValueError("expected a key")
            key, at = scanstring(text, at + 1, True)
            at = _skip(text, at)
            if text[at] != ":":
                raise ValueError("expected :")
            rows = depth == 1 and key == "data"
            kept = keep and len(members) < MEMBER_CAP
            item, at = self.value(at + 1, depth, keep=kept, rows=rows)
            if kept:
                members[key] = item
            at = _skip(text, at)
            mark = text[at]
            at = _skip(text, at + 1)
            if mark == "}":
                return members, at
            if mark != ",":
                raise ValueError("expected , or }")
