"""claude_desktop_config.example.json, filled in as the README says and launched exactly as
Claude Desktop would (command, args, env; no --demo), against a demo Sentry on loopback through
the real SENTRY_URL / SENTRY_AUTH_TOKEN / SENTRY_ORG configuration."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import anyio
import pytest
from mcp import Client, StdioServerParameters

from sentry_replays_mcp.server.demo import DemoSentry, serve_in_thread
from tests.conftest import text_of
from tests.e2e.program import READ_ONLY_TOOLS, ROOT

pytestmark = pytest.mark.anyio

PLACEHOLDER_COMMAND = "/ABSOLUTE/PATH/TO/sentry-replays-mcp/.venv/bin/sentry-replays-mcp"
THIS_CHECKOUTS_COMMAND = Path(sys.executable).parent / "sentry-replays-mcp"


def example_entry() -> dict:
    config = json.loads((ROOT / "claude_desktop_config.example.json").read_text())
    return config["mcpServers"]["sentry-replays"]


async def test_the_example_config_starts_a_working_read_only_server(tmp_path: Path):
    entry = example_entry()
    assert entry["command"] == PLACEHOLDER_COMMAND, "the README tells users to replace this"
    assert THIS_CHECKOUTS_COMMAND.exists(), "pip install -e . creates the console script"
    assert "--demo" not in entry["args"]
    demo = DemoSentry()
    with serve_in_thread(demo) as api:
        env = dict(entry["env"])
        filled_in = {
            "SENTRY_AUTH_TOKEN": demo.token,
            "SENTRY_ORG": demo.organization,
            "SENTRY_URL": api.removesuffix("/api/0/"),
        }
        assert set(filled_in) <= set(env), "the example must name these variables"
        env.update(filled_in)
        params = StdioServerParameters(
            command=str(THIS_CHECKOUTS_COMMAND),
            args=list(entry["args"]),
            env=env,
            cwd=str(tmp_path),  # Claude Desktop does not start it in the checkout
        )
        with anyio.fail_after(30):
            async with Client(params) as client:
                tools = {t.name for t in (await client.list_tools()).tools}
                listed = await client.call_tool("list_replays", {"limit": 3})
        seen = list(demo.requests)

    assert entry["env"]["SENTRY_READ_ONLY"] == "1"
    assert tools == READ_ONLY_TOOLS and "delete_replay" not in tools
    assert len(tools) == len(READ_ONLY_TOOLS) >= 8

    assert not listed.is_error, text_of(listed)
    assert listed.structured_content["organization"] == "acme"
    assert len(listed.structured_content["replays"]) == 3
    assert not text_of(listed).startswith("_Demo data"), "this is the real configuration path"
    replay_calls = [r for r in seen if "/organizations/acme/replays/" in r.path]
    assert replay_calls and all(r.authenticated and r.status == 200 for r in replay_calls)
