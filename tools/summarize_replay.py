"""summarize_replay: what the user did, and what went wrong, from the whole recording."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from mcp.server.mcpserver import Context
from mcp.types import CallToolResult
from pydantic import BaseModel, Field

from sentry_replays_mcp.tools import recording as ev
from sentry_replays_mcp.tools.api.errors import SentryError
from sentry_replays_mcp.tools.api.models import Replay
from sentry_replays_mcp.tools.kit import text as r
from sentry_replays_mcp.tools.kit.answer import answer, json_size
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
from sentry_replays_mcp.tools.kit.resolve import resolve, target
from sentry_replays_mcp.tools.kit.state import ToolState, state_of
from sentry_replays_mcp.tools.recording import (
    DEFAULT_KINDS,
    GROUPS,
    NAMES,
    Digest,
    Entry,
    collapse,
    describe,
    in_window,
    left_out,
    pick,
    problem_line,
    span,
    windows,
)

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
    "other",
]


class Moment(BaseModel):
    offset: str
    offset_ms: int
    kind: str
    text: str
    count: int | None = None
    until_ms: int | None = None


class Evidence(BaseModel):
    offset: str
    offset_ms: int
    incidents: list[str]
    before: list[Moment]
    more: int | None = None


class LinkedError(BaseModel):
    id: str
    title: str | None = None
    issue_id: str | None = None
    offset_ms: int | None = None


class ReplaySummary(BaseModel):
    replay_id: str
    organization: str
    project: str | None = None
    archived: bool = False
    started_at: datetime | None = None
    duration_seconds: float | None = None
    user: str | None = None
    segments_read: int = 0
    segments_total: int | None = None
    events_read: int = 0
    malformed_events: int | None = None
    counts: dict[str, int] = {}
    timeline: list[Moment] = []
    timeline_more: int | None = None
    evidence: list[Evidence] = []
    evidence_more: int | None = None
    linked_errors: list[LinkedError] | None = None
    linked_errors_note: str | None = None
    left_out: list[str] = []
    metadata_only: bool | None = None


async def linked_errors(
    state: ToolState, org: str, replay: Replay, digest: Digest
) -> tuple[list[LinkedError], str | None]:
    """The replay's error events with what the API tells about them; they join the timeline."""
    ids = replay.error_ids[:50]
    if not ids:
        return [], None
    try:
        found = {e.id: e for e in await state.client.list_error_events(org, ids)}
    except SentryError as error:
        note = f"details unavailable ({error.kind.replace('_', ' ')}); ids only"
        return [LinkedError(id=i) for i in ids], note
    out = []
    origin = digest.origin_ms
    for event_id in ids:
        row = found.get(event_id)
        if row is None:
            out.append(LinkedError(id=event_id))
            continue
        title = row.title or r.joined([row.error_type, row.error_value], ": ") or None
        at = row.timestamp.timestamp() * 1000 if row.timestamp else None
        if at is not None:
            digest.keep(ev.Event(at, ev.ERROR_EVENT, event_id, title or "", ref=row.issue_id or ""))
        out.append(
            LinkedError(
                id=event_id,
                title=r.clean(title, 300) if title else None,
                issue_id=row.issue_id,
                offset_ms=int(at - origin) if at is not None and origin is not None else None,
            )
        )
    return out, None


def moment(entry: Entry, origin: float) -> Moment:
    extent = entry.last.at - entry.first.at
    return Moment(
        offset=span(entry, origin),
        offset_ms=int(entry.first.at - origin),
        kind=entry.first.kind,
        text=describe(entry),
        count=entry.count if entry.count > 1 else None,
        until_ms=int(entry.last.at - origin) if entry.count > 1 and extent >= 1000 else None,
    )


def build(
    digest: Digest,
    kinds: frozenset[str],
    around_ms: float | None,
    seconds: int,
    caps: tuple[int, int, int],
) -> tuple[list[Moment], int, list[Evidence], int]:
    origin = digest.origin_ms or 0.0
    events = digest.events
    if around_ms is not None:
        low, high = origin + around_ms - seconds * 1000, origin + around_ms + seconds * 1000
        events = [e for e in events if low <= e.at <= high]
    entries = collapse(events, kinds)
    kept = pick(entries, caps[0])
    timeline = [moment(e, origin) for e in kept]
    found = windows(events, seconds)
    evidence = []
    for window in found[: caps[1]]:
        context = collapse(in_window(digest.events, window), DEFAULT_KINDS | {ev.REQUEST})
        shown = context[-caps[2] :]
        evidence.append(
            Evidence(
                offset=r.offset(window.incidents[0].at - origin),
                offset_ms=int(window.incidents[0].at - origin),
                incidents=[describe(Entry(i, i)) for i in window.incidents[:5]],
                before=[moment(e, origin) for e in shown],
                more=len(context) - len(shown) or None,
            )
        )
    return timeline, len(entries) - len(kept), evidence, max(0, len(found) - caps[1])


def _facts(out: ReplaySummary, replay: Replay, now: datetime) -> list[str]:
    browser = f"{replay.browser.name} {replay.browser.version or ''}".strip()
    client = r.joined(
        [
            r.data(browser) if replay.browser.name else None,
            r.data(replay.os.name) if replay.os.name else None,
        ],
        " on ",
    )
    lasted = r.duration(out.duration_seconds) if out.duration_seconds is not None else None
    facts = r.joined(
        [
            f"user {r.code(out.user, 120)}" if out.user else None,
            client,
            r.data(replay.environment) if replay.environment else None,
            f"started {r.when(out.started_at, now)}" if out.started_at else None,
            f"lasted {lasted}" if out.duration_seconds is not None else None,
        ],
        ", ",
    )
    return [facts[0].upper() + facts[1:] + "."] if facts else []


def _reading(out: ReplaySummary) -> list[str]:
    """How much was read, and the problems found in it."""
    total = out.segments_total
    read = f"{out.segments_read} of {total}" if total else str(out.segments_read)
    lines = [f"Read {read} segments, {out.events_read} events."]
    if out.metadata_only:
        lines.append(
            "This server sent segment metadata only, not the recorded events: there is "
            "no activity to summarise."
        )
        return lines
    if not out.segments_read:
        lines.append("The replay has no recording segments: nothing to summarise.")
    if out.events_read:
        problems = problem_line(out.counts) or (
            "none: no errors, failed requests or frustrated clicks in the recording"
        )
        lines.append(f"Problems: {problems}.")
    return lines


def _timeline(out: ReplaySummary) -> list[str]:
    if not out.timeline:
        return []
    lines = [f"## Timeline ({len(out.timeline)} moments)"]
    lines += [f"{m.offset} {m.text}" for m in out.timeline]
    if out.timeline_more:
        lines.append(f"… {out.timeline_more} more moments (narrow with around= or kinds=)")
    return lines


def _evidence(out: ReplaySummary) -> list[str]:
    if not out.evidence:
        return []
    lines = ["## Evidence (what happened just before each problem)"]
    for window in out.evidence:
        lines.append(f"### {window.offset}: " + "; ".join(window.incidents))
        lines += [f"- {m.offset} {m.text}" for m in window.before]
        if window.more:
            lines.append(f"- … {window.more} earlier moments in this window")
    if out.evidence_more:
        lines.append(f"… {out.evidence_more} more problem windows (detail='full' shows more)")
    return lines


def _linked(out: ReplaySummary, replay: Replay) -> list[str]:
    if not out.linked_errors:
        return []
    lines = [f"## Linked errors ({len(replay.error_ids)})"]
    for error in out.linked_errors:
        when = f" at {r.offset(error.offset_ms)}" if error.offset_ms is not None else ""
        title = f": {r.code(error.title, 200)}" if error.title else ""
        issue = f" (issue {error.issue_id})" if error.issue_id else ""
        lines.append(f"- {error.id}{title}{issue}{when}")
    if out.linked_errors_note:
        lines.append(f"Linked error {out.linked_errors_note}.")
    return lines


def _counted(out: ReplaySummary) -> list[str]:
    lines = []
    if out.counts:
        ranked = sorted(out.counts.items(), key=lambda kv: -kv[1])
        lines.append("## Counts\n" + ", ".join(r.plural(n, NAMES.get(k, k)) for k, n in ranked))
    if out.left_out:
        lines.append("Left out: " + "; ".join(out.left_out) + ".")
    return lines


def render(out: ReplaySummary, replay: Replay, now: datetime) -> str:
    lines = [f"# What happened in replay {out.replay_id}", *_facts(out, replay, now)]
    if out.archived:
        lines.append("This replay was deleted (archived): Sentry keeps no recording of it.")
        return "\n".join(lines)
    lines += _reading(out) + _timeline(out) + _evidence(out) + _linked(out, replay)
    lines += _counted(out)
    return "\n".join(lines)


@define(
    TOOLS,
    title="Summarize replay",
    description="""
Answer "what happened in this session?": reads the whole recording (every segment) and returns
the replay's facts, a compact timeline of what the user did (pages, clicks, inputs without
their values, requests, console errors, dead and rage clicks, poor web vitals; repeats
collapsed), evidence windows showing the seconds before each error, failed request or rage
click, the linked error events, and counts of everything, including what was left out.

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
            max_length=9,
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
    out.segments_read, out.events_read = digest.segments, digest.raw_events
    if digest.metadata_rows and not digest.raw_events:
        out.segments_read, out.metadata_only = digest.metadata_rows, True
    out.malformed_events = digest.malformed or None
    out.counts = dict(digest.counts)
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
