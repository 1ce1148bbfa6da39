"""Reading a whole recording: every page of segments into the engine's digest, the next page
downloading while this one is parsed off the event loop."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import anyio

from sentry_replays_mcp.tools.api.errors import SentryError
from sentry_replays_mcp.tools.kit.resolve import ResolvedReplay
from sentry_replays_mcp.tools.kit.state import ToolState
from sentry_replays_mcp.tools.recording import Digest

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

    try:
        async with anyio.create_task_group() as group:
            group.start_soon(fetch)
            async with receive:
                async for body, first, held in receive:
                    await anyio.to_thread.run_sync(digest.add_page, body, first, held)
                    del body
                    await progress(
                        digest.segments, total, f"read {digest.segments} of {total or '?'} segments"
                    )
    except BaseExceptionGroup as group:
        failed, _ = group.split(SentryError)
        if failed is not None:
            raise failed.exceptions[0] from None  # a page failed: report it as one error
        raise
    return complete
