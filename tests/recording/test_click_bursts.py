"""A rage, dead or slow click and the clicks it is made of read as one moment, and the clicks
are counted as the person made them.

The fixture follows getsentry/sentry-javascript:
- `packages/browser-utils/src/instrument/dom.ts` (`makeDOMEventHandler`,
  `isSimilarToLastCapturedEvent`, DEBOUNCE_DURATION 1000): a click on the same element as the
  last captured one, less than 1 s later, gets no breadcrumb, so a burst writes one `ui.click`;
- rrweb records every click as an incremental MouseInteraction event (source 2, type 2: Click),
  which `ClickDetector.registerClick` counts
  (`packages/replay-internal/src/coreHandlers/handleClick.ts`);
- `ClickDetector._generateBreadcrumbs` writes one `ui.slowClickDetected` once the timeout passed,
  with the first click's breadcrumb `message` and `timestamp`, `...clickBreadcrumb.data` plus
  url, route, timeAfterClickMs, endReason and `clickCount: clickCount || 1`;
- `packages/replay-internal/src/coreHandlers/util/addBreadcrumbEvent.ts`: the outer timestamp is
  the breadcrumb's timestamp in ms, so the slow-click event carries the first click's time.
"""

from __future__ import annotations

import json
from typing import Any

from sentry_replays_mcp.tools.recording import kinds as ev
from sentry_replays_mcp.tools.recording.digest import Digest, summarize_pages
from sentry_replays_mcp.tools.recording.segment import summarize_segment
from sentry_replays_mcp.tools.recording.timeline import collapse, describe
from tests.recording.sdk_shapes import T0, crumb

SELECTOR = "body > form#checkout-form > button#pay-now.btn.btn-primary"
NODE = {"id": 88, "tagName": "button", "textContent": "*** ***", "attributes": {"id": "pay-now"}}
DATA = {"nodeId": 88, "node": NODE}


def rrweb_click(at_ms: float) -> dict[str, Any]:
    """rrweb's incremental MouseInteraction (source 2), type 2 = Click."""
    data = {"source": 2, "type": 2, "id": 88, "x": 410, "y": 622, "pointerType": 0}
    return {"type": 3, "data": data, "timestamp": at_ms}


def burst(start_ms: float, clicks: int, crumb_per_click: bool = False) -> list[dict[str, Any]]:
    """A burst of `clicks` clicks 220 ms apart on the Pay button, nothing answering, as the
    browser SDK writes it (one ui.click), or with a ui.click per click."""
    events: list[dict[str, Any]] = []
    for i in range(clicks):
        at = start_ms + 220 * i
        events.append(rrweb_click(at))
        if i == 0 or crumb_per_click:
            events.append(crumb(at, "ui.click", message=SELECTOR, data=DATA))
    slow = {
        **DATA,
        "url": "https://shop.example/checkout",
        "route": "/checkout",
        "timeAfterClickMs": 7000,
        "endReason": "timeout",
        "clickCount": clicks,
    }
    # written after the 7 s timeout, with the first click's timestamp
    events.append(crumb(start_ms, "ui.slowClickDetected", message=SELECTOR, data=slow))
    return events


def digest_of(*events: dict[str, Any]) -> Digest:
    return summarize_pages([(json.dumps([list(events)]), 0)], T0)


def lines(digest: Digest) -> list[str]:
    return [describe(e) for e in collapse(digest.events, ev.DEFAULT_KINDS)]


def test_a_rage_click_is_one_line_and_its_clicks_count_as_clicks():
    before = crumb(T0 + 1_000, "ui.click", message=SELECTOR, data=DATA)
    digest = digest_of(before, *burst(T0 + 5_000, 6))
    assert lines(digest) == [
        "click `… > form#checkout-form > button#pay-now.btn.btn-primary` `*** ***`",
        "rage click on `… > form#checkout-form > button#pay-now.btn.btn-primary` `*** ***` "
        "(6 clicks, no response)",
    ]
    assert digest.counts[ev.CLICK] == 7 and digest.burst_clicks == 6
    assert digest.counts[ev.RAGE_CLICK] == 1


def test_a_click_crumb_per_click_folds_the_same_way():
    digest = digest_of(*burst(T0, 6, crumb_per_click=True))
    assert [e.kind for e in digest.events] == [ev.RAGE_CLICK]
    assert digest.counts[ev.CLICK] == 6


def test_a_dead_click_takes_its_one_click():
    digest = digest_of(*burst(T0, 1))
    assert lines(digest) == [
        "dead click on `… > form#checkout-form > button#pay-now.btn.btn-primary` `*** ***` "
        "(no response in 7.0 s)"
    ]
    assert digest.counts[ev.CLICK] == 1 and digest.counts[ev.DEAD_CLICK] == 1


def test_clicks_after_the_burst_or_elsewhere_stay():
    later = crumb(T0 + 3_000, "ui.click", message=SELECTOR, data=DATA)  # a new click, 2.8 s on
    other = crumb(T0 + 100, "ui.click", message="body > a#help", data={"nodeId": 9})
    digest = digest_of(*burst(T0, 5), other, later)
    assert [e.kind for e in digest.events] == [ev.RAGE_CLICK, ev.CLICK, ev.CLICK]
    assert digest.counts[ev.CLICK] == 7  # 5 in the rage click, then two more


def test_finishing_twice_counts_once():
    digest = digest_of(*burst(T0, 6))
    digest.finish()
    assert digest.counts[ev.CLICK] == 6 and len(digest.events) == 1


def test_a_segments_moments_fold_the_burst_too():
    summary = summarize_segment(burst(T0, 6))
    assert [m.kind for m in summary.moments] == [ev.RAGE_CLICK]
    assert summary.mix["click"] == 1 and summary.mix["pointer"] == 6  # as recorded
