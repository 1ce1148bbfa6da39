"""The timeline: events collapsed into entries ("12 clicks on button#next"), each described
as inert text, and evidence windows before each incident."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sentry_replays_mcp.tools.kit import text as r
from sentry_replays_mcp.tools.recording.kinds import (
    APP_STATE,
    CLICK,
    CONSOLE_ERROR,
    CONSOLE_WARNING,
    DEAD_CLICK,
    DEVICE,
    ERROR_EVENT,
    FEEDBACK,
    HYDRATION_ERROR,
    INCIDENTS,
    INPUT,
    KEY,
    MEMORY,
    MULTI_CLICK,
    MUTATIONS,
    PAGE,
    RAGE_CLICK,
    RECORDING_STOPPED,
    REQUEST,
    REQUEST_FAILED,
    REQUEST_SLOW,
    SCREEN,
    SLOW_CLICK,
    SWIPE,
    TAP,
    VITALS,
    WEB_VITAL,
    Event,
)
from sentry_replays_mcp.tools.recording.offsets import offset, offsets

MERGE_GAP_MS = 30_000
CLICK_TO_PAGE_MS = 2_000
AFTER_INCIDENT_MS = 2_000
VITAL_NAMES = frozenset(VITALS.values())
RATINGS = frozenset({"good", "needs-improvement", "poor"})


@dataclass
class Entry:
    """One timeline line: an event, or a run of similar events collapsed into one."""

    first: Event
    last: Event
    count: int = 1
    targets: set[str] = field(default_factory=set)
    led_to: str | None = None  # the page a click opened

    def __post_init__(self) -> None:
        if not self.targets:
            self.targets.add(self.first.target)

    def absorbs(self, event: Event) -> bool:
        if event.at - self.last.at > MERGE_GAP_MS or event.kind != self.first.kind:
            return False
        if event.kind == INPUT:
            return True  # consecutive inputs: "typed into 3 fields"
        if event.kind in INCIDENTS and event.kind != CONSOLE_ERROR:
            return False  # each failed request, rage click... stays visible
        same = (event.target, event.text, event.method) == (
            self.first.target,
            self.first.text,
            self.first.method,
        )
        return same and event.status == self.first.status

    def add(self, event: Event) -> None:
        self.last = event
        self.count += 1
        self.targets.add(event.target)


def collapse(events: Sequence[Event], kinds: frozenset[str]) -> list[Entry]:
    entries: list[Entry] = []
    for event in events:
        if event.kind not in kinds or (event.kind == WEB_VITAL and event.text == "good"):
            continue
        previous = entries[-1] if entries else None
        if previous is not None and previous.absorbs(event):
            previous.add(event)
        elif (
            previous is not None
            and _OPENS.get(previous.first.kind) == event.kind
            and previous.led_to is None
            and event.at - previous.last.at <= CLICK_TO_PAGE_MS
        ):
            previous.led_to = event.target  # "click `Cart` → page `/cart`"
        else:
            entries.append(Entry(event, event, 1, {event.target}))
    return entries


_OPENS = {CLICK: PAGE, TAP: SCREEN}  # a click that opened a page, a tap that opened a screen


def _selector(target: str) -> str:
    steps = [step.strip() for step in target.split(">")]
    short = ("… > " if len(steps) > 2 else "") + " > ".join(steps[-2:])
    return r.code(short or "?", 120)


def _seconds(ms: float | None) -> str:
    return f"{ms / 1000:.1f} s" if ms is not None else "?"


def _times(entry: Entry) -> str:
    """The "3× " before an entry that collapsed several events."""
    return f"{entry.count}× " if entry.count > 1 else ""


def _quoted(event: Event) -> str:
    """The element's text after its selector, when it has one."""
    return f" {r.code(event.text, 60)}" if event.text else ""


def _page(entry: Entry) -> str:
    word = "screen" if entry.first.kind == SCREEN else "page"
    return f"{_times(entry)}{word} {r.code(entry.first.target, 160)}"


def _opened(entry: Entry) -> str:
    word = "screen" if entry.first.kind == TAP else "page"
    return f" → {word} {r.code(entry.led_to, 160)}" if entry.led_to else ""


def _click(entry: Entry) -> str:
    e, n = entry.first, entry.count
    return (
        (f"{n} clicks on " if n > 1 else "click ")
        + _selector(e.target)
        + _quoted(e)
        + _opened(entry)
    )


def _tap(entry: Entry) -> str:
    n = entry.count
    view = r.code(entry.first.target or "?", 120)
    return (f"{n} taps on " if n > 1 else "tap on ") + view + _opened(entry)


def _swipe(entry: Entry) -> str:
    e = entry.first
    direction = f" {r.code(e.text, 20)}" if e.text else ""
    return f"{_times(entry)}{e.method or 'swipe'}{direction} on {r.code(e.target or '?', 120)}"


def _key(entry: Entry) -> str:
    e = entry.first
    return f"{_times(entry)}pressed {r.code(e.text, 30)} on {_selector(e.target)}"


def _device(entry: Entry) -> str:
    e = entry.first
    what = e.target if e.target in ("battery", "connectivity", "orientation") else "device"
    return f"{what}: {r.code(e.text or 'unknown', 40)}"


def _app_state(entry: Entry) -> str:
    if entry.first.target == "background":
        return "the app went to the background"
    return "the app came back to the foreground"


def _input(entry: Entry) -> str:
    n, fields = entry.count, len(entry.targets)
    where = _selector(entry.first.target) if fields == 1 else f"{fields} fields"
    inputs = f" ({n} inputs)" if n > max(1, fields) else ""
    return f"typed into {where}{inputs} (values hidden)"


def _console(entry: Entry) -> str:
    e = entry.first
    level = "error" if e.kind == CONSOLE_ERROR else "warning"
    return f"{_times(entry)}console {level} {r.code(e.text, 200)}"


def _request(entry: Entry) -> str:
    e = entry.first
    status = e.status if e.status else "no response"
    took = f", {_seconds(e.took)}" if e.took is not None else ""
    slow = " slow" if e.kind == REQUEST_SLOW else ""
    return f"{_times(entry)}{e.method}{slow} {r.code(e.target, 160)} → {status}{took}"


def _rage_click(entry: Entry) -> str:
    e = entry.first
    return f"rage click on {_selector(e.target)}{_quoted(e)} ({e.count} clicks, no response)"


def _dead_click(entry: Entry) -> str:
    e = entry.first
    return f"dead click on {_selector(e.target)}{_quoted(e)} (no response in {_seconds(e.took)})"


def _slow_click(entry: Entry) -> str:
    e = entry.first
    return f"{_times(entry)}slow click on {_selector(e.target)}{_quoted(e)} ({_seconds(e.took)})"


def _multi_click(entry: Entry) -> str:
    return f"{entry.first.count} clicks in a row on {_selector(entry.first.target)}"


def _web_vital(entry: Entry) -> str:
    e, value = entry.first, entry.first.took
    shown = "" if value is None else f" {value:.3f}" if value < 1 else f" {value:.0f} ms"
    name = e.target if e.target in VITAL_NAMES else r.code(e.target, 20)
    rating = e.text if e.text in RATINGS else r.code(e.text or "unrated", 30)
    return f"{name}{shown} ({rating})"


def _memory(entry: Entry) -> str:
    return f"memory pressure: {r.data(entry.first.text, 40)}"


def _hydration_error(entry: Entry) -> str:
    return f"hydration error on {r.code(entry.first.target, 160)}"


def _mutations(entry: Entry) -> str:
    return f"{entry.first.count} DOM mutations at once (a large burst; the recording went on)"


def _stopped(entry: Entry) -> str:
    burst = f" after {entry.first.count} DOM mutations at once" if entry.first.count else ""
    return f"the SDK stopped recording here{burst} (the rest of the session is missing)"


def _feedback(entry: Entry) -> str:
    e = entry.first
    if e.text:
        return f"the user sent feedback: {r.code(e.text, 300)}"
    ref = f" {r.code(e.target, 64)}" if e.target else ""
    return f"the user sent feedback (its text is in the feedback event{ref}, not the recording)"


def _error_event(entry: Entry) -> str:
    e = entry.first
    issue = f" (issue {r.data(e.ref, 30)})" if e.ref else ""
    title = f": {r.code(e.text, 200)}" if e.text else ""
    return f"error event {e.target}{title}{issue}"


_DESCRIBE: dict[str, Callable[[Entry], str]] = {
    PAGE: _page,
    CLICK: _click,
    INPUT: _input,
    CONSOLE_ERROR: _console,
    CONSOLE_WARNING: _console,
    REQUEST: _request,
    REQUEST_FAILED: _request,
    REQUEST_SLOW: _request,
    RAGE_CLICK: _rage_click,
    DEAD_CLICK: _dead_click,
    SLOW_CLICK: _slow_click,
    MULTI_CLICK: _multi_click,
    WEB_VITAL: _web_vital,
    MEMORY: _memory,
    HYDRATION_ERROR: _hydration_error,
    MUTATIONS: _mutations,
    RECORDING_STOPPED: _stopped,
    FEEDBACK: _feedback,
    SCREEN: _page,
    TAP: _tap,
    SWIPE: _swipe,
    KEY: _key,
    DEVICE: _device,
    APP_STATE: _app_state,
    ERROR_EVENT: _error_event,
}


def describe(entry: Entry) -> str:
    """The entry as inert text: untrusted values inside code spans."""
    describer = _DESCRIBE.get(entry.first.kind)
    if describer is None:
        e = entry.first
        return f"{r.data(e.kind, 30)} {r.code(e.target, 80)}"
    return describer(entry)


def span(entry: Entry, origin: float, start: str | None = None) -> str:
    """The entry's offset ('+0:48', or `start` when given), with its end when it collapsed
    events over a second or more."""
    first = start if start is not None else offset(entry.first.at - origin)
    if entry.count > 1 and entry.last.at - entry.first.at >= 1_000:
        return f"{first}–{offset(entry.last.at - origin)}"
    return first


def spans(entries: Sequence[Entry], origin: float) -> list[str]:
    """Every entry's offset, with tenths of a second where two start within one second."""
    starts = offsets([e.first.at for e in entries], origin)
    return [span(e, origin, s) for e, s in zip(entries, starts, strict=True)]


@dataclass
class Window:
    start: float
    end: float
    incidents: list[Event]


def windows(events: Sequence[Event], seconds: float) -> list[Window]:
    """Evidence windows: the `seconds` before each incident (and a little after), merged when
    they overlap."""
    found: list[Window] = []
    for event in events:
        if event.kind not in INCIDENTS:
            continue
        start, end = event.at - seconds * 1000, event.at + AFTER_INCIDENT_MS
        if found and start <= found[-1].end:
            found[-1].end = max(found[-1].end, end)
            found[-1].incidents.append(event)
        else:
            found.append(Window(start, end, [event]))
    return found


def in_window(events: Sequence[Event], window: Window) -> list[Event]:
    return [e for e in events if window.start <= e.at <= window.end]


def pick(entries: list[Entry], cap: int) -> list[Entry]:
    """At most `cap` entries: every problem and frustrated click, and the rest spread evenly
    over the session, in time order."""
    if len(entries) <= cap:
        return entries
    must = {RAGE_CLICK, DEAD_CLICK, *INCIDENTS}
    keep = {i for i, e in enumerate(entries) if e.first.kind in must}
    keep = set(sorted(keep)[:cap])
    rest = [i for i in range(len(entries)) if i not in keep]
    room = cap - len(keep)
    if room > 0 and rest:
        stride = len(rest) / room
        keep.update(rest[int(k * stride)] for k in range(room))
    return [entries[i] for i in sorted(keep)]
