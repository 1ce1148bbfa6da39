"""Building a tool result: the markdown summary and the structured content, from one model,
within the result budget."""

from __future__ import annotations

import json
from typing import Any

from mcp.types import CallToolResult, TextContent
from pydantic import BaseModel

from sentry_replays_mcp.tools.kit.state import ToolState
from sentry_replays_mcp.tools.kit.text import MAX_RESULT_CHARS, fit

DEMO_NOTE = "_Demo data: the embedded demo Sentry, not a real organization._"


def answer(state: ToolState, text: str, model: BaseModel) -> CallToolResult:
    """A result whose content[0] is the summary and whose structuredContent is `model`;
    on demo data the summary says so first."""
    structured = model.model_dump(mode="json", exclude_none=True)
    if state.demo:
        text = f"{DEMO_NOTE}\n{text}"
    room = MAX_RESULT_CHARS - json_size(structured)
    return CallToolResult(
        content=[TextContent(type="text", text=fit(text, max(room, 2_000)))],
        structured_content=structured,
    )


def json_size(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False, default=str))
