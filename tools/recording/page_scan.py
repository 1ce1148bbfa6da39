"""A segment-list page (`[[event, ...], [event, ...]]` or one segment's `[event, ...]`) read
in chunks of whole events, in time linear in the page and memory bounded by the chunk,
whatever the page holds (`page_rows` decodes a chunk).

- A chunk is cut after an object's `}` about `CHUNK_BYTES` past its start, preferably right
  before the next `{"type":` as SDKs write events; when the cut fell inside an event, the
  chunk grows fourfold, so a byte is decoded a bounded number of times.
- A chunk that does not decode is read again event by event from the SDKs' event starts
  (`{"type":N,...`); a piece that still does not decode gives up the events before its
  error, and the rest of it is one malformed event. A page with nothing to resume from is
  left with one sentence (`problem`: "This recording page is malformed at byte …").
- Nesting deeper than the decoder's limit (about 1,000 levels) is a malformed event, never a
  RecursionError; a custom event's `data` over `MAX_DECODED_BYTES` is skipped, not decoded.
- `STOP` (a `threading.Event` in a context variable, seen by worker threads started from that
  context) is looked at between chunks and every `STOP_EVERY` events; once it is set the
  reading raises `Stopped`, so a worker whose caller was cancelled stops within a chunk.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator
from typing import Any

from sentry_replays_mcp.tools.recording.page_rows import (
    DECODING_ERRORS,
    MAX_DECODED_BYTES,
    STOP,
    STOP_EVERY,
    RowReader,
    Stopped,
)

__all__ = ["MAX_DECODED_BYTES", "STOP", "STOP_EVERY", "Page", "PageScan", "Stopped"]

CHUNK_BYTES = 256 * 1024
Page = str | bytes | bytearray

_BLANKS = b" \t\r\n"
_BLANK = re.compile(rb"[ \t\r\n]*")
_ERROR_AT = re.compile(r"\(byte (\d+)\)")
_CUT = re.compile(rb"\}[ \t\r\n]*[,\]]")  # an object's end followed by `,` or `]`
_SDK_CUT = re.compile(rb"\}[ \t\r\n]*(?:\][ \t\r\n]*)?,[ \t\r\n]*\[?[ \t\r\n]*")
_SDK_LOOKS = 16
# An event's start as the SDKs write it (compact): not rrweb's serialised DOM nodes, which
# also begin with `{"type":N,` but go on with `"id"`, `"tagName"`, `"textContent"`...
_SDK_START = re.compile(rb'\{"type":-?\d+,"(?:data|timestamp)"')
# Between events: commas, blanks and segment breaks (`],[`).
_SEPARATORS = re.compile(rb"(?:[ \t\r\n,]|\][ \t\r\n]*,[ \t\r\n]*\[)+")
# The start of an event as the SDKs write it: `{"type":N,` then `"data"` or `"timestamp"`;
# quotes are escaped inside strings, so this matches structure only. Spaced JSON too.
_SEPARATORS_BACK = re.compile(rb"(?:[ \t\r\n,]|\[[ \t\r\n]*,[ \t\r\n]*\])+")  # reversed
_TAIL = 64 * 1024
_SMALL = 4096  # a piece this small is wrapped by joining (two small copies)
_BETWEEN = frozenset(b" \t\r\n,[")  # what separators end with
_START = re.compile(rb'\{\s*"type"\s*:\s*-?\d+\s*,\s*"(?:data|timestamp)"')


class PageScan(RowReader):
    """One reading of a page. Iterate it for `(segment, raw event)` of the events that can
    matter (types 4 and 5, and every event when `everything`); once iterated, `tally`,
    `malformed`, `metadata`, `problem` (see `RowReader`) and `segments` are complete."""

    def __init__(self, page: Page, first_segment: int = 0, *, everything: bool = False) -> None:
        super().__init__(first_segment, everything)
        self.page = page.encode("utf-8", errors="replace") if isinstance(page, str) else page
        self.segments = 0
        self._cut_short = False

    def __iter__(self) -> Iterator[tuple[int, Any]]:
        frame = self._frame()
        if frame is None:
            return
        pos, end, nested = frame
        if not nested and _skip_blank(self.page, pos, end) >= end:
            return  # `[]`: no segments
        window = CHUNK_BYTES
        while True:
            self.checkpoint()
            pos = self._separators(pos, end)
            if pos >= end:
                break
            cut = _cut(self.page, pos, window, end)
            outcome = yield from self._chunk(pos, cut, end)
            if outcome == "grow":
                window *= 4
                continue
            window = CHUNK_BYTES
            pos = cut
        self.segments = self.segment - self.first_segment + 1
        if self._cut_short and not self.malformed:
            self.malformed = 1

    def _frame(self) -> tuple[int, int, bool] | None:
        """(start, end, nested) of the events inside the page's brackets (inside the first
        segment's `[` and the last one's `]` when the page is a list of segments)."""
        page = self.page
        start = _skip_blank(page, 0, len(page))
        if page[start : start + 1] != b"[":
            self.fail(f"byte {start:,}", "it is not a JSON array of recording events")
            return None
        start, end = _skip_blank(page, start + 1, len(page)), len(page)
        while end > start and page[end - 1] in _BLANKS:
            end -= 1
        if end > start and page[end - 1] == ord("]"):
            end -= 1
        else:  # counted as malformed at the end unless the cut-off event already is
            self.problem = f"This recording page is malformed at byte {end:,}: it was cut short."
            self._cut_short = True
        nested = page[start : start + 1] == b"["
        if nested:
            start += 1
            while end > start and page[end - 1] in _BLANKS:
                end -= 1
            end -= 1 if end > start and page[end - 1] == ord("]") else 0
        return start, end, nested

    def _separators(self, pos: int, end: int) -> int:
        """Skip commas and segment breaks (`],[`), counting the breaks."""
        found = _SEPARATORS.match(self.page, pos, end)
        if found is None:
            return pos
        self.segment += found.group().count(b"]")
        return found.end()

    def _wrapped(self, first: int, after: int) -> bytes:
        """`page[first:after]` without its trailing separators, as `[[...]]` (copied once)."""
        page = self.page
        while after > first and page[after - 1] in b" \t\r\n,":
            after -= 1
        if after > first and page[after - 1] == ord("["):  # a piece ending at a segment break
            after -= 1
            while after > first and page[after - 1] in b" \t\r\n,":
                after -= 1
            after -= 1 if after > first and page[after - 1] == ord("]") else 0
        if after - first <= _SMALL:  # an event read on its own: a view costs more than a copy
            return b"".join((b"[[", page[first:after], b"]]"))
        # allocated once at its size and copied into once (no zero-filled buffer first)
        return b"".join((b"[[", memoryview(page)[first:after], b"]]"))

    def _chunk(self, pos: int, cut: int, end: int) -> Generator[tuple[int, Any], None, str]:
        """Read the events in `page[pos:cut]`; "grow" when the cut fell inside an event, so
        the caller retries with a larger chunk."""
        wrapped = self._wrapped(pos, cut)
        rows = self.rows(wrapped)
        try:
            first = next(rows, None)
        except DECODING_ERRORS as exc:
            grow = cut < end and _ran_out(exc, len(wrapped))
        else:
            del wrapped
            if first is not None:
                yield first
                yield from rows
            return "read"
        if grow:
            return "grow"
        del wrapped, rows  # (outside the `except`: its traceback would hold the copy)
        yield from self._one_by_one(pos, cut)
        return "read"

    def _one_by_one(self, pos: int, stop: int) -> Iterator[tuple[int, Any]]:
        """Read `page[pos:stop]` event by event from the SDKs' event starts."""
        first = pos
        for found in _START.finditer(self.page, pos, stop):
            if found.start() > pos:
                yield from self._between(first, found.start())
                first = found.start()
        yield from self._between(first, stop)

    def _between(self, first: int, after: int) -> list[tuple[int, Any]]:
        """The piece from `first` (an event's start, or separators before one) to `after`."""
        self.look()
        page = self.page
        # an event's start (`{`) has no separators before it: not looked for
        begin = first if first < after and page[first] == 0x7B else self._separators(first, after)
        if begin >= after:
            return []
        end = _piece_end(page, begin, after)
        events = self._piece(begin, end)
        if after - end > 1:  # one byte stripped is a comma or a blank, never a break
            self.segment += page.count(b"]", end, after)  # the breaks after it
        return events

    def _piece(self, first: int, after: int) -> list[tuple[int, Any]]:
        """One event (or a run that did not split); if it does not decode, the events before
        its error (up to the last object end before it) are read, the rest is malformed."""
        try:
            return list(self.lenient_rows(self._wrapped(first, after)))
        except DECODING_ERRORS as exc:  # kept as text: its traceback holds the piece's copy
            text = str(exc)
            at, reason = _error_at(text), _reason(exc, text)
        events: list[tuple[int, Any]] = []
        deep = reason == _DEEP
        last = None if deep else _last_cut(self.page, first, after if at is None else first + at)
        if last is not None:
            try:
                events = list(self.lenient_rows(self._wrapped(first, last)))
                first = self._separators(last, after)
            except DECODING_ERRORS:
                pass
        self.malformed += 1
        if self.problem is None:
            where = first if at is None else max(first, min(first + at, after))
            self.problem = (
                f"This recording page is malformed at byte {where:,}: {reason}; "
                f"{after - first:,} bytes were skipped."
            )
        return events


_DEEP = "an event is nested deeper than the decoder allows"


def _piece_end(page: bytes | bytearray, begin: int, after: int) -> int:
    """The end of the piece `page[begin:after]` before the separators (commas, segment
    breaks) that lead to the next event, read backwards over at most `_TAIL` bytes."""
    last = page[after - 1]
    if last not in _BETWEEN:
        return after
    if last == 0x2C and after - 2 >= begin and page[after - 2] not in _BETWEEN:
        return after - 1  # `},{` as the SDKs write events: only the comma
    tail = bytes(page[max(begin, after - _TAIL) : after])[::-1]
    found = _SEPARATORS_BACK.match(tail)
    return after - found.end() if found is not None else after


def _last_cut(page: bytes | bytearray, first: int, error: int) -> int | None:
    """The end of the last object before `error` that is followed by `,` or `]`."""
    back = page.rfind(b"}", first, error)
    while back >= 0:
        if _CUT.match(page, back):
            return back + 1
        back = page.rfind(b"}", first, back)
    return None


def _cut(page: bytes | bytearray, pos: int, window: int, end: int) -> int:
    """Where a chunk starting at `pos` ends: right after an event's `}`, about `window` on."""
    if pos + window >= end:
        return end
    start = pos + window
    for _ in range(_SDK_LOOKS):  # an event start as SDKs write it, right after a `}`
        at = _SDK_START.search(page, start, min(end, pos + 2 * window))
        if at is None:
            break
        start = at.start()
        found = _SDK_CUT.match(page, _last_object_end(page, start), start)
        if found:
            return found.start() + 1
        start += 1
    found = _CUT.search(page, pos + window, end)
    return found.start() + 1 if found else end


def _last_object_end(page: Any, start: int) -> int:
    """The position of the `}` before the separators in front of `start` (or `start`)."""
    back = start
    while back > 0 and page[back - 1] in b" \t\r\n,[]":
        back -= 1
        if start - back > 64:
            return start
    return back - 1 if back > 0 else start


def _skip_blank(page: bytes | bytearray, pos: int, end: int) -> int:
    found = _BLANK.match(page, pos, end)
    return found.end() if found else pos


def _error_at(text: str) -> int | None:
    """Where in a piece msgspec found its error (`text`, its message; the piece is decoded
    after `[[`)."""
    found = _ERROR_AT.search(text)
    return max(int(found.group(1)) - 2, 0) if found else None


def _ran_out(exc: BaseException, length: int) -> bool:
    """True when decoding failed only because the chunk ended inside an event."""
    text = str(exc)
    found = _ERROR_AT.search(text)
    return "truncated" in text or (found is not None and int(found.group(1)) >= length - 2)


def _reason(exc: BaseException, text: str) -> str:
    if isinstance(exc, RecursionError):
        return _DEEP
    if "Expected" in text:
        return "an event is not an object with a number for its type"
    return "an event is not valid JSON"
