"""Recording pages whatever they hold: nesting past any limit, floods of `{}` rows, malformed
and oversized events, cuts inside events. The page is read to its end in bounded work and
memory; what could not be read is counted, and said once in a sentence, never a traceback.

Every page here is crafted (anyone can write a recording through a public DSN); the valid
events in it are shaped as `tests/recording/rrweb.py` builds them.
"""

from __future__ import annotations

import json
import random
import tracemalloc
from collections import Counter
from typing import Any

import pytest

from sentry_replays_mcp.tools.recording import CLICK, page_rows, page_scan
from sentry_replays_mcp.tools.recording.digest import Digest
from sentry_replays_mcp.tools.recording.page_reader import PageReader
from sentry_replays_mcp.tools.recording.page_scan import PageScan
from tests.recording.rrweb import T0, crumb


def compact(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def click(n: int) -> bytes:
    return compact(crumb(T0 + n, "ui.click", message=f"button#b{n}"))


def page_of(*parts: bytes) -> bytes:
    return b"[[" + b",".join(parts) + b"]]"


def digest_of(page: bytes | str) -> Digest:
    digest = Digest(T0)
    digest.add_page(page)
    return digest.finish()


def clicks(digest: Digest) -> list[str]:
    return [e.target for e in digest.events if e.kind == CLICK]


def test_nesting_past_the_decoder_limit_is_one_malformed_event_and_one_sentence():
    deep = b'{"type":5,"timestamp":1,"data":' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    digest = digest_of(page_of(click(1), deep, click(2)))
    assert clicks(digest) == ["button#b1", "button#b2"]
    assert digest.malformed == 1
    assert digest.problem is not None
    assert digest.problem.startswith("This recording page is malformed at byte ")
    assert "nested deeper than the decoder allows" in digest.problem


def test_a_page_that_is_only_nesting_reads_as_one_sentence():
    digest = digest_of(b"[" * 200_000 + b"]" * 200_000)
    assert digest.events == [] and digest.malformed >= 1
    assert digest.problem is not None and digest.problem.startswith(
        "This recording page is malformed at byte "
    )


def test_a_flood_of_empty_rows_is_counted_in_bounded_memory():
    rows = 1_500_000  # 4.5 MB: the bound is per chunk, so it shows on a page of a few MB
    page = page_of(click(1), *([b"{}"] * rows), click(2))
    tracemalloc.start()
    try:
        digest = digest_of(page)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert digest.malformed == rows
    assert clicks(digest) == ["button#b1", "button#b2"]
    assert peak < 3 * len(page), f"peak {peak:,} bytes for a page of {len(page):,}"


def test_malformed_custom_events_are_skipped_and_counted_one_each():
    bad = b'{"type":5,"timestamp":%d,"data":{"tag":"breadcrumb","payload":{"category":"x",}}}'
    parts = []
    for n in range(2_000):
        parts += [click(n), bad % (T0 + n)]
    digest = digest_of(page_of(*parts))
    assert digest.malformed == 2_000
    assert len(clicks(digest)) == 2_000
    assert digest.problem is not None and "is not valid JSON" in digest.problem


def test_each_byte_is_decoded_a_bounded_number_of_times(monkeypatch: pytest.MonkeyPatch):
    """The old reader widened its window to the rest of the page for every malformed event
    (quadratic); now the bytes handed to the decoder stay a small multiple of the page."""
    decoded = Counter[str]()

    class Counting:
        def __init__(self, name: str, inner: Any) -> None:
            self.name, self.inner = name, inner

        def decode(self, data: Any) -> Any:
            decoded[self.name] += len(data)
            return self.inner.decode(data)

    for name in ("_COUNTED", "_HEADS", "_ROWS", "_LENIENT", "_ANY", "_SOURCE"):
        monkeypatch.setattr(page_rows, name, Counting(name, getattr(page_rows, name)))
    bad = b'{"type":5,"timestamp":1,"data":{"tag":"breadcrumb","payload":{"category":"x",}}}'
    for page in (
        page_of(*([bad] * 20_000)),  # every event malformed
        page_of(*[p for n in range(10_000) for p in (click(n), bad)]),  # every other one
        page_of(*([compact({"type": 3, "timestamp": 1, "data": {"source": 1}})] * 40_000)),
    ):
        decoded.clear()
        digest_of(page)
        assert sum(decoded.values()) < 6 * len(page), dict(decoded)


def test_an_oversized_custom_event_is_skipped_with_a_sentence():
    huge = compact(crumb(T0, "console", message="x" * (page_rows.MAX_DECODED_BYTES + 10)))
    digest = digest_of(page_of(click(1), huge, click(2)))
    assert clicks(digest) == ["button#b1", "button#b2"] and digest.malformed == 1
    assert digest.problem is not None and "larger than 1,048,576 bytes" in digest.problem


def test_a_page_cut_short_keeps_what_came_before():
    page = page_of(click(1), click(2), click(3))[:-40]
    digest = digest_of(page)
    assert clicks(digest)[:2] == ["button#b1", "button#b2"] and digest.malformed == 1
    assert digest.problem is not None and "malformed at byte" in digest.problem


def test_not_json_at_all_is_one_sentence():
    digest = digest_of(b"<html><body>502 Bad Gateway</body></html>")
    assert digest.events == [] and digest.malformed == 1
    assert digest.problem == (
        "This recording page is malformed at byte 0: it is not a JSON array of recording events."
    )


def random_event(rng: random.Random, n: int) -> dict[str, Any]:
    """Events whose nested arrays of objects put `},{` inside them, to land cuts there."""
    kind = rng.choice([2, 3, 3, 3, 4, 5, 5, 6])
    nested = [{"id": i, "x": {"y": [i, {"z": "}],[{"}]}} for i in range(rng.randint(0, 40))]
    data: dict[str, Any] = {"source": rng.randint(0, 12), "adds": nested}
    if kind == 4:
        data = {"href": f"https://a.example/p{n}", "width": 1}
    if kind == 5:
        return crumb(T0 + n, "ui.click", message=f"button#b{n}", data={"nodes": nested})
    keys = [("type", kind), ("timestamp", T0 + n), ("data", data)]
    rng.shuffle(keys)  # any key order
    return dict(keys)


def expected(segments: list[list[dict[str, Any]]]) -> tuple[Counter[Any], int]:
    tally: Counter[Any] = Counter()
    kept = 0
    for segment in segments:
        for event in segment:
            if event["type"] in (4, 5):
                kept += 1
            else:
                source = event["data"]["source"] if event["type"] == 3 else None
                tally[event["type"], source] += 1
    return tally, kept


@pytest.mark.parametrize("chunk", [64, 1_000, 256 * 1024])
@pytest.mark.parametrize("seed", range(6))
def test_chunked_reading_agrees_with_a_whole_page_decode(
    monkeypatch: pytest.MonkeyPatch, chunk: int, seed: int
):
    monkeypatch.setattr(page_scan, "CHUNK_BYTES", chunk)
    rng = random.Random(seed)
    segments = [
        [random_event(rng, n * 100 + i) for i in range(rng.randint(0, 30))]
        for n in range(rng.randint(1, 6))
    ]
    spaced = seed % 2 == 1
    page = json.dumps(segments, separators=(", ", ": ") if spaced else (",", ":"))
    scan = PageScan(page.encode(), first_segment=7)
    kept = list(scan)
    tally, wanted = expected(segments)
    assert scan.tally == tally and len(kept) == wanted
    assert scan.malformed == 0 and scan.problem is None
    assert scan.segments == len(segments)
    reader = PageReader(page, first_segment=7)
    everything = [(seg, e["timestamp"]) for seg, e in reader]
    listed = [(7 + n, e["timestamp"]) for n, seg in enumerate(segments) for e in seg]
    assert everything == listed and reader.malformed == 0


@pytest.mark.parametrize("seed", range(4))
def test_damaged_pages_never_raise(monkeypatch: pytest.MonkeyPatch, seed: int):
    """Pages with bytes changed, inserted, removed or cut off: read to the end, no traceback,
    and what was read plus what was counted malformed is never more than was there."""
    rng = random.Random(seed)
    alphabet = b'[]{},:"\\ 0123456789abcdefnulltrue\xff\xc3-.eE'
    for _ in range(60):
        monkeypatch.setattr(page_scan, "CHUNK_BYTES", rng.choice([16, 64, 1_000, 256 * 1024]))
        segments = [
            [random_event(rng, n) for n in range(rng.randint(0, 8))]
            for _ in range(rng.randint(0, 4))
        ]
        page = bytearray(compact(segments))
        for _ in range(rng.randint(1, 6)):
            if not page:
                break
            at, roll = rng.randrange(len(page)), rng.random()
            if roll < 0.4:
                page[at] = rng.choice(alphabet)
            elif roll < 0.7:
                page.insert(at, rng.choice(alphabet))
            elif roll < 0.85:
                del page[at]
            else:
                page = page[:at]
        digest = digest_of(bytes(page))
        reader = PageReader(bytes(page).decode("latin-1"))
        read = list(reader)
        assert len(read) <= sum(map(len, segments)) + 1
        assert digest.raw_events <= sum(map(len, segments)) + 1


def test_an_event_that_fails_late_does_not_count_its_chunk_twice():
    """A chunk that passes the counting decode but not the one that keeps events (here a
    timestamp that is an object) is read again event by event: counted once, not twice."""
    moves = [compact({"type": 3, "timestamp": T0 + n, "data": {"source": 1}}) for n in range(50)]
    odd = compact({"type": 5, "timestamp": {"at": 1}, "data": {"tag": "breadcrumb"}})
    scan = PageScan(page_of(*moves, odd, click(1)))
    kept = list(scan)
    assert scan.tally == {(3, 1): 50}
    assert scan.malformed == 1 and len(kept) == 1
