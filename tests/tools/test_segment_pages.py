"""The segment tools meet crafted recording pages: `list_recording_segments` and
`get_recording_segment` answer within bounds (a flood of `{}` rows, nesting far past the
decoder's limit), say in one sentence where a page could not be read, hold memory to a small
multiple of the page, and stop their worker thread when the call is cancelled.

The demo Sentry serves each crafted page (a fault on the segment routes) through httpx2's ASGI
transport to the real server, called through the MCP client.
"""

from __future__ import annotations

import threading
import tracemalloc
from collections.abc import AsyncIterator
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client

from sentry_replays_mcp.server.app import build_server
from sentry_replays_mcp.server.config import Settings
from sentry_replays_mcp.server.demo import DemoSentry
from sentry_replays_mcp.tools import recording_segments
from sentry_replays_mcp.tools.recording.page_scan import Stopped
from sentry_replays_mcp.tools.recording.segment import KEEP_EVENTS
from tests.conftest import text_of
from tests.waiting import cancel_when, until

pytestmark = pytest.mark.anyio

LIST = r"recording-segments/$"
ONE = r"recording-segments/\d+/$"
CLICK = (
    b'{"type":5,"timestamp":1764000000000,"data":{"tag":"breadcrumb","payload":'
    b'{"timestamp":1764000000.0,"type":"default","category":"ui.click",'
    b'"message":"button#pay"}}}'
)
ROWS = 300_000
FLOOD = b"[[" + CLICK + b"," + b",".join([b"{}"] * ROWS) + b"],[" + CLICK + b"]]"
DEEP = (
    b'[[{"type":5,"timestamp":1,"data":' + b"[" * 100_000 + b"]" * 100_000 + b"}," + CLICK + b"]]"
)


def served(page: bytes, route: str = LIST) -> tuple[DemoSentry, Any]:
    demo = DemoSentry()
    demo.faults.add(path=route, status=200, times=None, body=page)
    settings = Settings(token=demo.token, url="http://demo.invalid", organization="acme")
    return demo, build_server(settings, transport=httpx2.ASGITransport(app=demo.app))


async def call(server: Any, tool: str, args: dict[str, Any]) -> tuple[bool, str, dict[str, Any]]:
    async with Client(server) as client:
        with anyio.fail_after(60):
            result = await client.call_tool(tool, args)
    return bool(result.is_error), text_of(result), result.structured_content or {}


async def test_a_flood_of_empty_rows_is_counted_in_its_segment():
    demo, server = served(FLOOD)
    failed, text, data = await call(
        server, "list_recording_segments", {"replay_id": demo.story_replay_id}
    )
    assert not failed, text
    first, second = data["segments"]
    assert first["events"] == 1 and first["skipped_events"] == ROWS
    assert second["events"] == 1 and "skipped_events" not in second
    assert "- Segment 0 · +" in text and f"{ROWS} malformed events skipped" in text
    assert "click `button#pay`" in text  # the events around the flood are read
    assert len(text) < 3_000, "the answer stays the size of two segments"


async def test_nesting_past_the_limit_is_one_sentence_in_both_tools():
    demo, server = served(DEEP)
    failed, text, data = await call(
        server, "list_recording_segments", {"replay_id": demo.story_replay_id}
    )
    assert not failed, text
    assert "RecursionError" not in text and "unexpectedly" not in text
    assert "This recording page is malformed at byte " in text
    assert "an event is nested deeper than the decoder allows" in text
    assert data["segments"][0]["skipped_events"] == 1 and data["segments"][0]["events"] == 1

    one = b"[" + DEEP[2:-1]  # one segment's download: the same events, not in a list
    demo, server = served(one, ONE)
    failed, text, data = await call(
        server, "get_recording_segment", {"replay_id": demo.story_replay_id, "segment_id": 0}
    )
    assert not failed, text
    assert "This recording page is malformed at byte " in text
    assert "1 malformed event skipped." in text and data["events"] == 1
    assert "click `button#pay`" in text


async def test_a_broken_event_keeps_the_segments_after_it_in_place():
    broken = b'{"type":5,"timestamp":1,"data":{"a":}}'
    page = b"[[" + CLICK + b"," + broken + b"],[],[" + CLICK + b"]]"
    demo, server = served(page)
    failed, text, data = await call(
        server, "list_recording_segments", {"replay_id": demo.story_replay_id}
    )
    assert not failed, text
    assert [s.get("events") for s in data["segments"]] == [1, 0, 1]
    assert data["segments"][1]["empty"] is True
    assert "Sentry sent segment 1 empty: its recording is lost." in text
    assert "an event is not valid JSON" in data["problem"]


class Watched:
    """Wraps the segment reader the tools run (the real one), saying when a reading began,
    ended, and whether it ended because the stop flag was set."""

    def __init__(self) -> None:
        self.began = threading.Event()
        self.ended = threading.Event()
        self.stopped = threading.Event()
        self.read = recording_segments.read_segments

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.began.set()
        try:
            return self.read(*args, **kwargs)
        except Stopped:
            self.stopped.set()
            raise
        finally:
            self.ended.set()


@pytest.fixture
def watched(monkeypatch: pytest.MonkeyPatch) -> Watched:
    watch = Watched()
    monkeypatch.setattr(recording_segments, "read_segments", watch)
    return watch


def tiny_events(count: int) -> bytes:
    event = b'{"type":5,"timestamp":%d,"data":{"tag":"x"}}'
    return b"[[" + b",".join(event % (1_764_000_000_000 + n) for n in range(count)) + b"]]"


@pytest.mark.parametrize("tool", ["list_recording_segments", "get_recording_segment"])
async def test_cancelling_the_call_stops_the_reading(watched: Watched, tool: str):
    page = tiny_events(600_000)  # about 27 MB: seconds of work for the worker
    demo, server = served(
        page if tool.startswith("list") else page[1:-1], LIST if tool.startswith("list") else ONE
    )
    args = {"replay_id": demo.story_replay_id, "segment_id": 0}
    if tool.startswith("list"):
        del args["segment_id"]
    async with Client(server) as client:
        seen = await cancel_when(watched.began.is_set, client.call_tool, tool, args)
    assert seen, "the reading never began"
    assert await until(watched.ended.is_set, within=30), "the worker is still reading"
    assert watched.stopped.is_set(), "the worker read the page to its end after the cancel"


@pytest.fixture
async def traced() -> AsyncIterator[None]:
    tracemalloc.start()
    try:
        yield
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("shape", ["empty rows", "tiny events"])
async def test_memory_stays_a_small_multiple_of_the_page(traced: None, shape: str):
    size = 4 << 20
    page = (
        b"[[" + b",".join([b"{}"] * (size // 3)) + b"]]"
        if shape == "empty rows"
        else tiny_events(size // 45)
    )
    demo, server = served(page)
    async with Client(server) as client:
        tracemalloc.reset_peak()
        base, _ = tracemalloc.get_traced_memory()
        with anyio.fail_after(120):
            result = await client.call_tool(
                "list_recording_segments", {"replay_id": demo.story_replay_id}
            )
        _, peak = tracemalloc.get_traced_memory()
    assert not result.is_error, text_of(result)
    assert result.structured_content["segments"][0]["events"] or shape == "empty rows"
    # The page is held once as received (and once more by the demo's response on its way);
    # the reading adds a chunk at a time. Reading it whole took a hundred times the page.
    assert peak - base < 5 * len(page), f"{(peak - base) / len(page):.1f}× the page"


async def test_a_segment_past_the_moments_kept_says_so():
    clicks = [CLICK.replace(b"1764000000000", b"%d" % (1_764_000_000_000 + n * 10))
              for n in range(KEEP_EVENTS + 300)]  # fmt: skip
    demo, server = served(b"[[" + b",".join(clicks) + b"]]")
    failed, text, data = await call(
        server, "list_recording_segments", {"replay_id": demo.story_replay_id}
    )
    assert not failed, text
    segment = data["segments"][0]
    assert segment["events"] == KEEP_EVENTS + 300 and segment["unread_events"] == 300
    assert len(segment["notable"]) <= 6
    assert "… and 300 later events not read for moments" in text
