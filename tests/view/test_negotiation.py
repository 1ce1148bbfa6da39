"""The replay view is offered only to hosts that declare MCP Apps (ext-apps specification
2026-01-26, "Client<>Server Capability Negotiation"): they see the `ui://` resource, the
`_meta.ui` link on summarize_replay and get_replay and the view's app-only tools. Every other
client lists and gets, byte for byte, what it would from a server without the view."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from mcp import Client
from mcp.server.mcpserver import MCPServer

from sentry_replays_mcp.server.demo import DemoSentry
from sentry_replays_mcp.server.view import VIEW_URI
from tests.tool_calls import TOOL_NAMES, valid_calls
from tests.view.apps_client import APP_MIME_TYPE, ShowsApps
from tests.view.conftest import CHECKOUT

pytestmark = pytest.mark.anyio
Build = Callable[..., MCPServer[Any]]
VIEW_TOOLS = ("replay_timeline", "replay_events")


CODE = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{8}-[0-9a-f]{12}\b")


def dumped(value: Any) -> str:
    """The result as JSON; delete_replay's confirmation code (random, single-use) masked."""
    text = json.dumps(value.model_dump(mode="json", by_alias=True, exclude_none=True))
    return CODE.sub("<code>", text)


async def test_a_host_with_mcp_apps_sees_the_view(server_for: Build):
    async with Client(server_for(), extensions=[ShowsApps()]) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        resources = {str(r.uri): r for r in (await client.list_resources()).resources}
        read = await client.read_resource(VIEW_URI)
        capabilities = client.server_capabilities
    assert tools["summarize_replay"].meta == {"ui": {"resourceUri": VIEW_URI}}
    assert tools["get_replay"].meta == {"ui": {"resourceUri": VIEW_URI}}
    for name in VIEW_TOOLS:
        assert tools[name].meta == {"ui": {"resourceUri": VIEW_URI, "visibility": ["app"]}}
    others = set(TOOL_NAMES) - {"summarize_replay", "get_replay"}
    assert all(tools[name].meta is None for name in others)
    assert resources[VIEW_URI].mime_type == APP_MIME_TYPE
    no_domains = {
        "connectDomains": [],
        "resourceDomains": [],
        "frameDomains": [],
        "baseUriDomains": [],
    }
    assert resources[VIEW_URI].meta == {"ui": {"csp": no_domains, "prefersBorder": True}}
    (content,) = read.contents
    assert content.mime_type == APP_MIME_TYPE
    assert content.meta == resources[VIEW_URI].meta
    assert content.text.lstrip().lower().startswith("<!doctype html>")  # type: ignore[union-attr]
    assert capabilities.extensions is not None
    assert "io.modelcontextprotocol/ui" in capabilities.extensions


async def test_a_client_without_mcp_apps_lists_what_a_server_without_the_view_lists(
    server_for: Build,
):
    async with Client(server_for()) as with_view, Client(server_for(ui=False)) as without:
        assert dumped(await with_view.list_tools()) == dumped(await without.list_tools())
        assert dumped(await with_view.list_resources()) == dumped(await without.list_resources())
        names = [t.name for t in (await with_view.list_tools()).tools]
    assert names == list(TOOL_NAMES)


async def test_every_tool_answers_alike_with_and_without_the_view(
    server_for: Build, view_demo: DemoSentry
):
    """Byte for byte, for a host that shows MCP Apps too: the view reads its own tools, so the
    model's outputs never change."""
    calls = valid_calls(view_demo, CHECKOUT)
    async with (
        Client(server_for()) as plain,
        Client(server_for(), extensions=[ShowsApps()]) as shows,
        Client(server_for(ui=False)) as without,
    ):
        for name, arguments in calls.items():
            expected = dumped(await without.call_tool(name, arguments))
            assert dumped(await plain.call_tool(name, arguments)) == expected, name
            assert dumped(await shows.call_tool(name, arguments)) == expected, name


@pytest.mark.parametrize("name", VIEW_TOOLS)
async def test_the_view_tools_are_refused_to_a_client_without_mcp_apps(
    server_for: Build, view_demo: DemoSentry, name: str
):
    async with Client(server_for()) as client:
        view_demo.requests.clear()
        result = await client.call_tool(name, {"replay_id": CHECKOUT})
    assert result.is_error
    text = result.content[0].text  # type: ignore[union-attr]
    assert text == (
        f"{name} serves the replay view, which only hosts that show MCP Apps (the "
        "io.modelcontextprotocol/ui extension) display; this client did not ask for it."
    )
    assert view_demo.requests == []  # refused before any request to Sentry


async def test_no_ui_offers_nothing_of_the_view_even_to_a_host_with_mcp_apps(server_for: Build):
    async with Client(server_for(ui=False), extensions=[ShowsApps()]) as client:
        tools = (await client.list_tools()).tools
        resources = (await client.list_resources()).resources
        capabilities = client.server_capabilities
        refused = await client.call_tool("replay_timeline", {"replay_id": CHECKOUT})
    assert [t.name for t in tools] == list(TOOL_NAMES)
    assert all(t.meta is None for t in tools)
    assert not any(str(r.uri).startswith("ui://") for r in resources)
    assert not (capabilities.extensions or {}).get("io.modelcontextprotocol/ui")
    assert refused.is_error
