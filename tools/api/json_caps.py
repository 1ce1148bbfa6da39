"""What the JSON readers of `decoding` share: the caps they keep to, the answer to a body
that cannot be read, the rows of a list answer, and the turns a reading thread takes."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

PAUSE_AFTER = 0.002  # seconds of work before the reading thread lets others run


class Unreadable(Exception):
    """The body is not JSON this client reads; `reason` is a clause for a sentence."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class DecodingStopped(Exception):
    """The caller gave up (it was cancelled): the reading stopped at its next look."""


class Rows(list[Any]):
    """A list answer's rows, of which only the first ones were kept; `total` counts all."""

    total: int = 0


def rows_of(items: list[Any], cap: int) -> Rows:
    """The first `cap` of `items`, knowing how many there were."""
    kept = Rows(items[:cap])
    kept.total = max(len(items), getattr(items, "total", 0))
    return kept


@dataclass(frozen=True)
class Caps:
    depth: int  # objects and arrays inside each other
    rows: int  # rows kept from a list answer
    members: int  # members kept of one object
    nodes: int  # objects and arrays kept from one body

    @property
    def too_deep(self) -> str:
        return f"nested more than {self.depth} levels deep"


class Turns:
    """Where a reading thread looks at its stop flag (raising `DecodingStopped` once it is set) and
    lets other threads run: a thread that holds the interpreter lock makes the event loop
    wait a switch interval at each hand-over, so after PAUSE_AFTER seconds of work it pauses
    100 µs, which hands the lock over (`sleep(0)` does not reliably)."""

    def __init__(self, stop: threading.Event | None) -> None:
        self.stop = stop
        self.looks = 0
        self._paused_at = time.perf_counter()

    def check(self) -> None:
        self.looks += 1
        now = time.perf_counter()
        if now - self._paused_at >= PAUSE_AFTER:
            time.sleep(0.0001)
            self._paused_at = time.perf_counter()
        if self.stop is not None and self.stop.is_set():
            raise DecodingStopped
