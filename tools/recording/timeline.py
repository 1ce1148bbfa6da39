"""What a recording says, condensed: a digest of the event stream, a timeline that collapses
repeats ("12 clicks on button#next"), and evidence windows before each incident."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sentry_replays_mcp.tools import render as r
from sentry_replays_mcp.tools.recording import classifier as ev
from sentry_replays_mcp.tools.recording.classifier import (
    BROKEN,
    Event,
    Normalizer,
    Page,
    PageReader,
    count_segments,
    scan_page,
)

KEEP_EVENTS = 5_000  # normalised events kept per replay; incidents are kept beyond it
KEEP_INCIDENTS = 1_000
MERGE_GAP_MS = 30_000
CLICK_TO_PAGE_MS = 2_000
AFTER_INCIDENT_MS = 2_000

GROUPS: dict[str, frozenset[str]] = {
    "navigation": frozenset({ev.PAGE}),
    "clicks": frozenset({ev.CLICK, ev.MULTI_CLICK}),
    "inputs": frozenset({ev.INPUT}),
    "console": frozenset({ev.CONSOLE_ERROR, ev.CONSOLE_WARNING}),
    "network": frozenset({ev.REQUEST, ev.REQUEST_FAILED, ev.REQUEST_SLOW}),
    "frustration": frozenset({ev.SLOW_CLICK, ev.DEAD_CLICK, ev.RAGE_CLICK}),
    "errors": frozenset({ev.ERROR_EVENT, ev.CONSOLE_ERROR, ev.HYDRATION_ERROR}),
    "performance": frozenset({ev.WEB_VITAL, ev.MEMORY}),
    "other": frozenset({ev.MUTATIONS, ev.FEEDBACK}),
}
VITAL_NAMES = frozenset(ev.VITALS.values())
RATINGS = frozenset({"good", "needs-improvement", "poor"})
NAMES = {
    ev.PAGE: "page",
    ev.CLICK: "click",
    ev.INPUT: "input",
    ev.CONSOLE_ERROR: "console error",
    ev.CONSOLE_WARNING: "console warning",
    ev.REQUEST: "successful request",
    ev.REQUEST_FAILED: "failed request",
    ev.REQUEST_SLOW: "slow request",
    ev.SLOW_CLICK: "slow click",
    ev.DEAD_CLICK: "dead click",
    ev.RAGE_CLICK: "rage click",
    ev.MULTI_CLICK: "multi-click",
    ev.WEB_VITAL: "web vital",
    ev.MEMORY: "memory pressure warning",
    ev.HYDRATION_ERROR: "hydration error",
    ev.MUTATIONS: "mutation-limit warning",
    ev.FEEDBACK: "feedback report",
    ev.ERROR_EVENT: "linked error",
}
# Successful requests are only counted, and a multi-click repeats the rage click it belongs to.
DEFAULT_KINDS = frozenset().union(*GROUPS.values()) - {ev.REQUEST, ev.MULTI_CLICK}


@dataclass
class Digest:
    """Everything kept from a replay's recording, fed page by page."""

    origin_ms: float | None = None
    events: list[Event] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    dropped: Counter[str] = field(default_factory=Counter)
    segments: int = 0
    raw_events: int = 0
    metadata_rows: int = 0  # segment metadata instead of events (servers that follow the seed)
    normalizer: Normalizer = field(default_factory=Normalizer)
    _incidents: int = 0

    @property
    def malformed(self) -> int:
        return self.normalizer.malformed

    @property
    def mix(self) -> Counter[str]:
        return self.normalizer.mix

    def add_page(self, page: Page, first_segment: int = 0, segments: int | None = None) -> None:
        """One segment-list page (JSON text or bytes). `segments`, when the caller knows how
        many segments the page holds (from the paging), saves counting them."""
        scanned = scan_page(page)
        if scanned is None:
            self.read_page(page, first_segment)
            return
        decoded, tally = scanned
        for raw in decoded:
            if raw is BROKEN:
                self.normalizer.malformed += 1
            else:
                self.add(raw)
        for (kind, source), times in tally.items():
            self.normalizer.count(int(kind), int(source) if source else None, times)
            self.raw_events += times
        self.segments += count_segments(page) if segments is None else segments
        if page[-64:].rstrip()[-1:] not in ("]", b"]"):
            self.normalizer.malformed += 1  # a truncated page

    def read_page(self, page: Page, first_segment: int = 0) -> None:
        """Decode every event (the general, slower path): any key order, metadata rows."""
        text = page if isinstance(page, str) else bytes(page).decode("utf-8", errors="replace")
        reader = PageReader(text, first_segment)
        for segment, raw in reader:
            self.add(raw, segment)
        self.segments += reader.segments if not self.metadata_rows else 0
        self.normalizer.malformed += reader.malformed

    def add(self, raw: Any, segment: int | None = None) -> None:
        if (
            isinstance(raw, dict)
            and "type" not in raw
            and ("segmentId" in raw or "replayId" in raw)
        ):
            self.metadata_rows += 1
            return
        self.raw_events += 1
        event = self.normalizer.feed(raw, segment)
        if event is not None:
            self.keep(event)

    def keep(self, event: Event) -> None:
        self.counts[event.kind] += 1
        incident = event.kind in ev.INCIDENTS
        if len(self.events) < KEEP_EVENTS or (incident and self._incidents < KEEP_INCIDENTS):
            self.events.append(event)
            self._incidents += incident
        else:
            self.dropped[event.kind] += 1

    def finish(self) -> Digest:
        self.events.sort(key=lambda e: e.at)
        if self.origin_ms is None and self.events:
            self.origin_ms = self.events[0].at
        return self


def summarize_pages(
    pages: Iterable[tuple[Page, int]], origin_ms: float | None, total_segments: int | None = None
) -> Digest:
    """Digest already-downloaded segment-list pages (JSON text or bytes, first segment id).
    With `total_segments`, each page's segment count follows from the paging."""
    digest = Digest(origin_ms)
    listed = list(pages)
    for index, (page, first) in enumerate(listed):
        following = listed[index + 1][1] if index + 1 < len(listed) else total_segments
        digest.add_page(page, first, following - first if following is not None else None)
    return digest.finish()


@dataclass
class Entry:
    """One timeline line: an event, or a run of similar events collapsed into one."""

    first: Event
    last: Event
    count: int = 1
    targets: set[str] = field(default_factory=set)
    led_to: str | None = None  # the page a click opened

    def absorbs(self, event: Event) -> bool:
        if event.at - self.last.at > MERGE_GAP_MS or event.kind != self.first.kind:
            return False
        if event.kind == ev.INPUT:
            return True  # consecutive inputs: "typed into 3 fields"
        if event.kind in ev.INCIDENTS and event.kind != ev.CONSOLE_ERROR:
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
        if event.kind not in kinds or (event.kind == ev.WEB_VITAL and event.text == "good"):
            continue
        previous = entries[-1] if entries else None
        if previous is not None and previous.absorbs(event):
            previous.add(event)
        elif (
            previous is not None
            and event.kind == ev.PAGE
            and previous.first.kind == ev.CLICK
            and previous.led_to is None
            and event.at - previous.last.at <= CLICK_TO_PAGE_MS
        ):
            previous.led_to = event.target  # "click `Cart` → page `/cart`"
        else:
            entries.append(Entry(event, event, 1, {event.target}))
    return entries


def _selector(target: str) -> str:
    steps = [step.strip() for step in target.split(">")]
    short = ("… > " if len(steps) > 2 else "") + " > ".join(steps[-2:])
    return r.code(short or "?", 120)


def _seconds(ms: float | None) -> str:
    return f"{ms / 1000:.1f} s" if ms is not None else "?"


def describe(entry: Entry) -> str:
    """The entry as inert text: untrusted values inside code spans."""
    e, n = entry.first, entry.count
    quoted = f" {r.code(e.text, 60)}" if e.text else ""
    times = f"{n}× " if n > 1 else ""
    if e.kind == ev.PAGE:
        return f"{times}page {r.code(e.target, 160)}"
    if e.kind == ev.CLICK:
        opened = f" → page {r.code(entry.led_to, 160)}" if entry.led_to else ""
        return (f"{n} clicks on " if n > 1 else "click ") + _selector(e.target) + quoted + opened
    if e.kind == ev.INPUT:
        fields = len(entry.targets)
        where = _selector(e.target) if fields == 1 else f"{fields} fields"
        inputs = f" ({n} inputs)" if n > max(1, fields) else ""
        return f"typed into {where}{inputs} (values hidden)"
    if e.kind in (ev.CONSOLE_ERROR, ev.CONSOLE_WARNING):
        level = "error" if e.kind == ev.CONSOLE_ERROR else "warning"
        return f"{times}console {level} {r.code(e.text, 200)}"
    if e.kind in (ev.REQUEST, ev.REQUEST_FAILED, ev.REQUEST_SLOW):
        status = e.status if e.status is not None else "no response"
        took = f", {_seconds(e.took)}" if e.took is not None else ""
        slow = " slow" if e.kind == ev.REQUEST_SLOW else ""
        return f"{times}{e.method}{slow} {r.code(e.target, 160)} → {status}{took}"
    if e.kind == ev.RAGE_CLICK:
        return f"rage click on {_selector(e.target)}{quoted} ({e.count} clicks, no response)"
    if e.kind == ev.DEAD_CLICK:
        return f"dead click on {_selector(e.target)}{quoted} (no response in {_seconds(e.took)})"
    if e.kind == ev.SLOW_CLICK:
        return f"{times}slow click on {_selector(e.target)}{quoted} ({_seconds(e.took)})"
    if e.kind == ev.MULTI_CLICK:
        return f"{e.count} clicks in a row on {_selector(e.target)}"
    if e.kind == ev.WEB_VITAL:
        value = e.took
        shown = "" if value is None else f" {value:.3f}" if value < 1 else f" {value:.0f} ms"
        name = e.target if e.target in VITAL_NAMES else r.code(e.target, 20)
        rating = e.text if e.text in RATINGS else r.code(e.text or "unrated", 30)
        return f"{name}{shown} ({rating})"
    if e.kind == ev.MEMORY:
        return f"memory pressure: {r.data(e.text, 40)}"
    if e.kind == ev.HYDRATION_ERROR:
        return f"hydration error on {r.code(e.target, 160)}"
    if e.kind == ev.MUTATIONS:
        return f"{e.count} DOM mutations at once: the recording was throttled"
    if e.kind == ev.FEEDBACK:
        return "the user sent feedback"
    if e.kind == ev.ERROR_EVENT:
        issue = f" (issue {r.data(e.ref, 30)})" if e.ref else ""
        title = f": {r.code(e.text, 200)}" if e.text else ""
        return f"error event {e.target}{title}{issue}"
    return f"{r.data(e.kind, 30)} {r.code(e.target, 80)}"


def span(entry: Entry, origin: float) -> str:
    start = r.offset(entry.first.at - origin)
    if entry.count > 1 and entry.last.at - entry.first.at >= 1_000:
        return f"{start}–{r.offset(entry.last.at - origin)}"
    return start


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
        if event.kind not in ev.INCIDENTS:
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
