"""The recording events of one mobile video segment, shaped as sentry-java and sentry-cocoa
serialise them (key order as their serialisers write it).

Android (getsentry/sentry-java): every event's outer `timestamp` is in milliseconds
(io/sentry/rrweb/RRWebEvent.java); breadcrumb payloads are
`{type, timestamp (seconds), category, message?, data}` (RRWebBreadcrumbEvent.java, made by
sentry-android-replay/.../DefaultReplayBreadcrumbConverter.kt); network spans are
`resource.http` with `startTimestamp`/`endTimestamp` in seconds and data keys renamed from the
OkHttp breadcrumb (`status_code` -> `statusCode`, `request_content_length` ->
`requestBodySize`, ...) (RRWebSpanEvent.java). A segment is sorted by timestamp
(capture/CaptureStrategy.kt, `buildReplay`).

iOS (getsentry/sentry-cocoa Sources/Swift/Integrations/SessionReplay/): outer `timestamp` in
milliseconds (RRWeb/SentryRRWebEvent.swift); breadcrumb payloads
`{type, category, level, timestamp (seconds), message?, data?}`
(RRWeb/SentryRRWebBreadcrumbEvent.swift, made by SentrySRDefaultBreadcrumbConverter.swift);
network spans start at the request's start (the outer timestamp too) and end when its
breadcrumb was written (RRWeb/SentryRRWebSpanEvent.swift); a segment is the Meta and video
events, then the converted breadcrumbs, then (segment 0) the options event
(SentryReplayRecording.swift; SentrySessionReplay.swift, `captureSegment`).
"""

from __future__ import annotations

import random
from typing import Any

from .mobile_stories import MobileMoment, MobileStory

Event = dict[str, Any]
FRAME_RATE = 1  # both SDKs record one frame per second by default


def video_events(story: MobileStory, segment_id: int, start_ms: int, seconds: float) -> list[Event]:
    """The Meta event and the `video` event that open every mobile segment.

    Meta: `{href, height, width}` (sentry-java io/sentry/rrweb/RRWebMetaEvent.java;
    sentry-cocoa RRWeb/SentryRRWebMetaEvent.swift). Video payload keys as
    io/sentry/rrweb/RRWebVideoEvent.java writes them (`duration` from `durationMs`, in ms:
    sentry-android-replay/.../capture/CaptureStrategy.kt sets it to the encoded video's
    length); sentry-cocoa's Sources/Swift/Integrations/SessionReplay/RRWeb/
    SentryRRWebVideoEvent.swift writes the same keys, `duration` as `Int(duration * 1_000)`
    (ms, since sentry-cocoa #4163 "Session replay video duration from seconds to
    milliseconds"), plus the segment start `timestamp` as `timeIntervalSince1970` (seconds).
    """
    rng = random.Random(f"{story.platform}:video:{segment_id}")
    frames = max(1, round(seconds * FRAME_RATE))
    meta = {"href": "", "height": story.height, "width": story.width}
    payload: dict[str, Any] = {
        "segmentId": segment_id,
        "size": rng.randint(38_000, 160_000),
        "duration": round(seconds * 1000),
        "encoding": "h264",
        "container": "mp4",
        "height": story.height,
        "width": story.width,
        "frameCount": frames,
        "frameRate": FRAME_RATE,
        "frameRateType": "constant",
        "left": 0,
        "top": 0,
    }
    if story.platform == "cocoa":  # the order SentryRRWebVideoEvent.swift lists them in
        rate, kind = payload.pop("frameRate"), payload.pop("frameRateType")
        left, top = payload.pop("left"), payload.pop("top")
        payload = {
            "timestamp": start_ms / 1000,
            **payload,
            "frameRateType": kind,
            "frameRate": rate,
        }
        payload.update(left=left, top=top)
    return [
        {"type": 4, "timestamp": start_ms, "data": meta},
        {"type": 5, "timestamp": start_ms, "data": {"tag": "video", "payload": payload}},
    ]


def options_event(story: MobileStory, at_ms: int) -> Event:
    """The `options` event of segment 0 (sentry-java io/sentry/rrweb/RRWebOptionsEvent.java;
    sentry-cocoa RRWeb/SentryRRWebOptionsEvent.swift)."""
    return {"type": 5, "timestamp": at_ms, "data": {"tag": "options", "payload": story.options}}


def crumb_time(story: MobileStory, m: MobileMoment) -> float:
    """When the SDK wrote the moment's breadcrumb (which segment it falls in): an iOS network
    breadcrumb is written when the request ends; everything else when it happens."""
    if m.kind == "http" and story.platform == "cocoa":
        return m.t + float(m.info["took"])
    return m.t


def moment_event(story: MobileStory, m: MobileMoment, base: float) -> Event | None:
    """The converted event of one moment (`base`: the replay's start, epoch seconds)."""
    if m.kind == "http":
        return _span(story, m, base)
    category, message, data = _android(m) if story.platform == "android" else _cocoa(m)
    at = round(base + m.t, 3)
    if story.platform == "android":
        payload: dict[str, Any] = {"type": "default", "timestamp": at, "category": category}
        if message is not None:
            payload["message"] = message
        payload["data"] = data or {}
    else:
        payload = {"type": "default", "category": category, "level": "none", "timestamp": at}
        if message is not None:
            payload["message"] = message
        if data is not None:
            payload["data"] = data
    data_out = {"tag": "breadcrumb", "payload": payload}
    return {"type": 5, "timestamp": round(at * 1000), "data": data_out}


def _android(m: MobileMoment) -> tuple[str, str | None, dict[str, Any] | None]:
    """DefaultReplayBreadcrumbConverter.kt, `convert`: category, message, data."""
    info = m.info
    if m.kind == "screen":  # ActivityBreadcrumbsIntegration, state "resumed": the class's name
        return "navigation", None, {"to": str(info["activity"]).rsplit(".", 1)[-1]}
    if m.kind == "tap":  # a ui.click breadcrumb: message is view.id, data kept as is
        return (
            "ui.tap",
            info["view_id"],
            {"view.id": info["view_id"], "view.class": info["view_class"]},
        )
    if m.kind == "swipe":  # any other breadcrumb keeps its category, message and data
        data = {"view.id": info["view_id"], "view.class": info["view_class"]}
        return "ui.swipe", None, {**data, "direction": info["direction"]}
    if m.kind == "connectivity":  # network.event -> {state}, "offline" when the network is lost
        return "device.connectivity", None, {"state": info["state"]}
    if m.kind == "battery":  # BATTERY_CHANGED -> only level and charging
        return "device.battery", None, {"level": info["level"], "charging": info["charging"]}
    if m.kind == "orientation":
        return "device.orientation", None, {"position": info["position"]}
    return f"app.{m.kind}", None, {}  # app.lifecycle -> app.foreground / app.background


def _cocoa(m: MobileMoment) -> tuple[str, str | None, dict[str, Any] | None]:
    """SentrySRDefaultBreadcrumbConverter.swift, `convert`: category, message, data."""
    info = m.info
    if m.kind == "screen":  # a navigation breadcrumb with data.screen
        return "navigation", info["to"], {"to": info["to"]}
    if m.kind == "tap":  # a "touch" breadcrumb: its message is the action's selector
        return "ui.tap", info["action"], None
    if m.kind == "connectivity":
        return "device.connectivity", None, {"state": info["state"]}
    if m.kind == "battery":  # BATTERY_STATE_CHANGE: level, and plugged renamed charging
        return "device.battery", None, {"level": info["level"], "charging": info["charging"]}
    if m.kind == "orientation":
        return "device.orientation", None, {"position": info["position"]}
    return f"app.{m.kind}", None, None  # app.lifecycle with data.state


def _span(story: MobileStory, m: MobileMoment, base: float) -> Event:
    info = m.info
    start = round(base + m.t, 3)
    end = round(base + m.t + float(info["took"]), 3)
    data: dict[str, Any] = {"method": info["method"]}
    if info["status"] is not None:
        data["statusCode"] = info["status"]
    if "request" in info:
        data["requestBodySize"] = info["request"]
    if "response" in info:
        data["responseBodySize"] = info["response"]
    payload = {
        "op": "resource.http",
        "description": info["url"],
        "startTimestamp": start,
        "endTimestamp": end,
        "data": data,
    }
    return {
        "type": 5,
        "timestamp": round(start * 1000),
        "data": {"tag": "performanceSpan", "payload": payload},
    }


def segment_events(
    story: MobileStory, segment_id: int, lo: float, hi: float, base: float
) -> list[Event]:
    """Segment `segment_id`: `lo`..`hi` seconds of video from a replay that started at `base`."""
    start_ms = round((base + lo) * 1000)
    events = video_events(story, segment_id, start_ms, hi - lo)
    crumbs = [m for m in story.moments if lo <= crumb_time(story, m) < hi]
    converted = [e for e in (moment_event(story, m, base) for m in crumbs) if e is not None]
    if story.platform == "android":
        if segment_id == 0:  # created with the segment, at its end
            converted.append(options_event(story, round((base + hi) * 1000) - 1))
        return sorted(events + converted, key=lambda e: e["timestamp"])
    if segment_id == 0:
        converted.append(options_event(story, start_ms))
    return events + converted
