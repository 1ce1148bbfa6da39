"""The recording engine: Sentry replay recordings in, plain data out.

`kinds` is the vocabulary; `classifier` turns raw rrweb events into `Event`s (breadcrumbs by
`crumbs`, performance spans by `spans`, one page view per navigation by `navigation`, single
values by `values`, the most common custom events of the quick path by `quick_custom`);
`offsets` writes times from the replay's start; `page_reader` reads a segment-list page
(`page_scan` cuts it into chunks of whole events, `page_rows` decodes a chunk with msgspec,
into `page_events` structs where it can, custom payloads as `payload`);
`digest` keeps what matters of a whole recording, page by page, and `bursts` folds the clicks
of a slow, dead or rage click into it;
`timeline` collapses, describes, picks and windows the events; `report` puts a digest's
problems and omissions in words; `segment` summarises one segment, and `segment_scan` reads
a page segment by segment into those summaries (chunked like `page_scan`).
Knows nothing of MCP or of the tools, which import what they need from here.
"""

from __future__ import annotations

from sentry_replays_mcp.tools.recording.digest import Digest, summarize_pages
from sentry_replays_mcp.tools.recording.kinds import (
    CLICK,
    CONSOLE_ERROR,
    CONSOLE_WARNING,
    DEAD_CLICK,
    DEFAULT_KINDS,
    ERROR_EVENT,
    FEEDBACK,
    GROUPS,
    HYDRATION_ERROR,
    INCIDENTS,
    INPUT,
    MEMORY,
    MULTI_CLICK,
    MUTATIONS,
    NAMES,
    PAGE,
    RAGE_CLICK,
    RECORDING_STOPPED,
    REQUEST,
    REQUEST_FAILED,
    REQUEST_SLOW,
    SLOW_CLICK,
    WEB_VITAL,
    Event,
)
from sentry_replays_mcp.tools.recording.report import left_out, problem_line
from sentry_replays_mcp.tools.recording.segment import (
    SegmentMoment,
    SegmentSummary,
    mix_text,
    summarize_segment,
)
from sentry_replays_mcp.tools.recording.timeline import (
    Entry,
    Window,
    collapse,
    describe,
    in_window,
    pick,
    span,
    spans,
    windows,
)

__all__ = [
    "CLICK",
    "CONSOLE_ERROR",
    "CONSOLE_WARNING",
    "DEAD_CLICK",
    "DEFAULT_KINDS",
    "ERROR_EVENT",
    "FEEDBACK",
    "GROUPS",
    "HYDRATION_ERROR",
    "INCIDENTS",
    "INPUT",
    "MEMORY",
    "MULTI_CLICK",
    "MUTATIONS",
    "NAMES",
    "PAGE",
    "RAGE_CLICK",
    "RECORDING_STOPPED",
    "REQUEST",
    "REQUEST_FAILED",
    "REQUEST_SLOW",
    "SLOW_CLICK",
    "WEB_VITAL",
    "Digest",
    "Entry",
    "Event",
    "SegmentMoment",
    "SegmentSummary",
    "Window",
    "collapse",
    "describe",
    "in_window",
    "left_out",
    "mix_text",
    "pick",
    "problem_line",
    "span",
    "spans",
    "summarize_pages",
    "summarize_segment",
    "windows",
]
