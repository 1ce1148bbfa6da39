"""The replay view's server side against the demo Sentry (in process), as a host that shows
MCP Apps sees it and as one that does not."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx2
import pytest
from mcp.server.mcpserver import MCPServer

from sentry_replays_mcp.server.app import build_server
from sentry_replays_mcp.server.config import Settings
from sentry_replays_mcp.server.demo import DemoSentry
from tests.conftest import DEMO_HOST_URL

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
SECRET = b"a secret of at least thirty-two bytes"
CHECKOUT = "cbbda8389eee4da3b0c1e7feeaf5b7a7"  # the demo's story replay (project checkout)
ANDROID = "ff83f860ab4043d38fd6f305adc9be15"
IOS = "a1e4ee949462481486b5f74bb28fb3f4"


@pytest.fixture(scope="module")
def view_demo() -> DemoSentry:
    return DemoSentry(now=NOW)


@pytest.fixture
def server_for(view_demo: DemoSentry) -> Callable[..., MCPServer[Any]]:
    """A server on the demo with a fixed clock and secret (so two servers answer alike)."""
    view_demo.reset()

    def build(**overrides: Any) -> MCPServer[Any]:
        settings = Settings(
            token=view_demo.token,
            url=DEMO_HOST_URL,
            organization="acme",
            secret=SECRET,
            **overrides,
        )
        transport = httpx2.ASGITransport(app=view_demo.app)
        return build_server(settings, transport=transport, clock=lambda: NOW)

    return build
