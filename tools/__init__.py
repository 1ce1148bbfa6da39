"""The replay tools, one module per group; `ALL_TOOLS` is the registry."""

from sentry_replays_mcp.tools import (
    counts,
    delete,
    interactions,
    recordings,
    replay,
    replays,
    summarize,
)
from sentry_replays_mcp.tools.registry import ToolSpec, build_tools

ALL_TOOLS: list[ToolSpec] = [
    *replays.TOOLS,
    *replay.TOOLS,
    *delete.TOOLS,
    *recordings.TOOLS,
    *summarize.TOOLS,
    *interactions.TOOLS,
    *counts.TOOLS,
]

__all__ = ["ALL_TOOLS", "ToolSpec", "build_tools"]
