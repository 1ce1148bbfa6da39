"""The real program over stdio: spawned as Claude Desktop would, with the SDK's client."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import anyio
import pytest
from mcp import Client, StdioServerParameters

from tests.conftest import text_of

pytestmark = pytest.mark.anyio
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.parametrize("dialect", ["sentry", "spec"])
async def test_demo_over_stdio(dialect: str):
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "sentry_replays_mcp.server", "--demo", "--demo-dialect", dialect],
        cwd=str(ROOT),
    )
    with anyio.fail_after(60):
        async with Client(params) as client:
            tools = (await client.list_tools()).tools
            listed = await client.call_tool("list_replays", {"limit": 3})
            first = listed.structured_content["replays"][0]["id"]
            details = await client.call_tool("get_replay", {"replay_id": first})
            nxt = await client.call_tool(
                "list_replays", {"limit": 3, "cursor": listed.structured_content["next_cursor"]}
            )
    assert len(tools) == 10
    assert "Demo data" in text_of(listed) and not listed.is_error
    assert not details.is_error and first in text_of(details)
    assert {r["id"] for r in nxt.structured_content["replays"]}.isdisjoint(
        {r["id"] for r in listed.structured_content["replays"]}
    )


async def test_missing_token_is_a_clear_start_up_error():
    with anyio.fail_after(30):
        result = await anyio.run_process(
            [sys.executable, "-m", "sentry_replays_mcp.server"],
            check=False,
            cwd=str(ROOT),
            env={"PATH": "/usr/bin:/bin", "HOME": str(ROOT)},
        )
    assert result.returncode == 2
    assert b"SENTRY_AUTH_TOKEN" in result.stderr and b"--demo" in result.stderr
    assert result.stdout == b""


def test_claude_desktop_example_is_valid():
    config = json.loads((ROOT / "claude_desktop_config.example.json").read_text())
    server = config["mcpServers"]["sentry-replays"]
    assert server["command"] and isinstance(server["args"], list)
    assert set(server["env"]) >= {"SENTRY_AUTH_TOKEN", "SENTRY_ORG"}


def test_the_demo_default_organization_is_the_demo_data_sets():
    from sentry_replays_mcp.server.app import DEMO_ORGANIZATION
    from sentry_replays_mcp.server.demo import DEMO_ORG

    assert DEMO_ORGANIZATION == DEMO_ORG
