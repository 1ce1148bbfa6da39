"""One raw rrweb event read as the engine reads it, and its timeline line."""

from __future__ import annotations

from sentry_replays_mcp.tools.recording import kinds as ev
from sentry_replays_mcp.tools.recording.classifier import Normalizer
from sentry_replays_mcp.tools.recording.timeline import Entry, describe


def one(raw: dict) -> ev.Event:
    """The event `raw` reads as (it must read as one)."""
    event = Normalizer().feed(raw)
    assert event is not None
    return event


def line(event: ev.Event) -> str:
    """The event's line in a timeline, on its own."""
    return describe(Entry(event, event))
