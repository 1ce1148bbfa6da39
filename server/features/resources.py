"""The `sentry-replay://` resources: a replay's summary and an organization's newest replays.

- `sentry-replay://{organization}/{replay_id}`: summarize_replay's markdown, and its
  structured facts as a second content item (application/json) of the same URI;
- `sentry-replay://{organization}/recent`: list_replays' markdown (the 20 newest replays).

Reading one runs the tool itself (the server layer may call tool functions), so the text is
the tool's, sanitised and within its budget. A refused or failed read is one sentence, as
a protocol error: invalid params for a bad or unknown organization or replay, an internal
error when Sentry could not answer.
"""

from __future__ import annotations

import json
from typing import Any

from mcp import MCPError
from mcp.server.mcpserver import Context
from mcp.types import INTERNAL_ERROR, INVALID_PARAMS, CallToolResult, TextContent

from sentry_replays_mcp.tools import ALL_TOOLS
from sentry_replays_mcp.tools.api import ids
from sentry_replays_mcp.tools.api.errors import InvalidArgument, NotFound
from sentry_replays_mcp.tools.kit.errors import BadInput

from .refusals import refusal

SCHEME = "sentry-replay"
RECENT_URI = SCHEME + "://{organization}/recent"
REPLAY_URI = SCHEME + "://{organization}/{replay_id}"
MARKDOWN = "text/markdown"
JSON = "application/json"
_HANDLERS = {spec.name: spec.handler for spec in ALL_TOOLS}


class Reading(str):
    """A resource's markdown, carrying the structured facts that go out as a second item."""

    facts: str | None = None


def _reading(result: Any) -> Reading:
    assert isinstance(result, CallToolResult)
    first = result.content[0] if result.content else None
    text = first.text if isinstance(first, TextContent) else ""
    reading = Reading(text)
    if result.structured_content is not None:
        reading.facts = json.dumps(result.structured_content, ensure_ascii=False, indent=1)
    return reading


async def _run(tool: str, ctx: Context, **arguments: Any) -> Reading:
    """The tool's result as a reading; its refusal or failure as a protocol error."""
    try:
        return _reading(await _HANDLERS[tool](ctx, **arguments))
    except Exception as error:  # the tool's ToolError: its sentence, its cause kept
        cause = error.__context__
        refused = isinstance(cause, BadInput | NotFound | InvalidArgument)
        code = INVALID_PARAMS if refused else INTERNAL_ERROR
        raise MCPError(code=code, message=str(error)) from None


async def recent_replays(ctx: Context, organization: str) -> Reading:
    with refusal():
        org = ids.organization(organization)
    return await _run("list_replays", ctx, organization=org, limit=20)


async def replay_summary(ctx: Context, organization: str, replay_id: str) -> Reading:
    with refusal():
        org, replay = ids.organization(organization), ids.replay(replay_id)
    return await _run("summarize_replay", ctx, replay_id=replay, organization=org)


TEMPLATES: list[dict[str, Any]] = [
    # `recent` first: the replay template would take "recent" for a replay id
    {
        "uri": RECENT_URI,
        "fn": recent_replays,
        "name": "recent_replays",
        "title": "Newest replays",
        "description": "The organization's 20 newest session replays (list_replays' table: "
        "when, user, page, duration, errors, rage and dead clicks).",
    },
    {
        "uri": REPLAY_URI,
        "fn": replay_summary,
        "name": "replay_summary",
        "title": "Replay summary",
        "description": "One session replay summarised (summarize_replay's text: what the user "
        "did and what went wrong), with its structured facts as a second item "
        "(application/json).",
    },
]
