"""summarize_replay: what the user did, and what went wrong, from the whole recording."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from mcp.server.mcpserver import Context
from mcp.types import CallToolResult
from pydantic import Field

from sentry_replays_mcp.tools import recording as ev
from sentry_replays_mcp.tools.api.models import Replay
from sentry_replays_mcp.tools.kit.answer import answer, json_size
from sentry_replays_mcp.tools.kit.error_events import linked_errors
from sentry_replays_mcp.tools.kit.facts import start_ms, user_of
from sentry_replays_mcp.tools.kit.params import (
    Detail,
    Organization,
    Project,
    ReplayRef,
    check_around,
    focus_notes,
    parse_around,
)
from sentry_replays_mcp.tools.kit.reading import read_recording
from sentry_replays_mcp.tools.kit.registry import ToolSpec, define
from sentry_replays_mcp.tools.kit.replay_story import (
    ReplaySummary,
    build,
    render,
    take_digest,
)
from sentry_replays_mcp.tools.kit.resolve import resolve, target
from sentry_replays_mcp.tools.kit.state import state_of
from sentry_replays_mcp.tools.recording import DEFAULT_KINDS, GROUPS, Digest, left_out

TOOLS: list[ToolSpec] = []
CAPS = {"summary": (60, 6, 10), "full": (150, 15, 20)}  # timeline, windows, lines per window
BUDGET = 36_000
Group = Literal[
    "navigation",
    "clicks",
    "inputs",
    "console",
    "network",
    "frustration",
    "errors",
    "performance",
    "device",
    "other",
]


@define(
    TOOLS,
    title="Summarize replay",
    description="""
Answer "what happened in this session?": reads the whole recording (every segment) and returns
the replay's facts, a compact timeline of what the user did (pages, clicks, inputs without
their values, requests, console errors, dead and rage clicks, poor web vitals; for mobile
replays screens, taps, swipes, connectivity and app backgrounding; repeats collapsed), where
the SDK stopped recording, evidence windows showing the seconds before each error, failed
request or rage click, the linked error events, and counts of everything, including what was
left out.

Use it after list_replays or get_replay, or with a replay URL from an issue. Focus with
around='2:05' (offset from the start) and window_seconds, or with kinds (e.g. ['network',
'console']). Sends progress while it reads long recordings.
""",
)
async def summarize_replay(
    ctx: Context,
    replay_id: ReplayRef,
    organization: Organization = None,
    project: Project = None,
    around: Annotated[
        str | None,
        Field(
            description="Focus on this offset from the start: '2:05', '1:02:05' or '125' "
            "(seconds).",
            max_length=20,
        ),
    ] = None,
    window_seconds: Annotated[
        int,
        Field(
            description="Seconds of context before each problem, or around `around`.", ge=1, le=300
        ),
    ] = 10,
    kinds: Annotated[
        list[Group] | None,
        Field(
            description="Only these kinds in the timeline; default: all but successful requests.",
            max_length=10,
        ),
    ] = None,
    detail: Detail = "summary",
) -> Annotated[CallToolResult, ReplaySummary]:
    state = state_of(ctx)
    where = target(state, replay_id, organization, project)
    around_ms = parse_around(around) if around else None
    found = await resolve(state, where, read="always")
    assert found.replay is not None  # read="always" always reads it
    replay = found.replay
    check_around(around, around_ms, None if replay.archived else replay.duration)
    digest = Digest(start_ms(replay))
    out = ReplaySummary(
        replay_id=where.replay_id,
        organization=where.organization,
        project=found.project,
        archived=replay.archived,
        started_at=replay.started_at,
        duration_seconds=replay.duration,
        segments_total=replay.count_segments,
        user=user_of(replay),
    )
    now = state.now()
    if found.archived:
        return answer(state, render(out, replay, now), out)
    complete = await read_recording(
        state, found, digest, replay.count_segments, ctx.report_progress
    )
    errors, note = await linked_errors(state, where.organization, replay, digest)
    digest.finish()
    take_digest(out, digest)
    out.linked_errors, out.linked_errors_note = errors or None, note
    chosen = frozenset().union(*(GROUPS[k] for k in kinds)) if kinds else DEFAULT_KINDS
    out.left_out = focus_notes(left_out(digest, complete), kinds, ev.REQUEST in chosen)
    focus = (around_ms, window_seconds)
    return answer(state, fitted(out, replay, digest, chosen, focus, CAPS[detail], now), out)


def fitted(
    out: ReplaySummary,
    replay: Replay,
    digest: Digest,
    kinds: frozenset[str],
    focus: tuple[float | None, int],
    caps: tuple[int, int, int],
    now: datetime,
) -> str:
    """Fill the timeline and evidence, halving the caps until the result fits the budget;
    the text."""
    timeline_cap, window_cap, line_cap = caps
    while True:
        out.timeline, out.timeline_more, out.evidence, out.evidence_more = build(
            digest, kinds, *focus, (timeline_cap, window_cap, line_cap)
        )
        out.timeline_more = out.timeline_more or None
        out.evidence_more = out.evidence_more or None
        text = render(out, replay, now)
        if len(text) + json_size(out.model_dump(mode="json", exclude_none=True)) <= BUDGET:
            return text
        if timeline_cap <= 10:
            return text  # `answer` cuts the text as a last resort
        timeline_cap, window_cap, line_cap = (
            timeline_cap // 2,
            max(1, window_cap // 2),
            max(3, line_cap // 2),
        )
