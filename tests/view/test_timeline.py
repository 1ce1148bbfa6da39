"""replay_timeline, what the replay view draws, on the demo's recordings (written as the SDKs
write them: server/demo): every page or screen as a band, every moment with its kind, the
problems and their evidence windows, and whether the session can be played."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from typing import Any

import pytest
from mcp import Client
from mcp.server.mcpserver import MCPServer

from sentry_replays_mcp.server.demo import DemoSentry
from tests.conftest import text_of
from tests.view.apps_client import ShowsApps
from tests.view.conftest import ANDROID, CHECKOUT, IOS

pytestmark = pytest.mark.anyio
Build = Callable[..., MCPServer[Any]]


async def timeline_of(build: Build, replay_id: str, **overrides: Any) -> dict[str, Any]:
    async with Client(build(**overrides), extensions=[ShowsApps()]) as client:
        result = await client.call_tool("replay_timeline", {"replay_id": replay_id})
    assert not result.is_error, text_of(result)
    assert result.structured_content is not None
    return result.structured_content


def of_kind(timeline: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [m for m in timeline["moments"] if m["kind"] == kind]


async def test_the_checkout_replay_has_its_pages_problems_and_a_player(server_for: Build):
    timeline = await timeline_of(server_for, CHECKOUT)
    pages = [band["name"] for band in timeline["bands"]]
    assert pages == [
        "https://shop.acme.example/products",
        "/products/1042",
        "/cart",
        "/checkout",
        "/cart",
        "/checkout",
        "/products",
    ]
    bands = timeline["bands"]
    assert all(a["end_ms"] == b["start_ms"] for a, b in pairwise(bands))
    assert bands[-1]["end_ms"] == timeline["replay"]["duration_ms"] == 262_000

    failed = of_kind(timeline, "request_failed")
    assert [m["text"] for m in failed] == [
        "POST `/api/orders` → 500, 1.2 s",
        "POST `/api/orders` → 500, 1.1 s",
    ]
    assert [m["offset"] for m in failed] == ["2:05.1", "3:10.1"]  # tenths: a click at 2:05.0
    errors = of_kind(timeline, "error_event")
    assert len(errors) == 2 and all("TypeError" in m["text"] for m in errors)
    (rage,) = of_kind(timeline, "rage_click")
    assert "button#pay-now" in rage["text"] and rage["group"] == "frustration"
    assert all(m["problem"] for m in [*failed, *errors, rage])
    assert not any(m["problem"] for m in of_kind(timeline, "click"))
    assert [m["index"] for m in timeline["moments"]] == list(range(len(timeline["moments"])))
    at = [m["at_ms"] for m in timeline["moments"]]
    assert at == sorted(at)

    window = next(w for w in timeline["windows"] if w["moment"] == failed[0]["index"])
    inside = [timeline["moments"][i] for i in window["moments"]]
    # the click on "Pay now" just before the failed request is in its evidence window
    assert any(m["kind"] == "click" and "Pay now" in m["text"] for m in inside)
    assert window["start_ms"] <= failed[0]["at_ms"] <= window["end_ms"]
    assert timeline["recording"] == {"segments": 9, "player": "rrweb"}
    assert timeline["replay"]["mobile"] is False


async def test_an_android_replay_has_screens_taps_and_no_player(server_for: Build):
    timeline = await timeline_of(server_for, ANDROID)
    assert timeline["replay"]["mobile"] is True and timeline["replay"]["platform"] == "android"
    assert timeline["bands"][0]["name"] == "MainActivity"
    assert {band["kind"] for band in timeline["bands"]} == {"screen"}
    assert of_kind(timeline, "tap")
    assert "player" not in timeline["recording"]
    assert "video is not fetched" in timeline["recording"]["note"]
    states = [m["text"] for m in of_kind(timeline, "app_state")]
    assert "the app went to the background" in states


async def test_an_ios_replay_reads_as_mobile_too(server_for: Build):
    timeline = await timeline_of(server_for, IOS)
    assert timeline["replay"]["mobile"] is True
    assert timeline["bands"] and {b["kind"] for b in timeline["bands"]} == {"screen"}


async def test_an_archived_replay_has_no_recording(server_for: Build, view_demo: DemoSentry):
    timeline = await timeline_of(server_for, view_demo.archived_replay_id)
    assert timeline["moments"] == [] and timeline["bands"] == []
    assert timeline["recording"]["note"] == "The replay is archived: no recording is kept."


async def test_a_replay_outside_the_allowed_projects_is_refused(server_for: Build):
    async with Client(
        server_for(allowed_projects=("web-frontend",)), extensions=[ShowsApps()]
    ) as client:
        result = await client.call_tool("replay_timeline", {"replay_id": CHECKOUT})
    assert result.is_error and "web-frontend" in text_of(result)
