"""The replay tools: one module per tool or small group, over the shared kit (`tools.kit`),
the Sentry client (`tools.api`) and the recording engine (`tools.recording`).

`ALL_TOOLS` is the registry, in the order the tools are listed to clients. `VIEW_TOOLS` are
the replay view's own (an MCP App): listed only to hosts that show it, and only to the view.
"""

from sentry_replays_mcp.tools import (
    clicks,
    count_replays,
    delete_replay,
    get_replay,
    list_replays,
    recording_segments,
    replay_view,
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

VIEW_TOOLS: list[ToolSpec] = [*replay_view.TOOLS]

__all__ = ["ALL_TOOLS", "VIEW_TOOLS", "ToolSpec", "build_tools"]
