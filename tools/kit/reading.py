"""Reading a whole recording: every page of segments into the engine's digest, the next page
downloading while this one is parsed off the event loop.

The parsing runs in a worker thread that the call does not wait for once it is cancelled
(`abandon_on_cancel`), and that stops by itself: the page reader looks at a stop flag
(`page_scan.STOP`, seen by the worker through the copied context) between chunks, and the
flag is set as soon as this call ends, however it ends. So a cancelled call frees the event
loop at once and the CPU within a chunk (a few milliseconds), not after the page."""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable

import anyio

from sentry_replays_mcp.tools.api.errors import SentryError
from sentry_replays_mcp.tools.api.notices import notify
from sentry_replays_mcp.tools.kit.resolve import ResolvedReplay
from sentry_replays_mcp.tools.kit.state import ToolState
from sentry_replays_mcp.tools.recording import Digest
from sentry_replays_mcp.tools.recording.page_scan import STOP

MAX_PAGES = 40  # 4,000 segments
Progress = Callable[[float, float | None, str], Awaitable[None]]
"""Told, after each page: segments read, segments in all (when known), and a message."""


async def read_recording(
    state: ToolState,
    where: ResolvedReplay,
    digest: Digest,
    total: int | None,
    progress: Progress,
) -> bool:
    """Every page of segments into the digest. The next page downloads while this one is
    parsed in a worker thread, so at most two pages are held. True if every page was read."""
    send, receive = anyio.create_memory_object_stream[tuple[bytearray, int, int | None]](0)
    complete = True

    async def fetch() -> None:
        nonlocal complete
        cursor: str | None = None
        async with send:
            for _ in range(MAX_PAGES):
                page = await state.client.recording_page(
                    where.organization, where.needed_project(), where.replay_id, cursor=cursor
                )
                cursor = page.next_cursor
                following = page.next_segment if cursor else total
                held = following - page.first_segment if following is not None else None
                await send.send((page.body, page.first_segment, held))
                del page
                if cursor is None:
                    return
            complete = False
            await notify(
                "warning",
                f"Replay {where.replay_id}: its recording has more than {MAX_PAGES} pages of "
                f"segments; only the first {MAX_PAGES} were read.",
            )

    stop = threading.Event()
    token = STOP.set(stop)
    try:
        async with anyio.create_task_group() as group:
            group.start_soon(fetch)
            async with receive:
                async for body, first, held in receive:
                    malformed = digest.malformed
                    await anyio.to_thread.run_sync(
                        digest.add_page, body, first, held, abandon_on_cancel=True
                    )
                    del body
                    if digest.malformed > malformed:
                        await _tell_skipped(where, first, digest.malformed - malformed)
                    await progress(
                        digest.segments, total, f"read {digest.segments} of {total or '?'} segments"
                    )
    except BaseExceptionGroup as group:
        failed, _ = group.split(SentryError)
        if failed is not None:
            raise failed.exceptions[0] from None  # a page failed: report it as one error
        raise
    finally:
        stop.set()  # a worker still reading (its caller was cancelled) stops at its next look
        STOP.reset(token)
    return complete


async def _tell_skipped(where: ResolvedReplay, first: int, skipped: int) -> None:
    """The client hears of a page that could not be read whole (the summary says it too)."""
    events = "event" if skipped == 1 else "events"
    await notify(
        "warning",
        f"Replay {where.replay_id}: the recording page from segment {first} could not be "
        f"read whole; {skipped} malformed {events} skipped.",
    )
