"""The view over the real program's streamable HTTP, with and without sessions and in both
protocol eras: a host that declares MCP Apps finds the view and its tools; what it finds
when the protocol cannot carry its declaration is said below. Real processes on 127.0.0.1."""

from __future__ import annotations

from typing import Any

import anyio
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from sentry_replays_mcp.server.view import VIEW_URI
from tests.conftest import text_of
from tests.e2e.program import KNOWN_REPLAY, running_server
from tests.view.apps_client import ShowsApps

pytestmark = pytest.mark.anyio
ERAS = {"auto": "2026-07-28", "legacy": "2025-11-25"}


async def view_seen(endpoint: str, mode: str) -> dict[str, Any]:
    with anyio.fail_after(60):
        client = Client(streamable_http_client(endpoint), mode=mode, extensions=[ShowsApps()])
        async with client as c:
            assert c.protocol_version == ERAS[mode]
            tools = {t.name: t.meta for t in (await c.list_tools()).tools}
            resources = [str(r.uri) for r in (await c.list_resources()).resources]
            timeline = await c.call_tool("replay_timeline", {"replay_id": KNOWN_REPLAY})
    return {"tools": tools, "resources": resources, "timeline": timeline}


@pytest.mark.parametrize("stateless", [False, True], ids=["sessions", "stateless"])
@pytest.mark.parametrize("mode", list(ERAS))
async def test_a_host_with_mcp_apps_finds_the_view_over_http(mode: str, stateless: bool):
    flags = ("--stateless",) if stateless else ()
    with running_server("streamable-http", *flags) as running:
        seen = await view_seen(running.endpoint, mode)
    if stateless and mode == "legacy":
        # 2025 clients declare capabilities once, at initialize: with no session the server
        # never sees them again, so it answers as to a client without MCP Apps.
        assert seen["tools"]["summarize_replay"] is None
        assert "replay_timeline" not in seen["tools"]
        assert seen["timeline"].is_error
        return
    assert seen["tools"]["summarize_replay"] == {"ui": {"resourceUri": VIEW_URI}}
    assert seen["tools"]["replay_events"]["ui"]["visibility"] == ["app"]
    assert VIEW_URI in seen["resources"]
    timeline = seen["timeline"]
    assert not timeline.is_error, text_of(timeline)
    kinds = {m["kind"] for m in timeline.structured_content["moments"]}
    assert {"request_failed", "error_event", "rage_click"} <= kinds
