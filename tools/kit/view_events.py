"""The replay view's player feed: a few recording segments at a time, decoded off the event
loop and made inert (`recording.player_events`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from sentry_replays_mcp.tools.kit.errors import BadInput
from sentry_replays_mcp.tools.kit.off_loop import run_stoppable
from sentry_replays_mcp.tools.kit.resolve import ResolvedReplay
from sentry_replays_mcp.tools.kit.state import ToolState
from sentry_replays_mcp.tools.recording.player_events import player_page

SEGMENTS_PER_CALL = 10  # Sentry's segments hold about 5 s each; the first has the snapshot


class ReplayEvents(BaseModel):
    events: list[Any]
    next_cursor: str | None = None
    segments: str  # "0–9"
    segments_total: int | None = None
    left_out: int = 0  # custom events (the timeline has them) and rows that are not events
    note: str | None = None


async def events_page(state: ToolState, found: ResolvedReplay, cursor: str | None) -> ReplayEvents:
    replay = found.replay
    if replay is not None and replay.archived:
        raise BadInput(f"Replay {found.replay_id} is archived: it has no recording to play.")
    page = await state.client.recording_page(
        found.organization,
        found.needed_project(),
        found.replay_id,
        per_page=SEGMENTS_PER_CALL,
        cursor=cursor,
    )
    read = await run_stoppable(player_page, page.body, page.first_segment)
    del page.body[:]
    count = len(read.segments)
    last = page.first_segment + max(count, 1) - 1
    return ReplayEvents(
        events=[event for segment in read.segments for event in segment],
        next_cursor=None if read.problem else page.next_cursor,
        segments=f"{page.first_segment}–{last}",
        segments_total=replay.count_segments if replay is not None else None,
        left_out=read.left_out,
        note=read.problem or _cut(read.pruned),
    )


def _cut(pruned: int) -> str | None:
    if not pruned:
        return None
    return f"{pruned} parts of the page nested too deeply to be played were left empty."
