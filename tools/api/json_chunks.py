"""The fast reader of large JSON bodies: msgspec decodes runs of whole elements of about
`WINDOW` bytes at a time, so a body costs time linear in its size and memory bounded by a
run, whatever it holds.

- A value of at most `WINDOW` bytes (or a string or number of any size) is decoded at once.
  A larger array or object is read run by run: a run is cut at a `,` about WINDOW bytes on
  and decoded wrapped in brackets; it decodes only when the cut fell between two elements
  (JSON is read the same way from the left whatever follows), so a run that does not decode
  is cut at the next `,`, and after `TRIES` misses the elements are delimited one by one
  (msgspec says where a value ends: "trailing characters (byte N)"). After the first miss,
  the first element is delimited: one larger than WINDOW is read the same way, recursively.
- Runs of rows past the kept ones, and members past the kept ones, are decoded as
  `msgspec.Raw` views and counted (no Python object per value).
- Depth is checked on the bytes of each run (`depth_within`), since msgspec's own limit
  (the interpreter's recursion limit, about 1,000) is far above ours.
- Objects and arrays kept are counted from the bytes of a run (an upper bound: brackets in
  strings count too); only a run that could pass a cap is walked and cut in Python.
- Between runs the reader takes its turn (`Turns.check`: the stop flag and a pause).
- JSON that msgspec does not read but the standard decoder does (NaN, the infinities,
  numbers beyond a float's range) raises `NonStandard`: the caller then uses the slower
  bounded parser.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import msgspec

from sentry_replays_mcp.tools.api.json_caps import Caps, Rows, Turns, Unreadable, rows_of

WINDOW = 256 * 1024  # bytes in a run
TRIES = 8  # cuts tried (each at the next separator) before the elements are delimited

_ANY = msgspec.json.Decoder()
_RAW = msgspec.json.Decoder(msgspec.Raw)
_RAW_ITEMS = msgspec.json.Decoder(list[msgspec.Raw])
_RAW_MEMBERS = msgspec.json.Decoder(dict[str, msgspec.Raw])
_ERRORS = (msgspec.DecodeError, msgspec.ValidationError, RecursionError)
_AT = re.compile(r"\(byte (\d+)\)")
_BLANK = re.compile(rb"[ \t\r\n]*")
_ITEM_CUT = re.compile(rb"[}\]][ \t\r\n]*,|,")  # prefer a cut right after an object or array
_MEMBER_CUT = re.compile(rb',(?=[ \t\r\n]*")')
_BRACKETS = bytes.maketrans(b"{}", b"[]")
_NOT_SHAPE = bytes(set(range(256)) - set(b'[]{}"'))
_NON_STANDARD = (b"NaN", b"Infinity", b"-Infinity")


class NonStandard(Exception):
    """The body holds JSON that msgspec does not read (NaN, 1e400...)."""


def depth_within(data: bytes | bytearray, levels: int) -> bool:
    """Whether the valid JSON `data` nests objects and arrays at most `levels` deep. Strings
    are dropped (escaped quotes and backslashes first), the brackets kept, and innermost
    pairs removed a level at a time."""
    if data.count(b"[") + data.count(b"{") <= levels:
        return True
    plain = data.replace(b"\\\\", b"").replace(b'\\"', b"").translate(_BRACKETS, _NOT_SHAPE)
    shape = b"".join(plain.split(b'"')[::2])
    for _ in range(levels):
        if not shape:
            return True
        shape = shape.replace(b"[]", b"")
    return not shape


class ChunkReader:
    """One reading of a body (see the module's docstring); `body()` is its value."""

    def __init__(self, raw: bytes | bytearray, caps: Caps, turns: Turns) -> None:
        self.raw = raw
        self.view = memoryview(raw)
        self.caps = caps
        self.turns = turns
        self.nodes = caps.nodes  # objects and arrays that may still be kept

    def body(self) -> Any:
        start, end = self._trim(0, len(self.raw))
        if start >= end:
            raise Unreadable("malformed")
        return self.value(start, end, 0, keep=True, rows=self.raw[start] == ord("["))

    def value(self, start: int, end: int, depth: int, *, keep: bool, rows: bool = False) -> Any:
        """The value in raw[start:end] at `depth` (None when not `keep`: only checked)."""
        start, end = self._trim(start, end)
        first = self.raw[start : start + 1]
        if end - start <= WINDOW or first not in (b"[", b"{"):
            return self._piece(start, end, depth, keep=keep, rows=rows)
        if depth >= self.caps.depth:
            raise Unreadable(self.caps.too_deep)
        if self.raw[end - 1] != (b"]" if first == b"[" else b"}")[0]:
            raise Unreadable("malformed")
        counted = keep and self.nodes > 0  # past the node cap, kept empty
        self.nodes -= counted
        if first == b"[":
            found = self._array(start + 1, end - 1, depth, keep=counted, rows=rows)
        else:
            found = self._object(start + 1, end - 1, depth, keep=counted)
        if keep and not counted:
            return ([] if first == b"[" else {}) if not rows else Rows()
        return found

    def _piece(self, start: int, end: int, depth: int, *, keep: bool, rows: bool) -> Any:
        data = self.raw[start:end]
        decoder = _ANY if keep else _RAW
        try:
            found = decoder.decode(data)
        except _ERRORS as exc:
            raise problem(exc, data, self.caps) from None
        if not depth_within(data, self.caps.depth - depth):
            raise Unreadable(self.caps.too_deep)
        if not keep:
            return None
        if rows and isinstance(found, list):
            found = rows_of(found, self.caps.rows)
        elif depth == 0 and isinstance(found, dict) and isinstance(found.get("data"), list):
            found["data"] = rows_of(found["data"], self.caps.rows)
        return self._fit(found, data)

    def _array(self, start: int, end: int, depth: int, *, keep: bool, rows: bool) -> Any:
        items: list[Any] = Rows() if rows else []
        total = 0
        cap = self.caps.rows if rows else len(self.raw)

        def keeping() -> bool:  # past the node cap, other lists' elements are only counted
            return keep and total < cap and (rows or self.nodes > 0)

        for run in self._runs(start, end, depth + 1, b"[]", keeping):
            if isinstance(run, tuple):  # one element larger than a run
                kept = keeping()
                begin, after = run
                item = self.value(begin, after, depth + 1, keep=kept)
                items.extend([item] if kept else [])
                total += 1
            elif isinstance(run, int):  # a run only counted
                total += run
            else:
                items.extend(run[: cap - total] if rows else run)
                total += len(run)
        if isinstance(items, Rows):
            items.total = total
        return items if keep else None

    def _object(self, start: int, end: int, depth: int, *, keep: bool) -> Any:
        members: dict[str, Any] = {}
        cap = self.caps.members
        for run in self._runs(start, end, depth + 1, b"{}", lambda: keep and len(members) < cap):
            if isinstance(run, tuple):  # one member larger than a run
                key, begin, after = run
                kept = keep and (key in members or len(members) < cap)
                rows = depth == 0 and key == "data"
                item = self.value(begin, after, depth + 1, keep=kept, rows=rows)
                if kept:
                    members[key] = item
            elif isinstance(run, dict):
                for key, item in run.items():
                    if key in members or len(members) < cap:
                        members[key] = item
        return members if keep else None

    def _runs(self, start: int, end: int, depth: int, brackets: bytes, keeping: Any) -> Any:
        """The elements (or members) in raw[start:end], at `depth`: each a decoded run (a list
        or dict when `keeping()`, else the count of its elements), or the place of one
        element larger than a run (`(start, end)`, or `(key, start, end)` for a member)."""
        pos = self._blank(start, end)
        while pos < end:
            self.turns.check()
            after, run = self._run(pos, end, depth, brackets, keep=keeping())
            yield run
            pos = self._blank(after, end)
            if pos >= end:
                return
            if self.raw[pos] != ord(","):
                raise Unreadable("malformed")
            pos = self._blank(pos + 1, end)
            if pos >= end:
                raise Unreadable("malformed")  # a trailing comma

    def _run(self, pos: int, end: int, depth: int, brackets: bytes, *, keep: bool) -> Any:
        """(where it ends, the run) for the run starting at `pos`; see `_runs`."""
        cuts = _ITEM_CUT if brackets == b"[]" else _MEMBER_CUT
        look = pos + WINDOW
        for attempt in range(TRIES):
            sight = min(end, look + WINDOW * 4)  # a search no longer than that (it holds the GIL)
            found = cuts.search(self.raw, look, sight) if look < end else None
            if found is None and sight < end:
                break  # no cut in sight: the elements are delimited one by one
            cut = found.end() - 1 if found else end
            run = self._decode_run(pos, cut, depth, brackets, keep=keep, last=cut == end)
            if run is not None:
                return cut, run
            if not attempt:  # a miss: is the first element itself larger than a run?
                first = self._element(pos, end, brackets)
                if first[-1] - pos > WINDOW:
                    return first[-1], first
            look = cut + 1
        run_end = scan = pos  # delimit the elements one by one
        while scan < end and scan - pos < WINDOW:
            begin = self._blank(scan, end)
            place = self._element(begin, end, brackets)
            if place[-1] - begin > WINDOW:
                if run_end == pos:
                    return place[-1], place
                break
            run_end = place[-1]
            after = self._blank(run_end, end)
            if after >= end or self.raw[after] != ord(","):
                break
            scan = after + 1
        return run_end, self._decode_run(pos, run_end, depth, brackets, keep=keep, last=True)

    def _decode_run(
        self, pos: int, cut: int, depth: int, brackets: bytes, *, keep: bool, last: bool
    ) -> Any:
        """raw[pos:cut] decoded wrapped in `brackets`; None when it does not decode and may
        not have been cut between two elements (not `last`)."""
        size = cut - pos
        wrapped = bytearray(size + 2)
        wrapped[0], wrapped[-1] = brackets[0], brackets[1]
        wrapped[1:-1] = self.view[pos:cut]
        decoder: msgspec.json.Decoder[Any] = _ANY
        if not keep:
            decoder = _RAW_ITEMS if brackets == b"[]" else _RAW_MEMBERS
        try:
            found: Any = decoder.decode(wrapped)
        except _ERRORS as exc:
            if not last and not isinstance(exc, RecursionError):
                return None
            raise problem(exc, wrapped, self.caps) from None
        if not depth_within(wrapped, self.caps.depth - depth + 1):
            raise Unreadable(self.caps.too_deep)
        if not keep:
            return len(found)
        if depth == 1 and brackets == b"{}" and isinstance(found.get("data"), list):
            found["data"] = rows_of(found["data"], self.caps.rows)
        return self._fit(found, wrapped, wrapper=1)

    def _element(self, pos: int, end: int, brackets: bytes) -> Any:
        """The place of the element (or member) at `pos`: `(start, end)` or
        `(key, start, end)`."""
        if brackets == b"[]":
            return pos, self._value_end(pos, end)
        if self.raw[pos : pos + 1] != b'"':
            raise Unreadable("malformed")
        after_key = self._value_end(pos, end)
        key = _ANY.decode(self.view[pos:after_key])
        colon = self._blank(after_key, end)
        if self.raw[colon : colon + 1] != b":":
            raise Unreadable("malformed")
        begin = self._blank(colon + 1, end)
        return key, begin, self._value_end(begin, end)

    def _value_end(self, pos: int, end: int) -> int:
        """Where the value starting at `pos` ends (msgspec skips it without building it)."""
        try:
            _RAW.decode(self.view[pos:end])
        except _ERRORS as exc:
            found = _AT.search(str(exc))
            if found and "trailing characters" in str(exc):
                return pos + int(found.group(1)) - 1
            raise problem(exc, self.view[pos:end], self.caps) from None
        return end

    def _fit(self, value: Any, data: bytes | bytearray, wrapper: int = 0) -> Any:
        """`value` within the member and node caps: counted from its bytes, walked only when
        a cap might be passed."""
        nodes = data.count(b"[") + data.count(b"{") - wrapper
        if nodes <= self.nodes and data.count(b":") <= self.caps.members:
            self.nodes -= nodes
            return value
        if not wrapper:
            return self._prune(value)
        if isinstance(value, dict):  # a run of members: its own braces are not a node
            return {key: self._prune(item) for key, item in value.items()}
        return [self._prune(item) for item in value]

    def _prune(self, value: Any) -> Any:
        """`value` with at most `caps.members` members an object, and objects and arrays past
        the node cap left empty (as the bounded parser leaves them)."""
        if isinstance(value, dict):
            if self.nodes <= 0:
                return {}
            self.nodes -= 1
            members = itertools.islice(value.items(), self.caps.members)
            return {key: self._prune(item) for key, item in members}
        if isinstance(value, list):
            if self.nodes <= 0:
                return Rows() if isinstance(value, Rows) else []
            self.nodes -= 1
            items = [self._prune(item) for item in value]
            if not isinstance(value, Rows):
                return items
            kept = Rows(items)
            kept.total = value.total
            return kept
        return value

    def _blank(self, pos: int, end: int) -> int:
        found = _BLANK.match(self.raw, pos, end)
        return found.end() if found else pos

    def _trim(self, start: int, end: int) -> tuple[int, int]:
        start = self._blank(start, end)
        while end > start and self.raw[end - 1] in b" \t\r\n":
            end -= 1
        return start, end


def problem(exc: BaseException, data: Any, caps: Caps) -> Exception:
    """The error to raise for msgspec's `exc` on `data`."""
    if isinstance(exc, RecursionError):
        return Unreadable(caps.too_deep)
    text = str(exc)
    if "out of range" in text:
        return NonStandard()
    found = _AT.search(text)
    if found and "invalid character" in text:
        at = int(found.group(1)) - 1
        near = bytes(data[max(0, at - 1) : at + 9])
        if any(word in near for word in _NON_STANDARD):
            return NonStandard()
    return Unreadable("malformed")
