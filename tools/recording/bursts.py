"""A slow, dead or rage click and the clicks it is made of, as one moment.

The browser SDK writes a `ui.click` breadcrumb for the first click on an element, and none for
the next clicks on the same element while they come less than a second apart (sentry-javascript
`packages/browser-utils/src/instrument/dom.ts`, `isSimilarToLastCapturedEvent`, the 1 s
debounce). The click detector then writes one `ui.slowClickDetected` with the first click's
timestamp, message and node, and `clickCount`: every click of the burst, counted from rrweb's
mouse-interaction events (`packages/replay-internal/src/coreHandlers/handleClick.ts`,
`ClickDetector._generateBreadcrumbs`). So the `ui.click` crumbs of a burst and its slow-click
crumb are the same clicks told twice: they are folded into the slow, dead or rage click, whose
`count` says how many clicks it was. Crumbs written for each click (as older recordings or
other writers may) are folded the same way while they come less than a second apart.
"""

from __future__ import annotations

from collections.abc import Sequence

from sentry_replays_mcp.tools.recording.kinds import (
    CLICK,
    DEAD_CLICK,
    RAGE_CLICK,
    SLOW_CLICK,
    Event,
)

BURSTS = frozenset({SLOW_CLICK, DEAD_CLICK, RAGE_CLICK})
DEBOUNCE_MS = 1_000  # the SDK's DOM breadcrumb debounce
SAME_MS = 1.0  # the click crumb and the slow-click crumb carry the same timestamp


def fold_bursts(events: Sequence[Event]) -> tuple[list[Event], int, int]:
    """The events (sorted by time) without the click crumbs that belong to a slow, dead or
    rage click; the number of crumbs folded, and the clicks the bursts were made of."""
    ordered = sorted(events, key=lambda e: (e.at, e.kind not in BURSTS))
    chains: dict[str, tuple[float, float]] = {}  # target -> (burst start, last click)
    kept: list[Event] = []
    folded = made_of = 0
    for event in ordered:
        if event.kind in BURSTS:
            chains[event.target] = (event.at, event.at)
            made_of += max(1, event.count)
        elif event.kind == CLICK and event.target in chains:
            start, last = chains[event.target]
            if start - SAME_MS <= event.at and event.at - last < DEBOUNCE_MS:
                chains[event.target] = (start, event.at)
                folded += 1
                continue
            del chains[event.target]
        kept.append(event)
    return kept, folded, made_of
