"""Building a tool result: the markdown summary and the structured content, from one model,
within the result budget."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from mcp.types import CallToolResult, TextContent
from pydantic import BaseModel

from sentry_replays_mcp.tools.api.pagination import advanced
from sentry_replays_mcp.tools.render import MAX_RESULT_CHARS, fit

DEMO_NOTE = "_Demo data: the embedded demo Sentry, not a real organization._"
Row = TypeVar("Row")


def answer(text: str, model: BaseModel, *, demo: bool = False) -> CallToolResult:
    """A result whose content[0] is the summary and whose structuredContent is `model`."""
    structured = model.model_dump(mode="json", exclude_none=True)
    if demo:
        text = f"{DEMO_NOTE}\n{text}"
    room = MAX_RESULT_CHARS - len(json.dumps(structured, ensure_ascii=False))
    return CallToolResult(
        content=[TextContent(type="text", text=fit(text, max(room, 2_000)))],
        structured_content=structured,
    )


def within_budget(
    rows: Sequence[Row],
    size_of: Callable[[Row], int],
    overhead: int = 2_000,
    budget: int = MAX_RESULT_CHARS,
) -> int:
    """How many leading rows fit in the budget, counting each row's text and JSON size."""
    used = overhead
    for count, row in enumerate(rows):
        used += size_of(row)
        if used > budget:
            return max(count, 1)  # always some progress: the cursor must move on
    return len(rows)


def offset_cursor(cursor: str | None, shown: int) -> str | None:
    """The cursor of the first row not shown, for Sentry's offset cursors ('0:40:0')."""
    return advanced(cursor, shown)


def json_size(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False, default=str))
