"""Waiting for an event, not for a length of time: every wait here is bounded in time and in
the number of looks, and says whether the event came."""

from __future__ import annotations

from collections.abc import Callable

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
