"""Reading a segment-list page (`[[event, ...], [event, ...]]`, JSON text or bytes) event by
event, in linear time and bounded memory (`page_scan.PageScan` does the reading)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sentry_replays_mcp.tools.recording.page_scan import Page, PageScan, Stopped

__all__ = ["Page", "PageReader", "PageScan", "Stopped"]


class PageReader:
    """Iterates `(segment_id, event)` over every event of a page, whatever its key order.

    Accepts the sentry.io shape `[[e, e], [e]]` and a bare event array `[e, e]` (one
    segment's download). Anything unreadable is counted in `malformed` and skipped; when a
    part of the page could not be read at all, `problem` says where, in one sentence.
    """

    def __init__(self, text: Page, first_segment: int = 0) -> None:
        self.scan = PageScan(text, first_segment, everything=True)

    @property
    def malformed(self) -> int:
        return self.scan.malformed

    @property
    def segments(self) -> int:
        return self.scan.segments

    @property
    def metadata(self) -> list[dict[str, Any]]:
        return self.scan.metadata

    @property
    def problem(self) -> str | None:
        return self.scan.problem

    def __iter__(self) -> Iterator[tuple[int, Any]]:
        return iter(self.scan)
