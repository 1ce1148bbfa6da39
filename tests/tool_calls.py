"""The public tool names, in the order clients list them (the one list the tests compare the
registry, the snapshots, the golden outputs and the docs against), and one valid call of each."""

from __future__ import annotations

from typing import Any

from sentry_replays_mcp.server.demo import DemoSentry

TOOL_NAMES = (
    "list_replays",
    "get_replay",
    "delete_replay",
    "list_recording_segments",
    "get_recording_segment",
    "summarize_replay",
    "list_selectors",
    "list_clicked_nodes",
    "list_replay_viewers",
    "count_replays",
)
READ_ONLY_TOOL_NAMES = tuple(name for name in TOOL_NAMES if name != "delete_replay")
# Every tool about one replay, with the other arguments it needs (the replay is added).
REPLAY_TOOLS = [
    ("get_replay", {}),
    ("summarize_replay", {}),
    ("list_recording_segments", {}),
    ("get_recording_segment", {"segment_id": 0}),
    ("list_clicked_nodes", {}),
    ("list_replay_viewers", {}),
    ("delete_replay", {}),
]


def replays_in(demo: DemoSentry, slug: str) -> list[str]:
    """The demo's replays in one project."""
    return [r.id for r in demo.data.replays if r.project.slug == slug]


def valid_calls(demo: DemoSentry, replay: str | None = None) -> dict[str, dict[str, Any]]:
    """One call per tool that succeeds against the demo (the delete is only a preview), about
    `replay` (by default the demo's story replay)."""
    replay = replay or demo.story_replay_id
    calls: dict[str, dict[str, Any]] = {
        "list_replays": {"limit": 5},
        "get_replay": {"replay_id": replay},
        "delete_replay": {"replay_id": replay},
        "list_recording_segments": {"replay_id": replay, "limit": 3},
        "get_recording_segment": {"replay_id": replay, "segment_id": 0},
        "summarize_replay": {"replay_id": replay},
        "list_selectors": {"limit": 5},
        "list_clicked_nodes": {"replay_id": replay, "limit": 5},
        "list_replay_viewers": {"replay_id": replay},
        "count_replays": {"issue_ids": [int(i) for i in demo.issue_ids[:3]]},
    }
    assert set(calls) == set(TOOL_NAMES), "a tool was added or removed: update valid_calls"
    return calls
