"""A cancelled recording read stops its worker thread: the page reader sees the stop flag
between chunks and gives up, instead of reading the page to its end after the caller left.

The recording is served by the demo Sentry (a fault on the segment list answers with the
crafted page) through httpx2's ASGI transport; `read_recording` is the code the tools run.
"""

from __future__ import annotations

import threading
from typing import Any

import anyio
import httpx2
import pytest

from sentry_replays_mcp.server.demo import DemoSentry
from sentry_replays_mcp.tools.api.client import SentryClient
from sentry_replays_mcp.tools.kit.reading import read_recording
from sentry_replays_mcp.tools.kit.resolve import ResolvedReplay
from sentry_replays_mcp.tools.kit.state import ToolState
from sentry_replays_mcp.tools.recording.digest import Digest
from sentry_replays_mcp.tools.recording.page_scan import Stopped
from tests.waiting import cancel_when, until

pytestmark = pytest.mark.anyio

EVENTS = 600_000  # tiny custom events, about 22 MB: seconds of work for the worker


class WatchedDigest(Digest):
    """A digest that says when its page reading ended, and whether it ended on the flag."""

    ended = threading.Event()
    stopped = threading.Event()

    def add_page(self, page: Any, first_segment: int = 0, segments: int | None = None) -> None:
        try:
            super().add_page(page, first_segment, segments)
        except Stopped:
            WatchedDigest.stopped.set()
            raise
        finally:
            WatchedDigest.ended.set()


def crafted_page() -> bytes:
    event = b'{"type":5,"timestamp":%d,"data":{"tag":"x"}}'
    return b"[[" + b",".join(event % (1_764_000_000_000 + n) for n in range(EVENTS)) + b"]]"


async def test_cancelling_a_read_stops_the_worker_before_the_page_is_read():
    demo = DemoSentry()
    replay = demo.replay(demo.story_replay_id)
    demo.faults.add(path=r"recording-segments/$", status=200, times=None, body=crafted_page())
    client = SentryClient(
        url="http://demo.invalid", token=demo.token, transport=httpx2.ASGITransport(app=demo.app)
    )
    state = ToolState(lambda: client, organization="acme")
    where = ResolvedReplay("acme", replay.id, replay.project.slug, None)
    digest = WatchedDigest()

    async def progress(done: float, total: float | None, message: str) -> None:
        pass

    seen = await cancel_when(
        lambda: digest.raw_events > 0, read_recording, state, where, digest, None, progress
    )
    assert seen, "the worker never started reading"
    assert await until(WatchedDigest.ended.is_set, within=30), "the worker is still reading"
    assert WatchedDigest.stopped.is_set(), "the worker read on instead of stopping"
    assert digest.raw_events < EVENTS
    with anyio.fail_after(10):
        await client.aclose()
