"""Mobile replays (video, no DOM) read as screens, taps, requests and app state.

Android fixtures follow getsentry/sentry-java
`sentry-android-replay/src/main/java/io/sentry/android/replay/DefaultReplayBreadcrumbConverter.kt`
(ui.click → ui.tap with the view id as message; navigation with `data.to` = the screen;
network.event → device.connectivity; BATTERY_CHANGED → device.battery; app.lifecycle →
app.<state>; http → resource.http span) and `sentry/src/main/java/io/sentry/rrweb/
RRWebVideoEvent.java` (video chunks, duration in ms). The swipe follows sentry-android-core's
gesture breadcrumbs (ui.swipe with `view.id` and `direction`), passed on unchanged by the
converter's last branch. iOS fixtures follow getsentry/sentry-cocoa `Sources/Swift/Integrations/
SessionReplay/SentrySRDefaultBreadcrumbConverter.swift` (touch → ui.tap with a message;
navigation with message and `data.to`; device.connectivity `state`; device.orientation) and
`SentryReplayRecording.swift` (Meta + video first in every segment).
"""

import json

from sentry_replays_mcp.tools.recording import kinds as ev
from sentry_replays_mcp.tools.recording.classifier import chunk_ms
from sentry_replays_mcp.tools.recording.digest import Digest, summarize_pages
from sentry_replays_mcp.tools.recording.report import left_out, problem_line, video_line
from sentry_replays_mcp.tools.recording.segment import summarize_segment
from sentry_replays_mcp.tools.recording.timeline import collapse, describe
from tests.recording.sdk_shapes import T0, android_http, android_meta, mobile_crumb, video


def android_session() -> list[list[dict]]:
    seg0 = [
        android_meta(T0),
        video(T0, 0),
        mobile_crumb(T0 + 100, "navigation", data={"to": "MainActivity"}),
        mobile_crumb(T0 + 1_500, "ui.tap", message="btn_products",
                     data={"view.id": "btn_products", "view.class": "MaterialButton"}),
        mobile_crumb(T0 + 1_700, "navigation", data={"to": "ProductListActivity"}),
        mobile_crumb(T0 + 3_000, "ui.swipe", data={"view.id": "product_list", "direction": "up"}),
    ]  # fmt: skip
    seg1 = [
        android_meta(T0 + 5_000),
        video(T0 + 5_000, 1),
        mobile_crumb(T0 + 5_200, "ui.tap", message="btn_checkout", data={"view.id": "x"}),
        mobile_crumb(T0 + 5_300, "navigation", data={"to": "CheckoutActivity"}),
        android_http(T0 + 6_000, T0 + 6_800, "https://api.example/v1/orders?u=1", "POST", 500),
        mobile_crumb(T0 + 7_000, "device.connectivity", data={"state": "offline"}),
        android_http(T0 + 7_100, T0 + 9_000, "https://api.example/v1/orders", "POST", None),
        mobile_crumb(T0 + 9_500, "device.battery", data={"level": 14.0, "charging": False}),
        mobile_crumb(T0 + 9_600, "device.orientation", data={"position": "landscape"}),
        mobile_crumb(T0 + 9_800, "app.background"),
    ]
    seg2 = [
        android_meta(T0 + 60_000),
        video(T0 + 60_000, 2, 4_000),
        mobile_crumb(T0 + 60_000, "app.foreground"),
        mobile_crumb(T0 + 60_500, "console", level="error", message="OrderSync failed"),
    ]
    return [seg0, seg1, seg2]


def digest_of(segments: list[list[dict]]) -> Digest:
    return summarize_pages([(json.dumps(segments), 0)], origin_ms=T0)


def test_an_android_session_shows_screens_taps_failed_requests_and_backgrounding():
    digest = digest_of(android_session())
    lines = [describe(e) for e in collapse(digest.events, ev.DEFAULT_KINDS)]
    assert lines == [
        "screen `MainActivity`",
        "tap on `btn_products` → screen `ProductListActivity`",
        "swipe `up` on `product_list`",
        "tap on `btn_checkout` → screen `CheckoutActivity`",
        "POST `/v1/orders` → 500, 0.8 s",
        "connectivity: `offline`",
        "POST `/v1/orders` → no response, 1.9 s",
        "battery: `14%, not charging`",
        "orientation: `landscape`",
        "the app went to the background",
        "the app came back to the foreground",
        "console error `OrderSync failed`",
    ]
    assert problem_line(digest.counts) == "1 console error, 2 failed requests"
    assert digest.counts[ev.SCREEN] == 3 and digest.counts[ev.PAGE] == 0


def test_the_video_stands_where_dom_statistics_would():
    digest = digest_of(android_session())
    assert video_line(digest) == "video recording: 3 chunks, 14 s, no DOM"
    assert left_out(digest, complete=True) == []  # no DOM statistics, nothing unknown
    assert digest.mix["screen size"] == 3 and digest.mix["page load"] == 0


def test_a_segment_names_its_own_id_from_its_video_chunk():
    summary = summarize_segment(android_session()[1])
    assert summary.video_segment_id == 1
    assert [m.kind for m in summary.moments][:2] == [ev.TAP, ev.REQUEST_FAILED]


def test_an_ios_session_reads_the_same():
    """sentry-cocoa writes a touch as ui.tap with the message only, and the video duration in
    ms (`Int(duration * 1_000)`, RRWeb/SentryRRWebVideoEvent.swift) with the chunk's start
    `timestamp` in seconds."""
    ios_video = video(T0, 0)
    ios_video["data"]["payload"] = {"timestamp": T0 / 1000, **ios_video["data"]["payload"]}
    segment = [
        android_meta(T0),
        ios_video,
        mobile_crumb(T0 + 10, "navigation", message="CartViewController",
                     data={"to": "CartViewController"}),
        mobile_crumb(T0 + 900, "ui.tap", message="checkoutButton"),
        mobile_crumb(T0 + 1_000, "device.connectivity", data={"state": "wifi"}),
    ]  # fmt: skip
    digest = digest_of([segment])
    lines = [describe(e) for e in collapse(digest.events, ev.DEFAULT_KINDS)]
    assert lines == [
        "screen `CartViewController`",
        "tap on `checkoutButton`",
        "connectivity: `wifi`",
    ]
    assert video_line(digest) == "video recording: 1 chunk, 5 s, no DOM"


def test_video_durations_in_each_sdks_unit():
    """ms from sentry-java (`RRWebVideoEvent.java` `durationMs`) and from sentry-cocoa since
    #4163 (`Int(duration * 1_000)`); seconds from sentry-cocoa before it (`duration`, a
    TimeInterval); the unit that agrees with frameCount / frameRate is taken."""
    android = video(T0, 0)["data"]["payload"]  # 5000 ms, 5 frames at 1 fps
    short = {**android, "duration": 80, "frameCount": 1}  # a last chunk of 80 ms
    old_cocoa = {**android, "duration": 5.0}
    unframed = {"duration": 4.5}
    assert [chunk_ms(p) for p in (android, short, old_cocoa, unframed)] == [
        5000,
        80,
        5000,
        4500,
    ]
    assert chunk_ms({"duration": "5000"}) == chunk_ms({"duration": -1}) == 0
