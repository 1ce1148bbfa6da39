"""The Sentry token never appears in a result, an error, a log line at any level (httpx2's and
httpcore2's DEBUG logs included), an exception's repr or traceback, the demo's request log, or
the real program's stderr at --log-level DEBUG.

Every test here runs under a watch (`hardening.watching`): all loggers at DEBUG, every result,
exception and stderr handed to it, all scanned for the token. The other hardening modules run
under the same watch, so the faults, hostile arguments and hostile data are scanned too.
"""

from __future__ import annotations

import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client

from sentry_replays_mcp.server.app import build_server
from sentry_replays_mcp.server.config import Settings, load_settings
from sentry_replays_mcp.server.demo import DemoSentry, serve_in_thread
from sentry_replays_mcp.tools.api.client import SentryClient
from sentry_replays_mcp.tools.api.errors import SentryError
from sentry_replays_mcp.tools.api.transport import BearerAuth, RetryPolicy
from tests.e2e.program import ROOT, running_server
from tests.hardening.watch import (
    SECRET_TOKEN,
    TALLY,
    Watch,
    all_text,
    call,
    deletes,
    watched,
)
from tests.tool_calls import TOOL_NAMES, valid_calls

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("watch")]
FAST = RetryPolicy(attempts=3, backoff=0.01, max_backoff=0.05, max_rate_limit_wait=1.0)
HTTP_TOKEN = "mcp-caller-" + SECRET_TOKEN[-24:][::-1]  # a caller's token: as secret


@pytest.fixture
def watch() -> Iterator[Watch]:
    yield from watched(HTTP_TOKEN)


@pytest.fixture(scope="module")
def upstream() -> Iterator[tuple[DemoSentry, str]]:
    demo = DemoSentry(dialect="sentry", token=SECRET_TOKEN)
    with serve_in_thread(demo) as url:
        yield demo, url


@pytest.fixture
def sentry(upstream: tuple[DemoSentry, str]) -> Iterator[tuple[DemoSentry, str]]:
    demo, url = upstream
    demo.reset()
    yield demo, url
    demo.reset()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


FAULTS: dict[str, dict[str, Any]] = {
    "401": {"status": 401, "body": {"detail": "Invalid token"}},
    "403": {"status": 403, "body": {"detail": "You do not have permission"}},
    "400": {"status": 400, "body": {"sort": ["not a sortable field"]}},
    "404": {"status": 404, "body": {"detail": "The requested resource does not exist"}},
    "429": {"status": 429, "body": "Too many requests"},
    "500": {"status": 500, "body": {"detail": "Internal Error"}},
    "503": {"status": 503},
    "timeout": {"status": 200, "body": {"data": []}, "delay": 1.5},
    "HTML": {"status": 200, "body": "<html>login</html>", "content_type": "text/html"},
    "malformed": {"status": 200, "body": '{"data": [', "content_type": "application/json"},
    "too large": {"status": 200, "body": b"[" + b"0," * 600_000 + b"0]",
                  "content_type": "application/json"},
}  # fmt: skip


# -- the client's errors, and the objects that hold the token --------------------------------


def scan_exception(watch: Watch, error: BaseException) -> None:
    watch.exception(error)
    watch.output("str", str(error))
    for linked in (error.__cause__, error.__context__):
        if linked is not None:
            watch.exception(linked)
            watch.output("linked str", str(linked))


@pytest.mark.parametrize("fault", [*FAULTS, "refused"])
async def test_client_errors_and_their_reprs_hold_no_token(
    fault: str, sentry: tuple[DemoSentry, str], watch: Watch
):
    demo, url = sentry
    if fault == "refused":
        url = f"http://127.0.0.1:{closed_port()}/api/0/"
    else:
        demo.faults.add(path=r".*", times=None, **FAULTS[fault])
    async with SentryClient(
        url=url, token=SECRET_TOKEN, retry=FAST, timeout=1.0, max_body_bytes=1_000_000
    ) as client:
        for objects in (client, client._http, client._http.auth, client._transport):
            watch.output("object repr", repr(objects))
            watch.output("object str", str(objects))
        with anyio.fail_after(10), pytest.raises(SentryError) as caught:
            await client.list_replays("acme")
    scan_exception(watch, caught.value)
    assert caught.value.message
    watch.requests(demo)


def test_settings_and_auth_never_show_the_token(watch: Watch):
    settings = load_settings([], {"SENTRY_AUTH_TOKEN": SECRET_TOKEN, "MCP_HTTP_TOKEN": HTTP_TOKEN})
    for value in (settings, Settings(token=SECRET_TOKEN, http_token=HTTP_TOKEN)):
        watch.output("settings repr", repr(value))
        watch.output("settings str", str(value))
    watch.output("auth repr", repr(BearerAuth(SECRET_TOKEN)))
    assert settings.token == SECRET_TOKEN  # it is there; it is just never shown


# -- every tool, over real HTTP, logging at DEBUG --------------------------------------------


@pytest.mark.parametrize("platform", ["web", "android"])
async def test_every_tool_ok_and_failing_at_debug(
    sentry: tuple[DemoSentry, str], watch: Watch, platform: str
):
    """Every tool, answered and failing (401, 403, 500, timeout, connection refused), through
    the real HTTP stack (httpx2 and httpcore2 log at DEBUG), about the web story and about the
    demo's Android (video) replay."""
    demo, url = sentry
    replay = demo.story_replay_id
    if platform != "web":
        (replay,) = [r.id for r in demo.data.replays if r.platform == platform]
    calls = valid_calls(demo, replay)
    server = build_server(Settings(token=SECRET_TOKEN, url=url, organization="acme", timeout=1))
    refused = build_server(
        Settings(token=SECRET_TOKEN, url=f"http://127.0.0.1:{closed_port()}", organization="acme")
    )
    seen: dict[str, list[str]] = {}

    async def run_all(client: Client, label: str) -> None:
        async def one(tool: str) -> None:
            result = await call(client, tool, calls[tool])
            seen.setdefault(label, []).append(f"{tool}: {result.is_error}")

        with anyio.fail_after(20):
            async with anyio.create_task_group() as group:
                for tool in TOOL_NAMES:
                    group.start_soon(one, tool)

    async with Client(server) as client:
        await run_all(client, "ok")
    for fault in ("401", "403", "500", "timeout"):  # a session each: nothing remembered
        demo.faults.clear()
        demo.faults.add(path=r".*", times=None, **FAULTS[fault])
        async with Client(server) as client:
            await run_all(client, fault)
    async with Client(refused) as client:
        await run_all(client, "refused")
    watch.requests(demo)
    assert all(line.endswith("False") for line in seen["ok"]), seen["ok"]
    for label in ("401", "403", "500", "timeout", "refused"):
        assert all(line.endswith("True") for line in seen[label]), (label, seen[label])
    assert watch.log_records > 100, "DEBUG logging was not captured"
    assert not deletes(demo.requests)


@pytest.mark.parametrize(
    "status",
    [
        400,
        401,
        403,
        404,
        422,
        429,
        500,
        502,
    ],
)
async def test_an_upstream_that_echoes_the_token(
    status: int, sentry: tuple[DemoSentry, str], watch: Watch
):
    """A proxy in front of Sentry that echoes request headers in its error detail."""
    demo, url = sentry
    echoed = f"Authorization: Bearer {SECRET_TOKEN} is not allowed here"
    reset = {"X-Sentry-Rate-Limit-Reset": str(int(time.time()) + 60)}  # reported, not slept
    demo.faults.add(path=r".*", times=None, status=status,
                    body={"detail": echoed}, headers=reset if status == 429 else None)  # fmt: skip
    server = build_server(Settings(token=SECRET_TOKEN, url=url, organization="acme"))
    async with Client(server) as client:
        with anyio.fail_after(10):
            result = await client.call_tool("list_replays", {"limit": 5})
    leaked, watch.leaks[:] = list(watch.leaks), []  # judged here, not again by the fixture
    assert result.is_error
    assert SECRET_TOKEN not in all_text(result), all_text(result)
    assert not leaked, leaked


# -- the real program ------------------------------------------------------------------------


async def expect_error(client: Client, tool: str, arguments: dict[str, Any]) -> None:
    result = await call(client, tool, arguments)
    assert result.is_error, (tool, all_text(result))


async def test_the_program_over_stdio_at_debug_logs_no_token(
    sentry: tuple[DemoSentry, str], tmp_path: Path, watch: Watch
):
    demo, url = sentry
    calls = valid_calls(demo)
    stderr = []
    for name, sentry_url in (("upstream", url), ("refused", f"http://127.0.0.1:{closed_port()}")):
        log = tmp_path / f"{name}.log"
        params = StdioServerParameters(
            command=sys.executable,
            args=["-m", "sentry_replays_mcp.server", "--timeout", "1", "--log-level", "DEBUG"],
            cwd=str(ROOT),
            env={"SENTRY_AUTH_TOKEN": SECRET_TOKEN, "SENTRY_URL": sentry_url, "SENTRY_ORG": "acme"},
        )
        with log.open("w+") as errlog, anyio.fail_after(60):
            async with Client(stdio_client(params, errlog=errlog)) as client:
                if name == "refused":
                    result = await call(client, "list_replays", {"limit": 2})
                    assert result.is_error and "Could not connect" in all_text(result)
                else:
                    for tool in TOOL_NAMES:
                        result = await call(client, tool, calls[tool])
                        assert not result.is_error, (tool, all_text(result))
                    for fault in ("401", "403", "500", "timeout"):
                        demo.faults.clear()
                        demo.faults.add(path=r".*", times=None, **FAULTS[fault])
                        async with anyio.create_task_group() as group:
                            for tool in ("list_replays", "get_replay", "summarize_replay"):
                                group.start_soon(expect_error, client, tool, calls[tool])
                    demo.faults.clear()
        stderr.append(log.read_text())
    for text in stderr:
        watch.output("program stderr", text)
    assert "httpcore2" in stderr[0] and "DEBUG" in stderr[0], "no DEBUG log from the HTTP stack"
    assert "Traceback" not in "".join(stderr)
    watch.requests(demo)


async def test_the_program_over_http_keeps_both_tokens_to_itself(
    sentry: tuple[DemoSentry, str], watch: Watch
):
    """Streamable HTTP with a caller token: callers authenticate with theirs (the Sentry token
    is no caller credential), upstream requests carry the server's own token, and neither
    token is logged at DEBUG."""
    demo, url = sentry
    env = {
        "SENTRY_AUTH_TOKEN": SECRET_TOKEN,
        "SENTRY_URL": url,
        "SENTRY_ORG": "acme",
        "MCP_HTTP_TOKEN": HTTP_TOKEN,
    }
    with running_server("streamable-http", "--log-level", "DEBUG", env=env, demo=False) as running:
        async with httpx2.AsyncClient(timeout=10) as http:
            for bearer in (SECRET_TOKEN, "", "x" * 20):
                headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
                refused = await http.post(running.endpoint, headers=headers, json={})
                assert refused.status_code == 401, (bearer[:6], refused.status_code)
                watch.output("refusal", refused.text)
        headers = {"Authorization": f"Bearer {HTTP_TOKEN}"}
        with anyio.fail_after(30):
            async with (
                httpx2.AsyncClient(headers=headers, timeout=httpx2.Timeout(10, read=30)) as http,
                Client(streamable_http_client(running.endpoint, http_client=http)) as client,
            ):
                listed = await call(client, "list_replays", {"limit": 3})
                details = await call(client, "get_replay", {"replay_id": demo.story_replay_id})
                demo.faults.add(path=r".*", times=None, **FAULTS["403"])
                failed = await call(client, "get_replay", {"replay_id": demo.story_replay_id})
        demo.faults.clear()
    watch.output("program stderr", running.stderr())
    watch.requests(demo)
    assert not listed.is_error and not details.is_error, all_text(listed)
    assert failed.is_error and "HTTP 403" in all_text(failed)
    answered = [r for r in demo.requests if r.status == 200]
    assert answered and all(r.authenticated for r in answered), "a caller token went upstream"
    assert "DEBUG" in running.stderr()


def test_every_output_of_this_session_was_scanned():
    """The watches saw what the suite produced (figures for the record, and a sanity check)."""
    assert TALLY["watches"] > 0 and TALLY["outputs"] > 0 and TALLY["log_records"] > 0, TALLY
    sys.stderr.write(
        f"\nsecret watch: {TALLY['watches']} tests, {TALLY['outputs']} outputs, "
        f"{TALLY['log_records']} log records, {TALLY['chars']:,} characters scanned\n"
    )
