"""The checks the view's tests rely on, tried on a view that breaks them: the host page's
Content-Security-Policy blocks and reports what such a view tries, and the recorded requests
show where they came from (so that "nothing left the page" can fail)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.bridge import Bridge, running_bridge
from tests.browser.cdp import Browser
from tests.browser.hosted import CHECKOUT, Hosted
from tests.waiting import until_sync

# A view that reaches out in three ways the policy forbids: an image from a server, a fetch
# and a string compiled into code.
REACHING_VIEW = """<!doctype html><html><head><meta charset="utf-8"></head><body>
<img src="http://127.0.0.1:9/pixel.png" alt="">
<script>
  fetch("http://127.0.0.1:9/data").catch(() => {});
  try { new Function("return 1")(); } catch (error) { /* blocked */ }
</script></body></html>"""


@pytest.fixture
def reaching(chromium: str) -> Iterator[Bridge]:
    with running_bridge(view=REACHING_VIEW) as running:
        yield running


@pytest.mark.parametrize("isolation", ["proxy", "direct"])
def test_a_view_that_reaches_out_is_blocked_and_seen(
    browser: Browser, reaching: Bridge, isolation: str
):
    hosted = Hosted(browser, reaching)
    args = f'{{"replay_id": "{CHECKOUT}"}}'
    browser.open(reaching.page(isolation, tool="summarize_replay", args=args), 1280, 800)
    hosted.frame = hosted.view_frame()
    directives = ("img-src", "connect-src", "script-src")
    reported = lambda: " ".join(browser.record.csp_violations())  # noqa: E731
    assert until_sync(lambda: all(d in reported() for d in directives), 20), reported()
    assert until_sync(lambda: any("pixel.png" in r["url"] for r in hosted.stray_requests()), 20)
    assert [r["frame"] for r in hosted.stray_requests()] == [hosted.frame], hosted.stray_requests()
