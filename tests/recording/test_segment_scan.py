"""A page read segment by segment (`segment_scan.read_segments`, what the segment tools run):
the same summaries as decoding each segment whole, every event counted in its own segment
even around damaged ones, the seed's metadata rows, and bounds on what is kept."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest

from sentry_replays_mcp.server.demo import DemoSentry
from sentry_replays_mcp.tools.recording.page_scan import STOP, PageScan, Stopped
from sentry_replays_mcp.tools.recording.segment import KEEP_EVENTS, summarize_segment
from sentry_replays_mcp.tools.recording.segment_scan import (
    MAX_METADATA,
    MAX_SEGMENTS,
    read_segments,
)

T0 = 1_764_000_000_000
MOVE = {"type": 3, "timestamp": T0, "data": {"source": 1, "positions": []}}


def click(at: float, target: str = "button#pay") -> dict[str, Any]:
    """A click breadcrumb as sentry-javascript writes it (packages/replay-internal/src/
    coreHandlers/handleDom.ts: category `ui.click`, message the element's selector)."""
    crumb = {"timestamp": at / 1000, "type": "default", "category": "ui.click"}
    return {"type": 5, "timestamp": at, "data": {"tag": "breadcrumb", "payload": crumb | {
        "message": target}}}  # fmt: skip


def compact(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def facts(summary: Any) -> tuple[Any, ...]:
    texts = [m.text for m in summary.moments]
    return (summary.first_ms, summary.last_ms, summary.events, dict(summary.mix), texts,
            summary.video_segment_id)  # fmt: skip


@pytest.mark.parametrize("dialect", ["sentry"])
def test_the_demo_segments_read_as_when_decoded_whole(dialect: str):
    demo = DemoSentry(dialect=dialect)
    checked = 0
    for replay in list(demo.data.replays)[:40]:
        if not replay.segment_count:
            continue
        parts = [demo.segment_bytes(replay, n) for n in range(min(replay.segment_count, 20))]
        read = read_segments(b"[" + b",".join(parts) + b"]", 3)
        assert read.count == len(parts) and read.problem is None
        for (number, summary), part in zip(read.summaries, parts, strict=True):
            whole = summarize_segment(json.loads(part))
            assert facts(summary) == facts(whole), (replay.id, number)
            checked += 1
    assert checked > 100


def test_each_event_stays_in_its_segment_around_damaged_ones():
    broken = b'{"type":5,"timestamp":1,"data":{"a":}}'
    one, move, two = compact(click(T0)), compact(MOVE), compact(click(T0 + 5))
    page = b'[[%s,"junk"],[%s,%s],[],[%s,[1,2]],[%s]]' % (one, move, broken, two, move)
    read = read_segments(page, 10)
    got = [(n, s.events, s.skipped, s.entries > 0) for n, s in read.summaries]
    assert got == [
        (10, 1, 1, True),
        (11, 1, 1, True),
        (12, 0, 0, False),  # Sentry sent it empty
        (13, 1, 1, True),
        (14, 1, 0, True),
    ]
    assert read.problem and read.problem.startswith("This recording page is malformed at byte ")


def test_a_lone_surrogate_is_dropped_not_the_event():
    message = "J\\ud800an\\udc00e \\ud83d\\ude00"  # JSON allows lone surrogates
    crumb = b'{"timestamp":1764000000.0,"category":"console","level":"error","message":"%s"}'
    event = b'{"type":5,"timestamp":%d,"data":{"tag":"breadcrumb","payload":%s}}' % (
        T0, crumb % message.encode())  # fmt: skip
    read = read_segments(b"[[" + event + b"]]", 0)
    summary = read.summaries[0][1]
    assert summary.events == 1 and summary.skipped == 0 and read.problem is None
    assert [m.text for m in summary.moments] == ["console error `Jane \U0001f600`"]


def test_the_seeds_metadata_rows_are_kept_with_their_dates():
    rows = [{"id": n, "replayId": "a" * 32, "segmentId": n, "dateAdded": "2026-01-15T10:00:00Z"}
            for n in range(MAX_METADATA + 50)]  # fmt: skip
    read = read_segments(compact(rows), 0)
    assert len(read.metadata) == MAX_METADATA and read.summaries == []
    assert read.metadata[3] == rows[3]


def test_a_segment_keeps_its_first_moments_and_counts_the_rest():
    events = [click(T0 + n * 10, f"button#b{n % 2}") for n in range(KEEP_EVENTS + 300)]
    read = read_segments(compact([events]), 0, notable=6)
    summary = read.summaries[0][1]
    assert summary.events == KEEP_EVENTS + 300 and summary.unread == 300
    assert len(summary.moments) == 6 and summary.more_moments > 0


def test_segments_past_the_limit_are_counted_not_summarised():
    page = compact([[MOVE]] * (MAX_SEGMENTS + 7))
    read = read_segments(page, 0)
    assert read.count == MAX_SEGMENTS + 7 and len(read.summaries) == MAX_SEGMENTS


def test_a_download_is_one_segment_even_when_empty():
    read = read_segments(b"[]", 4, one=True)
    assert read.count == 1 and read.summaries[0][0] == 4 and read.summaries[0][1].entries == 0


def test_the_stop_flag_stops_the_reading():
    page = compact([[click(T0 + n) for n in range(20_000)]])
    flag = threading.Event()
    flag.set()
    token = STOP.set(flag)
    try:
        with pytest.raises(Stopped):
            read_segments(page, 0)
    finally:
        STOP.reset(token)


def test_the_page_reader_keeps_the_segment_after_a_damaged_event():
    broken = b'{"type":5,"timestamp":1,"data":{"a":}}'
    one, two = compact(click(T0)), compact(click(T0 + 5))
    page = b'[[%s,%s],[],[%s,"junk"],[%s]]' % (one, broken, two, two)
    scan = PageScan(page, 7)
    assert [segment for segment, _ in scan] == [7, 9, 10] and scan.segments == 4
