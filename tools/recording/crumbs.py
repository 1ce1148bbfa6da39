"""Breadcrumbs (rrweb custom events with `tag: "breadcrumb"`) → `Event`s, web and mobile.

Web categories follow sentry-javascript `packages/replay-internal/src/coreHandlers/`
(`handleDom.ts`: ui.click, ui.input; `handleKeyboardEvent.ts`: ui.keyDown; `handleClick.ts`:
ui.slowClickDetected, ui.multiClick; `util/addFeedbackBreadcrumb.ts`: sentry.feedback;
`replay.ts` `_onMutationHandler`: replay.mutations). Mobile categories follow sentry-java
`sentry-android-replay/.../DefaultReplayBreadcrumbConverter.kt` and sentry-cocoa
`Sources/Swift/Integrations/SessionReplay/SentrySRDefaultBreadcrumbConverter.swift` (ui.tap,
navigation to a screen, device.battery / connectivity / orientation, app.foreground /
app.background), and the Android gesture breadcrumbs ui.swipe / ui.scroll.
Each reader counts what it reads in the mix.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sentry_replays_mcp.tools.recording.kinds import (
    APP_STATE,
    CLICK,
    CONSOLE_ERROR,
    CONSOLE_WARNING,
    DEAD_CLICK,
    DEVICE,
    FEEDBACK,
    HYDRATION_ERROR,
    INPUT,
    KEY,
    MULTI_CLICK,
    MUTATIONS,
    PAGE,
    RAGE_CLICK,
    RECORDING_STOPPED,
    SCREEN,
    SLOW_CLICK,
    SWIPE,
    TAP,
    Event,
)
from sentry_replays_mcp.tools.recording.values import count_of, label, number, text

DEAD_CLICK_MS = 7_000
RAGE_CLICKS = 5
_CLICKABLE = {"a", "button", "input"}


@dataclass(slots=True)  # (not frozen: a frozen dataclass sets each field through a call)
class Crumb:
    """A breadcrumb's fields, read once: its time (ms), message, data, DOM node and level (as
    written)."""

    at: float
    message: str
    data: dict[str, Any]
    node: dict[str, Any]
    level: Any = None


def _click(mix: Counter[str], crumb: Crumb) -> Event:
    mix["click"] += 1
    return Event(crumb.at, CLICK, crumb.message, text(crumb.node.get("textContent"), 200))


def _input(mix: Counter[str], crumb: Crumb) -> Event:
    mix["input"] += 1
    return Event(crumb.at, INPUT, crumb.message)  # the typed value is never read


_MODIFIERS = (("ctrlKey", "Ctrl"), ("altKey", "Alt"), ("metaKey", "Meta"), ("shiftKey", "Shift"))


def _key(mix: Counter[str], crumb: Crumb) -> Event | None:
    """A special key or a shortcut: the SDK never records a character typed alone."""
    mix["key press"] += 1
    key = text(crumb.data.get("key"), 30)
    if not key:
        return None
    held = [name for field, name in _MODIFIERS if crumb.data.get(field) is True]
    return Event(crumb.at, KEY, crumb.message, "+".join([*held, key]))


def looks_like_screen(to: str) -> bool:
    """A mobile screen name rather than a web path (`/cart`) or URL."""
    return not to.startswith(("/", "?", "#")) and "://" not in to


def _navigation(mix: Counter[str], crumb: Crumb) -> Event | None:
    to = text(crumb.data.get("to"), 2000)
    screen = bool(to) and looks_like_screen(to)
    mix["screen" if screen else "navigation"] += 1
    return Event(crumb.at, SCREEN if screen else PAGE, to) if to else None


_CONSOLE_KINDS = {
    "error": CONSOLE_ERROR,
    "fatal": CONSOLE_ERROR,
    "assert": CONSOLE_ERROR,
    "warning": CONSOLE_WARNING,
    "warn": CONSOLE_WARNING,
}


def _console(mix: Counter[str], crumb: Crumb) -> Event | None:
    level = label(crumb.level, 20) or "log"
    mix[f"console {level}"] += 1
    kind = _CONSOLE_KINDS.get(level)
    if kind is None:
        return None  # logs, info and debug are only counted
    return Event(crumb.at, kind, "", crumb.message or _arguments(crumb.data))


def _slow_click(mix: Counter[str], crumb: Crumb) -> Event:
    """Sentry's rules (ingest `event_parser.py`): a timed-out click on a link, button or input
    is dead after 7 s, and a rage click with 5 clicks or more; any other is slow."""
    data, node = crumb.data, crumb.node
    waited = number(data.get("timeAfterClickMs")) or 0.0
    tag = text(node.get("tagName"), 20).lower()
    clicks = count_of(data.get("clickCount"), 1)
    dead = data.get("endReason") == "timeout" and tag in _CLICKABLE and waited >= DEAD_CLICK_MS
    kind = (RAGE_CLICK if clicks >= RAGE_CLICKS else DEAD_CLICK) if dead else SLOW_CLICK
    mix[kind.replace("_", " ")] += 1
    shown = text(node.get("textContent"), 200)
    return Event(crumb.at, kind, crumb.message or tag, shown, took=waited, count=clicks)


def _multi_click(mix: Counter[str], crumb: Crumb) -> Event:
    mix["multi click"] += 1
    return Event(
        crumb.at, MULTI_CLICK, crumb.message, count=count_of(crumb.data.get("clickCount"), 2)
    )


def _mutations(mix: Counter[str], crumb: Crumb) -> Event:
    """`limit: true`: the SDK stopped recording here; `limit: false`: a large burst only."""
    stopped = crumb.data.get("limit") is True
    mix["recording stop" if stopped else "mutation burst"] += 1
    kind = RECORDING_STOPPED if stopped else MUTATIONS
    return Event(crumb.at, kind, "", count=count_of(crumb.data.get("count"), 0))


def _hydration_error(mix: Counter[str], crumb: Crumb) -> Event:
    mix["hydration error"] += 1
    return Event(crumb.at, HYDRATION_ERROR, text(crumb.data.get("url"), 2000))


def _feedback(mix: Counter[str], crumb: Crumb) -> Event:
    """The browser SDK writes only the feedback event's id; what the user wrote is kept when
    a breadcrumb carries it (a message, or `data.message`)."""
    mix["feedback"] += 1
    said = crumb.message or text(crumb.data.get("message"), 1000)
    return Event(crumb.at, FEEDBACK, text(crumb.data.get("feedbackId"), 64), said)


# -- mobile ----------------------------------------------------------------------------------


def _tap(mix: Counter[str], crumb: Crumb) -> Event:
    mix["tap"] += 1
    view = crumb.message or text(crumb.data.get("view.id"), 200)
    return Event(crumb.at, TAP, view or text(crumb.data.get("view.class"), 200))


def _gesture(word: str) -> Callable[[Counter[str], Crumb], Event]:
    def read(mix: Counter[str], crumb: Crumb) -> Event:
        mix["swipe" if word == "swipe" else "scroll gesture"] += 1
        view = crumb.message or text(crumb.data.get("view.id"), 200)
        view = view or text(crumb.data.get("view.class"), 200)
        direction = text(crumb.data.get("direction"), 20)
        return Event(crumb.at, SWIPE, view, direction, method=word)

    return read


def _battery(mix: Counter[str], crumb: Crumb) -> Event:
    mix["device change"] += 1
    level = number(crumb.data.get("level"))
    charging = crumb.data.get("charging")
    state = "charging" if charging is True else "not charging" if charging is False else ""
    shown = f"{level:.0f}%" if level is not None and 0 <= level <= 100 else ""
    return Event(crumb.at, DEVICE, "battery", ", ".join(p for p in (shown, state) if p))


def _connectivity(mix: Counter[str], crumb: Crumb) -> Event:
    mix["device change"] += 1
    return Event(crumb.at, DEVICE, "connectivity", text(crumb.data.get("state"), 30))


def _orientation(mix: Counter[str], crumb: Crumb) -> Event:
    mix["device change"] += 1
    return Event(crumb.at, DEVICE, "orientation", text(crumb.data.get("position"), 30))


def _app(state: str) -> Callable[[Counter[str], Crumb], Event]:
    def read(mix: Counter[str], crumb: Crumb) -> Event:
        mix["app state"] += 1
        return Event(crumb.at, APP_STATE, state)

    return read


BREADCRUMBS: dict[str, Callable[[Counter[str], Crumb], Event | None]] = {
    "ui.click": _click,
    "ui.input": _input,
    "ui.keyDown": _key,
    "navigation": _navigation,
    "console": _console,
    "ui.slowClickDetected": _slow_click,
    "ui.multiClick": _multi_click,
    "replay.mutations": _mutations,
    "replay.hydrate-error": _hydration_error,
    "sentry.feedback": _feedback,
    "ui.tap": _tap,
    "ui.swipe": _gesture("swipe"),
    "ui.scroll": _gesture("scroll"),
    "device.battery": _battery,
    "device.connectivity": _connectivity,
    "device.orientation": _orientation,
    "app.foreground": _app("foreground"),
    "app.background": _app("background"),
}


def _arguments(data: dict[str, Any]) -> str:
    args = data.get("arguments")
    if isinstance(args, list):
        return " ".join(a for a in args[:50] if isinstance(a, str))[:1000]
    return ""
