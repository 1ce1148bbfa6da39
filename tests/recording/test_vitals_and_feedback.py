"""Web vitals, memory, the mutation limit, feedback, hydration errors, unknown kinds and
malformed times.

Fixtures follow getsentry/sentry-javascript `packages/replay-internal/src/`:
`util/createPerformanceEntries.ts` (`getWebVital`: op `web-vital`, the vital's name as
description, `data.value` and `data.rating`), `util/addMemoryEntry.ts` (memory), `replay.ts`
(`_onMutationHandler`: replay.mutations with `data.count` and `data.limit`, then `stop()` when
over the limit), `coreHandlers/util/addFeedbackBreadcrumb.ts` (sentry.feedback with only
`data.feedbackId`), and the hydration-error breadcrumb typed in `types/replayFrame.ts`.
"""

import json

import pytest

from sentry_replays_mcp.tools.recording import kinds as ev
from sentry_replays_mcp.tools.recording.classifier import Normalizer
from sentry_replays_mcp.tools.recording.digest import summarize_pages
from sentry_replays_mcp.tools.recording.offsets import offsets
from sentry_replays_mcp.tools.recording.report import left_out
from sentry_replays_mcp.tools.recording.segment import summarize_segment
from sentry_replays_mcp.tools.recording.timeline import collapse, spans
from tests.recording.reading import line, one
from tests.recording.sdk_shapes import T0, crumb, span


@pytest.mark.parametrize(
    ("name", "value", "rating", "shown"),
    [
        ("largest-contentful-paint", 4100, "poor", "LCP 4100 ms (poor)"),
        ("cumulative-layout-shift", 0.31, "needs-improvement", "CLS 0.310 (needs-improvement)"),
        ("interaction-to-next-paint", 560, "poor", "INP 560 ms (poor)"),
        ("first-input-delay", 320, "poor", "FID 320 ms (poor)"),
    ],
)
def test_web_vitals_carry_their_rating(name, value, rating, shown):
    vital = one(span(T0, T0, "web-vital", name, value=value, size=value, rating=rating))
    assert vital.kind == ev.WEB_VITAL and line(vital) == shown


def test_good_vitals_are_counted_not_shown():
    good = one(span(T0, T0, "web-vital", "largest-contentful-paint", value=900, rating="good"))
    assert collapse([good], ev.DEFAULT_KINDS) == []


def test_a_full_js_heap_is_memory_pressure():
    heap = {"jsHeapSizeLimit": 100, "totalJSHeapSize": 97, "usedJSHeapSize": 95}
    assert line(one(span(T0, T0, "memory", "memory", memory=heap))) == (
        "memory pressure: `95% of the JS heap`"
    )


def test_the_mutation_limit_says_the_recording_stopped_there():
    stopped = one(crumb(T0, "replay.mutations", data={"count": 10_500, "limit": True}))
    burst = one(crumb(T0, "replay.mutations", data={"count": 800, "limit": False}))
    assert stopped.kind == ev.RECORDING_STOPPED and line(stopped) == (
        "the SDK stopped recording here after 10500 DOM mutations at once "
        "(the rest of the session is missing)"
    )
    assert burst.kind == ev.MUTATIONS and "stopped" not in line(burst)
    assert "the recording went on" in line(burst)


def test_feedback_shows_what_the_user_wrote_when_the_recording_has_it():
    bare = one(crumb(T0, "sentry.feedback", data={"feedbackId": "a1b2c3"}))
    said = one(crumb(T0, "sentry.feedback", message="Pay button does `nothing`\n# hi"))
    assert line(bare) == (
        "the user sent feedback (its text is in the feedback event `a1b2c3`, not the recording)"
    )
    shown = line(said)
    assert shown.startswith("the user sent feedback: `") and "\n" not in shown
    assert "# hi" not in shown.split("`")[0]


def test_a_hydration_error_is_a_problem():
    error = one(crumb(T0, "replay.hydrate-error", data={"url": "https://shop.example/cart"}))
    assert error.kind in ev.INCIDENTS and "hydration error" in line(error)


def test_unknown_kinds_are_counted_and_named_in_left_out():
    odd = [
        crumb(T0, "payment.processor", message="x"),
        crumb(T0 + 1, "payment.processor"),
        span(T0 + 2, T0 + 3, "custom.op", "y"),
        {"type": 5, "timestamp": T0 + 4, "data": {"tag": "weird`tag", "payload": {}}},
    ]
    digest = summarize_pages([(json.dumps([odd]), 0)], origin_ms=T0)
    (note,) = [n for n in left_out(digest, True) if "does not read" in n]
    assert note == (
        "4 events of kinds this summary does not read, only counted: "
        "`category payment.processor` (2), `op custom.op` (1), `tag weirdtag` (1)"
    )


def test_a_huge_or_odd_timestamp_is_malformed_never_a_traceback():
    events = [
        {"type": 3, "timestamp": 10**400, "data": {"source": 1}},
        {"type": 5, "timestamp": 10**30, "data": {"tag": "breadcrumb",
         "payload": {"category": "ui.click", "timestamp": 10**500, "message": "b"}}},
        {"type": 5, "timestamp": "soon", "data": {"tag": "performanceSpan",
         "payload": {"op": "resource.fetch", "startTimestamp": -5}}},
        crumb(T0, "ui.click", message="button#ok"),
    ]  # fmt: skip
    summary = summarize_segment(events)
    assert summary.first_ms == summary.last_ms == T0
    assert summary.skipped == 2 and [m.kind for m in summary.moments] == [ev.CLICK]


def test_close_moments_carry_tenths_of_a_second():
    events = [
        crumb(T0 + 48_000, "ui.click", message="button#pay"),
        span(T0 + 48_100, T0 + 49_000, "resource.fetch", "/api/orders", method="POST",
             statusCode=500),
        crumb(T0 + 48_950, "console", level="error", message="TypeError"),
        crumb(T0 + 75_000, "ui.click", message="a#home"),
    ]  # fmt: skip
    n = Normalizer()
    entries = collapse([e for e in map(n.feed, events) if e], ev.DEFAULT_KINDS)
    assert spans(entries, T0) == ["+0:48.0", "+0:48.1", "+0:48.9", "+1:15"]
    assert offsets([T0 + 3_599_999, T0 + 3_600_050], T0) == ["+59:59", "+1:00:00"]
    assert offsets([T0 + 1_000, T0 + 1_999], T0) == ["+0:01.0", "+0:01.9"]
