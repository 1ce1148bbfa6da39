"""Draining and several workers, on real processes: /readyz turns 503 on SIGTERM while the
server keeps serving for the drain period and /healthz stays 200 until the process ends;
`--workers 2` serves on one port, replaces a worker that dies and stops every worker on
SIGTERM."""

from __future__ import annotations

import os
import re
import signal
from pathlib import Path

import anyio
import httpx2
import pytest
from mcp import Client

from tests.conftest import text_of
from tests.e2e.program import Running, running_server
from tests.server.fleet import demo_sentry
from tests.waiting import until, until_sync

pytestmark = pytest.mark.anyio

LONG_DRAIN = {"MCP_DRAIN_SECONDS": "60"}  # ended by a second signal, never waited out
WORKER = re.compile(r"sentry-replays-mcp: worker started \(pid (\d+)\)")
SERVING = re.compile(r"sentry-replays-mcp: worker serving \(pid (\d+)\)")
TOKEN = "caller-token-for-tests-0123456789"


def status(running: Running, path: str, **headers: str) -> int | None:
    """The status of GET `path` on a new connection; None when nothing answers."""
    try:
        with httpx2.Client(timeout=5) as http:
            return http.get(running.base + path, headers=headers).status_code
    except httpx2.TransportError:
        return None


def alive(pid: int) -> bool:
    """The process exists and is not a zombie."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[0] != "Z"


def workers(running: Running) -> list[int]:
    return [int(m) for m in WORKER.findall(running.stderr())]


def serving(running: Running) -> set[int]:
    return {int(m) for m in SERVING.findall(running.stderr())}


async def one_call(running: Running) -> str:
    async with Client(running.endpoint) as c:
        await c.list_tools()  # the client checks results against them: asked before, not after
        result = await c.call_tool("list_replays", {"limit": 2})
        assert not result.is_error, text_of(result)
        return text_of(result)


async def test_readyz_turns_503_on_sigterm_while_healthz_and_calls_go_on():
    with running_server("streamable-http", "--stateless", env=LONG_DRAIN) as running:
        assert status(running, "/readyz") == 200 and status(running, "/healthz") == 200
        running.proc.send_signal(signal.SIGTERM)
        assert await until(lambda: status(running, "/readyz") == 503), running.stderr()
        assert status(running, "/healthz") == 200
        with anyio.fail_after(30):
            await one_call(running)  # still serving while a load balancer takes it out
        assert running.proc.poll() is None
        running.proc.send_signal(signal.SIGTERM)  # a second signal: no more drain
        assert await until(lambda: running.proc.poll() is not None)
        assert running.proc.returncode == 0
        assert status(running, "/healthz") is None


def test_a_short_drain_ends_by_itself_and_sigint_skips_it():
    for stop, drain in ((signal.SIGTERM, "1"), (signal.SIGINT, "60")):
        env = {"MCP_DRAIN_SECONDS": drain}
        with running_server("streamable-http", "--stateless", env=env) as running:
            assert status(running, "/readyz") == 200
            running.proc.send_signal(stop)
            assert until_sync(lambda r=running: r.proc.poll() is not None), running.stderr()
            assert running.proc.returncode == 0


def test_readyz_needs_no_caller_token_but_keeps_the_host_check():
    with running_server("streamable-http", "--stateless", "--http-token", TOKEN) as running:
        assert status(running, "/readyz") == 200
        assert status(running, "/mcp") == 401
        assert status(running, "/readyz", Host="evil.example.com") == 421


async def test_two_workers_serve_one_port_survive_a_crash_and_stop_together():
    args = ("--stateless", "--workers", "2")
    with running_server("streamable-http", *args, env=LONG_DRAIN) as running:
        assert "(stateless, 2 workers)" in running.stderr()
        assert until_sync(lambda: len(serving(running)) == 2), running.stderr()
        first, second = workers(running)
        assert serving(running) == {first, second}
        assert alive(first) and alive(second)
        with anyio.fail_after(60):
            for _ in range(4):
                await one_call(running)

            # a worker that dies is replaced, and the port keeps answering
            os.kill(first, signal.SIGKILL)
            assert await until(lambda: len(workers(running)) == 3), running.stderr()
            third = workers(running)[2]
            assert await until(lambda: third in serving(running)), running.stderr()
            assert not alive(first)
            await one_call(running)

            running.proc.send_signal(signal.SIGTERM)
            assert await until(lambda: status(running, "/readyz") == 503), running.stderr()
            assert [status(running, "/readyz") for _ in range(4)] == [503] * 4
            assert status(running, "/healthz") == 200
            assert alive(second) and alive(third)
            running.proc.send_signal(signal.SIGTERM)  # a second signal: no more drain
            assert await until(lambda: running.proc.poll() is not None), running.stderr()
        assert running.proc.returncode == 0
        assert not alive(second) and not alive(third)


async def test_a_call_in_flight_when_the_workers_stop_still_gets_its_answer():
    """SIGTERM to the supervisor while a call waits on a slow Sentry (the demo Sentry as its
    own process, answering the replay list after 2 s): the worker finishes the call, then
    every process ends."""
    with demo_sentry() as sentry:
        control = httpx2.Client(
            base_url=sentry["SENTRY_URL"],
            headers={"Authorization": f"Bearer {sentry['SENTRY_AUTH_TOKEN']}"},
            timeout=10,
        )
        slow = {"path": "/replays/$", "method": "GET", "status": 200, "body": {"data": []}}
        assert control.post("/__demo__/faults", json={**slow, "delay": 2.0}).status_code == 201

        def reached_sentry() -> bool:
            return any(f["hits"] > 0 for f in control.get("/__demo__/faults").json())

        args = ("--stateless", "--workers", "2")
        with running_server("streamable-http", *args, env=sentry, demo=False) as running:
            assert until_sync(lambda: len(serving(running)) == 2), running.stderr()
            outcome: dict[str, str] = {}

            async def call() -> None:
                outcome["text"] = await one_call(running)

            with anyio.fail_after(60):
                async with anyio.create_task_group() as group:
                    group.start_soon(call)
                    assert await until(reached_sentry), "the call never reached Sentry"
                    running.proc.send_signal(signal.SIGTERM)
                    assert await until(lambda: running.proc.poll() is not None)
            assert running.proc.returncode == 0
            assert "text" in outcome and "No replays" in outcome["text"], outcome
            assert not any(alive(pid) for pid in workers(running))
        control.close()
