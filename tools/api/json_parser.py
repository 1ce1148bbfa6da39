"""The bounded JSON parser written in Python: what `decoding` falls back on for the JSON that
msgspec does not read (NaN and the infinities, numbers beyond a float's range), which the
standard decoder reads. It is slow (a few hundred KB a second) but bounded like the fast
reader: depth, rows, members and objects kept, and it stops when its caller gives up."""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable
from typing import Any

from sentry_replays_mcp.tools.api.json_caps import Caps, Rows, Turns, Unreadable

LOOK_EVERY = 500  # values decoded between two looks at the stop flag (and two turns)
SLICE = 512_000  # bytes of UTF-8 decoded at a time

_WS = re.compile(r"[ \t\n\r]*")
# The standard library's string scanner (in C where available): a string's end and value.
Scan = Callable[[str, int, bool], tuple[str, int]]
scanstring: Scan = json.decoder.scanstring  # type: ignore[attr-defined]

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


def parse(raw: bytes | bytearray, caps: Caps, turns: Turns) -> Any:
    """The JSON value of `raw`; raises `Unreadable`, or `DecodingStopped` once the caller
    gave up."""
    parts = []
    utf8 = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(raw), SLICE):
            parts.append(utf8.decode(raw[start : start + SLICE]))
            turns.check()
        parts.append(utf8.decode(b"", final=True))
    except UnicodeDecodeError:
        raise Unreadable("malformed") from None
    text = "".join(parts)
    del parts
    parser = BoundedParser(text, caps, turns)
    try:
        value, end = parser.value(0, 0, keep=True, rows=True)
    except (IndexError, ValueError, KeyError):
        raise Unreadable("malformed") from None
    if _skip(text, end) != len(text):
        raise Unreadable("malformed")
    return value


def _skip(text: str, at: int) -> int:
    """The position after the whitespace at `at`."""
    found = _WS.match(text, at)
    return found.end() if found else at


class BoundedParser:
    """A recursive-descent JSON parser, bounded in depth and in what it keeps."""

    def __init__(self, text: str, caps: Caps, turns: Turns) -> None:
        self.text = text
        self.caps = caps
        self.turns = turns
        self.nodes = 0
        self.values = 0

    def value(self, at: int, depth: int, *, keep: bool, rows: bool = False) -> tuple[Any, int]:
        text = self.text
        self.values += 1
        if not self.values % LOOK_EVERY:
            self.turns.check()
        at = _skip(text, at)
        first = text[at]
        if first == '"':
            return scanstring(text, at + 1, True)
        if first in "[{":
            if depth >= self.caps.depth:
                raise Unreadable(self.caps.too_deep)
            keep = keep and self.nodes < self.caps.nodes
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
            kept = keep and (not rows or count < self.caps.rows)
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
            kept = keep and len(members) < self.caps.members
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
