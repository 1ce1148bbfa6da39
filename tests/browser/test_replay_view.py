"""The replay view (an MCP App) as a user sees it in a host: headless Chromium shows the host
page, which renders the server's `ui://` resource in a sandboxed iframe under the restrictive
CSP and hands it the real result of the tool call; the view then calls the app-only tools
through the host. Input is real mouse and keyboard input dispatched by the browser."""

from __future__ import annotations

from typing import Any

from tests.browser.hosted import ANDROID, CHECKOUT, Hosted

PROBLEM_KINDS = {"request_failed", "console_error", "error_event", "dead_click", "rage_click",
                 "hydration_error", "recording_stopped"}  # fmt: skip
MOBILE_SENTENCE = "Mobile replays are recorded as video; the video is not fetched."
MARKERS, ROWS = "#markers [data-kind]", "#moments [data-kind]"


def checkout(hosted: Hosted, theme: str = "light") -> Hosted:
    return hosted.show("summarize_replay", {"replay_id": CHECKOUT}, theme=theme)


def of_kind(items: list[dict[str, Any]], *kinds: str) -> list[dict[str, Any]]:
    return [i for i in items if i["kind"] in kinds]


def failed_order(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [i for i in of_kind(items, "request_failed") if "/api/orders" in i["text"]]


def test_the_checkout_replay_shows_its_problems_on_the_timeline(hosted: Hosted):
    checkout(hosted)
    markers, rows = hosted.shown(MARKERS), hosted.shown(ROWS)
    assert hosted.text("#status").strip() == "", hosted.text("#status")
    # The view asked the server for the full timeline through the host.
    assert [c["arguments"]["replay_id"] for c in hosted.called("replay_timeline")] == [CHECKOUT]
    for found in (markers, rows):
        assert failed_order(found), "no failed POST /api/orders"
        assert [
            i for i in of_kind(found, "error_event", "console_error") if "TypeError" in i["text"]
        ]
        assert of_kind(found, "rage_click"), "no rage click"
    row_texts = " ".join(r["text"] for r in failed_order(rows))
    assert "POST" in row_texts and "/api/orders" in row_texts
    assert any("TypeError" in r["text"] for r in of_kind(rows, "error_event", "console_error"))
    # Problems are highlighted, other moments are not.
    for item in markers + rows:
        assert ("problem" in item["classes"]) == (item["kind"] in PROBLEM_KINDS), item
    colours = hosted.view("""(() => { const color = (s) => { const n = document.querySelector(s);
        return n && getComputedStyle(n).backgroundColor; };
        return {problem: color('#markers .problem'),
                plain: color('#markers [data-kind]:not(.problem)')}; })()""")
    assert colours["problem"] and colours["problem"] != colours["plain"], colours
    # The host resized its iframe to the size the view asked for.
    sizes = hosted.host("host.sizes")
    assert sizes, "the view never sent ui/notifications/size-changed"
    height = hosted.host("document.getElementById('view').getBoundingClientRect().height")
    assert abs(height - sizes[-1]["height"]) <= 1, (height, sizes[-1])


def test_a_click_on_a_marker_shows_the_moment_and_its_evidence_window(hosted: Hosted):
    checkout(hosted)
    rage = of_kind(hosted.shown(MARKERS), "rage_click")[0]
    assert "Choose a moment" in hosted.text("#details")
    hosted.click(f"#markers [data-index='{rage['index']}']")
    assert hosted.wait(f"document.getElementById('details').dataset.index === '{rage['index']}'")
    details = hosted.text("#details")
    assert "rage click" in details.lower()
    row_text = hosted.text(f"#moments [data-index='{rage['index']}'] .row-text")
    assert row_text and row_text.split(" ×")[0] in details
    assert "Evidence window" in details
    evidence = hosted.shown("#details .evidence [data-kind]")
    assert len(evidence) >= 2 and rage["index"] in {e["index"] for e in evidence}, evidence
    # A click on a list row chooses that moment instead.
    order = failed_order(hosted.shown(ROWS))[0]
    hosted.click(f"#moments [data-index='{order['index']}']")
    assert hosted.wait(f"document.getElementById('details').dataset.index === '{order['index']}'")
    assert "/api/orders" in hosted.text("#details")
    assert (
        hosted.view(
            f"document.getElementById('row-{order['index']}').getAttribute('aria-selected')"
        )
        == "true"
    )


def test_the_keyboard_reaches_a_moment_and_enter_chooses_it(hosted: Hosted):
    checkout(hosted)
    focused = hosted.tab_to("#moments [data-kind], #markers [data-kind]")
    assert focused["kind"] in PROBLEM_KINDS, focused  # the first stop is the first problem
    target = hosted.arrow_to("[data-kind='rage_click']")
    hosted.browser.press("Enter")
    assert hosted.wait(f"document.getElementById('details').dataset.index === '{target['index']}'")
    assert "Evidence window" in hosted.text("#details")
    assert hosted.view("document.getElementById('details').dataset.kind") == "rage_click"


def test_a_filter_hides_its_group_s_markers(hosted: Hosted):
    checkout(hosted)
    before = hosted.shown(MARKERS)
    frustration = [m for m in before if m["group"] == "frustration"]
    assert frustration and len(frustration) < len(before)
    hosted.click("#filters input[data-group='frustration']")
    assert hosted.wait(
        "!document.querySelector(\"#filters input[data-group='frustration']\").checked"
    )
    after = hosted.shown(MARKERS)
    assert not [m for m in after if m["group"] == "frustration"]
    assert not of_kind(hosted.shown(ROWS), "rage_click")
    assert len(after) == len(before) - len(frustration)
    hosted.click("#filters input[data-group='frustration']")
    assert hosted.wait(
        "document.querySelectorAll('#markers .g-frustration:not([hidden])').length > 0"
    )
    assert len(hosted.shown(MARKERS)) == len(before)


PLAYER_DOCUMENT = """(() => { const f = document.querySelector('#player iframe');
    const d = f && f.contentDocument; if (!d || !d.body) return null;
    return {elements: d.body.querySelectorAll('*').length, html: d.body.innerHTML.length,
            text: d.body.innerText.slice(0, 2000)}; })()"""
PLAYER_FRAME = "document.querySelector('#player iframe').contentDocument"
PAY_NOW_SHOWN = (
    f"({PLAYER_FRAME}.querySelector('button#pay-now') || {{}}).textContent === 'Pay now'"
)
PLAYER_TIME = "(document.querySelector('#player .rr-timeline__time') || {}).textContent || ''"


def test_the_player_loads_the_recording_and_follows_the_chosen_moment(hosted: Hosted):
    checkout(hosted)
    calls = hosted.called("replay_events")
    assert calls and calls[0]["arguments"]["cursor"] is None
    assert hosted.view("!document.getElementById('player-box').hidden")
    assert hosted.wait("!!document.querySelector('#player .rr-player iframe')")
    first = hosted.view(PLAYER_DOCUMENT)
    assert first and first["elements"] > 3, first  # the recorded page, rebuilt
    start_time = hosted.view(PLAYER_TIME)
    order = failed_order(hosted.shown(ROWS))[0]
    hosted.click(f"#moments [data-index='{order['index']}']")
    assert hosted.wait(f"{PLAYER_TIME} !== {start_time!r}"), start_time
    assert hosted.view(PLAYER_DOCUMENT) != first  # the shown DOM is the one at that moment
    # At 2:05 the user is on the checkout page, added by the navigation's mutation one node
    # at a time as rrweb writes it: its form, masked fields and the unmasked button are there.
    assert hosted.wait(PAY_NOW_SHOWN), hosted.view(PLAYER_DOCUMENT)
    assert hosted.view(f"{PLAYER_FRAME}.querySelectorAll('#checkout-form input').length") == 6


def test_the_player_plays(hosted: Hosted):
    checkout(hosted)
    assert hosted.wait("!!document.querySelector('#player .rr-controller__btns button')")
    start_time = hosted.view(PLAYER_TIME)
    hosted.click("#player .rr-controller__btns button")
    assert hosted.wait(f"{PLAYER_TIME} !== {start_time!r}"), "the player's time did not advance"


def test_the_android_replay_shows_screens_and_taps_and_no_player(hosted: Hosted):
    hosted.show("summarize_replay", {"replay_id": ANDROID})
    markers = hosted.shown(MARKERS)
    assert of_kind(markers, "screen") and of_kind(markers, "tap"), {m["kind"] for m in markers}
    assert hosted.shown("#bands .band"), "no screen bands on the axis"
    assert MOBILE_SENTENCE in hosted.text("#player-note")
    assert hosted.view("document.querySelectorAll('#player *').length") == 0
    assert hosted.called("replay_events") == []


def test_get_replay_renders_in_the_view_too(hosted: Hosted):
    hosted.show("get_replay", {"replay_id": CHECKOUT})
    assert CHECKOUT in hosted.text("#title")
    assert [c["arguments"]["replay_id"] for c in hosted.called("replay_timeline")] == [CHECKOUT]
    rows = hosted.shown(ROWS)
    assert failed_order(rows) and of_kind(rows, "rage_click")
    assert hosted.wait("!!document.querySelector('#player .rr-player iframe')")


def test_nothing_leaves_the_page_and_no_policy_is_violated(hosted: Hosted):
    checkout(hosted)
    order = failed_order(hosted.shown(ROWS))[0]
    hosted.click(f"#moments [data-index='{order['index']}']")  # the player seeks, too
    assert hosted.wait(f"document.getElementById('details').dataset.index === '{order['index']}'")
    requests = hosted.browser.record.requests
    assert [r for r in requests if r["url"] == hosted.bridge.url + "/rpc"], requests
    assert hosted.stray_requests() == []
    assert not hosted.browser.record.csp_violations()
    errors = [m for m in hosted.browser.record.console if m["level"] == "error"]
    assert not errors, errors


def background(hosted: Hosted) -> tuple[int, ...]:
    colour = hosted.view("getComputedStyle(document.body).backgroundColor")
    inner = str(colour)[str(colour).index("(") + 1 : -1]
    return tuple(int(float(part)) for part in inner.replace("/", ",").split(",")[:3])


def test_the_view_follows_the_host_s_theme(hosted: Hosted):
    light = background(checkout(hosted, theme="light"))
    dark = background(checkout(hosted, theme="dark"))
    assert sum(light) / 3 > 200, light
    assert sum(dark) / 3 < 60, dark
    assert hosted.view("document.documentElement.dataset.theme") == "dark"


def test_a_host_without_same_origin_access_still_gets_the_timeline(hosted: Hosted):
    """A host that runs the view in an allow-scripts-only iframe (an opaque origin): the
    player cannot rebuild the recording there; the timeline still works and the view says why."""
    hosted.show("summarize_replay", {"replay_id": CHECKOUT}, isolation="direct")
    rows = hosted.shown(ROWS)
    assert failed_order(rows) and of_kind(rows, "rage_click")
    assert hosted.view("document.querySelectorAll('#player iframe').length") == 0
    assert "same-origin" in hosted.text("#app")
    assert not hosted.browser.record.csp_violations()
