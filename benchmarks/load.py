"""Load phase of `benchmarks.compare`: both servers over streamable HTTP, many clients at once."""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx2

from benchmarks import tasks as T
from benchmarks.common import (
    CALL_TIMEOUT,
    OURS,
    PHASE_TIMEOUT,
    ROOT,
    SIDES,
    START_TIMEOUT,
    THEIRS,
    Side,
    demo_http,
    full_env,
    get_floor,
    mcp_client,
    rotate,
    side_env,
    summary,
)
from benchmarks.summarize_long_replay import BenchError, stop

# One call of a load client: (client index, call index, its connection) -> the call succeeded
MakeCall = Callable[[int, int, Any], Awaitable[bool]]


@contextlib.contextmanager
def http_server(
    side: Side, info: dict[str, Any], args: argparse.Namespace, logs: Path
) -> Iterator[tuple[str, int]]:
    """`side` over streamable HTTP on loopback: its URL and pid, stopped on exit."""
    log_path = logs / f"{side.name}.http.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, *side.http_args],
            env=full_env(side_env(side, info, args.spec)),
            cwd=str(ROOT),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            found = side.ready.search(log_path.read_text(errors="replace"))
            if found:
                break
            if proc.poll() is not None:
                tail = log_path.read_text(errors="replace")[-2000:]
                raise BenchError(f"{side.name} over HTTP exited early:\n{tail}")
            if time.monotonic() > deadline:
                raise BenchError(f"{side.name} over HTTP did not announce itself")
            time.sleep(0.05)
        yield found[1], proc.pid
    finally:
        stop(proc)


async def load(
    make_call: MakeCall,
    connect: Callable[[], contextlib.AbstractAsyncContextManager[Any]],
    clients: int,
    per_client: int,
) -> dict[str, Any]:
    """`clients` concurrent clients, each connected first, then `per_client` calls each."""
    ready = 0
    go = anyio.Event()
    all_ready = anyio.Event()
    seconds: list[float] = []
    errors: Counter[str] = Counter()
    finished: list[float] = []

    def arrived() -> None:
        nonlocal ready
        ready += 1
        if ready == clients:
            all_ready.set()

    async def worker(index: int) -> None:
        try:
            async with connect() as client:
                arrived()
                await go.wait()
                for i in range(per_client):
                    began = time.perf_counter()
                    try:
                        with anyio.fail_after(CALL_TIMEOUT):
                            ok = await make_call(index, i, client)
                        if not ok:
                            errors["error result"] += 1
                    except Exception as exc:  # counted, not raised: this is the measurement
                        errors[type(exc).__name__] += 1
                    seconds.append(time.perf_counter() - began)
                finished.append(time.perf_counter())
        except Exception as exc:
            errors[f"connect: {type(exc).__name__}"] += 1
            arrived()

    with anyio.fail_after(PHASE_TIMEOUT):
        async with anyio.create_task_group() as group:
            for index in range(clients):
                group.start_soon(worker, index)
            await all_ready.wait()
            began = time.perf_counter()
            go.set()
    wall = (max(finished) if finished else time.perf_counter()) - began
    done = len(seconds)
    return {
        "calls": done,
        "wall_s": wall,
        "calls_per_s": done / wall if wall > 0 else 0.0,
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "samples": [s * 1000 for s in seconds],
    }


def in_rotation(tasks: list[T.Task], index: int, i: int) -> T.Task:
    """The task of client `index`'s call `i`: every client walks the tasks from its own start."""
    return tasks[(index + i) % len(tasks)]


async def mcp_load(
    url: str, side: Side, tasks: list[T.Task], args: argparse.Namespace, failures: Counter[str]
) -> dict[str, Any]:
    """One round: `args.clients` MCP clients over streamable HTTP, the tasks in rotation."""
    messages: dict[str, str] = {}

    def connect() -> contextlib.AbstractAsyncContextManager[Any]:
        return mcp_client(url, failures, messages)

    async def call(index: int, i: int, client: Any) -> bool:
        chosen = side.call(in_rotation(tasks, index, i))
        result = await client.call_tool(chosen.tool, chosen.args)
        return not result.is_error

    return await load(call, connect, args.clients, args.per_client)


async def floor_load(
    http: httpx2.AsyncClient, tasks: list[T.Task], args: argparse.Namespace
) -> dict[str, Any]:
    """One round of the same requests made directly to the demo, as many at once."""

    @contextlib.asynccontextmanager
    async def shared() -> AsyncIterator[Any]:
        yield http

    async def floor(index: int, i: int, client: Any) -> bool:
        response = await get_floor(client, in_rotation(tasks, index, i).floor)
        return response.status_code == 200

    return await load(floor, shared, args.clients, args.per_client)


def cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU time of a live process (Linux /proc), else None."""
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def combine(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """Rounds of one side: the median round's calls/s, every error, latency over all calls."""
    kinds: Counter[str] = Counter()
    for one in rounds:
        kinds.update(one["error_kinds"])
    samples = [ms for one in rounds for ms in one.pop("samples")]
    return {
        "rounds": len(rounds),
        "calls": sum(one["calls"] for one in rounds),
        "calls_per_s": statistics.median(one["calls_per_s"] for one in rounds),
        "calls_per_s_rounds": [round(one["calls_per_s"], 1) for one in rounds],
        "errors": sum(kinds.values()),
        "error_kinds": dict(kinds),
        **({"latency": summary(samples)} if samples else {}),
    }


async def throughput(
    scenario: T.Scenario, info: dict[str, Any], args: argparse.Namespace, logs: Path
) -> dict[str, Any]:
    """Both servers up at once; rounds alternate ours / peer / direct HTTP."""
    tasks = scenario.tasks
    rounds: dict[str, list[dict[str, Any]]] = {"ours": [], "peer": [], "floor": []}
    failures = {name: Counter[str]() for name in SIDES}
    limits = httpx2.Limits(max_connections=args.clients)
    cpu: dict[str, dict[str, float]] = {w: {"server": 0.0, "demo": 0.0} for w in rounds}
    with (
        http_server(OURS, info, args, logs) as (ours_url, ours_pid),
        http_server(THEIRS, info, args, logs) as (peer_url, peer_pid),
    ):
        pids = {"ours": ours_pid, "peer": peer_pid, "floor": None}
        servers = {"ours": (ours_url, OURS), "peer": (peer_url, THEIRS)}
        async with demo_http(info, limits=limits) as http:
            for number in range(args.load_rounds):
                for who in rotate(list(rounds), number):
                    before = cpu_seconds(pids[who]), cpu_seconds(info["_demo_pid"])
                    if who == "floor":
                        result = await floor_load(http, tasks, args)
                    else:
                        url, side = servers[who]
                        result = await mcp_load(url, side, tasks, args, failures[who])
                    after = cpu_seconds(pids[who]), cpu_seconds(info["_demo_pid"])
                    for key, b, a in zip(("server", "demo"), before, after, strict=True):
                        if a is not None and b is not None:
                            cpu[who][key] += a - b
                    rounds[who].append(result)
                    print(
                        f"  load round {number + 1} {who}: {result['calls_per_s']:.0f} calls/s, "
                        f"{result['errors']} errors",
                        flush=True,
                    )
    out = {who: combine(values) for who, values in rounds.items()}
    for who, used in cpu.items():
        calls = out[who]["calls"] or 1
        out[who]["cpu_ms_per_call"] = {k: 1000 * v / calls for k, v in used.items()}
    for name in SIDES:
        out[name]["schema_invalid"] = sum(failures[name].values())
    return out
