"""What the replay view draws: the whole session as moments on a time axis, pages or screens
as bands, and each problem's evidence window, built from a finished digest.

Every string is end-user data already made inert by the recording engine (`describe` puts
untrusted values in code spans); the answer sanitises them again on the way out."""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from pydantic import BaseModel

from sentry_replays_mcp.tools.api.models import Replay
from sentry_replays_mcp.tools.kit import text as r
from sentry_replays_mcp.tools.kit.facts import MOBILE_PLATFORMS, device_name, user_of
from sentry_replays_mcp.tools.recording import (
    GROUPS,
    INCIDENTS,
    NAMES,
    PAGE,
    REQUEST_FAILED,
    Digest,
    Entry,
    collapse,
    describe,
    pick,
    windows,
)
from sentry_replays_mcp.tools.recording.kinds import SCREEN
from sentry_replays_mcp.tools.recording.offsets import FORMAT_NOTE, offsets

MAX_MOMENTS = 2_000
WINDOW_SECONDS = 10
EVERY_KIND = frozenset().union(*GROUPS.values())
GROUP_OF = {kind: group for group, kinds in GROUPS.items() for kind in kinds}
PROBLEMS = INCIDENTS | {REQUEST_FAILED}
VIEWS = frozenset({PAGE, SCREEN})


class ViewReplay(BaseModel):
    replay_id: str
    organization: str
    project: str | None = None
    platform: str | None = None
    mobile: bool = False
    started_at: str | None = None
    duration_ms: int | None = None
    user: str | None = None
    device: str | None = None
    os: str | None = None
    browser: str | None = None


class Band(BaseModel):
    name: str
    kind: str  # page or screen
    start_ms: int
    end_ms: int


class ViewMoment(BaseModel):
    index: int
    at_ms: int
    until_ms: int | None = None
    offset: str
    kind: str
    label: str
    group: str
    text: str
    count: int = 1
    problem: bool = False
    status: int | None = None


class EvidenceWindow(BaseModel):
    moment: int  # the problem's index in `moments`
    start_ms: int
    end_ms: int
    moments: list[int]


class ViewRecording(BaseModel):
    segments: int
    player: str | None = None  # "rrweb" for web replays
    note: str | None = None


class ReplayTimeline(BaseModel):
    replay: ViewReplay
    offset_note: str = FORMAT_NOTE
    bands: list[Band]
    moments: list[ViewMoment]
    windows: list[EvidenceWindow]
    counts: dict[str, int]
    moments_more: int = 0
    recording: ViewRecording


MOBILE_NOTE = (
    "Mobile replays are recorded as video; the video is not fetched. The timeline shows what "
    "the SDK recorded beside it."
)


def facts(replay: Replay, replay_id: str, organization: str, project: str | None) -> ViewReplay:
    platform = (replay.platform or "").lower() or None
    started = replay.started_at
    return ViewReplay(
        replay_id=replay_id,
        organization=organization,
        project=project,
        platform=platform,
        mobile=platform in MOBILE_PLATFORMS,
        started_at=started.isoformat() if started else None,
        duration_ms=int(replay.duration * 1000) if replay.duration is not None else None,
        user=user_of(replay),
        device=device_name(replay.device),
        os=_named(replay.os.name, replay.os.version),
        browser=_named(replay.browser.name, replay.browser.version),
    )


def _named(name: str | None, version: str | None) -> str | None:
    return r.clean(r.joined([name, version], " "), 80) or None


def moments_of(digest: Digest, origin: float) -> tuple[list[Entry], list[ViewMoment], int]:
    """Every moment of the recording, repeats collapsed, at most MAX_MOMENTS (problems kept
    first): the entries, the moments, and how many were left out."""
    # Pages and screens on their own: the summary folds a page into the click that opened it
    # ("click → page"), the view wants both, the page as a band and a marker.
    entries = sorted(
        collapse(digest.events, EVERY_KIND - VIEWS) + collapse(digest.events, VIEWS),
        key=lambda entry: entry.first.at,
    )
    chosen = pick(entries, MAX_MOMENTS)
    starts = offsets([e.first.at for e in chosen], origin)
    out = [
        _moment(i, e, origin, start)
        for i, (e, start) in enumerate(zip(chosen, starts, strict=True))
    ]
    return chosen, out, len(entries) - len(chosen)


def _moment(index: int, entry: Entry, origin: float, start: str) -> ViewMoment:
    first, kind = entry.first, entry.first.kind
    until = entry.last.at if entry.count > 1 and entry.last.at > first.at else None
    return ViewMoment(
        index=index,
        at_ms=max(0, int(first.at - origin)),
        until_ms=max(0, int(until - origin)) if until is not None else None,
        offset=start.lstrip("+"),
        kind=kind,
        label=NAMES.get(kind, kind),
        group=GROUP_OF.get(kind, "other"),
        text=describe(entry),
        count=entry.count,
        problem=kind in PROBLEMS,
        status=first.status,
    )


def bands_of(entries: list[Entry], moments: list[ViewMoment], end_ms: int | None) -> list[Band]:
    """Each page or screen from its moment until the next one (or the end of the replay)."""
    views = [(e, m) for e, m in zip(entries, moments, strict=True) if m.kind in VIEWS]
    last = max([end_ms or 0, *(m.until_ms or m.at_ms for m in moments)])
    out = []
    for i, (entry, moment) in enumerate(views):
        end = views[i + 1][1].at_ms if i + 1 < len(views) else last
        out.append(
            Band(
                name=r.clean(entry.first.target, 200) or moment.label,
                kind=moment.kind,
                start_ms=moment.at_ms,
                end_ms=max(end, moment.at_ms),
            )
        )
    return out


def windows_of(digest: Digest, moments: list[ViewMoment], origin: float) -> list[EvidenceWindow]:
    """Each problem's evidence window (the seconds before it), as indexes into `moments`
    (which are in time order)."""
    times = [m.at_ms for m in moments]
    problems = {(m.at_ms, m.kind): m.index for m in moments if m.problem}
    out = []
    for window in windows(digest.events, WINDOW_SECONDS):
        start, end = max(0, int(window.start - origin)), int(window.end - origin)
        inside = list(range(bisect_left(times, start), bisect_right(times, end)))
        for incident in window.incidents:
            index = problems.pop((max(0, int(incident.at - origin)), incident.kind), None)
            if index is not None:
                out.append(EvidenceWindow(moment=index, start_ms=start, end_ms=end, moments=inside))
    return out


def timeline(
    replay: ViewReplay, digest: Digest, origin: float, recording: ViewRecording
) -> ReplayTimeline:
    entries, moments, more = moments_of(digest, origin)
    return ReplayTimeline(
        replay=replay,
        bands=bands_of(entries, moments, replay.duration_ms),
        moments=moments,
        windows=windows_of(digest, moments, origin),
        counts=dict(digest.counts),
        moments_more=more,
        recording=recording,
    )
