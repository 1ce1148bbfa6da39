"""Running independent upstream calls at the same time, with our errors left unwrapped."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import anyio

from sentry_replays_mcp.tools.kit.errors import EXPLAINED


async def concurrently(*calls: Callable[[], Awaitable[Any]]) -> list[Any]:
    """Await every call at once; their results in order. A failure cancels the others and is
    raised as itself (the first of our explained errors), not inside an exception group."""
    results: list[Any] = [None] * len(calls)

    async def run(index: int, call: Callable[[], Awaitable[Any]]) -> None:
        results[index] = await call()

    try:
        async with anyio.create_task_group() as group:
            for index, call in enumerate(calls):
                group.start_soon(run, index, call)
    except BaseExceptionGroup as failure:
        ours, _ = failure.split(EXPLAINED)
        if ours is not None:
            first: BaseException = ours.exceptions[0]
            while isinstance(first, BaseExceptionGroup):
                first = first.exceptions[0]
            raise first from None
        raise
    return results
