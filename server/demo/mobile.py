"""Two mobile replays, an Android one and an iOS one, recorded as the mobile SDKs write them.

A mobile replay is video: each segment is a Meta event (type 4, the screen size), a `video`
custom event describing that segment's MP4 chunk, the breadcrumbs and network spans the SDK's
converter made from the breadcrumbs of that time slice, and (segment 0 only) the `options`
event, sorted by timestamp. There is no DOM. Segments are 5 s of video; while the app is in
the background the SDK records nothing, so the segments have a gap there.

Stories: `mobile_stories.py`; events: `mobile_events.py`, which names the SDK file beside each
shape. Sources followed:
getsentry/sentry-java sentry-android-replay/src/main/java/io/sentry/android/replay/
capture/CaptureStrategy.kt (`buildReplay`), DefaultReplayBreadcrumbConverter.kt and
sentry/src/main/java/io/sentry/rrweb/; getsentry/sentry-cocoa
Sources/Swift/Integrations/SessionReplay/SentryReplayRecording.swift,
SentrySRDefaultBreadcrumbConverter.swift, SentrySessionReplay.swift (`captureSegment`) and
RRWeb/. Both SDKs set the replay event's `urls` per segment to the screens seen in it (the
screen at its start, then each screen navigated to); Sentry lists all segments' urls in order.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from .mobile_events import Event, segment_events
from .mobile_stories import ANDROID, IOS, MobileStory
from .plans import Plan

if TYPE_CHECKING:
    from .data import Dataset, Project, Replay

SEGMENT_SECONDS = 5.0


@dataclass
class ScreenPlan(Plan):
    """A mobile replay's plan: its story, its video segments and the screens per segment."""

    story: MobileStory | None = None
    screens: list[str] = field(default_factory=list)

    @property
    def urls(self) -> list[str]:
        return list(self.screens)

    @property
    def transactions(self) -> list[str]:
        return []


def _bounds(story: MobileStory) -> list[tuple[float, float]]:
    """5 s video segments, none while the app is in the background."""
    out: list[tuple[float, float]] = []
    t = 0.0
    for away, back in [*story.background, (story.duration, story.duration)]:
        while t < away - 0.001:
            end = min(t + SEGMENT_SECONDS, away)
            out.append((round(t, 3), round(end, 3)))
            t = end
        t = back
    return out


def _screens(story: MobileStory, spans: list[tuple[float, float]]) -> list[str]:
    """Each segment's screens: the one on show at its start, then each one navigated to."""
    urls: list[str] = []
    for lo, hi in spans:
        on_show = [m.info["to"] for m in story.moments if m.kind == "screen" and m.t < lo]
        inside = [m.info["to"] for m in story.moments if m.kind == "screen" and lo <= m.t < hi]
        if on_show and (not inside or inside[0] != on_show[-1]):
            urls.append(on_show[-1])
        urls.extend(inside)
    return urls


def _plan(story: MobileStory) -> ScreenPlan:
    spans = _bounds(story)
    bounds = [lo for lo, _ in spans] + [spans[-1][1]]
    return ScreenPlan(
        duration=story.duration,
        bounds=bounds,
        actions=[],
        visits=[],
        width=story.width,
        height=story.height,
        new_vitals=False,
        story=story,
        screens=_screens(story, spans),
    )


def segment_span(plan: ScreenPlan, segment_id: int) -> tuple[float, float]:
    """The seconds segment `segment_id` covers; the app's background time is not one."""
    lo, hi = plan.bounds[segment_id], plan.bounds[segment_id + 1]
    assert plan.story is not None
    for away, back in plan.story.background:
        if lo < back <= hi and away <= lo:
            return back, hi
        if lo < away < hi:
            return lo, away
    return lo, hi


def render_mobile_segment(replay: Replay, segment_id: int) -> list[Event]:
    """The events of one segment of a mobile replay (its plan is a `ScreenPlan`)."""
    plan = replay.plan
    assert isinstance(plan, ScreenPlan) and plan.story is not None
    lo, hi = segment_span(plan, segment_id)
    return segment_events(plan.story, segment_id, lo, hi, replay.started_at.timestamp())


def mobile_replays(data: Dataset, users: list[dict[str, Any]]) -> list[Replay]:
    """The Android and iOS replays, with their projects added to `data.projects`."""
    from .data import Project, Replay, hex_id

    out: list[Replay] = []
    for story in (ANDROID, IOS):
        project = Project(*story.project)
        if data.project(project.slug) is None:
            data.projects.append(project)
        r = random.Random(f"mobile-{story.platform}")
        plan = _plan(story)
        tags = {
            "device.family": [story.device[3]],
            "os.name": [story.os[0]],
            "locale": [story.locale],
            "plan": ["pro"],
            "release": [story.release],
            "sdk.name": [story.sdk[0]],
        }
        out.append(
            Replay(
                id=hex_id(r),
                ordinal=len(data.replays) + len(out),
                project=_project(data, project.slug),
                started_at=data.now - timedelta(seconds=story.ago),
                plan=plan,
                environment="production",
                user=users[story.user],
                browser={"name": None, "version": None},
                os={"name": story.os[0], "version": story.os[1]},
                device=dict(zip(("name", "brand", "model", "family"), story.device, strict=True)),
                sdk={"name": story.sdk[0], "version": story.sdk[1]},
                release=story.release,
                replay_type="session",
                tags=tags,
                trace_ids=[hex_id(r) for _ in range(3)],
                error_ids=[],
                warning_ids=[],
                info_ids=[],
                platform=story.platform,
            )
        )
    return out


def _project(data: Dataset, slug: str) -> Project:
    project = data.project(slug)
    assert project is not None
    return project
