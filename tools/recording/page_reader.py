"""Reading a segment-list page (`[[event, ...], [event, ...]]`, JSON text or bytes).

`PageReader` walks a page one event at a time with the C JSON decoder, so a page is never
turned into one big tree of objects; `scan_page` decodes only the events that can matter and
counts the rest.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Generator, Iterator
from typing import Any

_DECODER = json.JSONDecoder()
_SPACE = " \t\r\n"


class PageReader:
    """Iterates `(segment_id, raw event)` over a segment-list page without building the page.

    Accepts the sentry.io shape `[[e, e], [e]]` and a bare event array `[e, e]` (one
    segment's download). Anything unreadable is counted in `malformed` and skipped.
    """

    def __init__(self, text: str, first_segment: int = 0) -> None:
        self.text = text
        self.first_segment = first_segment
        self.malformed = 0
        self.segments = 0

    def _skip(self, pos: int) -> int:
        text = self.text
        while pos < len(text) and text[pos] in _SPACE:
            pos += 1
        return pos

    def __iter__(self) -> Iterator[tuple[int, Any]]:
        text, pos = self.text, self._skip(0)
        if pos >= len(text) or text[pos] != "[":
            self.malformed += 1 if text.strip() else 0
            return
        pos = self._skip(pos + 1)
        if pos < len(text) and text[pos] == "]":
            return  # no segments
        nested = pos < len(text) and text[pos] == "["
        segment = self.first_segment
        if not nested:
            self.segments = 1
            yield from self._array(pos, segment)
            return
        while pos < len(text) and text[pos] == "[":
            self.segments += 1
            pos = yield from self._array(self._skip(pos + 1), segment)
            segment += 1
            pos = self._skip(pos)
            if pos < len(text) and text[pos] == ",":
                pos = self._skip(pos + 1)

    def _array(self, pos: int, segment: int) -> Generator[tuple[int, Any], None, int]:
        """Yield the values of one array whose `[` was consumed; return the position after `]`."""
        text = self.text
        while pos < len(text):
            if text[pos] == "]":
                return pos + 1
            try:
                value, pos = _DECODER.raw_decode(text, pos)
            except ValueError:
                self.malformed += 1
                return len(text)  # truncated or broken: stop reading this page
            yield segment, value
            pos = self._skip(pos)
            if pos < len(text) and text[pos] == ",":
                pos = self._skip(pos + 1)
        self.malformed += 1  # the array never closed
        return pos


# The start of a top-level rrweb event: `{"type":N,` then `"data"` or `"timestamp"`, with the
# incremental source when it follows. JSON escapes quotes inside strings, so this can only
# match structure, and nested DOM nodes (`{"type":2,"tagName"...`) do not match. SDKs write
# compact JSON; a spaced variant (`{"type": 3, ...`) is used when a page is written so.
_START = (
    r'\{"type":(\d+),(?:"timestamp":[-+\d.eE]+,)?(?:"data":\{"source":(\d+)|"data"|"timestamp")'
)
_SPACED = _START.replace(":", r":\s*").replace(",", r",\s*")
_PATTERNS: dict[tuple[type, bool], re.Pattern[Any]] = {
    (str, False): re.compile(_START),
    (str, True): re.compile(_SPACED),
    (bytes, False): re.compile(_START.encode()),
    (bytes, True): re.compile(_SPACED.encode()),
}
_SEGMENT_BREAK: dict[type, re.Pattern[Any]] = {
    str: re.compile(r'\]\s*,\s*\[\s*(?=\{"type":|\])'),
    bytes: re.compile(rb'\]\s*,\s*\[\s*(?=\{"type":|\])'),
}
BROKEN: Any = object()
Page = str | bytes | bytearray


def _pattern(page: Page) -> re.Pattern[Any] | None:
    """The event-start pattern for this page's type and spacing, or None if neither fits."""
    kind: type = str if isinstance(page, str) else bytes
    head: Any = page[:4096]
    opening: Any = "[" if kind is str else b"["
    if not head.lstrip().startswith(opening):
        return None
    for spaced in (False, True):
        if _PATTERNS[kind, spaced].search(head):
            return _PATTERNS[kind, spaced]
    return None


def _decode_at(page: Page, start: int) -> Any:
    """The JSON value that starts at `start`; bytes are decoded a window at a time."""
    if isinstance(page, str):
        return _DECODER.raw_decode(page, start)[0]
    size = 4096
    while True:
        window = bytes(page[start : start + size]).decode("utf-8", errors="replace")
        try:
            return _DECODER.raw_decode(window)[0]
        except ValueError:
            if start + size >= len(page):
                raise
            size *= 8


def scan_page(page: Page) -> tuple[list[Any], Counter[tuple[Any, Any]]] | None:
    """A fast reading of a segment-list page that decodes only what can yield an `Event`
    (Meta and Sentry's custom events, a few percent of the bytes) and only counts the rest.

    Returns the decoded events of types 4 and 5 (`BROKEN` for one that failed to decode)
    and a tally of the others by (type, incremental source), as matched text; or None when
    the page does not look like rrweb JSON as SDKs write it (`type` first), so that the
    caller falls back to `PageReader`.
    """
    pattern = _pattern(page)
    if pattern is None:
        return None
    decoded: list[Any] = []
    tally: Counter[tuple[Any, Any]] = Counter()
    four, five = ("4", "5") if isinstance(page, str) else (b"4", b"5")
    for match in pattern.finditer(page):
        kind = match.group(1)
        if kind in (five, four):
            try:
                decoded.append(_decode_at(page, match.start()))
            except ValueError:
                decoded.append(BROKEN)
        else:
            tally[kind, match.group(2)] += 1
    return decoded, tally


def count_segments(page: Page) -> int:
    """Segments in a segment-list page (`[[...],[...]]`), from the breaks between them."""
    head = bytes(page[:64]) if not isinstance(page, str) else page[:64].encode()
    stripped = head.lstrip()
    if not stripped.startswith(b"[") or stripped[1:].lstrip().startswith(b"]"):
        return 0
    return 1 + len(_SEGMENT_BREAK[str if isinstance(page, str) else bytes].findall(page))
