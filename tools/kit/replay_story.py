"""A replay's story as summarize_replay tells it: the output model, the timeline and evidence
built from a digest, and the markdown text."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from sentry_replays_mcp.tools.api.models import Replay
from sentry_replays_mcp.tools.kit import text as r
from sentry_replays_mcp.tools.recording import (
    CLICK,
    DEAD_CLICK,
    DEFAULT_KINDS,
    NAMES,
    RAGE_CLICK,
    RECORDING_STOPPED,
    REQUEST,
    SLOW_CLICK,
    Digest,
    Entry,
    collapse,
    describe,
    in_window,
    pick,
    problem_line,
    spans,
    windows,
)
from sentry_replays_mcp.tools.recording.offsets import FORMAT_NOTE, offset

BURSTS = (RAGE_CLICK, DEAD_CLICK, SLOW_CLICK)


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
    video_chunks: int | None = None
    video_seconds: float | None = None
    recording_stopped_ms: int | None = None
    counts: dict[str, int] = {}
    burst_clicks: int | None = None  # of the clicks counted, those in slow/dead/rage clicks
    timeline: list[Moment] = []
    timeline_more: int | None = None
    evidence: list[Evidence] = []
    evidence_more: int | None = None
    linked_errors: list[LinkedError] | None = None
    linked_errors_note: str | None = None
    left_out: list[str] = []
    metadata_only: bool | None = None


def take_digest(out: ReplaySummary, digest: Digest) -> None:
    """What the summary tells of the digest besides its timeline."""
    out.segments_read, out.events_read = digest.segments, digest.raw_events
    if digest.metadata_rows and not digest.raw_events:
        out.segments_read, out.metadata_only = digest.metadata_rows, True
    out.malformed_events = digest.malformed or None
    out.counts = dict(digest.counts)
    out.burst_clicks = digest.burst_clicks or None
    video = digest.normalizer.video
    if video.chunks:
        out.video_chunks, out.video_seconds = video.chunks, round(video.ms / 1000, 1)
    origin = digest.origin_ms or 0.0
    stop = next((e.at for e in digest.events if e.kind == RECORDING_STOPPED), None)
    out.recording_stopped_ms = int(max(0.0, stop - origin)) if stop is not None else None


def moments(entries: list[Entry], origin: float) -> list[Moment]:
    """The entries as moments, with tenths of a second where two share a second."""
    out = []
    for entry, shown in zip(entries, spans(entries, origin), strict=True):
        extent = entry.last.at - entry.first.at
        out.append(
            Moment(
                offset=shown,
                offset_ms=int(entry.first.at - origin),
                kind=entry.first.kind,
                text=describe(entry),
                count=entry.count if entry.count > 1 else None,
                until_ms=int(entry.last.at - origin)
                if entry.count > 1 and extent >= 1000
                else None,
            )
        )
    return out


def build(
    digest: Digest,
    kinds: frozenset[str],
    around_ms: float | None,
    seconds: int,
    caps: tuple[int, int, int],
) -> tuple[list[Moment], int, list[Evidence], int]:
    """The timeline (at most caps[0] moments), and up to caps[1] evidence windows of at most
    caps[2] moments each; with how many of each were left out."""
    origin = digest.origin_ms or 0.0
    events = digest.events
    if around_ms is not None:
        low, high = origin + around_ms - seconds * 1000, origin + around_ms + seconds * 1000
        events = [e for e in events if low <= e.at <= high]
    entries = collapse(events, kinds)
    kept = pick(entries, caps[0])
    found = windows(events, seconds)
    evidence = []
    for window in found[: caps[1]]:
        context = collapse(in_window(digest.events, window), DEFAULT_KINDS | {REQUEST})
        shown = context[-caps[2] :]
        evidence.append(
            Evidence(
                offset=offset(window.incidents[0].at - origin),
                offset_ms=int(window.incidents[0].at - origin),
                incidents=[describe(Entry(i, i)) for i in window.incidents[:5]],
                before=moments(shown, origin),
                more=len(context) - len(shown) or None,
            )
        )
    timeline = moments(kept, origin)
    return timeline, len(entries) - len(kept), evidence, max(0, len(found) - caps[1])


def _facts(out: ReplaySummary, replay: Replay, now: datetime) -> list[str]:
    browser = f"{replay.browser.name} {replay.browser.version or ''}".strip()
    device = replay.device.name or replay.device.model
    system = f"{replay.os.name} {replay.os.version or ''}".strip() if device else replay.os.name
    client = r.joined(
        [
            r.data(browser) if replay.browser.name else None,
            r.data(device) if device and not replay.browser.name else None,
            r.data(system) if system else None,
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
    video = (
        f" (a video recording: {r.plural(out.video_chunks, 'chunk')}, "
        f"{out.video_seconds or 0:.0f} s, no DOM; screens, taps and requests come from its "
        "breadcrumbs)"
        if out.video_chunks
        else ""
    )
    lines = [f"Read {read} segments, {out.events_read} events{video}."]
    if out.metadata_only:
        lines.append(
            "This server sent segment metadata only, not the recorded events: there is "
            "no activity to summarise."
        )
        return lines
    if not out.segments_read:
        lines.append("The replay has no recording segments: nothing to summarise.")
    if out.recording_stopped_ms is not None:
        lines.append(
            f"The SDK stopped recording at {offset(out.recording_stopped_ms)} (too many DOM "
            "mutations at once): the rest of the session is missing from the recording."
        )
    if out.events_read:
        problems = problem_line(out.counts) or (
            "none: no errors, failed requests or frustrated clicks in the recording"
        )
        lines.append(f"Problems: {problems}.")
    return lines


def _timeline(out: ReplaySummary) -> list[str]:
    if not out.timeline:
        return []
    lines = [f"## Timeline ({len(out.timeline)} moments)", FORMAT_NOTE]
    lines += [f"{m.offset} {m.text}" for m in out.timeline]
    if out.timeline_more:
        lines.append(f"… {out.timeline_more} more moments (narrow with around= or kinds=)")
    return lines


def _evidence(out: ReplaySummary) -> list[str]:
    if not out.evidence:
        return []
    lines = ["## Evidence (what happened just before each problem)"]
    if not out.timeline:
        lines.append(FORMAT_NOTE)
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
        when = f" at {offset(error.offset_ms)}" if error.offset_ms is not None else ""
        title = f": {r.code(error.title, 200)}" if error.title else ""
        issue = f" (issue {error.issue_id})" if error.issue_id else ""
        lines.append(f"- {error.id}{title}{issue}{when}")
    if out.linked_errors_note:
        lines.append(f"Linked error {out.linked_errors_note}.")
    return lines


def _count(out: ReplaySummary, kind: str, n: int) -> str:
    """'15 clicks (6 of them in 1 rage click)': a frustrated click is made of clicks."""
    shown = r.plural(n, NAMES.get(kind, kind))
    if kind != CLICK or not out.burst_clicks:
        return shown
    bursts = [r.plural(out.counts[k], NAMES[k]) for k in BURSTS if out.counts.get(k)]
    return f"{shown} ({out.burst_clicks} of them in {' and '.join(bursts)})"


def _counted(out: ReplaySummary) -> list[str]:
    lines = []
    if out.counts:
        ranked = sorted(out.counts.items(), key=lambda kv: -kv[1])
        lines.append("## Counts\n" + ", ".join(_count(out, k, n) for k, n in ranked))
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
