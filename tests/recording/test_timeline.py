"""The recording summariser: event kinds, timestamp units, Sentry's dead and rage click rules."""

from sentry_replays_mcp.tools.recording.classifier import millis
from sentry_replays_mcp.tools.recording.segment import summarize_segment
from tests.recording.rrweb import T0, crumb, slow_click, span


def test_units_seconds_and_milliseconds():
    assert millis(T0) == T0 and millis(T0 / 1000) == T0
    assert millis("1") is None and millis(True) is None


def test_kinds_in_order_with_both_units():
    events = [
        {"type": 4, "timestamp": T0, "data": {"href": "https://shop.example/checkout"}},
        {"type": 2, "timestamp": T0 + 1, "data": {"node": {}}},
        crumb(T0 + 1000, "ui.click", message="button#pay", data={"node": {"textContent": "Pay"}}),
        span(
            T0 + 1100,
            T0 + 2300,
            "resource.fetch",
            "/api/orders",
            method="POST",
            statusCode=500,
        ),
        crumb(T0 + 2400, "console", level="error", message="TypeError: x is undefined"),
        span(
            T0 + 3000,
            T0 + 3000,
            "web-vital",
            "largest-contentful-paint",
            value=4100,
            rating="poor",
        ),
        span(T0 + 3100, T0 + 3100, "cumulative-layout-shift", "", rating="good"),
        slow_click(T0 + 4000, clicks=6),
    ]
    summary = summarize_segment(events)
    kinds = [m.kind for m in summary.moments]
    assert kinds == ["page", "click", "request_failed", "console_error", "web_vital", "rage_click"]
    assert [m.at_ms - T0 for m in summary.moments] == [0, 1000, 1100, 2400, 3000, 4000]
    failed = summary.moments[2].text
    assert "POST" in failed and "500" in failed and "1.2 s" in failed
    assert summary.mix["web vital"] == 2 and summary.first_ms == T0


def test_dead_and_rage_click_rules():
    kinds = lambda e: [m.kind for m in summarize_segment([e]).moments]  # noqa: E731
    assert kinds(slow_click(T0)) == ["dead_click"]
    assert kinds(slow_click(T0, clicks=5)) == ["rage_click"]
    assert kinds(slow_click(T0, waited=6999)) == ["slow_click"]
    assert kinds(slow_click(T0, tag="div")) == ["slow_click"]
    assert kinds(slow_click(T0, reason="mutation")) == ["slow_click"]


def test_malformed_events_are_skipped_and_counted():
    summary = summarize_segment(
        [
            "junk",
            None,
            {"type": "4"},
            {"timestamp": 1},
            {"type": 3, "data": 7},
            {"type": 5, "timestamp": T0, "data": {"tag": "breadcrumb", "payload": []}},
        ]
    )
    assert summary.skipped == 4 and summary.events == 2


def test_unknown_tags_and_sources_are_tolerated():
    summary = summarize_segment(
        [
            {"type": 5, "timestamp": T0, "data": {"tag": "video", "payload": {}}},
            {"type": 3, "timestamp": T0, "data": {"source": 99}},
            {"type": 9, "timestamp": T0},
        ]
    )
    assert summary.events == 3 and summary.mix["video chunk"] == 1
