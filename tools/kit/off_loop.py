"""Running a recording reader off the event loop, stopped when its call ends.

The reader runs in a worker thread that the call does not wait for once it is cancelled
(`abandon_on_cancel`), and that stops by itself: the page reader looks at the stop flag
(`page_scan.STOP`, seen by the worker through the copied context) between chunks, and the
flag is set as soon as the call ends, however it ends (as `reading.read_recording` does)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

import anyio

from sentry_replays_mcp.tools.recording.page_scan import STOP

T = TypeVar("T")


async def run_stoppable(read: Callable[..., T], *args: object) -> T:
    """`read(*args)` in a worker thread; its stop flag is set when this call ends."""
    stop = threading.Event()
    token = STOP.set(stop)
    try:
        return await anyio.to_thread.run_sync(read, *args, abandon_on_cancel=True)
    finally:
        stop.set()  # a worker still reading (its caller was cancelled) stops at its next look
        STOP.reset(token)
