"""Clicks, inputs, keys and frustrated clicks as the browser SDK records them.

Fixtures follow getsentry/sentry-javascript `packages/replay-internal/src/coreHandlers/`:
`handleDom.ts` (ui.click with `data.nodeId` and `data.node`, ui.input), `handleKeyboardEvent.ts`
(ui.keyDown: only special keys or keys with a modifier, never a character alone),
`handleClick.ts` (`ClickDetector._generateBreadcrumbs`: ui.slowClickDetected with
`timeAfterClickMs`, `endReason`, `clickCount`; ui.multiClick with `clickCount`), and Sentry's
dead/rage rules in getsentry/sentry `src/sentry/replays/usecases/ingest/event_parser.py`.
"""

from sentry_replays_mcp.tools.recording import kinds as ev
from sentry_replays_mcp.tools.recording.classifier import Normalizer
from sentry_replays_mcp.tools.recording.timeline import collapse, describe
from tests.recording.reading import line
from tests.recording.rrweb import slow_click
from tests.recording.sdk_shapes import T0, crumb

NODE = {"id": 41, "tagName": "button", "textContent": "*** ***", "attributes": {"id": "pay"}}


def read(*raw: dict) -> list[ev.Event]:
    n = Normalizer()
    events = [n.feed(r) for r in raw]
    assert n.malformed == 0
    return [e for e in events if e is not None]


def test_a_click_keeps_its_selector_and_masked_text():
    (click,) = read(
        crumb(T0, "ui.click", message="form > button#pay", data={"nodeId": 41, "node": NODE})
    )
    assert click.kind == ev.CLICK and line(click) == "click `form > button#pay` `*** ***`"


def test_inputs_never_show_a_value():
    (typed,) = read(crumb(T0, "ui.input", message="form > input#email"))
    assert line(typed) == "typed into `form > input#email` (values hidden)"


def test_a_shortcut_is_a_key_press_with_its_modifiers():
    data = {"nodeId": 3, "node": NODE, "metaKey": False, "shiftKey": True, "ctrlKey": True,
            "altKey": False, "key": "Enter"}  # fmt: skip
    (key,) = read(crumb(T0, "ui.keyDown", message="div#editor", data=data))
    assert key.kind == ev.KEY and line(key) == "pressed `Ctrl+Shift+Enter` on `div#editor`"


def test_dead_rage_and_slow_clicks_follow_sentrys_rules():
    dead, rage, slow, not_clickable = read(
        slow_click(T0, clicks=1),
        slow_click(T0 + 1, clicks=5),
        slow_click(T0 + 2, waited=3_000, reason="mutation"),
        slow_click(T0 + 3, tag="div"),
    )
    assert [dead.kind, rage.kind, slow.kind, not_clickable.kind] == [
        ev.DEAD_CLICK,
        ev.RAGE_CLICK,
        ev.SLOW_CLICK,
        ev.SLOW_CLICK,
    ]
    assert line(rage).endswith("(5 clicks, no response)")
    assert line(dead).endswith("(no response in 7.5 s)")


def test_a_multi_click_is_kept_but_not_shown_by_default():
    data = {"nodeId": 41, "node": NODE, "clickCount": 3, "metric": True}
    (multi,) = read(crumb(T0, "ui.multiClick", message="button#pay", data=data))
    assert multi.kind == ev.MULTI_CLICK and multi.count == 3
    assert ev.MULTI_CLICK not in ev.DEFAULT_KINDS


def test_blur_and_focus_are_counted_not_unknown():
    n = Normalizer()
    for category in ("ui.blur", "ui.focus"):
        assert n.feed(crumb(T0, category, message="input#q")) is None
    assert n.mix["blur"] == n.mix["focus"] == 1 and not n.unknown


def test_repeated_clicks_collapse_but_each_rage_click_stays():
    clicks = [
        crumb(T0 + i * 200, "ui.click", message="button#next", data={"node": NODE})
        for i in range(4)
    ]
    rages = [slow_click(T0 + 5_000, clicks=6), slow_click(T0 + 6_000, clicks=7)]
    entries = collapse(read(*clicks, *rages), ev.DEFAULT_KINDS)
    assert describe(entries[0]) == "4 clicks on `button#next` `*** ***`"
    assert sum(e.first.kind == ev.RAGE_CLICK for e in entries) == 2
