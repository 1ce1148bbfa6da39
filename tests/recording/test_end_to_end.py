"""SDK-shaped recordings through the real MCP client: summarize_replay over the demo's web
story and its Android and iOS replays, and the segment tools over a recording with a lost
segment, which the demo has not: that one is built from the Android fixtures of
test_mobile.py (sentry-java `DefaultReplayBreadcrumbConverter.kt`,
`io/sentry/rrweb/RRWebVideoEvent.java`)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from mcp import Client

from sentry_replays_mcp.server.demo import DemoSentry
from sentry_replays_mcp.server.demo.mobile_stories import ANDROID, IOS, MobileStory
from tests.conftest import build_for, text_of
from tests.recording.sdk_shapes import android_meta, mobile_crumb, video
from tests.recording.served import serve
from tests.recording.test_mobile import android_session

pytestmark = pytest.mark.anyio
TENTHS = re.compile(r"^\+\d+:\d\d\.\d ", re.MULTILINE)


def shifted(segment: list[dict[str, Any]], by: float) -> list[dict[str, Any]]:
    """The fixture's events moved from its T0 to the replay's start."""
    from tests.recording.sdk_shapes import T0

    out = []
    for event in segment:
        moved = {**event, "timestamp": event["timestamp"] - T0 + by}
        payload = event["data"].get("payload")
        if isinstance(payload, dict):
            payload = dict(payload)
            for key in ("timestamp", "startTimestamp", "endTimestamp"):
                if isinstance(payload.get(key), float | int):
                    payload[key] = payload[key] - T0 / 1000 + by / 1000
            moved["data"] = {**event["data"], "payload": payload}
        out.append(moved)
    return out


def android(start: float, count: int) -> list[list[dict[str, Any]]]:
    segments = [shifted(s, start) for s in android_session()]
    for n in range(len(segments), count):
        at = start + 65_000 + n * 5_000
        segments.append(
            [android_meta(at), video(at, n), mobile_crumb(at + 10, "ui.tap", message="btn_sync")]
        )
    return segments


def demo_mobile(demo: DemoSentry, platform: str) -> str:
    (found,) = [r.id for r in demo.data.replays if r.platform == platform]
    return found


def video_seconds(story: MobileStory) -> int:
    """The video an SDK records: the session less its time in the background (neither SDK
    records while the app is in the background)."""
    away = sum(back - left for left, back in story.background)
    return round(story.duration - away)


async def summary_of(demo: DemoSentry, replay_id: str) -> tuple[str, dict[str, Any]]:
    async with Client(build_for(demo)) as client:
        result = await client.call_tool("summarize_replay", {"replay_id": replay_id})
    text = text_of(result)
    assert not result.is_error, text
    assert result.structured_content is not None
    return text, result.structured_content


async def test_summarize_replay_tells_the_demos_android_session(demo_sentry: DemoSentry):
    """The demo's Android replay (sentry-java shapes, server/demo/mobile_events.py): screens,
    taps, the two 503s from `POST /v2/orders`, the app in the background for 30 s."""
    replay_id = demo_mobile(demo_sentry, "android")
    text, content = await summary_of(demo_sentry, replay_id)
    assert "`Pixel 8` on `Android 14`" in text and "lasted 1m 52s" in text
    segments = demo_sentry.replay(replay_id).segment_count
    assert f"a video recording: {segments} chunks, {video_seconds(ANDROID)} s, no DOM" in text
    assert "Problems: 2 failed requests." in text
    for shown in (
        "screen `MainActivity`",
        "tap on `checkout_button` → screen `CheckoutActivity`",
        "+0:52.1 POST `/v2/orders` → 503, 1.4 s",
        "+0:58.4 POST `/v2/orders` → 503, 1.4 s",
        "swipe `left` on `photo_pager`",
        "+1:06 the app went to the background",
        "+1:36.0 the app came back to the foreground",
        "connectivity: `cellular`",
        "tap on `place_order_button` → screen `OrderConfirmationActivity`",
    ):
        assert shown in text, shown
    assert "page" not in content["counts"] and "click" not in content["counts"]
    assert content["counts"]["screen"] == 6 and content["counts"]["tap"] == 7
    assert content["video_chunks"] == segments


async def test_summarize_replay_tells_the_demos_ios_session(demo_sentry: DemoSentry):
    """The demo's iOS replay (sentry-cocoa shapes): the Wi-Fi drops, "Place order" gets no
    response, the app is in the background for 22 s, the second order goes through."""
    replay_id = demo_mobile(demo_sentry, "cocoa")
    text, content = await summary_of(demo_sentry, replay_id)
    assert "`iPhone` on `iOS 18.1`" in text and "lasted 1m 32s" in text
    segments = demo_sentry.replay(replay_id).segment_count
    assert f"a video recording: {segments} chunks, {video_seconds(IOS)} s, no DOM" in text
    assert "Problems: 1 failed request." in text
    for shown in (
        "screen `ProductListViewController`",
        "tap on `checkoutTapped:` → screen `CheckoutViewController`",
        "connectivity: `none`",
        "+0:47.1 POST `/v2/orders` → no response, 8.0 s",
        "the app went to the background",
        "the app came back to the foreground",
        "tap on `placeOrderTapped:` → screen `OrderConfirmationViewController`",
    ):
        assert shown in text, shown
    assert "→ 0" not in text
    assert content["counts"]["screen"] == 5 and content["counts"]["app_state"] == 2


async def test_summarize_replay_gives_tenths_where_the_story_shares_a_second(
    demo_sentry: DemoSentry,
):
    async with Client(build_for(demo_sentry)) as client:
        result = await client.call_tool(
            "summarize_replay", {"replay_id": demo_sentry.story_replay_id}
        )
    text = text_of(result)
    assert "+m:ss.s, in tenths of a second, where moments share a second" in text
    pay = next(m for m in result.structured_content["timeline"] if "Pay now" in m["text"])
    post = next(m for m in result.structured_content["timeline"] if "/api/orders" in m["text"])
    assert pay["offset"][:-2] == post["offset"][:-2] and pay["offset"] < post["offset"], (pay, post)
    assert TENTHS.search(text)


def with_a_lost_segment(start: float, count: int) -> list[list[dict[str, Any]]]:
    segments = android(start, count)
    segments[1] = []  # Sentry sends [] where a segment's recording is lost
    return segments


async def test_a_lost_segment_is_said_so_and_segments_are_read_by_sentrys_id():
    demo, replay_id = serve(with_a_lost_segment, mobile=True)
    async with Client(build_for(demo)) as client:
        listing = await client.call_tool("list_recording_segments", {"replay_id": replay_id})
        detail = await client.call_tool(
            "get_recording_segment", {"replay_id": replay_id, "segment_id": 2}
        )
    text = text_of(listing)
    assert "- Segment 1 · empty: Sentry sent no events for it (its recording is lost)" in text
    assert "Sentry sent segment 1 empty: its recording is lost." in text
    assert "a number may not be Sentry's segment id" in text
    rows = {s["segment_id"]: s for s in listing.structured_content["segments"]}
    assert rows[1]["empty"] is True and rows[2]["recorded_segment_id"] == 2
    shown = text_of(detail)
    assert shown.startswith(f"Segment 2 of replay {replay_id} (Sentry's segment id, added ")
    assert "the app came back to the foreground" in shown
    paths = [r.path for r in demo.requests if "recording-segments/2/" in r.path]
    assert len(paths) == 2  # its metadata (Sentry's segmentId), then its events


@pytest.fixture
def demo_sentry() -> DemoSentry:
    return DemoSentry(dialect="sentry")
