"""Pages as the browser SDK announces them: one page view per navigation.

Fixtures follow getsentry/sentry-javascript
`packages/replay-internal/src/coreHandlers/handleHistory.ts` (the `navigation.push` span),
`packages/browser/src/integrations/breadcrumbs.ts` (the `navigation` breadcrumb) and
`packages/replay-internal/src/util/createPerformanceEntries.ts` (`navigation.navigate`), whose
own test `dev-packages/browser-integration-tests/suites/replay/multiple-pages/test.ts`
expects both events for each navigation.
"""

import json

from sentry_replays_mcp.tools.recording import kinds as ev
from sentry_replays_mcp.tools.recording.digest import Digest, summarize_pages
from sentry_replays_mcp.tools.recording.navigation import page_key
from sentry_replays_mcp.tools.recording.timeline import collapse, describe
from tests.recording.sdk_shapes import T0, crumb, meta, page_load, spa_navigation

SHOP = "https://shop.example"


def five_page_session() -> list[list[dict]]:
    """A page load of /products, then four SPA navigations; a checkout Meta event repeats
    the current page in the third segment."""
    seg0 = [*page_load(T0, SHOP + "/products")]
    seg0 += [crumb(T0 + 4_000, "ui.click", message="a.product-card")]
    seg0 += spa_navigation(T0 + 4_050, SHOP, "/products/1042", "/products")
    seg1 = spa_navigation(T0 + 20_000, SHOP, "/cart", "/products/1042")
    seg1 += spa_navigation(T0 + 31_000, SHOP, "/checkout", "/cart")
    seg2 = [meta(T0 + 300_000, SHOP + "/checkout")]  # a full-snapshot checkout, not a page
    seg2 += spa_navigation(T0 + 310_000, SHOP, "/orders/77?ref=mail", "/checkout")
    return [seg0, seg1, seg2]


def digest_of(segments: list[list[dict]]) -> Digest:
    return summarize_pages([(json.dumps(segments), 0)], origin_ms=T0)


def test_a_five_page_spa_session_reads_as_five_pages():
    digest = digest_of(five_page_session())
    pages = [e.target for e in digest.events if e.kind == ev.PAGE]
    assert digest.counts[ev.PAGE] == 5, pages
    assert pages == [
        SHOP + "/products",
        SHOP + "/products/1042",
        SHOP + "/cart",
        SHOP + "/checkout",
        SHOP + "/orders/77?ref=mail",
    ]


def test_the_timeline_shows_each_page_once_and_the_click_that_opened_it():
    digest = digest_of(five_page_session())
    lines = [describe(e) for e in collapse(digest.events, frozenset({ev.PAGE, ev.CLICK}))]
    assert sum(line.startswith("page `") for line in lines) == 4  # one opened by the click
    assert lines[1] == "click `a.product-card` → page `https://shop.example/products/1042`"
    assert not any("`/cart`" in line for line in lines), "the breadcrumb's path is not a page"


def test_the_span_and_breadcrumb_match_in_either_order_and_a_little_apart():
    breadcrumb_first = [
        crumb(T0 + 10, "navigation", data={"from": "/a", "to": "/b?x=1"}),
        *spa_navigation(T0 + 900, SHOP, "/b?x=1", "/a")[:1],
    ]
    digest = digest_of([breadcrumb_first])
    assert digest.counts[ev.PAGE] == 1


def test_a_return_to_the_same_page_later_is_a_new_page_view():
    back = spa_navigation(T0, SHOP, "/cart", "/") + spa_navigation(T0 + 60_000, SHOP, "/cart", "/x")
    assert digest_of([back]).counts[ev.PAGE] == 2


def test_different_pages_within_a_second_stay_two():
    quick = spa_navigation(T0, SHOP, "/a", "/") + spa_navigation(T0 + 300, SHOP, "/b", "/a")
    assert digest_of([quick]).counts[ev.PAGE] == 2


def test_a_slow_page_load_is_one_page_view():
    """The `navigation.navigate` span starts when the load began, seconds before the Meta
    event, and arrives after it (spans are flushed with the segment)."""
    assert digest_of([page_load(T0, SHOP + "/", load_ms=4_000)]).counts[ev.PAGE] == 1


def test_page_keys_compare_paths_and_queries_not_hosts_or_fragments():
    assert page_key("https://shop.example/cart/?a=1#top") == page_key("/cart?a=1")
    assert page_key("https://shop.example/cart") != page_key("/cart?a=1")
    assert page_key("CheckoutActivity") == "CheckoutActivity"
