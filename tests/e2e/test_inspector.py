"""The real MCP inspector CLI (npm, pinned) against the program on stdio, SSE and HTTP.

The inspector is installed once into `.cache/inspector` (npm needed). Without npm these tests
skip, unless REQUIRE_INSPECTOR=1 (as in CI), which turns that into a failure.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.program import (
    ALL_TOOLS,
    INSPECTOR_PACKAGE,
    INSTALL_TIMEOUT,
    KNOWN_REPLAY,
    Running,
    ensure_inspector,
    run_and_wait,
    running_server,
)
from tests.readme import blocks, command_line, section

# The first test may install the inspector (bounded by INSTALL_TIMEOUT) before it runs.
pytestmark = pytest.mark.timeout(INSTALL_TIMEOUT + 120)

SERVER_SCRIPT = Path(sys.executable).parent / "sentry-replays-mcp"
STDIO_TARGET = [str(SERVER_SCRIPT), "--demo"]


@pytest.fixture(scope="session")
def inspector() -> Path:
    return ensure_inspector()


@pytest.fixture(scope="module")
def http_servers() -> Iterator[dict[str, Running]]:
    with ExitStack() as stack:
        yield {t: stack.enter_context(running_server(t)) for t in ("sse", "streamable-http")}


def inspect(inspector: Path, target: list[str], *options: str) -> Any:
    """Run `mcp-inspector --cli <target> <options>` and parse the JSON it prints."""
    result = run_and_wait([str(inspector), "--cli", *target, *options], timeout=60)
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"the inspector printed no JSON:\n{result.stdout}\n{result.stderr}")


def target_for(transport: str, servers: dict[str, Running]) -> list[str]:
    if transport == "stdio":
        return STDIO_TARGET
    flag = {"sse": "sse", "streamable-http": "http"}[transport]
    return [servers[transport].endpoint, "--transport", flag]


@pytest.mark.parametrize("transport", ["stdio", "sse", "streamable-http"])
def test_inspector_lists_and_calls(
    inspector: Path, http_servers: dict[str, Running], transport: str
):
    target = target_for(transport, http_servers)
    listed = inspect(inspector, target, "--method", "tools/list")
    called = inspect(
        inspector,
        target,
        *("--method", "tools/call", "--tool-name", "list_replays", "--tool-arg", "limit=2"),
    )
    assert {tool["name"] for tool in listed["tools"]} == ALL_TOOLS
    assert all(tool["inputSchema"]["type"] == "object" for tool in listed["tools"])
    assert called["isError"] is False
    replays = called["structuredContent"]["replays"]
    assert len(replays) == 2
    text = called["content"][0]["text"]
    assert text.startswith("_Demo data") and all(r["id"] in text for r in replays)
    assert called["structuredContent"]["next_cursor"]


def test_inspector_reads_the_known_replay(inspector: Path):
    result = inspect(
        inspector,
        STDIO_TARGET,
        *("--method", "tools/call", "--tool-name", "get_replay"),
        *("--tool-arg", f"replay_id={KNOWN_REPLAY}"),
    )
    assert result["isError"] is False
    assert result["structuredContent"]["id"] == KNOWN_REPLAY
    assert result["structuredContent"]["organization"] == "acme"
    assert KNOWN_REPLAY in result["content"][0]["text"]


@pytest.mark.parametrize(
    ("tool", "argument", "named"),
    [
        ("list_replays", "limit=1000", "limit"),
        ("get_replay", "replay_id=not-a-replay", "replay id"),
    ],
)
def test_inspector_shows_a_bad_argument_as_a_tool_error(
    inspector: Path, tool: str, argument: str, named: str
):
    result = inspect(
        inspector,
        STDIO_TARGET,
        *("--method", "tools/call", "--tool-name", tool, "--tool-arg", argument),
    )
    assert result["isError"] is True
    assert named in result["content"][0]["text"].lower()
    assert "structuredContent" not in result


def test_the_readme_recipe_prints_what_the_readme_shows(inspector: Path):
    """The README's inspector command, run as written (npx swapped for the installed copy of
    the same pinned package, the checkout's venv for this one's), prints the text shown."""
    text = section("The MCP inspector")
    recipe = command_line(blocks(text, "sh")[0])
    assert recipe[:4] == ["npx", "-y", INSPECTOR_PACKAGE, "--cli"], recipe
    argv = [str(SERVER_SCRIPT) if a == ".venv/bin/sentry-replays-mcp" else a for a in recipe[4:]]
    assert str(SERVER_SCRIPT) in argv, "the recipe does not start this checkout's server"
    result = run_and_wait([str(inspector), "--cli", *argv], timeout=60)
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    shown = blocks(text)[0]
    shown_text = shown.split('"text": "\n', 1)[1].split('"}],', 1)[0]
    assert printed["content"][0]["text"] == shown_text
    structured = printed["structuredContent"]
    assert f'"next_cursor": "{structured["next_cursor"]}"' in shown
    assert f'"id": "{structured["replays"][0]["id"]}"' in shown


def delete_call(inspector: Path, env: list[str], *arguments: str) -> Any:
    """delete_replay through the inspector's one-shot CLI: a new server process each time."""
    return inspect(
        inspector,
        [*env, *STDIO_TARGET],
        *("--method", "tools/call", "--tool-name", "delete_replay"),
        *("--tool-arg", f"replay_id={KNOWN_REPLAY}", *arguments),
    )


def test_inspector_previews_then_confirms_a_delete_with_a_shared_secret(inspector: Path):
    """Preview and confirm are two processes in the inspector's CLI: with SENTRY_MCP_SECRET the
    second accepts the first's code (and deletes, in its own demo data); without it the
    code is refused and the refusal names the setting."""
    shared = ["-e", f"SENTRY_MCP_SECRET={'k' * 40}"]
    preview = delete_call(inspector, shared)
    assert preview["isError"] is False, preview
    code = preview["structuredContent"]["confirmation_code"]
    assert code and preview["structuredContent"]["deleted"] is False
    confirmed = delete_call(inspector, shared, "--tool-arg", f"confirm={code}")
    assert confirmed["isError"] is False, confirmed
    assert confirmed["structuredContent"]["deleted"] is True

    unshared = delete_call(inspector, [])
    refused = delete_call(
        inspector, [], "--tool-arg", f"confirm={unshared['structuredContent']['confirmation_code']}"
    )
    text = refused["content"][0]["text"]
    assert refused["isError"] is True and "Nothing was deleted" in text
    assert "SENTRY_MCP_SECRET" in text
