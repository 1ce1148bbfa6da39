"""The replay view's own tools (an MCP App: `server/view`): the whole timeline it draws, and
the recording's DOM events for its player. Listed only to hosts that show MCP Apps, with
visibility ["app"]: the view calls them, the model never sees them."""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import Context
from mcp.types import CallToolResult, TextContent

from sentry_replays_mcp.tools.kit.answer import sanitised
from sentry_replays_mcp.tools.kit.error_events import linked_errors
from sentry_replays_mcp.tools.kit.facts import start_ms
from sentry_replays_mcp.tools.kit.off_loop import run_stoppable
from sentry_replays_mcp.tools.kit.params import Cursor, Organization, Project, ReplayRef
from sentry_replays_mcp.tools.kit.reading import read_recording
from sentry_replays_mcp.tools.kit.registry import ToolSpec, define
from sentry_replays_mcp.tools.kit.resolve import resolve, target
from sentry_replays_mcp.tools.kit.state import state_of
from sentry_replays_mcp.tools.kit.view_events import ReplayEvents, events_page
from sentry_replays_mcp.tools.kit.view_timeline import (
    MOBILE_NOTE,
    ReplayTimeline,
    ViewRecording,
    facts,
    timeline,
)
from sentry_replays_mcp.tools.recording import Digest

TOOLS: list[ToolSpec] = []


def for_view(text: str, structured: dict[str, Any]) -> CallToolResult:
    """The view's answer: a line of text and the whole structured content (the view, not the
    model, reads it: no budget but the tools' own caps)."""
    return CallToolResult(
        content=[TextContent(type="text", text=text)], structured_content=structured
    )


@define(
    TOOLS,
    title="Replay timeline (replay view)",
    description="""
For the replay view: every moment of a replay's recording (pages or screens, clicks, inputs,
requests, console errors, linked errors, frustrated clicks, web vitals, app state), each
problem's evidence window, and whether the session can be played.
""",
)
async def replay_timeline(
    ctx: Context,
    replay_id: ReplayRef,
    organization: Organization = None,
    project: Project = None,
) -> Annotated[CallToolResult, ReplayTimeline]:
    state = state_of(ctx)
    where = target(state, replay_id, organization, project)
    found = await resolve(state, where, read="always")
    assert found.replay is not None  # read="always" always reads it
    replay = found.replay
    digest = Digest(start_ms(replay))
    about = facts(replay, where.replay_id, where.organization, found.project)
    if found.archived:
        recording = ViewRecording(segments=0, note="The replay is archived: no recording is kept.")
    else:
        await read_recording(state, found, digest, replay.count_segments, ctx.report_progress)
        await linked_errors(state, where.organization, replay, digest)
        note = MOBILE_NOTE if about.mobile else digest.problem
        player = None if about.mobile or not digest.segments else "rrweb"
        recording = ViewRecording(segments=digest.segments, player=player, note=note)
    digest.finish()
    origin = digest.origin_ms or 0.0
    out = await run_stoppable(timeline, about, digest, origin, recording)
    problems = sum(m.problem for m in out.moments)
    text = (
        f"Timeline of replay {where.replay_id} for the replay view: {len(out.moments)} moments, "
        f"{problems} problems."
    )
    return for_view(text, sanitised(out.model_dump(mode="json", exclude_none=True)))


@define(
    TOOLS,
    title="Replay events (replay view)",
    description="""
For the replay view's player: one page of a web replay's recorded DOM events (rrweb), with
whatever would load something from the network removed. Pass next_cursor for the next page.
""",
)
async def replay_events(
    ctx: Context,
    replay_id: ReplayRef,
    organization: Organization = None,
    project: Project = None,
    cursor: Cursor = None,
) -> Annotated[CallToolResult, ReplayEvents]:
    state = state_of(ctx)
    where = target(state, replay_id, organization, project)
    found = await resolve(state, where, read="always")
    out = await events_page(state, found, cursor)
    text = (
        f"Recording events of replay {where.replay_id} for the replay view: segments "
        f"{out.segments}, {out.events} events."
    )
    # The events are the player's, made inert, and one JSON text: shown to no model.
    return for_view(text, out.model_dump(mode="json", exclude_none=True))
