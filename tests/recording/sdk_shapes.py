"""Recorded events shaped as each SDK writes them, one builder per source file.

Web (getsentry/sentry-javascript): breadcrumbs go through
`packages/replay-internal/src/coreHandlers/util/addBreadcrumbEvent.ts` (outer timestamp in ms,
payload timestamp in seconds); spans through `packages/replay-internal/src/util/
createPerformanceSpans.ts` (outer timestamp and start/end in seconds).
Android (getsentry/sentry-java): `sentry-android-replay/src/main/java/io/sentry/android/
replay/DefaultReplayBreadcrumbConverter.kt` and `sentry/src/main/java/io/sentry/rrweb/`
(RRWebBreadcrumbEvent, RRWebSpanEvent, RRWebVideoEvent, RRWebMetaEvent).
iOS (getsentry/sentry-cocoa): `Sources/Swift/Integrations/SessionReplay/
SentrySRDefaultBreadcrumbConverter.swift`, `SentryReplayRecording.swift` and `RRWeb/`.
"""

from __future__ import annotations

from typing import Any

from tests.recording.rrweb import T0, crumb, span

__all__ = ["T0", "crumb", "span"]


def meta(at_ms: float, href: str) -> dict[str, Any]:
    """rrweb's Meta event (type 4), at each page load and each full-snapshot checkout."""
    return {"type": 4, "timestamp": at_ms, "data": {"href": href, "width": 1280, "height": 800}}


def spa_navigation(at_ms: float, origin: str, path: str, previous: str) -> list[dict[str, Any]]:
    """One SPA navigation as the browser SDK announces it: the `navigation.push` span with the
    absolute URL (replay-internal `coreHandlers/handleHistory.ts`, start = end = now) and the
    `navigation` breadcrumb with relative paths (browser `integrations/breadcrumbs.ts`,
    `_getHistoryBreadcrumbHandler`)."""
    return [
        span(at_ms, at_ms, "navigation.push", origin + path, previous=previous),
        crumb(at_ms + 1, "navigation", data={"from": previous, "to": path}),
    ]


def page_load(at_ms: float, url: str, load_ms: float = 900) -> list[dict[str, Any]]:
    """A page load: rrweb's Meta event when recording starts, then the `navigation.navigate`
    span (`util/createPerformanceEntries.ts` `createNavigationEntry`), flushed later with the
    segment but starting when the load began."""
    return [meta(at_ms, url), span(at_ms - load_ms, at_ms, "navigation.navigate", url)]


def android_meta(at_ms: float) -> dict[str, Any]:
    """RRWebMetaEvent from a mobile SDK: the screen size, no page URL."""
    return {"type": 4, "timestamp": at_ms, "data": {"href": "", "height": 2400, "width": 1080}}


def video(at_ms: float, segment_id: int, duration_ms: int = 5000) -> dict[str, Any]:
    """RRWebVideoEvent (sentry-java `io/sentry/rrweb/RRWebVideoEvent.java`): tag `video`, the
    payload keys in the order `serializePayload` writes them; duration in ms."""
    payload = {
        "segmentId": segment_id,
        "size": 183_000,
        "duration": duration_ms,
        "encoding": "h264",
        "container": "mp4",
        "height": 1920,
        "width": 864,
        "frameCount": duration_ms // 1000,
        "frameRate": 1,
        "frameRateType": "constant",
        "left": 0,
        "top": 0,
    }
    return {"type": 5, "timestamp": at_ms, "data": {"tag": "video", "payload": payload}}


def mobile_crumb(at_ms: float, category: str, **payload: Any) -> dict[str, Any]:
    """RRWebBreadcrumbEvent as DefaultReplayBreadcrumbConverter fills it: `timestamp` in ms,
    `breadcrumbTimestamp` (payload `timestamp`) in seconds, `type` "default"."""
    return crumb(at_ms, category, **payload)


def android_http(
    start_ms: float, end_ms: float, url: str, method: str, status: int | None
) -> dict[str, Any]:
    """`toRRWebSpanEvent`: op `resource.http`, the URL as description, `status_code` renamed
    `statusCode` by `snakeToCamelCase`."""
    data: dict[str, Any] = {"method": method, "responseBodySize": 120}
    if status is not None:
        data["statusCode"] = status
    return span(start_ms, end_ms, "resource.http", url, **data)
