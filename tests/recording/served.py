"""A private demo Sentry serving a recording built from SDK-shaped fixtures, for end-to-end
tests through `mcp.Client` of cases the demo's own replays do not have (a lost segment).

The recording replaces one ordinary demo replay's segments (through the demo's own
`long_replays` store, which serves pre-rendered segments); the demo answers every request
as it always does. Each call builds a new demo, so no other test sees the change."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sentry_replays_mcp.server.demo import DemoSentry
from sentry_replays_mcp.server.demo.long_replay import LongReplay

Segments = Callable[[float, int], list[list[dict[str, Any]]]]
"""Given the replay's start (ms since the epoch) and its segment count: the segments."""


def serve(segments_for: Segments, mobile: bool = False) -> tuple[DemoSentry, str]:
    """A new demo (sentry.io dialect) and the id of the replay that carries the recording."""
    demo = DemoSentry(dialect="sentry")
    data = demo.data
    special = {demo.story_replay_id, data.archived_replay_id, data.empty_replay_id}
    replay = next(
        r
        for r in data.replays
        if r.id not in special and not r.error_ids and 3 <= r.segment_count <= 12
    )
    if mobile:
        replay.browser = {"name": None, "version": None}
        replay.os = {"name": "Android", "version": "14"}
        replay.device = {
            "name": "Pixel 8",
            "brand": "Google",
            "model": "Pixel 8",
            "family": "Pixel",
        }
        replay.sdk = {"name": "sentry.java.android", "version": "8.1.0"}
    start = replay.started_at.timestamp() * 1000
    segments = segments_for(start, replay.segment_count)
    assert len(segments) == replay.segment_count
    body = [json.dumps(s, separators=(",", ":")).encode() for s in segments]
    demo.long_replays[replay.id] = LongReplay(replay=replay, segments=body)
    return demo, replay.id
