"""Ranked tables that claim only the order, ranks and counts their rows support: sorted here
when Sentry did not sort them, ranks that go on across pages, unknown counts told apart
from zero, and hints that repeat every argument of the call."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from sentry_replays_mcp.tools.api.pagination import offset_of
from sentry_replays_mcp.tools.kit import text as r

Row = TypeVar("Row")
UNKNOWN = "–"
UNKNOWN_NOTE = f"{UNKNOWN} means Sentry did not send this count: it is unknown, not zero."


def in_order(values: Sequence[int | None], descending: bool) -> bool:
    """Whether the counts are already in the asked order (an unknown count ranks as 0)."""
    known = [v or 0 for v in values]
    pairs = itertools.pairwise(known)
    return all(a >= b if descending else a <= b for a, b in pairs)


def ordered(
    rows: list[Row], key: Callable[[Row], int | None], descending: bool
) -> tuple[list[Row], bool]:
    """The rows in the asked order, and whether they had to be sorted here."""
    if in_order([key(row) for row in rows], descending):
        return rows, False
    return sorted(rows, key=lambda row: key(row) or 0, reverse=descending), True


def first_rank(cursor: str | None) -> int:
    """The rank of a page's first row: 1, or one past the rows before the cursor."""
    return (offset_of(cursor) or 0) + 1


def count_cell(value: int | None) -> str:
    return UNKNOWN if value is None else str(value)


def call_hint(tool: str, arguments: Mapping[str, Any]) -> str:
    """`tool` with these arguments (those left at their defaults are left out), ready to
    run again: the arguments go in a code span as JSON."""
    given = {name: value for name, value in arguments.items() if value is not None}
    return f"{tool} with {r.code(json.dumps(given, ensure_ascii=False), 1500)}"
