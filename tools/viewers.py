"""list_replay_viewers: who in the organization has watched a replay."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from mcp.server.mcpserver import Context
from mcp.types import CallToolResult
from pydantic import BaseModel

from sentry_replays_mcp.tools.kit import text as r
from sentry_replays_mcp.tools.kit.answer import answer
from sentry_replays_mcp.tools.kit.params import Organization, Project, ReplayRef
from sentry_replays_mcp.tools.kit.registry import ToolSpec, define
from sentry_replays_mcp.tools.kit.resolve import resolve
from sentry_replays_mcp.tools.kit.state import state_of

TOOLS: list[ToolSpec] = []


class ViewerRow(BaseModel):
    name: str | None = None
    email: str | None = None
    id: str | None = None
    viewed_at: datetime | None = None
    last_active: datetime | None = None


class ViewerList(BaseModel):
    replay_id: str
    organization: str
    viewers: list[ViewerRow]


@define(
    TOOLS,
    title="List replay viewers",
    description="""
List the people in your Sentry organization who have watched a replay, and when (when the
server says). Use it to see whether someone already looked at this session before you report
it. Needs a token with the event:read scope. The project is taken from the replay when omitted.
""",
)
async def list_replay_viewers(
    ctx: Context,
    replay_id: ReplayRef,
    organization: Organization = None,
    project: Project = None,
) -> Annotated[CallToolResult, ViewerList]:
    state = state_of(ctx)
    where = await resolve(state, replay_id, organization, project)
    viewers = await state.client.list_replay_viewers(
        where.organization, where.needed_project(), where.replay_id
    )
    rows = [
        ViewerRow(
            name=r.clean(v.label, 120) if v.label else None,
            email=r.clean(v.email, 120) if v.email and v.email != v.label else None,
            id=v.id,
            viewed_at=v.date_viewed,
            last_active=v.last_active,
        )
        for v in viewers[:100]
    ]
    lines = [
        f"{r.plural(len(rows), 'person', 'people')} viewed replay {where.replay_id}"
        + (":" if rows else ".")
    ]
    now = state.now()
    for row in rows:
        seen = r.when(row.viewed_at, now)
        active = r.when(row.last_active, now)
        lines.append(
            "- "
            + r.joined(
                [
                    r.code(row.name or row.id or "unknown", 120),
                    r.code(row.email, 120) if row.email else None,
                    f"viewed {seen}" if seen else None,
                    f"last active {active}" if active and not seen else None,
                ]
            )
        )
    if not rows:
        lines.append("Nobody in the organization has watched it yet.")
    out = ViewerList(replay_id=where.replay_id, organization=where.organization, viewers=rows)
    return answer(state, "\n".join(lines), out)
