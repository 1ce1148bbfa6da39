"""The recording parser: pages read event by event, every event kind, both timestamp units."""

import json

from sentry_replays_mcp.tools.recording import kinds as ev
from sentry_replays_mcp.tools.recording.classifier import Normalizer, request_path
from sentry_replays_mcp.tools.recording.digest import Digest, summarize_pages
from sentry_replays_mcp.tools.recording.page_reader import PageReader
from tests.recording.rrweb import T0, crumb
from tests.recording.rrweb import span as spanned


def test_page_reader_walks_segments_without_building_the_page():
    page = json.dumps(
        [
            [{"type": 4, "timestamp": 1}, {"type": 2, "timestamp": 2}],
            [],
            [{"type": 3, "timestamp": 3}],
        ]
    )
    reader = PageReader(page, first_segment=100)
    assert [(seg, e["timestamp"]) for seg, e in reader] == [(100, 1), (100, 2), (102, 3)]
    assert reader.segments == 3 and reader.malformed == 0


def test_page_reader_single_segment_empty_and_broken():
    assert [e for _, e in PageReader('[{"type": 4}]')] == [{"type": 4}]
    empty = PageReader(" [ ] ")
    assert list(empty) == [] and empty.segments == 0
    truncated = PageReader('[[{"type": 4, "timestamp": 1}, {"type": 3, "times')
    assert len(list(truncated)) == 1 and truncated.malformed == 1
    garbage = PageReader("<html>")
    assert list(garbage) == [] and garbage.malformed == 1


def test_each_kind_with_its_unit():
    n = Normalizer()
    cases = [
        ({"type": 4, "timestamp": T0, "data": {"href": "https://a.example/p"}}, ev.PAGE, T0),
        (
            crumb(
                T0 + 1, "ui.click", message="div > button#x", data={"node": {"textContent": "Go"}}
            ),
            ev.CLICK,
            T0 + 1,
        ),
        (crumb(T0 + 2, "ui.input", message="input#email"), ev.INPUT, T0 + 2),
        (crumb(T0 + 3, "navigation", data={"from": "/a", "to": "/b"}), ev.PAGE, T0 + 3),
        (crumb(T0 + 4, "console", level="error", message="TypeError: x"), ev.CONSOLE_ERROR, T0 + 4),
        (crumb(T0 + 5, "console", level="warn", message="careful"), ev.CONSOLE_WARNING, T0 + 5),
        (
            spanned(
                T0 + 6,
                T0 + 1206,
                "resource.fetch",
                "https://a.example/api/o?token=s3cret",
                method="POST",
                statusCode=500,
            ),
            ev.REQUEST_FAILED,
            T0 + 6,
        ),
        (
            spanned(T0 + 7, T0 + 4007, "resource.xhr", "/api/slow", method="GET", statusCode=200),
            ev.REQUEST_SLOW,
            T0 + 7,
        ),
        (spanned(T0 + 8, T0 + 9, "resource.fetch", "/api/ok", statusCode=200), ev.REQUEST, T0 + 8),
        (
            spanned(
                T0 + 9, T0 + 9, "web-vital", "largest-contentful-paint", value=4100, rating="poor"
            ),
            ev.WEB_VITAL,
            T0 + 9,
        ),
        (
            spanned(T0 + 10, T0 + 10, "interaction-to-next-paint", "", value=600, rating="poor"),
            ev.WEB_VITAL,
            T0 + 10,
        ),
        (
            spanned(
                T0 + 11,
                T0 + 11,
                "memory",
                "",
                memory={"usedJSHeapSize": 95, "jsHeapSizeLimit": 100},
            ),
            ev.MEMORY,
            T0 + 11,
        ),
        (
            crumb(T0 + 12, "replay.hydrate-error", data={"url": "https://a.example/"}),
            ev.HYDRATION_ERROR,
            T0 + 12,
        ),
        (
            crumb(T0 + 13, "replay.mutations", data={"count": 12000, "limit": True}),
            ev.RECORDING_STOPPED,
            T0 + 13,
        ),
        (crumb(T0 + 14, "sentry.feedback", data={"feedbackId": "f1"}), ev.FEEDBACK, T0 + 14),
    ]
    for raw, kind, at in cases:
        event = n.feed(raw)
        assert event is not None and (event.kind, event.at) == (kind, at), raw
    assert n.malformed == 0


def test_request_paths_drop_query_strings():
    assert request_path("https://a.example/api/o?token=s3cret#x") == "/api/o"
    assert request_path("/api/o?x=1") == "/api/o"


def test_old_sdks_send_breadcrumbs_in_seconds():
    old = {
        "type": 5,
        "timestamp": T0 / 1000,
        "data": {
            "tag": "breadcrumb",
            "payload": {"category": "ui.click", "message": "a", "timestamp": T0 / 1000},
        },
    }
    assert Normalizer().feed(old).at == T0


def test_inputs_never_carry_values():
    raw = crumb(T0, "ui.input", message="input#card", data={"value": "4242 4242 4242 4242"})
    event = Normalizer().feed(raw)
    assert "4242" not in repr(event)


def test_duplicate_page_loads_are_one_page():
    n = Normalizer()
    pages = [
        n.feed({"type": 4, "timestamp": T0, "data": {"href": "https://a.example/"}}),
        n.feed(spanned(T0 + 5, T0 + 900, "navigation.navigate", "https://a.example/")),
    ]
    assert pages[0] is not None and pages[1] is None


def test_digest_over_pages_counts_and_orders():
    seg0 = [
        {"type": 4, "timestamp": T0 + 10, "data": {"href": "https://a.example/"}},
        crumb(T0, "ui.click", message="a"),
    ]
    seg1 = [{"type": 3, "timestamp": T0 + 20, "data": {"source": 1}}]
    for page in (json.dumps([seg0, seg1]), json.dumps([seg0, seg1], separators=(",", ":"))):
        for body in (page, page.encode()):
            digest = summarize_pages([(body, 0)], origin_ms=T0)
            assert [e.kind for e in digest.events] == [ev.CLICK, ev.PAGE], body[:40]
            assert digest.segments == 2 and digest.raw_events == 3 and digest.malformed == 0
            assert digest.mix["mouse move"] == 1


def test_the_general_reader_counts_junk_and_any_key_order():
    odd = [{"timestamp": T0, "data": {"href": "https://a.example/"}, "type": 4}, "junk", 7]
    digest = Digest(T0)
    digest.add_page(json.dumps([odd]))  # `type` not first: the fast scan does not apply
    digest.finish()
    assert [e.kind for e in digest.events] == [ev.PAGE] and digest.malformed == 2


def test_truncated_pages_are_counted_not_fatal():
    page = json.dumps([[crumb(T0, "ui.click", message="a"), crumb(T0 + 1, "ui.click")]])
    digest = summarize_pages([(page[: len(page) - 30], 0)], origin_ms=T0)
    assert digest.malformed >= 1 and [e.kind for e in digest.events] == [ev.CLICK]


def test_fast_and_general_readings_agree_on_real_recordings():
    from sentry_replays_mcp.server.demo import DemoSentry

    demo = DemoSentry()
    for replay_id in (demo.story_replay_id, demo.long_replay_id):
        replay = demo.replay(replay_id)
        segments = [demo.segment_bytes(replay, n) for n in range(replay.segment_count)]
        page = b"[" + b",".join(segments) + b"]"
        fast = summarize_pages([(page, 0)], origin_ms=None)
        general = Digest()
        general.read_page(page)
        general.finish()
        assert fast.counts == general.counts and fast.mix == general.mix
        assert fast.segments == general.segments == replay.segment_count
        assert [(e.kind, e.at, e.target) for e in fast.events] == [
            (e.kind, e.at, e.target) for e in general.events
        ]
