"""Requests as the SDKs record them: failed, without response, slow, and asset loads.

Fixtures follow getsentry/sentry-javascript `packages/replay-internal/src/coreHandlers/util/
fetchUtils.ts` and `xhrUtils.ts` (resource.fetch / resource.xhr spans with `data.method` and
`data.statusCode`; no status when no response came), `packages/replay-internal/src/util/
createPerformanceEntries.ts` (`createResourceEntry`: resource.script, resource.img...), and the
mobile converters getsentry/sentry-java `sentry-android-replay/src/main/java/io/sentry/android/
replay/DefaultReplayBreadcrumbConverter.kt` (`toRRWebSpanEvent`: resource.http) and
getsentry/sentry-cocoa `Sources/Swift/Integrations/SessionReplay/
SentrySRDefaultBreadcrumbConverter.swift` (`networkSpan`).
"""

import pytest

from sentry_replays_mcp.tools.recording import kinds as ev
from sentry_replays_mcp.tools.recording.classifier import Normalizer
from tests.recording.reading import line, one
from tests.recording.sdk_shapes import T0, android_http, span

API = "https://shop.example/api/orders?token=s3cret"


def test_a_server_error_is_a_failed_request_without_its_query():
    failed = one(span(T0, T0 + 1_200, "resource.fetch", API, method="POST", statusCode=500))
    assert failed.kind == ev.REQUEST_FAILED
    assert line(failed) == "POST `/api/orders` → 500, 1.2 s"


@pytest.mark.parametrize("data", [{"statusCode": 0}, {}], ids=["status 0", "no status"])
def test_no_response_is_said_so_never_status_zero(data):
    event = one(span(T0, T0 + 30, "resource.xhr", API, method="GET", **data))
    assert event.kind == ev.REQUEST_FAILED and event.status is None
    assert line(event) == "GET `/api/orders` → no response, 0.0 s"
    assert "→ 0" not in line(event)


def test_a_slow_success_and_a_plain_success():
    slow = one(span(T0, T0 + 4_000, "resource.fetch", API, method="GET", statusCode=200))
    quick = one(span(T0, T0 + 40, "resource.fetch", API, method="GET", statusCode=204))
    assert (slow.kind, quick.kind) == (ev.REQUEST_SLOW, ev.REQUEST)
    assert line(slow) == "GET slow `/api/orders` → 200, 4.0 s"


def test_asset_loads_are_counted_not_shown_and_not_unknown():
    n = Normalizer()
    for op in ("resource.script", "resource.img", "resource.css", "resource.link"):
        assert n.feed(span(T0, T0 + 5, op, "https://cdn.example/a", statusCode=200)) is None
    assert n.mix["asset load"] == 4 and not n.unknown


def test_android_http_spans_are_requests():
    failed = one(android_http(T0, T0 + 800, "https://api.example/v1/cart", "POST", 503))
    lost = one(android_http(T0, T0 + 10_000, "https://api.example/v1/cart", "GET", None))
    assert line(failed) == "POST `/v1/cart` → 503, 0.8 s"
    assert lost.kind == ev.REQUEST_FAILED and "no response" in line(lost)


def test_a_bogus_status_or_method_is_not_trusted():
    odd = one(span(T0, T0 + 5, "resource.fetch", API, method="<b>x", statusCode=1e300))
    assert odd.method == "GET" and odd.status is None
