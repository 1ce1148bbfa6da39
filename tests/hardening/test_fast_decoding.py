"""The fast decoder of large upstream bodies (msgspec, run by run) against the standard
decoder on generated well-formed bodies, against the bounded parser's sentences on hostile
ones, with runs made tiny so that every cut, retry and recursion is taken; and its stop flag:
a cancelled call stops the worker."""

from __future__ import annotations

import json
import threading
from typing import Any

import anyio
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sentry_replays_mcp.tools.api import decoding, json_chunks
from sentry_replays_mcp.tools.api.decoding import (
    MAX_DEPTH,
    READINGS,
    ROW_CAP,
    DecodingStopped,
    Unreadable,
    decode,
    decode_bounded,
    decode_large,
    rows_total,
)
from tests.waiting import cancel_when, until

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)  # no lone surrogates: hypothesis leaves them out
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=6) | st.dictionaries(st.text(max_size=6), inner, max_size=6)
    ),
    max_leaves=60,
)
BODIES = st.one_of(
    VALUES,
    st.lists(VALUES, max_size=30),
    st.fixed_dictionaries({"data": st.lists(VALUES, max_size=30)}, optional={"meta": VALUES}),
)
LAYOUTS = st.sampled_from([{}, {"indent": 2}, {"separators": (",", ":")}, {"ensure_ascii": False}])


@pytest.fixture
def tiny_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(json_chunks, "WINDOW", 24)
    monkeypatch.setattr(decoding, "SLICE", 5)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=BODIES, layout=LAYOUTS)
def test_the_fast_decoder_agrees_with_the_standard_one(tiny_runs: None, body: Any, layout: Any):
    raw = json.dumps(body, **layout).encode()
    assert decode_large(raw) == json.loads(raw)


def test_rows_are_kept_up_to_the_cap_and_all_counted(tiny_runs: None):
    rows = [{"id": i, "tags": {"a": [i, {"b": "}],{"}]}} for i in range(ROW_CAP + 57)]
    for body in ({"data": rows, "next": [1, 2]}, rows):
        found = decode_large(json.dumps(body).encode())
        kept = found["data"] if isinstance(found, dict) else found
        assert kept == rows[:ROW_CAP] and rows_total(kept) == ROW_CAP + 57
        assert found == decode_bounded(json.dumps(body).encode())


def nested(levels: int) -> bytes:
    """`levels` arrays and objects inside each other (an array outermost)."""
    opening = b"".join(b'{"k":' if level % 2 else b"[" for level in range(levels))
    closing = b"".join(b"}" if level % 2 else b"]" for level in reversed(range(levels)))
    return opening + b"0" + closing


@pytest.mark.parametrize("levels", [MAX_DEPTH - 3, MAX_DEPTH - 2, MAX_DEPTH, 101, 900, 5_000])
@pytest.mark.parametrize("where", ["first row", "a dropped row", "a member", "alone"])
def test_depth_is_refused_as_the_bounded_parser_refuses_it(tiny_runs: None, levels, where):
    rows: list[Any] = [{"id": i} for i in range(ROW_CAP + 5)]
    if where == "first row":
        body: Any = {"data": ["DEEP", *rows]}
    elif where == "a dropped row":
        body = {"data": [*rows, "DEEP"]}
    elif where == "a member":
        body = {"data": rows, "other": {"x": [1, 2], "deep": "DEEP"}}
    else:
        body = "DEEP"
    raw = json.dumps(body).encode().replace(b'"DEEP"', nested(levels))
    outer = {"alone": 0, "a member": 2}.get(where, 2)
    if levels + outer <= MAX_DEPTH:
        assert decode_large(raw) == decode_bounded(raw)
        return
    for decoder in (decode_large, decode_bounded):
        with pytest.raises(Unreadable, match=f"^nested more than {MAX_DEPTH} levels deep$"):
            decoder(raw)


@pytest.mark.parametrize(
    "raw",
    [
        b'{"data":[{"a":1},{"a":2},{"a":3}],}',
        b'{"data":[{"a":1},{"a":2},{"a":3},]}',
        b'{"data":[{"a":1},{"a":2} {"a":3}]}',
        b'{"data":[{"a":1},{"a":"2}],{"},{"a":3}',
        b'{"data":[{"a":1},{"a":2},{"a":3}]}}',
        b'{"data":[{"a":1},{"a":2},{"a":3}]',
        b'[{"a":1},{"a":2},{"a":3},{"a":"\x01"}]',
        b'[{"a":1},{"a":2},{"a":3},{"a":01}]',
        b'{"data":[{"a":1},{"a":2},{"a":3}],"b" 1}',
    ],
)
def test_malformed_bodies_are_malformed_to_both(tiny_runs: None, raw):
    for decoder in (decode_large, decode_bounded):
        with pytest.raises(Unreadable, match=r"^malformed$"):
            decoder(raw)


def test_what_only_the_standard_decoder_reads_goes_to_the_bounded_parser(tiny_runs: None):
    for tail in (b"NaN", b"-Infinity", b"1e400", b'{"x":[Infinity]}'):
        raw = b'{"data":[' + b'{"a":1},' * 300 + tail + b"]}"
        found = decode_large(raw)
        assert repr(found) == repr(decode_bounded(raw))
        assert rows_total(found["data"]) == 301


SURROGATE_TEXT = st.text(
    st.characters(min_codepoint=0xD7FE, max_codepoint=0xE001) | st.sampled_from('\\"u0d8'),
    max_size=10,
)


def without_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return "".join(c for c in value if not 0xD800 <= ord(c) <= 0xDFFF)
    if isinstance(value, list):
        return [without_surrogates(item) for item in value]
    return {without_surrogates(k): without_surrogates(v) for k, v in value.items()}


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.dictionaries(SURROGATE_TEXT, SURROGATE_TEXT, max_size=3), max_size=8))
def test_only_lone_surrogates_are_dropped(tiny_runs: None, rows: Any):
    raw = json.dumps({"data": rows}).encode()
    assert decode_large(raw) == without_surrogates(json.loads(raw))


def test_lone_surrogates_are_dropped_pairs_kept(tiny_runs: None):
    raw = json.dumps({"data": [{"u": "J\ud800a\\\ud83d\ude00n\udc00e"}] * 3}).encode()
    assert decode_large(raw)["data"] == [{"u": "Ja\\\U0001f600ne"}] * 3
    assert decode_large(rb'["\\ud800", "\\\ud800"]') == ["\\ud800", "\\"]


def test_a_set_stop_flag_stops_the_reading():
    stop = threading.Event()
    stop.set()
    body = b'{"data":[' + b",".join([b"{}"] * 200_000) + b"]}"
    for raw in (body, body[:-2] + b",NaN]}"):
        with pytest.raises(DecodingStopped):
            decode_large(raw, stop)


def test_a_cancelled_call_stops_its_worker():
    """The bounded parser (NaN sends a body to it) reads 4 MB of rows in seconds: the call is
    cancelled as soon as the worker runs, and the worker must then stop by itself."""
    body = b'{"data":[' + b",".join([b'{"a":[1]}'] * 400_000) + b",NaN]}"
    stopped = READINGS.stopped

    async def main() -> tuple[bool, bool, bool]:
        started = await cancel_when(lambda: READINGS.running > 0, decode, body)
        ended = await until(lambda: READINGS.running == 0)
        return started, ended, READINGS.stopped > stopped

    started, ended, said_stopped = anyio.run(main)
    assert started and ended and said_stopped
