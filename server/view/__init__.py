"""The replay view: an MCP App (the `io.modelcontextprotocol/ui` extension, SEP-1865) that
hosts such as Claude show beside the chat when summarize_replay or get_replay runs.

`replay.html` is built from `ui/` by `scripts/build_view.py` (one self-contained document:
the hosts' Content-Security-Policy lets it load nothing). It is served as the `ui://` resource
below; summarize_replay and get_replay name it in `_meta.ui.resourceUri`, and the view's own
tools (`tools.VIEW_TOOLS`) carry visibility ["app"]. All of it is shown only to clients that
declare the extension: for the others, tools/list, resources/list and every tool's output are
what they were without the view (`ReplayServer` in server/app.py)."""

from __future__ import annotations

from collections.abc import Sequence
from importlib.resources import files

from mcp.server.apps import Apps, ResourceCsp
from mcp.server.mcpserver.tools import Tool

VIEW_URI = "ui://sentry-replays/replay.html"
LINKED_TOOLS = frozenset({"summarize_replay", "get_replay"})
VIEW_DESCRIPTION = (
    "The replay view: a replay's timeline (pages, clicks, requests, errors, frustrated clicks) "
    "and, for web replays, the session itself in a player."
)


def view_html() -> str:
    return files(__package__).joinpath("replay.html").read_text(encoding="utf-8")


# The view reaches no origin at all: every list empty, so hosts apply their strictest policy
# (connect-src 'none', no external scripts, styles, images or frames, base-uri 'self').
NO_DOMAINS = ResourceCsp(
    connect_domains=[], resource_domains=[], frame_domains=[], base_uri_domains=[]
)


def view_extension() -> Apps:
    """The extension, advertised in the server's capabilities, with the view's resource."""
    apps = Apps()
    apps.add_html_resource(
        VIEW_URI,
        view_html(),
        name="replay-view",
        title="Replay view",
        description=VIEW_DESCRIPTION,
        csp=NO_DOMAINS,
        prefers_border=True,
    )
    return apps


def link(tools: Sequence[Tool], view_tools: frozenset[str]) -> None:
    """Name the view in the linked tools' `_meta.ui`, and make the view's own tools app-only."""
    for tool in tools:
        if tool.name in LINKED_TOOLS:
            tool.meta = {"ui": {"resourceUri": VIEW_URI}}
        elif tool.name in view_tools:
            tool.meta = {"ui": {"resourceUri": VIEW_URI, "visibility": ["app"]}}
