"""The replay view's player feed: a few recording segments at a time, decoded off the event
loop and made inert (`recording.player_events`), sent as one JSON text of at most about
MAX_CALL_BYTES (whole segments; the cursor says where the next call starts)."""

from __future__ import annotations

from pydantic import BaseModel

from sentry_replays_mcp.tools.api.pagination import advanced
from sentry_replays_mcp.tools.kit.errors import BadInput
from sentry_replays_mcp.tools.kit.off_loop import run_stoppable
from sentry_replays_mcp.tools.kit.resolve import ResolvedReplay
from sentry_replays_mcp.tools.kit.state import ToolState
from sentry_replays_mcp.tools.recording.player_events import PlayerPage, player_page

SEGMENTS_PER_CALL = 10  # Sentry's segments hold about 5 s each; the first has the snapshot
MAX_CALL_BYTES = 4_000_000  # the answer is serialised on the event loop: keep it short


class ReplayEvents(BaseModel):
    events_json: str  # a JSON array of rrweb events, for the player (never for the model)
    events: int
    next_cursor: str | None = None
    segments: str  # "0–9"
    segments_total: int | None = None
    left_out: int = 0  # custom events (the timeline has them), rows that are not events
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
    read, taken, text = await run_stoppable(for_player, page.body, page.first_segment)
    del page.body[:]
    next_cursor = page.next_cursor
    if taken < len(read.segments):  # cut for size: the next call starts at the next segment
        next_cursor = advanced(cursor, taken)
    return ReplayEvents(
        events_json=text,
        events=sum(read.counts[:taken]),
        next_cursor=None if read.problem else next_cursor,
        segments=f"{page.first_segment}–{page.first_segment + max(taken, 1) - 1}",
        segments_total=replay.count_segments if replay is not None else None,
        left_out=read.left_out,
        note=read.problem or _cut(read.pruned),
    )


def for_player(body: bytearray, first_segment: int) -> tuple[PlayerPage, int, str]:
    """The page read for the player and joined into one answer's JSON text, in one go (a
    worker thread's work)."""
    read = player_page(body, first_segment)
    return (read, *joined(read))


def joined(read: PlayerPage) -> tuple[int, str]:
    """The segments' events as one JSON array, whole segments up to MAX_CALL_BYTES (at least
    one); how many segments it holds."""
    parts: list[bytes] = []
    size = 0
    for segment in read.segments:
        if parts and size + len(segment) > MAX_CALL_BYTES:
            break
        parts.append(segment)
        size += len(segment)
    inner = b",".join(p[1:-1] for p in parts if len(p) > 2)
    return len(parts), (b"[" + inner + b"]").decode()


def _cut(pruned: int) -> str | None:
    if not pruned:
        return None
    return f"{pruned} parts of the page nested too deeply to be played were left empty."
