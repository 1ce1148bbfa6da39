"""list_recording_segments and get_recording_segment: what a recording holds, summarised
(time span, event mix, notable moments), never raw rrweb."""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime
from functools import partial
from typing import Annotated

from mcp.server.mcpserver import Context
from mcp.types import CallToolResult
from pydantic import BaseModel, Field

from sentry_replays_mcp.tools.api import ids
from sentry_replays_mcp.tools.api.errors import UpstreamError
from sentry_replays_mcp.tools.api.pagination import RawPage
from sentry_replays_mcp.tools.api.segment_models import (
    RawSegment,
    RecordingSegment,
    meta_rows,
    read_meta,
)
from sentry_replays_mcp.tools.kit import text as r
from sentry_replays_mcp.tools.kit.answer import answer
from sentry_replays_mcp.tools.kit.facts import start_ms
from sentry_replays_mcp.tools.kit.off_loop import run_stoppable
from sentry_replays_mcp.tools.kit.paging import fit_page
from sentry_replays_mcp.tools.kit.params import Cursor, Organization, Project, ReplayRef
from sentry_replays_mcp.tools.kit.registry import ToolSpec, define
from sentry_replays_mcp.tools.kit.resolve import ResolvedReplay, resolve, resolve_with, target
from sentry_replays_mcp.tools.kit.state import state_of
from sentry_replays_mcp.tools.recording import SegmentSummary, mix_text
from sentry_replays_mcp.tools.recording.offsets import FORMAT_NOTE, offset, offsets
from sentry_replays_mcp.tools.recording.segment_scan import SegmentsRead, read_segments

TOOLS: list[ToolSpec] = []
NOTABLE_PER_SEGMENT = 6
NOTABLE_ONE_SEGMENT = 40


class SegmentOut(BaseModel):
    segment_id: int
    empty: bool | None = Field(
        None, description="Sentry sent no events for this segment (its recording is lost)."
    )
    recorded_segment_id: int | None = Field(
        None, description="The segment id the SDK wrote in this segment's video chunk."
    )
    start_offset_ms: int | None = None
    end_offset_ms: int | None = None
    events: int | None = None
    event_mix: dict[str, int] | None = None
    notable: list[str] | None = None
    more_notable: int | None = None
    unread_events: int | None = Field(
        None,
        description="Events that could be notable past the first 5,000 of the segment: "
        "counted in the mix, not read for moments.",
    )
    skipped_events: int | None = None
    date_added: datetime | None = None


class SegmentList(BaseModel):
    replay_id: str
    organization: str
    project: str
    segments: list[SegmentOut]
    count_segments: int | None = None
    next_cursor: str | None = Field(None, description="Pass as cursor to get the next page.")
    events_available: bool = Field(description="False when the server sent only metadata.")
    problem: str | None = Field(None, description="What of the page could not be read.")


def meta_out(segment: RecordingSegment) -> SegmentOut:
    meta = segment.meta
    return SegmentOut(segment_id=segment.segment_id, date_added=meta.date_added if meta else None)


def segment_out(number: int, summary: SegmentSummary, origin: float | None) -> SegmentOut:
    base = origin if origin is not None else summary.first_ms
    out = SegmentOut(segment_id=number, events=summary.events)
    out.empty = True if not summary.entries else None
    out.recorded_segment_id = summary.video_segment_id
    if summary.first_ms is not None and summary.last_ms is not None and base is not None:
        out.start_offset_ms = int(max(0.0, summary.first_ms - base))
        out.end_offset_ms = int(max(0.0, summary.last_ms - base))
    out.event_mix = dict(summary.mix.most_common(10)) or None
    if base is not None and summary.moments:
        times = offsets([m.at_ms for m in summary.moments], base)
        out.notable = [f"{at} {m.text}" for at, m in zip(times, summary.moments, strict=True)]
    out.more_notable = summary.more_moments or None
    out.unread_events = summary.unread or None
    out.skipped_events = summary.skipped or None
    return out


def page_problem(read: SegmentsRead) -> str | None:
    """One sentence for what of a page was not read, or None."""
    notes = [read.problem] if read.problem else []
    if read.count > len(read.summaries) and not read.metadata:
        notes.append(
            f"Sentry sent {read.count} segments on this page; the first "
            f"{len(read.summaries)} were read."
        )
    return " ".join(notes) or None


def _name(seg: SegmentOut) -> str:
    """'Segment 4', with the id its video chunk names when that differs from the position."""
    own = seg.recorded_segment_id
    differs = own is not None and own != seg.segment_id
    return f"Segment {seg.segment_id}" + (
        f" (its video chunk says segment {own})" if differs else ""
    )


def segment_line(seg: SegmentOut, now: datetime, skipped: bool = False) -> list[str]:
    """The segment's lines; with `skipped`, its malformed events are said on its first."""
    if seg.events is None:
        added = r.when(seg.date_added, now)
        return [f"- {_name(seg)}" + (f" · added {added}" if added else "")]
    if seg.empty:
        return [f"- {_name(seg)} · empty: Sentry sent no events for it (its recording is lost)"]
    span = None
    if seg.start_offset_ms is not None and seg.end_offset_ms is not None:
        length = r.duration((seg.end_offset_ms - seg.start_offset_ms) / 1000)
        span = f"{offset(seg.start_offset_ms)}–{offset(seg.end_offset_ms)} ({length})"
    mix = mix_text(seg.event_mix) if seg.event_mix else "no events"
    bad = seg.skipped_events if skipped else None
    head = r.joined(
        [
            f"- {_name(seg)}",
            span,
            f"{r.plural(seg.events, 'event')}: {mix}",
            f"{r.plural(bad, 'malformed event')} skipped" if bad else None,
        ]
    )
    lines = [head] + [f"  {n}" for n in seg.notable or []]
    if seg.more_notable:
        lines.append(
            f"  … {seg.more_notable} more (get_recording_segment segment_id={seg.segment_id})"
        )
    if seg.unread_events:
        lines.append(
            f"  … and {seg.unread_events} later events not read for moments "
            "(past the first 5,000 of the segment; counted in its mix)"
        )
    return lines


@define(
    TOOLS,
    title="List recording segments",
    description="""
Summarise a replay's recording, segment by segment: each segment's time span (offsets from
the start of the replay), its event mix (clicks, inputs, page loads, requests, console
messages...) and notable moments: page changes, clicks with their element, failed or slow
requests, console errors, dead and rage clicks, poor web vitals. Never raw rrweb.

Use it to learn what the user did and what went wrong, in order. Pages hold up to `limit`
segments; pass the returned cursor for more. The project is taken from the replay when omitted.

Next: get_recording_segment with a segment_id for every notable moment of one segment.
""",
)
async def list_recording_segments(
    ctx: Context,
    replay_id: ReplayRef,
    organization: Organization = None,
    project: Project = None,
    limit: Annotated[int, Field(description="Segments per page (1-100).", ge=1, le=100)] = 20,
    cursor: Cursor = None,
) -> Annotated[CallToolResult, SegmentList]:
    state = state_of(ctx)

    async def first_page(where: ResolvedReplay) -> RawPage:
        return await state.client.recording_page(
            where.organization,
            where.needed_project(),
            where.replay_id,
            per_page=limit,
            cursor=cursor,
        )

    found, page = await resolve_with(state, replay_id, organization, project, first_page)
    if page is None:  # archived
        out = SegmentList(
            replay_id=found.replay_id,
            organization=found.organization,
            project=found.project or "",
            segments=[],
            events_available=False,
        )
        text = f"Replay {found.replay_id} was deleted (archived): it has no recording."
        return answer(state, text, out)
    origin = start_ms(found.replay)
    read = await run_stoppable(read_segments, page.body, page.first_segment, NOTABLE_PER_SEGMENT)
    if read.metadata:
        segments = [meta_out(s) for s in meta_rows(read.metadata, page.first_segment)]
    else:
        segments = [segment_out(n, summary, origin) for n, summary in read.summaries]
    fitted = fit_page(segments, cursor, page.next_cursor, text_per_row=200)
    rows, next_cursor = fitted.rows, fitted.next_cursor
    has_events = bool(read.summaries) and not read.metadata
    total = found.replay.count_segments if found.replay else None
    out = SegmentList(
        replay_id=found.replay_id,
        organization=found.organization,
        project=found.needed_project(),
        segments=rows,
        count_segments=total,
        next_cursor=next_cursor,
        events_available=has_events,
        problem=page_problem(read),
    )
    return answer(state, _list_text(out, origin is not None, state.now()), out)


def _list_text(out: SegmentList, known_start: bool, now: datetime) -> str:
    rows = out.segments
    of_total = f" of {out.count_segments}" if out.count_segments is not None else ""
    lines = [
        f"Recording of replay {out.replay_id}: {r.plural(len(rows), 'segment')}{of_total}"
        + (f" from segment {rows[0].segment_id}" if rows else "")
        + "."
    ]
    if not rows:
        lines.append(
            "No recording segments: the replay has no recording (yet), or the cursor "
            "is past the end."
        )
    elif not out.events_available:
        lines.append("This server sends segment metadata only, not the recorded events.")
    if out.problem:
        lines.append(out.problem)
    if not known_start and out.events_available:
        lines.append("Offsets count from the first event on this page (replay start unknown).")
    elif rows and out.events_available:
        lines.append(FORMAT_NOTE)
    lines += _numbering(out)
    for seg in rows:
        lines += segment_line(seg, now, skipped=True)
    if out.next_cursor:
        lines.append(
            f'More segments: call list_recording_segments with cursor="{out.next_cursor}".'
        )
    elif rows and out.events_available:
        lines.append("Next: get_recording_segment with a segment_id for all of its moments.")
    return "\n".join(lines)


def _numbering(out: SegmentList) -> list[str]:
    """Segments are numbered by their position in Sentry's list, which carries no ids: say
    when that numbering may not be Sentry's own."""
    rows = out.segments
    empty = [s.segment_id for s in rows if s.empty]
    named = [s for s in rows if s.recorded_segment_id not in (None, s.segment_id)]
    if not empty and not named:
        return []
    lines = []
    if empty:
        several = len(empty) > 1
        lines.append(
            f"Sentry sent {'segments' if several else 'segment'} {', '.join(map(str, empty))}"
            f" empty: {'their recordings are' if several else 'its recording is'} lost."
        )
    lines.append(
        "Segments are numbered by position in Sentry's list, which names no segment ids: "
        "where a segment is lost, a number may not be Sentry's segment id. "
        + ("A video chunk's own segment id is shown where it differs. " if named else "")
        + "get_recording_segment reads by Sentry's segment id and says which segment it read."
    )
    return lines


class SegmentDetail(SegmentOut):
    replay_id: str
    organization: str
    project: str
    problem: str | None = Field(None, description="What of the segment could not be read.")


@define(
    TOOLS,
    title="Get recording segment",
    description="""
Summarise one recording segment of a replay in detail: its time span, its full event mix and
up to 40 notable moments in order (page changes, clicks with their element, failed or slow
requests, console errors, dead and rage clicks, poor web vitals), with offsets from the start
of the replay. Reads the segment by Sentry's own segment id (from 0) and says which it read;
list_recording_segments shows which one to read.
""",
)
async def get_recording_segment(
    ctx: Context,
    replay_id: ReplayRef,
    segment_id: Annotated[int, Field(description="Segment number, from 0.", ge=0)],
    organization: Organization = None,
    project: Project = None,
) -> Annotated[CallToolResult, SegmentDetail]:
    state = state_of(ctx)
    where = target(state, replay_id, organization, project)
    number = ids.segment(segment_id)
    found = await resolve(state, where, read="if_possible")
    project_id = found.needed_project()
    described = None
    with suppress(UpstreamError):  # a server that sends too much here is read below
        described = await state.client.get_recording_segment(
            found.organization, project_id, found.replay_id, number, download=False
        )
    meta = None
    if described is not None and not described.is_events:
        meta = await read_meta(described.body)
    sentry_id = meta.segment_id if meta is not None and meta.segment_id is not None else number
    segment = (
        described  # a server that sent the events already
        if described is not None and described.is_events
        else await state.client.get_recording_segment(
            found.organization, project_id, found.replay_id, sentry_id, download=True
        )
    )
    del described
    seg, problem = await _read_one(segment, start_ms(found.replay))
    if meta is not None and seg.date_added is None:
        seg.date_added = meta.date_added
    out = SegmentDetail(
        **seg.model_dump(),
        replay_id=found.replay_id,
        organization=found.organization,
        project=project_id,
        problem=problem,
    )
    lines = _detail_lines(seg, number, sentry_id, found.replay_id, state.now())
    return answer(state, "\n".join(lines + ([problem] if problem else [])), out)


async def _read_one(segment: RawSegment, origin: float | None) -> tuple[SegmentOut, str | None]:
    """A downloaded segment summarised off the event loop, or its metadata when the server
    sent that instead; and what of it could not be read."""
    number = segment.segment_id
    if not segment.is_events:
        meta = await read_meta(segment.body)
        if meta is not None:
            return meta_out(RecordingSegment(segment_id=number, meta=meta)), None
    read = await run_stoppable(
        partial(read_segments, one=True), segment.body, number, NOTABLE_ONE_SEGMENT
    )
    summary = read.summaries[0][1] if read.summaries else SegmentSummary()
    return segment_out(number, summary, origin), page_problem(read)


def _detail_lines(
    seg: SegmentOut, asked: int, sentry_id: int, replay_id: str, now: datetime
) -> list[str]:
    added = r.when(seg.date_added, now)
    named = "Sentry's segment id" + (f", added {added}" if added else "")
    lines = [f"Segment {sentry_id} of replay {replay_id} ({named}):"]
    if sentry_id != asked:
        lines.append(f"Sentry answered segment {sentry_id} when asked for segment {asked}.")
    if seg.notable:
        lines.append(FORMAT_NOTE)
    lines += segment_line(seg, now)
    if seg.events is None:
        lines.append("This server sent the segment's metadata only, not its events.")
    if seg.skipped_events:
        lines.append(f"{r.plural(seg.skipped_events, 'malformed event')} skipped.")
    return lines
