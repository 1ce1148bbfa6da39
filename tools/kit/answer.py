"""Building a tool result: the markdown summary and the structured content, from one model,
within the result budget.

This is the last gate before the agent: every string of the structured content (keys too)
and the whole text pass the one sanitiser (`text.visible`), and text plus structured content
together stay within MAX_RESULT_CHARS, counted in characters and in UTF-8 bytes, whatever the
data: lists in the structured content are cut from the end (the list tools have already cut
their rows, with the cursor that goes on), then over-long strings.
"""

from __future__ import annotations

import json
from typing import Any

from mcp.types import CallToolResult, TextContent
from pydantic import BaseModel

from sentry_replays_mcp.tools.kit.state import ToolState
from sentry_replays_mcp.tools.kit.text import MAX_RESULT_CHARS, fit, size, visible

DEMO_NOTE = "_Demo data: the embedded demo Sentry, not a real organization._"
MIN_TEXT = 2_000  # room always left for the summary
CUT_NOTE = "_Structured content cut to stay within the result budget; ask for fewer items._"
_MAX_CUTS = 400  # each cut halves one list or string: enough for any result's shape


def answer(state: ToolState, text: str, model: BaseModel) -> CallToolResult:
    """A result whose content[0] is the summary and whose structuredContent is `model`;
    on demo data the summary says so first."""
    structured = sanitised(model.model_dump(mode="json", exclude_none=True))
    structured, cut = within(structured, MAX_RESULT_CHARS - MIN_TEXT)
    text = visible(text, newlines=True)
    if cut:
        text = f"{CUT_NOTE}\n{text}"
    if state.demo:
        text = f"{DEMO_NOTE}\n{text}"
    room = MAX_RESULT_CHARS - json_size(structured)
    return CallToolResult(
        content=[TextContent(type="text", text=fit(text, max(room, MIN_TEXT)))],
        structured_content=structured,
    )


def json_size(value: Any) -> int:
    """The budget's measure of structured content: its JSON in UTF-8 bytes."""
    return size(json.dumps(value, ensure_ascii=False, default=str))


def sanitised(value: Any) -> Any:
    """`value` with every string (and key) through `visible`."""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, dict):
        return {visible(str(k)): sanitised(v) for k, v in value.items()}
    if isinstance(value, list):
        return [sanitised(v) for v in value]
    return value


def within(structured: dict[str, Any], budget: int) -> tuple[dict[str, Any], bool]:
    """`structured` cut until its JSON fits `budget` bytes: the heaviest list loses its second
    half (or the heaviest string is halved), again and again; says whether anything was cut."""
    cut = False
    for _ in range(_MAX_CUTS):
        if json_size(structured) <= budget or not _halve_heaviest(structured):
            break
        cut = True
    return structured, cut


def _halve_heaviest(node: Any) -> bool:
    """Follow the heaviest branch down to a list of several items or a string, and halve it."""
    while True:
        children = _children(node)
        if not children:
            return False
        key, child = max(children, key=lambda item: json_size(item[1]))
        if isinstance(child, list) and len(child) > 1:
            del child[(len(child) + 1) // 2 :]
            return True
        if isinstance(child, str) and len(child) > 16:
            node[key] = child[: len(child) // 2] + "…"
            return True
        if not isinstance(child, dict | list):
            return False
        node = child


def _children(node: Any) -> list[tuple[Any, Any]]:
    if isinstance(node, dict):
        return list(node.items())
    if isinstance(node, list):
        return list(enumerate(node))
    return []
