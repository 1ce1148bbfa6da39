"""The demo's Android and iOS replays, read through the demo API as a client would.

Fixtures follow (getsentry/sentry-java):
  sentry-android-replay/src/main/java/io/sentry/android/replay/capture/CaptureStrategy.kt
    (`buildReplay`: Meta + video event, converted breadcrumbs, options on segment 0, sorted),
  sentry-android-replay/src/main/java/io/sentry/android/replay/DefaultReplayBreadcrumbConverter.kt,
  sentry/src/main/java/io/sentry/rrweb/RRWebVideoEvent.java, RRWebBreadcrumbEvent.java,
  RRWebSpanEvent.java, RRWebMetaEvent.java, RRWebOptionsEvent.java;
and (getsentry/sentry-cocoa) Sources/Swift/Integrations/SessionReplay/:
  SentrySRDefaultBreadcrumbConverter.swift, SentryReplayRecording.swift,
  SentrySessionReplay.swift (`captureSegment`), RRWeb/SentryRRWebVideoEvent.swift,
  RRWeb/SentryRRWebBreadcrumbEvent.swift, RRWeb/SentryRRWebSpanEvent.swift,
  RRWeb/SentryRRWebEvent.swift.
The replay rows follow getsentry/sentry src/sentry/replays/post_process.py.
"""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from sentry_replays_mcp.server.demo import DEMO_ORG, DEMO_TOKEN, DemoSentry
from sentry_replays_mcp.server.demo.data import Replay
from tests.demo.sentry_api import BASE, LIST, walk

pytestmark = pytest.mark.anyio
Event = dict[str, Any]
# io/sentry/rrweb/RRWebVideoEvent.java, `serializePayload`
VIDEO_KEYS = [
    "segmentId", "size", "duration", "encoding", "container", "height", "width", "frameCount",
    "frameRate", "frameRateType", "left", "top",
]  # fmt: skip
# Sources/Swift/Integrations/SessionReplay/RRWeb/SentryRRWebVideoEvent.swift
COCOA_VIDEO_KEYS = [
    "timestamp", "segmentId", "size", "duration", "encoding", "container", "height", "width",
    "frameCount", "frameRateType", "frameRate", "left", "top",
]  # fmt: skip


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def mobile(sentry: DemoSentry, platform: str) -> Replay:
    (found,) = [r for r in sentry.data.replays if r.platform == platform]
    return found


async def recording(api: httpx2.AsyncClient, replay: Replay) -> list[list[Event]]:
    url = f"projects/{DEMO_ORG}/{replay.project.slug}/replays/{replay.id}/recording-segments/"
    pages = await walk(api, url, {"per_page": 7})
    return [segment for page in pages for segment in page]  # type: ignore[misc]


def crumbs(segments: list[list[Event]], category: str | None = None) -> list[Event]:
    out = [
        e["data"]["payload"]
        for seg in segments
        for e in seg
        if e["type"] == 5 and e["data"]["tag"] == "breadcrumb"
    ]
    return [p for p in out if category is None or p["category"] == category]


def http_spans(segments: list[list[Event]]) -> list[Event]:
    return [
        e["data"]["payload"]
        for seg in segments
        for e in seg
        if e["type"] == 5 and e["data"]["tag"] == "performanceSpan"
    ]


@pytest.mark.parametrize("platform", ["android", "cocoa"])
async def test_replay_rows_are_shaped_as_sentry_returns_mobile_replays(api, sentry, platform):
    replay = mobile(sentry, platform)
    row = (await api.get(f"{LIST}{replay.id}/")).json()["data"]
    sdk = {"android": "sentry.java.android", "cocoa": "sentry.cocoa"}[platform]
    assert row["platform"] == platform and row["sdk"]["name"] == sdk
    assert row["browser"] == {"name": None, "version": None}
    assert row["os"]["name"] == {"android": "Android", "cocoa": "iOS"}[platform]
    assert all(row["device"][k] for k in ("name", "brand", "model", "family"))
    assert row["replay_type"] == "session" and row["count_segments"] == replay.segment_count
    assert row["urls"] and all("/" not in u and "." not in u for u in row["urls"])  # screens
    assert row["count_urls"] == len(row["urls"]) and row["clicks"] == []
    listed = (await api.get(LIST, params={"per_page": 100, "statsPeriod": "14d"})).json()["data"]
    assert replay.id in {r["id"] for r in listed}


@pytest.mark.parametrize("platform", ["android", "cocoa"])
async def test_every_segment_is_a_video_chunk_with_no_dom(api, sentry, platform):
    replay = mobile(sentry, platform)
    segments = await recording(api, replay)
    assert len(segments) == replay.segment_count >= 12
    start = replay.started_at.timestamp()
    for number, seg in enumerate(segments):
        meta, video = seg[0], seg[1]
        assert meta["type"] == 4 and list(meta["data"]) == ["href", "height", "width"]
        assert video["type"] == 5 and video["data"]["tag"] == "video"
        payload = video["data"]["payload"]
        keys = COCOA_VIDEO_KEYS if platform == "cocoa" else VIDEO_KEYS
        assert list(payload) == keys and payload["segmentId"] == number
        assert (payload["encoding"], payload["container"]) == ("h264", "mp4")
        # ms of video, 5 s chunks: sentry-java RRWebVideoEvent.java `durationMs`; sentry-cocoa
        # RRWeb/SentryRRWebVideoEvent.swift `Int(duration * 1_000)`
        assert isinstance(payload["duration"], int) and 1000 <= payload["duration"] <= 5000
        if platform == "cocoa":  # `timestamp.timeIntervalSince1970`: seconds
            assert payload["timestamp"] == video["timestamp"] / 1000
        assert payload["frameCount"] == round(payload["duration"] / 1000 * payload["frameRate"])
        assert (payload["height"], payload["width"]) == (
            meta["data"]["height"],
            meta["data"]["width"],
        )
        assert meta["timestamp"] == video["timestamp"] >= start * 1000
        assert {e["type"] for e in seg} <= {4, 5}  # no snapshot, no incremental DOM events
        options = [e for e in seg if e["data"].get("tag") == "options"]
        assert len(options) == (1 if number == 0 else 0)
        for e in seg:
            assert list(e) == ["type", "timestamp", "data"] and isinstance(e["timestamp"], int)
    options = next(e for e in segments[0] if e["data"].get("tag") == "options")["data"]
    assert options["payload"]["maskAllText"] is True and options["payload"]["nativeSdkName"]


async def test_android_breadcrumbs_as_the_converter_writes_them(api, sentry):
    replay = mobile(sentry, "android")
    segments = await recording(api, replay)
    for seg in segments:  # CaptureStrategy.kt sorts each segment by timestamp
        assert [e["timestamp"] for e in seg] == sorted(e["timestamp"] for e in seg)
    for crumb in crumbs(segments):
        keys = ["type", "timestamp", "category", "message", "data"]
        assert list(crumb) == [k for k in keys if k != "message" or "message" in crumb]
        assert crumb["type"] == "default" and isinstance(crumb["timestamp"], float)
    taps = crumbs(segments, "ui.tap")
    assert [t["message"] for t in taps].count("place_order_button") == 3
    assert all(t["message"] == t["data"]["view.id"] and t["data"]["view.class"] for t in taps)
    (swipe,) = crumbs(segments, "ui.swipe")
    assert swipe["data"]["direction"] == "left" and "message" not in swipe
    screens = [c["data"]["to"] for c in crumbs(segments, "navigation")]
    assert screens[:4] == [
        "MainActivity",
        "ProductDetailActivity",
        "CartActivity",
        "CheckoutActivity",
    ]
    assert screens[-1] == "OrderConfirmationActivity"
    assert all("from" not in c["data"] for c in crumbs(segments, "navigation"))  # only `to`
    turns = [c["data"]["position"] for c in crumbs(segments, "device.orientation")]
    assert turns == ["landscape", "portrait"]
    assert [c["data"] for c in crumbs(segments, "device.battery")] == [
        {"level": 14.0, "charging": False}
    ]
    states = [c["data"]["state"] for c in crumbs(segments, "device.connectivity")]
    assert states == ["wifi", "cellular"]
    assert [c["data"] for c in crumbs(segments, "app.background")] == [{}]
    assert len(crumbs(segments, "app.foreground")) == 1
    orders = [s for s in http_spans(segments) if s["description"].endswith("/v2/orders")]
    assert [s["data"]["statusCode"] for s in orders] == [503, 503, 201]
    for span in http_spans(segments):
        assert span["op"] == "resource.http" and list(span["data"])[:2] == ["method", "statusCode"]
        assert span["startTimestamp"] < span["endTimestamp"] < 1e11  # seconds


async def test_ios_breadcrumbs_as_the_converter_writes_them(api, sentry):
    replay = mobile(sentry, "cocoa")
    segments = await recording(api, replay)
    for crumb in crumbs(segments):
        assert list(crumb)[:4] == ["type", "category", "level", "timestamp"]
        assert crumb["level"] == "none" and isinstance(crumb["timestamp"], float)
    navigations = crumbs(segments, "navigation")
    assert all(c["message"] == c["data"]["to"] for c in navigations)
    assert navigations[0]["message"] == "ProductListViewController"
    assert navigations[-1]["message"] == "OrderConfirmationViewController"
    taps = crumbs(segments, "ui.tap")  # the touch breadcrumb's message, the action's selector
    assert [t["message"] for t in taps].count("placeOrderTapped:") == 2
    assert all("data" not in t for t in taps)
    states = [c["data"]["state"] for c in crumbs(segments, "device.connectivity")]
    assert states == ["wifi", "none", "wifi"]
    assert "data" not in crumbs(segments, "app.background")[0]
    orders = [s for s in http_spans(segments) if s["description"].endswith("/v2/orders")]
    assert [s["data"].get("statusCode") for s in orders] == [None, 201]  # no response, then 201
    assert orders[0]["endTimestamp"] - orders[0]["startTimestamp"] == pytest.approx(8.0)
    (lost,) = [e for seg in segments for e in seg if e["data"].get("payload") == orders[0]]
    assert lost["timestamp"] == round(orders[0]["startTimestamp"] * 1000)  # the span's start


@pytest.mark.parametrize("platform", ["android", "cocoa"])
async def test_urls_are_each_segments_screens_and_the_background_is_not_recorded(
    api, sentry, platform
):
    replay = mobile(sentry, platform)
    segments = await recording(api, replay)
    expected: list[str] = []
    current = None
    for seg in segments:
        navs = [c["data"]["to"] for c in crumbs([seg], "navigation")]
        if current is not None and (not navs or navs[0] != current):
            expected.append(current)
        expected.extend(navs)
        current = navs[-1] if navs else current
    assert expected == replay.urls
    (away,) = crumbs(segments, "app.background")
    (back,) = crumbs(segments, "app.foreground")
    assert back["timestamp"] - away["timestamp"] >= 20
    for seg in segments:  # no video covers the time the app spent in the background
        video = seg[1]["data"]["payload"]
        lo = seg[1]["timestamp"] / 1000
        hi = lo + video["duration"] / 1000
        assert hi <= away["timestamp"] + 0.2 or lo >= back["timestamp"]


async def test_the_spec_dialect_serves_the_mobile_replays_too():
    spec = DemoSentry(dialect="spec")
    transport = httpx2.ASGITransport(app=spec.app)
    headers = {"Authorization": f"Bearer {DEMO_TOKEN}"}
    async with httpx2.AsyncClient(transport=transport, base_url=BASE, headers=headers) as api:
        for platform in ("android", "cocoa"):
            replay = mobile(spec, platform)
            path = f"projects/{DEMO_ORG}/{replay.project.slug}/replays/{replay.id}/"
            row = (await api.get(path)).json()
            row = row.get("data", row)
            assert row["platform"] == platform and row["urls"] == replay.urls
            assert row["countSegments"] == replay.segment_count
            listed = (await api.get(path + "recording-segments/", params={"per_page": 100})).json()
            assert len(listed) == replay.segment_count


def test_mobile_ids_are_stable_and_the_web_ids_unchanged():
    first, second = DemoSentry(), DemoSentry()
    ids = [r.id for r in first.data.replays]
    assert ids == [r.id for r in second.data.replays] and len(ids) == len(set(ids)) == 162
    assert [r.platform for r in first.data.replays[-2:]] == ["android", "cocoa"]
    assert {r.platform for r in first.data.replays[:-2]} == {"javascript"}
    assert first.story_replay_id == "cbbda8389eee4da3b0c1e7feeaf5b7a7"
    assert mobile(first, "android").id == "ff83f860ab4043d38fd6f305adc9be15"
    assert mobile(first, "cocoa").id == "a1e4ee949462481486b5f74bb28fb3f4"
