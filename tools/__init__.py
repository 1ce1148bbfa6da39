"""The replay tools: one module per tool or small group, over the shared kit (`tools.kit`),
the Sentry client (`tools.api`) and the recording engine (`tools.recording`).

`ALL_TOOLS` is the registry, in the order the tools are listed to clients.
"""

from sentry_replays_mcp.tools import (
    clicks,
    count_replays,
    delete_replay,
    get_replay,
    list_replays,
    recording_segments,
    summarize_replay,
    viewers,
)
from sentry_replays_mcp.tools.kit.registry import ToolSpec, build_tools

ALL_TOOLS: list[ToolSpec] = [
    *list_replays.TOOLS,
    *get_replay.TOOLS,
    *delete_replay.TOOLS,
    *recording_segments.TOOLS,
    *summarize_replay.TOOLS,
    *clicks.TOOLS,
    *viewers.TOOLS,
    *count_replays.TOOLS,
]

__all__ = ["ALL_TOOLS", "ToolSpec", "build_tools"]
