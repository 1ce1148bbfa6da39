"""A short-lived cache whose misses share one request: the first caller of a key fetches, the
callers that arrive while it runs wait for its answer (single-flight), and the answer is
kept `ttl` seconds. A failed or cancelled fetch is not kept: its waiters get None and the
next caller tries again."""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

import anyio

log = logging.getLogger("sentry_replays_mcp.completion")

T = TypeVar("T")
MAX_KEYS = 256


class _Flight(Generic[T]):
    def __init__(self) -> None:
        self.done = anyio.Event()
        self.value: T | None = None


class SharedFetches(Generic[T]):
    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl
        self._clock = clock
        self._kept: OrderedDict[Hashable, tuple[float, T]] = OrderedDict()
        self._flights: dict[Hashable, _Flight[T]] = {}
        self.fetches = 0  # how many fetches ran (each one upstream request)

    async def get(self, key: Hashable, fetch: Callable[[], Awaitable[T]]) -> T | None:
        """The kept answer for `key`, the running fetch's, or a new fetch's; None if the
        fetch failed."""
        kept = self._kept.get(key)
        if kept is not None and self._clock() - kept[0] < self._ttl:
            return kept[1]
        flight = self._flights.get(key)
        if flight is not None:
            await flight.done.wait()
            return flight.value
        flight = self._flights[key] = _Flight()
        self.fetches += 1
        try:
            flight.value = await fetch()
            self._keep(key, flight.value)
        except Exception:
            log.debug("fetch for %r failed", key, exc_info=True)
            flight.value = None
        finally:
            del self._flights[key]
            flight.done.set()
        return flight.value

    def _keep(self, key: Hashable, value: T) -> None:
        self._kept[key] = (self._clock(), value)
        self._kept.move_to_end(key)
        while len(self._kept) > MAX_KEYS:
            self._kept.popitem(last=False)
