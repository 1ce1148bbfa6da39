"""`uvx --from <checkout> sentry-replays-mcp` (as the README's launcher lines, with the checkout
in place of the package index): uv builds the package and its dependencies into a throwaway
environment and starts the console script, which answers --version and serves the demo over
stdio to the SDK's client."""

from __future__ import annotations

import tomllib
from pathlib import Path

import anyio
import pytest
from mcp import Client, StdioServerParameters

from tests.e2e.program import READ_ONLY_TOOLS, ROOT, server_env
from tests.packaging.runners import ensure_uv, run, uv_environment

VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def uvx(uv: Path) -> list[str]:
    return [str(uv), "tool", "run", "--from", str(ROOT), "sentry-replays-mcp"]


def test_uvx_from_the_checkout_prints_the_version():
    uv = ensure_uv()
    result = run([*uvx(uv), "--version"], env=server_env(uv_environment()))
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == f"sentry-replays-mcp {VERSION}"


@pytest.mark.anyio
async def test_uvx_from_the_checkout_serves_the_demo(tmp_path: Path):
    uv = ensure_uv()
    command, *args = uvx(uv)
    params = StdioServerParameters(
        command=command,
        args=[*args, "--demo", "--read-only"],
        env=server_env(uv_environment()),
        cwd=str(tmp_path),
    )
    with anyio.fail_after(180):
        async with Client(params) as client:
            tools = {t.name for t in (await client.list_tools()).tools}
            listed = await client.call_tool("list_replays", {"limit": 2})
    assert tools == READ_ONLY_TOOLS
    assert not listed.is_error and len(listed.structured_content["replays"]) == 2
