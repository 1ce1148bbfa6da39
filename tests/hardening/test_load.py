"""Load: the real program over streamable HTTP with 50 concurrent sessions of 20 calls, twice
(no failure, no leaked connection, memory flat after the second round, still healthy); over
stdio with 100 requests in flight at once; in process, no asyncio task left behind by many
sessions; and a cancelled call stops its upstream work.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import anyio
import httpx2
import pytest
import uvicorn
from mcp import Client, StdioServerParameters

from sentry_replays_mcp.server.app import build_server
from sentry_replays_mcp.server.config import Settings
from sentry_replays_mcp.server.demo import DemoSentry, serve_in_thread
from sentry_replays_mcp.server.demo.serving import bind_socket
from sentry_replays_mcp.server.http import http_app
from tests.e2e.program import ROOT, Running, running_server
from tests.hardening.watch import (
    SECRET_TOKEN,
    Watch,
    all_text,
    call,
    deletes,
    off_route,
    pages,
    watched,
)
from tests.waiting import cancel_when, until

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("watch")]

SESSIONS = 50
CALLS_PER_SESSION = 20
STDIO_IN_FLIGHT = 100
STORY = "cbbda8389eee4da3b0c1e7feeaf5b7a7"  # the demo's story replay
ISSUE = 5102938471  # one of the demo's issues
MIX: list[tuple[str, dict[str, Any]]] = [
    ("list_replays", {"limit": 5}),
    ("get_replay", {"replay_id": STORY}),
    ("count_replays", {"issue_ids": [ISSUE]}),
]


@pytest.fixture
def watch() -> Iterator[Watch]:
    """The servers under load are subprocesses (their stderr is scanned); this process only
    runs the clients, whose own DEBUG chatter would slow the load down: INFO is watched."""
    yield from watched(level=logging.INFO)


# -- what a process holds --------------------------------------------------------------------


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def open_sockets(pid: int) -> int:
    count = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        with contextlib.suppress(OSError):  # closed while listing
            count += os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:")
    return count


async def settled_sockets(pid: int, at_most: int, within: float = 20.0) -> int:
    """The process's socket count once it is down to `at_most` (closing takes a moment), or
    as it stands when the bound runs out."""
    await until(lambda: open_sockets(pid) <= at_most, within)
    return open_sockets(pid)


# -- streamable HTTP -------------------------------------------------------------------------


@dataclass
class Round:
    seconds: float = 0.0
    calls: int = 0
    failures: list[str] = field(default_factory=list)
    tools: Counter[str] = field(default_factory=Counter)


async def one_session(url: str, number: int, round_: Round) -> None:
    try:
        async with Client(url) as client:
            for step in range(CALLS_PER_SESSION):
                tool, args = MIX[(number + step) % len(MIX)]
                result = await call(client, tool, args)
                round_.calls += 1
                round_.tools[tool] += 1
                if result.is_error or result.structured_content is None:
                    round_.failures.append(f"{tool}: {all_text(result)[:200]}")
    except Exception as exc:  # a broken session is a failure, not a crash of the test
        round_.failures.append(f"session {number}: {exc!r}")


async def load_round(url: str) -> Round:
    round_ = Round()
    started = time.monotonic()
    with anyio.fail_after(120):
        async with anyio.create_task_group() as group:
            for number in range(SESSIONS):
                group.start_soon(one_session, url, number, round_)
    round_.seconds = time.monotonic() - started
    return round_


async def healthy(running: Running) -> bool:
    async with httpx2.AsyncClient(timeout=5) as http:
        answer = await http.get(running.base + "/healthz")
    return answer.status_code == 200 and answer.json()["ok"] is True


async def test_streamable_http_under_50_concurrent_sessions(watch: Watch):
    with running_server("streamable-http") as running:
        pid = running.proc.pid
        assert await healthy(running)
        await load_round_warm_up(running.endpoint, running)
        sockets_before = await settled_sockets(pid, 0, within=1.0)
        rss_before = rss_kb(pid)

        first = await load_round(running.endpoint)
        sockets_between = await settled_sockets(pid, sockets_before)
        rss_between = rss_kb(pid)
        second = await load_round(running.endpoint)
        sockets_after = await settled_sockets(pid, sockets_before)
        rss_after = rss_kb(pid)

        assert await healthy(running), "the server is not healthy after the load"
        assert running.proc.poll() is None, "the server died"
    watch.output("server stderr", running.stderr())

    figures = (
        f"{SESSIONS} sessions x {CALLS_PER_SESSION} calls, twice: "
        f"{first.seconds:.1f} s and {second.seconds:.1f} s; RSS {rss_before} kB -> "
        f"{rss_between} kB -> {rss_after} kB; sockets {sockets_before} -> {sockets_between} -> "
        f"{sockets_after}"
    )
    sys.stderr.write(f"\nload: {figures}\n")
    for round_ in (first, second):
        assert round_.calls == SESSIONS * CALLS_PER_SESSION, figures
        assert not round_.failures, (round_.failures[:5], running.stderr()[-3000:])
    assert sockets_between <= sockets_before and sockets_after <= sockets_before, figures
    assert rss_after <= rss_between * 1.2, f"memory grew by more than 20 %: {figures}"
    assert "Traceback" not in running.stderr()


async def load_round_warm_up(url: str, running: Running | None = None) -> None:
    """One session first: imports, caches and the event loop's own sockets are in place."""
    warm = Round()
    await one_session(url, 0, warm)
    assert not warm.failures, (warm.failures, running.stderr()[-3000:] if running else "")


# -- stdio -----------------------------------------------------------------------------------


async def test_stdio_with_100_requests_in_flight(watch: Watch):
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "sentry_replays_mcp.server", "--demo"], cwd=str(ROOT)
    )
    results: list[tuple[str, bool, str]] = []

    async def one(number: int) -> None:
        tool, args = MIX[number % len(MIX)]
        result = await call(client, tool, args)
        results.append((tool, bool(result.is_error), all_text(result)[:200]))

    with anyio.fail_after(60):
        async with Client(params) as client:
            async with anyio.create_task_group() as group:
                for number in range(STDIO_IN_FLIGHT):
                    group.start_soon(one, number)
            after = await call(client, "list_replays", {"limit": 1})
    assert len(results) == STDIO_IN_FLIGHT
    assert not [r for r in results if r[1]], [r for r in results if r[1]][:5]
    assert not after.is_error


# -- no task left behind, in process ---------------------------------------------------------


async def test_sessions_leave_no_task_or_connection_behind(watch: Watch):
    """Our HTTP app under uvicorn in this event loop: after 20 sessions of 5 calls (and one
    cancelled call), the loop holds no more tasks than before them, and no socket is open."""
    settings = Settings(demo=True, transport="streamable-http")
    server = build_server(settings)
    sock = bind_socket("127.0.0.1", 0)
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        http_app(server, settings), log_config=None, access_log=False, lifespan="on"
    )
    web = uvicorn.Server(config)
    url = f"http://127.0.0.1:{port}/mcp"
    with anyio.fail_after(60):
        async with anyio.create_task_group() as group:
            group.start_soon(lambda: web.serve(sockets=[sock]))
            assert await until(lambda: web.started), "uvicorn did not start"
            await load_round_warm_up(url)
            state = web.server_state  # uvicorn's own count of connections and requests
            closed = await until(lambda: not state.connections and not state.tasks)
            assert closed, "the warm-up's connections stayed open"
            before = len(asyncio.all_tasks())

            round_ = Round()
            async with anyio.create_task_group() as sessions:
                for number in range(20):
                    sessions.start_soon(few_calls, url, number, round_)
            async with Client(url) as client:  # cancelled once the server has its request
                asked, args = state.total_requests, {"replay_id": STORY}
                reached = await cancel_when(
                    lambda: state.total_requests > asked, call, client, "summarize_replay", args
                )
                assert reached, "the server never received the call"

            await until(lambda: len(asyncio.all_tasks()) <= before)
            after = len(asyncio.all_tasks())
            leftovers = [t.get_coro() for t in asyncio.all_tasks()][:20]
            web.should_exit = True
    sock.close()
    assert not round_.failures, round_.failures[:5]
    assert after <= before, f"{after - before} tasks left behind: {leftovers}"


async def few_calls(url: str, number: int, round_: Round) -> None:
    async with Client(url) as client:
        for step in range(5):
            tool, args = MIX[(number + step) % len(MIX)]
            result = await call(client, tool, args)
            if result.is_error:
                round_.failures.append(all_text(result)[:200])


# -- cancelling stops the upstream work ------------------------------------------------------


def slow_recording(demo: DemoSentry) -> None:
    """Recording pages that take 0.3 s each and always have a next page."""
    events = [[{"type": 4, "timestamp": 1, "data": {"href": "https://shop.example/"}}]] * 100
    demo.faults.add(
        path=r"recording-segments/$",
        status=200,
        body=events,
        delay=0.3,
        times=None,
        headers={"Link": '<http://x/?cursor=0:100:0>; rel="next"; results="true"; '
                         'cursor="0:100:0"'},
    )  # fmt: skip


@pytest.fixture(scope="module")
def slow_program() -> Iterator[tuple[DemoSentry, Running]]:
    """The real program over streamable HTTP; its Sentry is a loopback demo."""
    demo = DemoSentry(dialect="sentry", token=SECRET_TOKEN)
    with serve_in_thread(demo) as sentry_url:
        env = {"SENTRY_AUTH_TOKEN": SECRET_TOKEN, "SENTRY_URL": sentry_url, "SENTRY_ORG": "acme"}
        with running_server("streamable-http", env=env, demo=False) as running:
            yield demo, running


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_cancelling_a_call_over_http_stops_its_upstream_work(
    mode: str, slow_program: tuple[DemoSentry, Running], watch: Watch
):
    """Recording pages are slow: a summarize_replay the client cancels (the 2026 era aborts
    its POST, the legacy era sends notifications/cancelled) fetches no further page."""
    demo, running = slow_program
    demo.reset()
    slow_recording(demo)
    pid = running.proc.pid
    async with Client(running.endpoint, mode=mode) as client:
        await call(client, "list_replays", {"limit": 1})  # warm up
        sockets_before = open_sockets(pid)
        args = {"replay_id": demo.story_replay_id}
        asked = await cancel_when(lambda: pages(demo) >= 1, call, client, "summarize_replay", args)
        assert asked, "summarize_replay never asked for a recording page"
        at_cancel = pages(demo)
        await anyio.sleep(1.3)  # window: room for four more pages, had it gone on
        later = pages(demo)
        still = await call(client, "list_replays", {"limit": 1})
    sockets_after = await settled_sockets(pid, sockets_before)
    watch.output("server stderr", running.stderr())
    assert 1 <= at_cancel <= 3, at_cancel
    assert later - at_cancel <= 1, f"{later - at_cancel} pages fetched after the cancel"
    assert not still.is_error, all_text(still)
    assert sockets_after <= sockets_before
    assert not deletes(demo.requests) and not off_route(demo.requests)
    demo.reset()
