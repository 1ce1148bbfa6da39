"""Several server processes against one Sentry: the demo Sentry as a process of its own
(`python -m sentry_replays_mcp.server.demo --port 0`, as README "The demo Sentry on its
own"), and servers pointed at it with SENTRY_URL and its token, so that a deletion through one
server is seen by every other."""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from tests.conftest import text_of
from tests.e2e.program import ROOT, Running, running_server, server_env, stop

DEMO_PROGRAM = (sys.executable, "-m", "sentry_replays_mcp.server.demo")
SECRET = "s" * 16 + secrets.token_hex(16)  # 48 bytes, one per test run
OTHER_SECRET = "o" * 16 + secrets.token_hex(16)


def _first_line(proc: subprocess.Popen[str], timeout: float) -> str:
    box: list[str] = []
    assert proc.stdout is not None
    reader = threading.Thread(target=lambda: box.append(proc.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(timeout)
    assert box and box[0], "the demo Sentry printed nothing in time"
    return box[0]


@contextmanager
def demo_sentry() -> Iterator[dict[str, str]]:
    """One demo Sentry process; yields the environment that points a server at it."""
    proc = subprocess.Popen(
        [*DEMO_PROGRAM, "--port", "0"],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=server_env({"PYTHONUNBUFFERED": "1"}),
    )
    try:
        info = json.loads(_first_line(proc, 30))
        yield {
            "SENTRY_URL": str(info["base_url"]).split("/api/0", 1)[0],
            "SENTRY_AUTH_TOKEN": str(info["token"]),
            "SENTRY_ORG": str(info["organization"]),
        }
    finally:
        stop(proc, 10)  # type: ignore[arg-type]


@contextmanager
def server(sentry: dict[str, str], *args: str, secret: str | None = SECRET) -> Iterator[Running]:
    """A stateless streamable-HTTP server on that Sentry, with the shared secret (or none)."""
    env = dict(sentry)
    if secret is not None:
        env["SENTRY_MCP_SECRET"] = secret
    with running_server(
        "streamable-http", "--stateless", "--drain-seconds", "0", *args, env=env, demo=False
    ) as running:
        yield running


def client(running: Running, **options: Any) -> Client:
    """The SDK's client over streamable HTTP with an httpx2 client of our own."""
    http = httpx2.AsyncClient(timeout=httpx2.Timeout(30, read=120))
    return Client(streamable_http_client(running.endpoint, http_client=http), **options)


async def call(running: Running, tool: str, arguments: dict[str, Any], **options: Any) -> Any:
    """One tool call on a new connection to `running`."""
    async with client(running, **options) as c:
        return await c.call_tool(tool, arguments)


async def a_live_replay(running: Running) -> str:
    """A replay that is not deleted (the first of the second page, as the e2e tests)."""
    page = await call(running, "list_replays", {"limit": 3})
    assert not page.is_error, text_of(page)
    cursor = page.structured_content["next_cursor"]
    second = await call(running, "list_replays", {"limit": 3, "cursor": cursor})
    assert not second.is_error, text_of(second)
    return str(second.structured_content["replays"][0]["id"])
