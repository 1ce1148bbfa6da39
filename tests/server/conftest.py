"""Fixtures of the prompt and resource tests: one demo Sentry at a fixed "now", and an MCP
client connected to our server in each protocol era."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from mcp import Client

from sentry_replays_mcp.server.demo import DemoSentry
from tests.server.features_setup import ERAS, NOW, server_for


@pytest.fixture(scope="module")
def fixed_demo() -> DemoSentry:
    return DemoSentry(now=NOW)


@pytest.fixture(params=list(ERAS))
async def client(request: pytest.FixtureRequest, fixed_demo: DemoSentry) -> AsyncIterator[Client]:
    fixed_demo.reset()
    async with Client(server_for(fixed_demo), mode=request.param) as connected:
        assert connected.protocol_version == ERAS[request.param]
        yield connected
    fixed_demo.reset()
