"""Waiting for an event, not for a length of time: every wait here is bounded in time and in
the number of looks, and says whether the event came. Tests wait only through these (or in an
observation window, a sleep whose line says `# window:`, during which something must NOT
happen); `test_suite_rules.py` checks that."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

import anyio

LOOK_EVERY = 0.02  # seconds between two looks


async def until(event: Callable[[], bool], within: float = 20.0) -> bool:
    """Look for `event()` every LOOK_EVERY seconds, at most `within` seconds; True once it is
    true, False when the bound ran out first."""
    with anyio.move_on_after(within):
        for _ in range(int(within / LOOK_EVERY) + 1):
            if event():
                return True
            await anyio.sleep(LOOK_EVERY)
    return event()


def until_sync(event: Callable[[], bool], within: float = 20.0) -> bool:
    """`until` for code outside an event loop (threads, start-up of servers in threads)."""
    deadline = time.monotonic() + within
    for _ in range(int(within / LOOK_EVERY) + 1):
        if event():
            return True
        if time.monotonic() > deadline:
            break
        time.sleep(LOOK_EVERY)
    return event()


async def cancel_when(
    event: Callable[[], bool], work: Callable[..., Awaitable[Any]], *args: Any
) -> bool:
    """Start `work(*args)`, cancel it once `event()` is seen (bounded by `until`); says whether
    the event came before the cancel."""
    async with anyio.create_task_group() as group:
        group.start_soon(work, *args)
        seen = await until(event)
        group.cancel_scope.cancel()
    return seen
