"""Cutting a page of rows to the result budget, with the exact cursor of the first row left
out, for every list tool."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from pydantic import BaseModel

from sentry_replays_mcp.tools.api.pagination import advanced
from sentry_replays_mcp.tools.kit.answer import json_size
from sentry_replays_mcp.tools.kit.text import MAX_RESULT_CHARS

Row = TypeVar("Row", bound=BaseModel)
OVERHEAD = 2_000  # the header, the hints and the result's envelope


@dataclass(frozen=True)
class FittedPage(Generic[Row]):
    rows: list[Row]
    next_cursor: str | None


def fit_page(
    rows: Sequence[Row],
    cursor: str | None,
    next_cursor: str | None,
    *,
    text_per_row: int = 0,
    budget: int = MAX_RESULT_CHARS,
) -> FittedPage[Row]:
    """The leading rows that fit the budget (each counted as its JSON twice, once in the
    structured content and about once as text, plus `text_per_row`), and the cursor to go on
    with: Sentry's `next_cursor` when every row fits, else the offset cursor of the first row
    left out. At least one row is always kept, so the cursor moves on."""
    used = OVERHEAD
    for count, row in enumerate(rows):
        used += 2 * json_size(row.model_dump(exclude_none=True)) + text_per_row
        if used > budget and max(count, 1) < len(rows):
            shown = max(count, 1)
            return FittedPage(list(rows[:shown]), advanced(cursor, shown) or next_cursor)
    return FittedPage(list(rows), next_cursor)
