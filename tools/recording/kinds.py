"""The recording's vocabulary: the normalised `Event` and its kinds, the groups the tools
filter by, and the names of what the event mix counts."""

from __future__ import annotations

import msgspec

# Kinds of normalised events.
PAGE, CLICK, INPUT = "page", "click", "input"
CONSOLE_ERROR, CONSOLE_WARNING = "console_error", "console_warning"
REQUEST, REQUEST_FAILED, REQUEST_SLOW = "request", "request_failed", "request_slow"
SLOW_CLICK, DEAD_CLICK, RAGE_CLICK, MULTI_CLICK = (
    "slow_click",
    "dead_click",
    "rage_click",
    "multi_click",
)
WEB_VITAL, MEMORY, HYDRATION_ERROR = "web_vital", "memory_pressure", "hydration_error"
MUTATIONS, FEEDBACK, ERROR_EVENT = "mutation_burst", "feedback", "error_event"
RECORDING_STOPPED = "recording_stopped"  # replay.mutations with limit: the SDK stopped there
KEY = "key"  # ui.keyDown: a special key or a shortcut (never a typed character)
# Mobile (video) replays.
SCREEN, TAP, SWIPE = "screen", "tap", "swipe"
DEVICE, APP_STATE = "device", "app_state"  # connectivity, battery, orientation; fore/background
INCIDENTS = frozenset(
    {
        CONSOLE_ERROR,
        REQUEST_FAILED,
        RAGE_CLICK,
        DEAD_CLICK,
        HYDRATION_ERROR,
        ERROR_EVENT,
        RECORDING_STOPPED,
    }
)


class Event(msgspec.Struct, gc=False):
    """A normalised event (a msgspec struct: built in C, several times faster than a
    dataclass; it holds only strings and numbers, so the garbage collector need not track
    it)."""

    at: float  # absolute time, ms since the epoch
    kind: str
    target: str = ""  # selector, URL or path, vital name
    text: str = ""  # element text, console message, rating
    status: int | None = None
    took: float | None = None  # ms
    count: int = 1
    method: str = ""
    segment: int | None = None
    ref: str = ""  # an issue id, for linked error events


GROUPS: dict[str, frozenset[str]] = {
    "navigation": frozenset({PAGE, SCREEN}),
    "clicks": frozenset({CLICK, MULTI_CLICK, TAP, SWIPE}),
    "inputs": frozenset({INPUT, KEY}),
    "console": frozenset({CONSOLE_ERROR, CONSOLE_WARNING}),
    "network": frozenset({REQUEST, REQUEST_FAILED, REQUEST_SLOW}),
    "frustration": frozenset({SLOW_CLICK, DEAD_CLICK, RAGE_CLICK}),
    "errors": frozenset({ERROR_EVENT, CONSOLE_ERROR, HYDRATION_ERROR}),
    "performance": frozenset({WEB_VITAL, MEMORY}),
    "device": frozenset({DEVICE, APP_STATE}),
    "other": frozenset({MUTATIONS, RECORDING_STOPPED, FEEDBACK}),
}
NAMES = {
    PAGE: "page",
    CLICK: "click",
    INPUT: "input",
    CONSOLE_ERROR: "console error",
    CONSOLE_WARNING: "console warning",
    REQUEST: "successful request",
    REQUEST_FAILED: "failed request",
    REQUEST_SLOW: "slow request",
    SLOW_CLICK: "slow click",
    DEAD_CLICK: "dead click",
    RAGE_CLICK: "rage click",
    MULTI_CLICK: "multi-click",
    WEB_VITAL: "web vital",
    MEMORY: "memory pressure warning",
    HYDRATION_ERROR: "hydration error",
    MUTATIONS: "large DOM mutation burst",
    RECORDING_STOPPED: "recording stop (mutation limit)",
    KEY: "key press",
    SCREEN: "screen",
    TAP: "tap",
    SWIPE: "swipe",
    DEVICE: "device change",
    APP_STATE: "app state change",
    FEEDBACK: "feedback report",
    ERROR_EVENT: "linked error",
}
# Successful requests are only counted, and a multi-click repeats the rage click it belongs to.
DEFAULT_KINDS = frozenset().union(*GROUPS.values()) - {REQUEST, MULTI_CLICK}

# rrweb's incremental sources, as the event mix names them.
SOURCES = {
    0: "mutation",
    1: "mouse move",
    2: "pointer",
    3: "scroll",
    4: "resize",
    5: "input change",
    6: "touch move",
    7: "media",
    8: "style",
    9: "canvas",
    10: "font",
    11: "log",
    12: "drag",
    13: "style",
    14: "selection",
    15: "style",
    16: "custom element",
}
# Web vitals by span op or description, and the short name they are shown by.
VITALS = {
    "largest-contentful-paint": "LCP",
    "cumulative-layout-shift": "CLS",
    "first-input-delay": "FID",
    "interaction-to-next-paint": "INP",
    "first-contentful-paint": "FCP",
    "time-to-first-byte": "TTFB",
    "lcp": "LCP",
    "cls": "CLS",
    "fid": "FID",
    "inp": "INP",
    "fcp": "FCP",
    "ttfb": "TTFB",
}

# Breadcrumb categories and span ops the SDKs write that a summary only counts, by the name the
# event mix gives them (sentry-javascript replay-internal, sentry-java, sentry-cocoa).
COUNTED_CATEGORIES = {
    "ui.blur": "blur",
    "ui.focus": "focus",
    "sentry.event": "sentry event",
    "sentry.transaction": "sentry transaction",
    "replay.throttled": "throttled",
    "fetch": "request",
    "xhr": "request",
    "http": "request",
}
COUNTED_OPS = {
    "paint": "paint",
    "resource.script": "asset load",
    "resource.img": "asset load",
    "resource.css": "asset load",
    "resource.link": "asset load",
    "resource.other": "asset load",
    "resource.beacon": "asset load",
    "resource.iframe": "asset load",
    "resource.navigation": "asset load",
}

# Counted kinds that are ours to name (anything else in a mix came from the recording).
KNOWN_KINDS = frozenset(
    {
        *SOURCES.values(),
        "other",
        "page load",
        "snapshot",
        "click",
        "input",
        "navigation",
        "console log",
        "console error",
        "console warning",
        "console warn",
        "console info",
        "console debug",
        "console assert",
        "slow click",
        "dead click",
        "rage click",
        "multi click",
        "mutation limit",
        "hydration error",
        "feedback",
        "request",
        "web vital",
        "memory",
        "custom",
        "breadcrumb",
        "span",
        "resource",
        "ui.keyDown",
        "ui.blur",
        "ui.focus",
        "ui.exit",
        "sentry.event",
        "sentry.transaction",
        "replay.throttled",
        "navigation.push",
        "paint",
        "blur",
        "focus",
        "sentry event",
        "sentry transaction",
        "throttled",
        "asset load",
        "key press",
        "tap",
        "swipe",
        "scroll gesture",
        "screen",
        "screen size",
        "device change",
        "app state",
        "video chunk",
        "mutation burst",
        "recording stop",
        "options",
    }
)
