"""The public tool names, in the order clients list them: the one list the tests compare the
registry, the published snapshots and the docs against."""

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
