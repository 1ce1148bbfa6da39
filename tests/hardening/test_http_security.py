"""The HTTP transports as a caller on the network sees them: health check, Host/Origin checks,
the bearer token, the refusal to listen publicly without one, and stopping on a signal."""

from __future__ import annotations

import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client

from sentry_replays_mcp.server.demo import DemoSentry, serve_in_thread
from tests.conftest import text_of
from tests.e2e.program import (
    ALL_TOOLS,
    GRACEFUL_EXIT_CODES,
    INITIALIZE,
    ROOT,
    Running,
    run_and_wait,
    running_server,
    server_command,
    server_env,
)
from tests.waiting import until

pytestmark = pytest.mark.anyio

HTTP_TRANSPORTS = ["sse", "streamable-http"]
TOKEN = "e2e-caller-token-0123456789abcdef"
FOREIGN_HOST = "evil.example.com"
FOREIGN_ORIGIN = "http://evil.example.com"
GRACEFUL_SECONDS = 5  # server/http.py: in-flight calls get this long after a signal
MCP_HEADERS = {"Accept": "application/json, text/event-stream"}


@pytest.fixture(scope="module")
def plain() -> Iterator[dict[str, Running]]:
    """Servers with the default settings, one per HTTP transport."""
    with ExitStack() as stack:
        yield {t: stack.enter_context(running_server(t)) for t in HTTP_TRANSPORTS}


@pytest.fixture(scope="module")
def public_name() -> Iterator[dict[str, Running]]:
    """Servers that also answer to mcp.example.com (as behind a reverse proxy)."""
    extra = ("--allowed-host", "mcp.example.com", "--allowed-origin", "https://mcp.example.com")
    with ExitStack() as stack:
        yield {t: stack.enter_context(running_server(t, *extra)) for t in HTTP_TRANSPORTS}


@pytest.fixture(scope="module")
def guarded() -> Iterator[dict[str, Running]]:
    """Servers that require the caller token: by flag for one transport, by env for the other."""
    with ExitStack() as stack:
        yield {
            "streamable-http": stack.enter_context(
                running_server("streamable-http", "--http-token", TOKEN)
            ),
            "sse": stack.enter_context(running_server("sse", env={"MCP_HTTP_TOKEN": TOKEN})),
        }


async def status_of(server: Running, headers: dict[str, str] | None = None) -> int:
    """The status a first request to the server's MCP endpoint gets: POST initialize on /mcp,
    GET on /sse (an event stream, so only the status line and first bytes are read)."""
    with anyio.fail_after(10):
        async with httpx2.AsyncClient(timeout=httpx2.Timeout(5)) as http:
            if server.endpoint.endswith("/mcp"):
                response = await http.post(
                    server.endpoint, json=INITIALIZE, headers={**MCP_HEADERS, **(headers or {})}
                )
                return response.status_code
            async with http.stream("GET", server.endpoint, headers=headers) as response:
                if response.status_code == 200:
                    assert response.headers["content-type"].startswith("text/event-stream")
                    seen = ""
                    async for chunk in response.aiter_text():  # until the endpoint event
                        seen += chunk
                        if "event: endpoint" in seen or len(seen) > 10_000:
                            break
                    assert "event: endpoint" in seen, seen
                return response.status_code


@pytest.mark.parametrize("transport", HTTP_TRANSPORTS)
async def test_health_check_answers(plain: dict[str, Running], transport: str):
    with anyio.fail_after(10):
        async with httpx2.AsyncClient() as http:
            response = await http.get(plain[transport].base + "/healthz")
    assert response.status_code == 200
    assert response.json()["ok"] is True


@pytest.mark.parametrize("transport", HTTP_TRANSPORTS)
async def test_foreign_host_and_origin_are_refused(plain: dict[str, Running], transport: str):
    server = plain[transport]
    assert await status_of(server) == 200, "a plain loopback request must work"
    assert await status_of(server, {"Origin": f"http://127.0.0.1:{server.port}"}) == 200
    assert await status_of(server, {"Host": FOREIGN_HOST}) == 421
    assert await status_of(server, {"Host": f"{FOREIGN_HOST}:{server.port}"}) == 421
    assert await status_of(server, {"Origin": FOREIGN_ORIGIN}) == 403


@pytest.mark.parametrize("transport", HTTP_TRANSPORTS)
async def test_allowed_host_and_origin_are_accepted(
    public_name: dict[str, Running], transport: str
):
    server = public_name[transport]
    assert await status_of(server, {"Host": "mcp.example.com"}) == 200
    assert await status_of(server, {"Host": "mcp.example.com:443"}) == 200
    assert await status_of(server, {"Origin": "https://mcp.example.com"}) == 200
    assert await status_of(server, {"Host": FOREIGN_HOST}) == 421, "others stay refused"
    assert await status_of(server, {"Origin": FOREIGN_ORIGIN}) == 403


@pytest.mark.parametrize("transport", HTTP_TRANSPORTS)
async def test_the_caller_token_is_required(guarded: dict[str, Running], transport: str):
    server = guarded[transport]
    assert await status_of(server) == 401
    assert await status_of(server, {"Authorization": "Bearer " + "x" * len(TOKEN)}) == 401
    assert await status_of(server, {"Authorization": f"Bearer {TOKEN}-and-more"}) == 401
    assert await status_of(server, {"Authorization": TOKEN}) == 401, "the Bearer scheme is needed"
    assert await status_of(server, {"Authorization": f"Bearer {TOKEN}"}) == 200
    with anyio.fail_after(10):
        async with httpx2.AsyncClient() as http:
            refused = await http.post(server.base + "/messages/?session_id=x", json=INITIALIZE)
            health = await http.get(server.base + "/healthz")
    assert refused.status_code == 401, "every route but /healthz needs the token"
    assert refused.headers["www-authenticate"].startswith("Bearer")
    assert health.status_code == 200 and health.json()["ok"] is True


@pytest.mark.parametrize("transport", HTTP_TRANSPORTS)
async def test_the_health_check_is_behind_the_host_and_origin_checks_too(
    plain: dict[str, Running], transport: str
):
    url = plain[transport].base + "/healthz"
    with anyio.fail_after(10):
        async with httpx2.AsyncClient() as http:
            foreign_host = await http.get(url, headers={"Host": FOREIGN_HOST})
            foreign_origin = await http.get(url, headers={"Origin": FOREIGN_ORIGIN})
            fine = await http.get(url)
    assert foreign_host.status_code == 421 and foreign_origin.status_code == 403
    assert fine.status_code == 200


@pytest.mark.parametrize("transport", HTTP_TRANSPORTS)
async def test_two_authorization_or_host_headers_are_refused(
    guarded: dict[str, Running], transport: str
):
    """Which of two headers counts depends on who reads them (a proxy may check the first, the
    server the last): the request is refused, whatever the order."""
    server = guarded[transport]
    right, wrong = ("Authorization", f"Bearer {TOKEN}"), ("Authorization", "Bearer wrong")
    with anyio.fail_after(10):
        async with httpx2.AsyncClient() as http:
            statuses = []
            for pair in ([wrong, right], [right, wrong], [right, right]):
                headers = [*pair, *MCP_HEADERS.items()]
                response = await http.post(server.endpoint, json=INITIALIZE, headers=headers)
                statuses.append(response.status_code)
            health = await http.get(server.base + "/healthz", headers=[wrong, right])
        # Two Host headers: no HTTP client library sends them, so the request is written out.
        raw = (
            f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nHost: {FOREIGN_HOST}"
            "\r\nConnection: close\r\n\r\n"
        )
        async with await anyio.connect_tcp("127.0.0.1", server.port) as stream:
            await stream.send(raw.encode())
            answer = b""
            while b"\r\n" not in answer and len(answer) < 10_000:
                answer += await stream.receive()
    assert statuses == [400, 400, 400], statuses
    assert health.status_code == 400
    assert answer.split(b"\r\n")[0].split()[1] == b"400", answer[:200]
    assert await status_of(server, {"Authorization": f"Bearer {TOKEN}"}) == 200


@pytest.mark.parametrize("mode", ["auto", "legacy"])
@pytest.mark.parametrize("transport", HTTP_TRANSPORTS)
async def test_the_sdk_client_works_with_the_token(
    guarded: dict[str, Running], transport: str, mode: str
):
    server = guarded[transport]
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with anyio.fail_after(30):
        async with httpx2.AsyncClient(headers=auth, timeout=httpx2.Timeout(10, read=30)) as http:
            if transport == "sse":
                transport_cm: Any = sse_client(server.endpoint, headers=auth)
            else:
                transport_cm = streamable_http_client(server.endpoint, http_client=http)
            async with Client(transport_cm, mode=mode) as client:
                tools = {t.name for t in (await client.list_tools()).tools}
                listed = await client.call_tool("list_replays", {"limit": 2})
    assert tools == ALL_TOOLS
    assert not listed.is_error, text_of(listed)
    assert len(listed.structured_content["replays"]) == 2


@pytest.mark.parametrize("transport", HTTP_TRANSPORTS)
def test_a_public_address_without_a_token_is_refused(transport: str):
    result = run_and_wait(server_command(transport, "--host", "0.0.0.0"), timeout=30)
    assert result.returncode == 2, result.stderr
    assert "MCP_HTTP_TOKEN" in result.stderr and "0.0.0.0" in result.stderr
    assert "serving" not in result.stderr and "Traceback" not in result.stderr


async def test_a_public_address_with_insecure_no_auth_starts():
    with running_server("streamable-http", "--host", "0.0.0.0", "--insecure-no-auth") as server:
        assert server.url.startswith("http://0.0.0.0:")
        with anyio.fail_after(10):
            async with httpx2.AsyncClient() as http:  # loopback only, never the public address
                health = await http.get(server.base + "/healthz")
        assert health.status_code == 200
        assert await status_of(server) == 200, "no token is asked for"


@pytest.mark.parametrize(
    ("sentry_delay", "finishes"),
    [(1.0, True), (120.0, False)],
    ids=["call-finishes-in-grace-period", "call-is-cut-off"],
)
async def test_sigterm_during_a_call_stops_the_server_in_bounded_time(
    sentry_delay: float, finishes: bool
):
    """SIGTERM arrives while a tool call waits on a slow Sentry (the demo Sentry on loopback,
    reached through the real SENTRY_URL configuration). A call that ends within the grace
    period still gets its answer; a stuck one is cut off with an error, not left hanging;
    either way the server is gone within the grace period."""
    demo = DemoSentry()
    with serve_in_thread(demo) as api:
        slow = demo.faults.add(
            r"/replays/$", method="GET", status=200, body={"data": []}, delay=sentry_delay
        )
        env = {
            "SENTRY_URL": api.removesuffix("/api/0/"),
            "SENTRY_AUTH_TOKEN": demo.token,
            "SENTRY_ORG": demo.organization,
        }
        with running_server("streamable-http", env=env, demo=False, clean_exit=False) as server:
            outcome: dict[str, Any] = {}

            async def call() -> None:
                try:
                    async with Client(server.endpoint) as client:
                        await client.list_tools()  # the client validates results against them
                        outcome["result"] = await client.call_tool("list_replays", {"limit": 2})
                except Exception as error:  # the connection is cut
                    outcome["error"] = error

            with anyio.fail_after(GRACEFUL_SECONDS + 45):
                async with anyio.create_task_group() as tg:
                    tg.start_soon(call)
                    # the call has reached Sentry and is waiting
                    assert await until(lambda: slow.hits > 0), "the call never reached Sentry"
                    signalled = time.monotonic()
                    server.proc.send_signal(signal.SIGTERM)
                    code = await anyio.to_thread.run_sync(server.proc.wait, GRACEFUL_SECONDS + 30)
                    took = time.monotonic() - signalled
    # Far below the 120 s a stuck call would hold it, whatever the machine's load.
    assert took < GRACEFUL_SECONDS + 15, f"took {took:.1f}s to stop"
    assert code in GRACEFUL_EXIT_CODES, server.stderr()
    if finishes:
        assert "result" in outcome, f"the call should have been let finish: {outcome}"
        result = outcome["result"]
        assert not result.is_error, text_of(result)
        assert result.structured_content["replays"] == []
    else:
        assert "error" in outcome, f"the cut-off call must fail, got {outcome}"


# -- exit codes on signals --------------------------------------------------------------------


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
@pytest.mark.parametrize("transport", HTTP_TRANSPORTS)
async def test_a_signal_ends_the_http_server_with_exit_code_0(transport: str, signum: int):
    with running_server(transport, clean_exit=False) as server:
        assert await status_of(server) == 200  # serving, with a session open
        server.proc.send_signal(signum)
        code = server.proc.wait(15)
    assert code == 0, f"exit code {code}"
    assert "Traceback" not in server.stderr(), server.stderr()


INITIALIZE_LINE = (
    b'{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",'
    b'"capabilities":{},"clientInfo":{"name":"e2e","version":"0"}}}\n'
)


def stdio_stop(how: str, signum: int = signal.SIGTERM, within: float = 15) -> tuple[int, str]:
    """Start the stdio server, complete an initialize, then stop it `how` ("signal": send
    `signum` with stdin still open; "eof": close stdin, as MCP hosts do first). Returns the
    exit code and stderr; fails if it has not ended `within` seconds."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "sentry_replays_mcp.server", "--demo"],
        cwd=ROOT,
        env=server_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    try:
        proc.stdin.write(INITIALIZE_LINE)
        proc.stdin.flush()
        ready, _, _ = select.select([proc.stdout], [], [], 20)
        assert ready, "no answer to initialize within 20s"
        assert b'"protocolVersion"' in proc.stdout.readline()
        if how == "eof":
            proc.stdin.close()
        else:
            proc.send_signal(signum)
        try:
            code = proc.wait(within)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the stdio server was still running {within:g}s after {how}")
        return code, proc.stderr.read().decode()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)
        for pipe in (proc.stdin, proc.stdout, proc.stderr):
            pipe.close()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_ends_the_stdio_server_with_exit_code_0(signum: int):
    code, stderr = stdio_stop("signal", signum)
    assert code == 0, stderr
    assert "Traceback" not in stderr, stderr


# Keep this test last: module-scoped servers are stopped (and their clean exit checked) in the
# teardown of the module's last test, where an xfail marker would swallow such a failure.
def test_closing_stdin_ends_the_stdio_server_with_exit_code_0():
    code, stderr = stdio_stop("eof")
    assert code == 0, stderr
    assert "Traceback" not in stderr, stderr
