"""Benchmark: this server against FastMCP's OpenAPI generator on the seed spec, in one run.

Starts the demo Sentry (`sentry-replays-demo-api --port 0 --dialect spec`) on loopback,
then runs the same scripted agent tasks (list 50 replays, get one replay, the segments of
one replay, selectors, replay counts for some issues; see `benchmarks/tasks.py`) through
the MCP SDK client against both servers, each its own process over stdio:

- ours: `python -m server` with SENTRY_URL / SENTRY_AUTH_TOKEN / SENTRY_ORG set to the demo;
- the peer: `benchmarks/peer.py`, `FastMCP.from_openapi` over the seed spec, same demo.

It measures result sizes (characters and estimated tokens), `tools/list` size, cold start
(spawn to `initialize` answered), per-call latency (median, p95; the direct httpx2
request to the demo is the floor) and throughput over streamable HTTP with concurrent
clients, then writes `benchmarks/results/compare.md` and `compare.png` (ratios ours/peer
with the targets) and prints the table. Exits non-zero only on errors, not missed targets.

    python -m benchmarks.compare [--calls 200] [--cold-runs 7] [--clients 20 --per-client 25]

Needs the `bench` extra: `pip install -e '.[bench]'`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from importlib.util import find_spec
from pathlib import Path
from typing import Any, TextIO

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import anyio  # noqa: E402
import httpx2  # noqa: E402

from benchmarks import tasks as T  # noqa: E402
from benchmarks.summarize_long_replay import BenchError, read_line, stop  # noqa: E402

PEER = ROOT / "benchmarks" / "peer.py"
SPEC = ROOT.parent / "shared" / "seed" / "sentry-replays.openapi.yaml"
RESULTS = ROOT / "benchmarks" / "results"
START_TIMEOUT = 60.0
CALL_TIMEOUT = 30.0
PHASE_TIMEOUT = 300.0
HTTP_TIMEOUT = 30.0
WARMUP = 10
SIDES = ("ours", "peer")
BARE_SERVER = "from mcp.server.mcpserver import MCPServer; MCPServer('bare').run()"


@dataclass(frozen=True)
class Side:
    name: str
    stdio_args: tuple[str, ...]
    http_args: tuple[str, ...]
    ready: re.Pattern[str]  # the stderr line announcing the HTTP endpoint


OURS = Side(
    "ours",
    ("-m", "server"),
    ("-m", "server", "--transport", "streamable-http", "--port", "0"),
    re.compile(r"serving streamable-http at (http://\S+)"),
)
THEIRS = Side(
    "peer",
    (str(PEER),),
    (str(PEER), "--transport", "http", "--port", "0"),
    re.compile(r"peer: serving http at (http://\S+)"),
)
# A reference for cold start only: an MCPServer with no tools, i.e. what mcp 2.3 itself costs.
BARE = Side("bare", ("-c", BARE_SERVER), (), re.compile("$^"))


def side_env(side: Side, info: dict[str, Any], spec: Path) -> dict[str, str]:
    env = {
        "SENTRY_AUTH_TOKEN": info["token"],
        "SENTRY_URL": info["base_url"],
        "SENTRY_ORG": info["organization"],
    }
    if side is THEIRS:
        env["PEER_SPEC"] = str(spec)
        env["FASTMCP_CHECK_FOR_UPDATES"] = "off"  # only the fastmcp CLI checks; never online
    return env


def full_env(extra: dict[str, str]) -> dict[str, str]:
    """The parent environment without anything that would change either server, plus `extra`."""
    drop = ("SENTRY_", "MCP_", "FASTMCP_", "PEER_")
    base = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    return {**base, **extra}


# -- statistics ------------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "median": statistics.median(values),
        "p95": pct(values, 0.95),
        "min": min(values),
        "max": max(values),
        "n": len(values),
    }


# -- MCP clients -----------------------------------------------------------------------------------


def stdio(side: Side, env: dict[str, str], errlog: TextIO, *extra: str) -> Any:
    from mcp import StdioServerParameters
    from mcp.client.stdio import stdio_client

    params = StdioServerParameters(
        command=sys.executable, args=[*extra, *side.stdio_args], env=env, cwd=str(ROOT)
    )
    return stdio_client(params, errlog=errlog)


def watch_validation(client: Any, failures: Counter[str], messages: dict[str, str]) -> None:
    """Count results that fail their tool's outputSchema instead of raising.

    The SDK client checks `structuredContent` against each tool's `outputSchema` and raises on
    a mismatch. Both sides get the same wrapper: the check still runs (and costs the same),
    a failure is counted and its first message kept, and the result is measured as sent.
    """
    session = client.session
    check = session.validate_tool_result

    async def counted(name: str, result: Any) -> None:
        try:
            await check(name, result)
        except RuntimeError as exc:
            failures[name] += 1
            messages.setdefault(name, " ".join(str(exc).split())[:300])

    session.validate_tool_result = counted


async def timed_call(client: Any, call: T.Call) -> tuple[float, Any]:
    with anyio.fail_after(CALL_TIMEOUT):
        began = time.perf_counter()
        result = await client.call_tool(call.tool, call.args)
        return time.perf_counter() - began, result


async def timed_floor(http: httpx2.AsyncClient, floor: T.Floor) -> float:
    with anyio.fail_after(CALL_TIMEOUT):
        began = time.perf_counter()
        response = await http.get(floor.path, params=floor.params)
        response.raise_for_status()
        return time.perf_counter() - began


def demo_http(info: dict[str, Any], **kw: Any) -> httpx2.AsyncClient:
    return httpx2.AsyncClient(
        base_url=info["base_url"],
        headers={"Authorization": f"Bearer {info['token']}"},
        timeout=HTTP_TIMEOUT,
        **kw,
    )


# -- phase 1 + 4: sizes, tools/list, latency over stdio --------------------------------------------


async def stdio_phase(
    scenario: T.Scenario, info: dict[str, Any], args: argparse.Namespace, logs: Path
) -> dict[str, Any]:
    from mcp import Client

    out: dict[str, Any] = {"sizes": {}, "tools": {}, "latency": {}, "validation": {}}
    failures = {s: Counter[str]() for s in SIDES}
    messages: dict[str, dict[str, str]] = {s: {} for s in SIDES}
    calls = {"ours": lambda t: t.ours, "peer": lambda t: t.peer}
    async with contextlib.AsyncExitStack() as stack:
        clients = {}
        for side in (OURS, THEIRS):
            errlog = stack.enter_context(open(logs / f"{side.name}.stdio.log", "w"))  # noqa: SIM115
            env = side_env(side, info, args.spec)
            # read_timeout_seconds bounds every request, the handshake included
            transport = stdio(side, env, errlog)
            client = await stack.enter_async_context(
                Client(transport, read_timeout_seconds=CALL_TIMEOUT)
            )
            watch_validation(client, failures[side.name], messages[side.name])
            clients[side.name] = client
        http = await stack.enter_async_context(demo_http(info))

        for name, client in clients.items():
            listing = await client.list_tools()
            tools = [
                t.model_dump(by_alias=True, exclude_none=True, mode="json") for t in listing.tools
            ]
            out["tools"][name] = {"raw": tools, **T.tool_sizes(tools)}
        peer_tools = {t["name"]: t for t in out["tools"]["peer"]["raw"]}
        print("The peer's tools/list (name: arguments; * = required):")
        for tool in peer_tools.values():
            schema = tool.get("inputSchema", {})
            required = set(schema.get("required", []))
            names = [p + ("*" if p in required else "") for p in schema.get("properties", {})]
            print(f"  {tool['name']}: {', '.join(names)}")
        problems = T.check_peer_tools(peer_tools, scenario.tasks)
        if problems:
            raise BenchError("; ".join(problems))

        # Sizes: the first call of each task (it also warms caches up).
        for task in scenario.tasks:
            out["sizes"][task.key] = {}
            for name, client in clients.items():
                _, result = await timed_call(client, calls[name](task))
                size = T.size_of(result)
                if task.key == "list":
                    text = T.text_of(result)
                    size["ids_in_text"] = len(T.ids_present(text, scenario.list_ids))
                    sc = T.compact(result.structured_content or {})
                    size["ids_in_structured"] = len(T.ids_present(sc, scenario.list_ids))
                out["sizes"][task.key][name] = size
                if size["is_error"]:
                    raise BenchError(f"{name} {calls[name](task).tool}: {T.text_of(result)[:300]}")
            if task.key == "list":
                out["sizes"]["list"]["expected_ids"] = len(scenario.list_ids)

        # Latency: warm, sequential, the three interleaved call by call.
        for task in scenario.tasks:
            samples: dict[str, list[float]] = {"floor": [], "ours": [], "peer": []}
            errors = Counter[str]()

            async def one(who: str, task: T.Task = task, errors: Counter[str] = errors) -> float:
                if who == "floor":
                    return await timed_floor(http, task.floor)
                seconds, result = await timed_call(clients[who], calls[who](task))
                if result.is_error:
                    errors[who] += 1
                return seconds

            for _ in range(WARMUP):
                for who in samples:
                    await one(who)
            for i in range(args.calls):
                order = list(samples)
                order = order[i % 3 :] + order[: i % 3]
                for who in order:
                    samples[who].append(await one(who))
            out["latency"][task.key] = {
                who: {**summary([s * 1000 for s in values]), "errors": errors[who]}
                for who, values in samples.items()
            }
            print(
                f"  latency {task.label}: "
                + ", ".join(
                    f"{who} {out['latency'][task.key][who]['median']:.2f} ms" for who in samples
                ),
                flush=True,
            )
    for name in SIDES:
        out["validation"][name] = {"failures": dict(failures[name]), "messages": messages[name]}
    for name in out["tools"]:
        out["tools"][name]["what_ifs"] = T.what_ifs(out["tools"][name]["raw"])
    return out


# -- phase 2: upstream requests per call (ours, in process) ----------------------------------------


async def upstream_requests(scenario: T.Scenario, info: dict[str, Any]) -> dict[str, float]:
    """How many HTTP requests each of our tool calls makes to Sentry, once warm.

    In process (the same `build_server` the program uses) with a counting transport; the
    peer makes exactly one per call by construction.
    """
    from mcp import Client

    from server.app import build_server
    from server.config import Settings

    seen: list[str] = []

    class Counting(httpx2.AsyncHTTPTransport):
        async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
            seen.append(str(request.url.path))
            return await super().handle_async_request(request)

    origin = str(info["base_url"]).split("/api/0", 1)[0]
    settings = Settings(token=info["token"], url=origin, organization=info["organization"])
    server = build_server(settings, transport=Counting())
    counts: dict[str, float] = {}
    async with Client(server) as client:
        for task in scenario.tasks:
            await client.call_tool(task.ours.tool, task.ours.args)  # the first call may probe
            seen.clear()
            for _ in range(3):
                await client.call_tool(task.ours.tool, task.ours.args)
            counts[task.key] = len(seen) / 3
    return counts


# -- phase 3: cold start and imports ---------------------------------------------------------------


async def initialize_once(side: Side, env: dict[str, str], errlog: TextIO, *extra: str) -> float:
    from mcp import ClientSession

    with anyio.fail_after(START_TIMEOUT):
        began = time.perf_counter()
        async with (
            stdio(side, env, errlog, *extra) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            return time.perf_counter() - began
    raise AssertionError("unreachable")


async def cold_phase(info: dict[str, Any], args: argparse.Namespace, logs: Path) -> dict[str, Any]:
    samples: dict[str, list[float]] = {s: [] for s in (*SIDES, BARE.name)}
    with open(logs / "cold.log", "w") as errlog:
        for run in range(args.cold_runs + 1):  # the first round warms the bytecode caches
            trio = (OURS, THEIRS, BARE)
            for side in trio[run % 3 :] + trio[: run % 3]:
                seconds = await initialize_once(side, side_env(side, info, args.spec), errlog)
                if run:
                    samples[side.name].append(seconds * 1000)
    return {name: summary(values) for name, values in samples.items()}


IMPORT_LINE = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)")


async def import_phase(
    info: dict[str, Any], args: argparse.Namespace, logs: Path
) -> dict[str, Any]:
    """`-X importtime` of each server up to its `initialize` answer, grouped by package."""
    out: dict[str, Any] = {}
    for side in (OURS, THEIRS):
        path = logs / f"{side.name}.importtime.log"
        with open(path, "w") as errlog:
            env = side_env(side, info, args.spec)
            await initialize_once(side, env, errlog, "-X", "importtime")
        by_package: Counter[str] = Counter()
        ours: list[tuple[str, int, int]] = []
        modules = 0
        for line in path.read_text(errors="replace").splitlines():
            match = IMPORT_LINE.match(line)
            if not match:
                continue
            self_us, cumulative, name = int(match[1]), int(match[2]), match[4]
            modules += 1
            by_package[name.split(".")[0]] += self_us
            if name.split(".")[0] in ("server", "tools"):
                ours.append((name, self_us, cumulative))
        out[side.name] = {
            "modules": modules,
            "total_ms": sum(by_package.values()) / 1000,
            "top": [(pkg, us / 1000) for pkg, us in by_package.most_common(10)],
            "ours_modules": ours,
        }
    return out


# -- phase 5: throughput over streamable HTTP ------------------------------------------------------


@contextlib.contextmanager
def http_server(side: Side, info: dict[str, Any], args: argparse.Namespace, logs: Path) -> Any:
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
    make_call: Callable[[int, int, Any], Awaitable[bool]],
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

    async def worker(index: int) -> None:
        nonlocal ready
        try:
            async with connect() as client:
                ready += 1
                if ready == clients:
                    all_ready.set()
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
            ready += 1
            if ready == clients:
                all_ready.set()

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


async def mcp_load(
    url: str, side: Side, tasks: list[T.Task], args: argparse.Namespace, failures: Counter[str]
) -> dict[str, Any]:
    """One round: `args.clients` MCP clients over streamable HTTP, the tasks in rotation."""
    from mcp import Client

    messages: dict[str, str] = {}

    @contextlib.asynccontextmanager
    async def connect() -> AsyncIterator[Any]:
        async with Client(url, read_timeout_seconds=CALL_TIMEOUT) as client:
            watch_validation(client, failures, messages)
            yield client

    async def call(index: int, i: int, client: Any) -> bool:
        task = tasks[(index + i) % len(tasks)]
        result = await client.call_tool(*astuple(task.ours if side is OURS else task.peer))
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
        task = tasks[(index + i) % len(tasks)]
        response = await client.get(task.floor.path, params=task.floor.params)
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


async def throughput_phase(
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
        async with demo_http(info, limits=limits) as http:
            for number in range(args.load_rounds):
                order = ["ours", "peer", "floor"]
                for who in order[number % 3 :] + order[: number % 3]:
                    before = cpu_seconds(pids[who]), cpu_seconds(info["_demo_pid"])
                    if who == "floor":
                        result = await floor_load(http, tasks, args)
                    elif who == "ours":
                        result = await mcp_load(ours_url, OURS, tasks, args, failures[who])
                    else:
                        result = await mcp_load(peer_url, THEIRS, tasks, args, failures[who])
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


def astuple(call: T.Call) -> tuple[str, dict[str, Any]]:
    return call.tool, call.args


# -- the run ---------------------------------------------------------------------------------------


def demo_command() -> list[str]:
    script = Path(sys.executable).with_name("sentry-replays-demo-api")
    head = [str(script)] if script.exists() else [sys.executable, "-m", "server.demo"]
    return [*head, "--port", "0", "--dialect", "spec"]


async def run_all(info: dict[str, Any], args: argparse.Namespace, logs: Path) -> dict[str, Any]:
    from server.demo.catalog import ISSUES

    issue_ids = [issue.id for issue in ISSUES[: T.COUNT_ISSUES]]
    async with demo_http(info) as http:
        scenario = await T.discover(http, issue_ids)
    results: dict[str, Any] = {"scenario": scenario}
    start = time.perf_counter()

    def phase(name: str) -> None:
        print(f"[{time.perf_counter() - start:5.1f}s] {name}", flush=True)

    phase("stdio: tools/list, result sizes, latency")
    results.update(await stdio_phase(scenario, info, args, logs))
    phase("upstream requests per call (ours, in process)")
    results["upstream"] = await upstream_requests(scenario, info)
    phase("cold start")
    results["cold"] = await cold_phase(info, args, logs)
    phase("imports before initialize")
    results["imports"] = await import_phase(info, args, logs)
    phase("throughput over streamable HTTP")
    results["load"] = await throughput_phase(scenario, info, args, logs)
    phase("done")
    return results


def bench(args: argparse.Namespace) -> dict[str, Any]:
    logs = Path(tempfile.mkdtemp(prefix="bench-compare-"))
    proc = subprocess.Popen(demo_command(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        info = json.loads(read_line(proc, START_TIMEOUT))
        info["_demo_pid"] = proc.pid  # for CPU time under load
        if info.get("dialect") != "spec":
            raise BenchError("the demo did not start in the spec dialect")
        results = anyio.run(run_all, info, args, logs)
    except BaseException:
        print(f"(server logs kept in {logs})", file=sys.stderr)
        raise
    finally:
        stop(proc)
    shutil.rmtree(logs, ignore_errors=True)  # kept above when the run fails
    return results


# -- the report ------------------------------------------------------------------------------------


def ratio(a: float, b: float) -> float:
    return a / b if b else float("inf")


def fmt(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}"


# label, ratio ours/peer, target on the ratio (None: none), whether every condition holds
Bar = tuple[str, float, float | None, bool | None]


def build_rows(r: dict[str, Any]) -> tuple[list[dict[str, Any]], list[Bar]]:
    """Table rows, and the chart's (label, ratio, target) bars."""
    rows: list[dict[str, Any]] = []
    bars: list[Bar] = []
    scenario: T.Scenario = r["scenario"]
    labels = {t.key: t.label for t in scenario.tasks}

    def row(
        section: str,
        metric: str,
        ours: str,
        peer: str,
        rat: float | None,
        target: str = "",
        holds: bool | None = None,
    ) -> None:
        rows.append(
            {
                "section": section,
                "metric": metric,
                "ours": ours,
                "peer": peer,
                "ratio": "" if rat is None else f"{rat:.3f}",
                "target": target,
                "holds": "" if holds is None else ("yes" if holds else "**no**"),
            }
        )

    # 1. result sizes
    for key, label in labels.items():
        o, p = r["sizes"][key]["ours"], r["sizes"][key]["peer"]
        text_ratio = ratio(o["text_chars"], p["text_chars"])
        if key == "list":
            expected = r["sizes"]["list"]["expected_ids"]
            all_ids = o["ids_in_text"] == expected
            holds = text_ratio <= 0.10 and all_ids
            row(
                "size",
                f"{label}: text chars",
                fmt(o["text_chars"]),
                fmt(p["text_chars"]),
                text_ratio,
                "≤ 0.10, every id",
                holds,
            )
            row(
                "size",
                f"{label}: replay ids in text",
                f"{o['ids_in_text']}/{expected}",
                f"{p['ids_in_text']}/{expected}",
                None,
                "all",
                all_ids,
            )
            bars.append((f"{label}\ntext", text_ratio, 0.10, holds))
        else:
            row(
                "size",
                f"{label}: text chars",
                fmt(o["text_chars"]),
                fmt(p["text_chars"]),
                text_ratio,
            )
            bars.append((f"{label}\ntext", text_ratio, None, None))
        sc_o, sc_p = o["structured_chars"], p["structured_chars"]
        row("size", f"{label}: structuredContent chars", fmt(sc_o), fmt(sc_p), ratio(sc_o, sc_p))
        row(
            "size",
            f"{label}: text tokens (chars/4 · lexical)",
            f"{fmt(o['text_tokens'])} · {fmt(o['text_lexical'])}",
            f"{fmt(p['text_tokens'])} · {fmt(p['text_lexical'])}",
            ratio(o["text_lexical"], p["text_lexical"]),
        )
        both_o = o["text_tokens"] + o["structured_tokens"]
        both_p = p["text_tokens"] + p["structured_tokens"]
        row(
            "size",
            f"{label}: text + structured tokens (chars/4)",
            fmt(both_o),
            fmt(both_p),
            ratio(both_o, both_p),
        )

    # 2. tools/list
    to, tp = r["tools"]["ours"], r["tools"]["peer"]
    tl_ratio = ratio(to["chars"], tp["chars"])
    richer = to["prose"] > tp["prose"]
    row(
        "tools/list",
        f"size, chars ({to['count']} vs {tp['count']} tools)",
        fmt(to["chars"]),
        fmt(tp["chars"]),
        tl_ratio,
        "≤ 0.80",
        tl_ratio <= 0.80,
    )
    row(
        "tools/list",
        "tokens (chars/4 · lexical)",
        f"{fmt(to['tokens'])} · {fmt(to['lexical'])}",
        f"{fmt(tp['tokens'])} · {fmt(tp['lexical'])}",
        ratio(to["lexical"], tp["lexical"]),
    )
    matched = [t for t, p in T.TOOL_PAIRS.items() if p and p in tp["per_tool"]]
    o9 = sum(to["per_tool"][t]["chars"] for t in matched if t in to["per_tool"])
    p9 = sum(tp["per_tool"][T.TOOL_PAIRS[t]]["chars"] for t in matched if t in to["per_tool"])
    row(
        "tools/list",
        f"… the {len(matched)} tools both have, chars",
        fmt(o9),
        fmt(p9),
        ratio(o9, p9),
    )
    row(
        "tools/list",
        "descriptions, chars (tools + arguments)",
        fmt(to["prose"]),
        fmt(tp["prose"]),
        ratio(to["prose"], tp["prose"]),
        "richer (> 1)",
        richer,
    )
    row(
        "tools/list",
        "name + title + description + inputSchema, chars",
        fmt(to["model_facing"]),
        fmt(tp["model_facing"]),
        ratio(to["model_facing"], tp["model_facing"]),
    )
    ours_out = sum(t["output_schema"] for t in to["per_tool"].values())
    peer_out = sum(t["output_schema"] for t in tp["per_tool"].values())
    row(
        "tools/list", "outputSchema, chars", fmt(ours_out), fmt(peer_out), ratio(ours_out, peer_out)
    )
    bars.append(("tools/list\nsize", tl_ratio, 0.80, tl_ratio <= 0.80 and richer))
    facing = ratio(to["model_facing"], tp["model_facing"])
    bars.append(("tools/list\nw/o outputSchema", facing, None, None))

    # 3. cold start
    co, cp = r["cold"]["ours"], r["cold"]["peer"]
    cold_ratio = ratio(co["median"], cp["median"])
    row(
        "cold start",
        f"spawn → initialize, ms (median of {co['n']}; min–max)",
        f"{co['median']:.0f} ({co['min']:.0f}–{co['max']:.0f})",
        f"{cp['median']:.0f} ({cp['min']:.0f}–{cp['max']:.0f})",
        cold_ratio,
        "≤ 0.6",
        cold_ratio <= 0.6,
    )
    cb = r["cold"]["bare"]
    row(
        "cold start",
        "… a bare MCPServer with no tools (what mcp 2.3 alone costs), ms",
        f"{cb['median']:.0f} ({cb['min']:.0f}–{cb['max']:.0f})",
        "",
        None,
    )
    bars.append(("cold start", cold_ratio, 0.6, cold_ratio <= 0.6))

    # 4. latency
    for key, label in labels.items():
        lat = r["latency"][key]
        o, p, f = lat["ours"], lat["peer"], lat["floor"]
        med = ratio(o["median"], p["median"])
        over = o["median"] - f["median"]
        row(
            "latency",
            f"{label}: median ms (floor {f['median']:.2f})",
            fmt(o["median"], 2),
            fmt(p["median"], 2),
            med,
            "≤ 1.0",
            med <= 1.0,
        )
        row(
            "latency",
            f"{label}: p95 ms (floor {f['p95']:.2f})",
            fmt(o["p95"], 2),
            fmt(p["p95"], 2),
            ratio(o["p95"], p["p95"]),
        )
        row(
            "latency",
            f"{label}: median − floor, ms",
            fmt(over, 2),
            fmt(p["median"] - f["median"], 2),
            None,
            "≤ 2 ms",
            over <= 2.0,
        )
        bars.append((f"{label}\nmedian", med, 1.0, med <= 1.0 and over <= 2.0))

    # 5. throughput
    lo, lp, lf = r["load"]["ours"], r["load"]["peer"], r["load"]["floor"]
    a = r["args"]
    n = f"{a.clients} clients × {a.per_client}, median of {a.load_rounds} rounds"
    row(
        "load",
        f"calls/s ({n}; direct HTTP {lf['calls_per_s']:.0f})",
        fmt(lo["calls_per_s"], 0),
        fmt(lp["calls_per_s"], 0),
        ratio(lo["calls_per_s"], lp["calls_per_s"]),
    )
    row(
        "load",
        "calls/s of each round",
        ", ".join(f"{x:.0f}" for x in lo["calls_per_s_rounds"]),
        ", ".join(f"{x:.0f}" for x in lp["calls_per_s_rounds"]),
        None,
    )
    co_, cp_ = lo["cpu_ms_per_call"], lp["cpu_ms_per_call"]
    if co_["server"] and cp_["server"]:
        row(
            "load",
            "server CPU ms per call (user + system)",
            fmt(co_["server"], 2),
            fmt(cp_["server"], 2),
            ratio(co_["server"], cp_["server"]),
        )
        row(
            "load",
            f"demo Sentry CPU ms per call (direct HTTP {lf['cpu_ms_per_call']['demo']:.2f})",
            fmt(co_["demo"], 2),
            fmt(cp_["demo"], 2),
            ratio(co_["demo"], cp_["demo"]),
        )
    row("load", "errors", str(lo["errors"]), str(lp["errors"]), None, "0 (ours)", lo["errors"] == 0)
    row(
        "load",
        "results failing their outputSchema",
        str(lo["schema_invalid"]),
        str(lp["schema_invalid"]),
        None,
    )
    if "latency" in lo and "latency" in lp:
        row(
            "load",
            "median / p95 ms per call",
            f"{lo['latency']['median']:.1f} / {lo['latency']['p95']:.1f}",
            f"{lp['latency']['median']:.1f} / {lp['latency']['p95']:.1f}",
            ratio(lo["latency"]["median"], lp["latency"]["median"]),
        )
    per_call = ratio(lp["calls_per_s"], lo["calls_per_s"])
    bars.append(("time per call\nunder load", per_call, None, lo["errors"] == 0))
    return rows, bars


def notes(r: dict[str, Any]) -> list[str]:
    """Why a target was missed and what it would take, from this run's numbers."""
    out: list[str] = []
    s, n = r["sizes"]["list"], r["sizes"]["list"]["expected_ids"]
    o, p = s["ours"], s["peer"]
    if o["text_chars"] > 0.10 * p["text_chars"]:
        budget = 0.10 * p["text_chars"] / n
        out.append(
            f"- **list_replays text** is {o['text_chars'] / p['text_chars']:.1%} of the peer's: "
            f"{o['text_chars'] / n:.0f} characters per replay against a budget of {budget:.0f} "
            f"(the peer spends {p['text_chars'] / n:.0f} per replay on raw JSON). The id alone is "
            "32, the start time with its relative age about 30; meeting 10% means a terser "
            "default line (id, relative start, duration, user, problem counts) with URL, "
            "browser, OS and environment left to `detail='full'` or `structuredContent`."
        )
    to, tp = r["tools"]["ours"], r["tools"]["peer"]
    if to["chars"] > 0.80 * tp["chars"]:
        ifs = "; ".join(
            f"{label}: {size:,} ({size / tp['chars']:.2f}×)" for label, size in to["what_ifs"]
        )
        ours_out = sum(t["output_schema"] for t in to["per_tool"].values())
        out.append(
            f"- **tools/list** is {to['chars'] / tp['chars']:.2f}× the peer's. Ours carries "
            f"{to['count']} tools with {to['prose']:,} characters of descriptions (the peer "
            f"{tp['prose']:,}) and an outputSchema per tool ({ours_out:,} characters), plus "
            "pydantic's generated `title` on every property and `anyOf [X, null]` for every "
            f"optional argument. Sizes if those went ({tp['chars']:,} = the peer): {ifs}. "
            f"0.80× is {0.8 * tp['chars']:,.0f} characters, and our descriptions alone are "
            f"{to['prose']:,} ({to['prose'] / tp['chars']:.2f}× the peer's whole listing): the "
            "target cannot hold together with descriptions this rich. It would take trimmed "
            "schemas, no outputSchema in the listing, and descriptions cut to about a third."
        )
    co, cp = r["cold"]["ours"], r["cold"]["peer"]
    if co["median"] > 0.6 * cp["median"]:
        imp = r["imports"]
        out.append(
            f"- **cold start** is {co['median'] / cp['median']:.2f}× the peer's "
            f"({co['median']:.0f} against {cp['median']:.0f} ms). Import time before "
            f"`initialize` (`-X importtime`, self times): ours {imp['ours']['total_ms']:.0f} ms "
            f"over {imp['ours']['modules']} modules, the peer {imp['peer']['total_ms']:.0f} ms "
            f"over {imp['peer']['modules']}. Both pay for `mcp` itself, which in 2.3 imports "
            "its client, HTTP stack and both wire-schema packages eagerly: a bare `MCPServer` "
            f"with no tools takes {r['cold']['bare']['median']:.0f} ms to answer `initialize`, "
            f"so ours spends {co['median'] - r['cold']['bare']['median']:.0f} ms of its own and "
            f"0.6× the peer ({0.6 * cp['median']:.0f} ms) leaves "
            f"{0.6 * cp['median'] - r['cold']['bare']['median']:.0f} ms for everything that is "
            "not the SDK: our imports, building the tool schemas, the lifespan."
        )
        if any(pkg == "rich" for pkg, _ in imp["ours"]["top"]):
            out.append(
                "- `rich` shows up among our imports only because it is installed here (the "
                "bench extra's fastmcp pulls it in): mcp's `MCPServer()` calls its "
                "`configure_logging`, which imports rich when it can. A plain install of ours "
                "does not have it."
            )
    for task in r["scenario"].tasks:
        lat = r["latency"][task.key]
        lo, lp, lf = lat["ours"], lat["peer"], lat["floor"]
        reasons = []
        if lo["median"] > lp["median"]:
            reasons.append(f"{lo['median'] / lp['median']:.2f}× the peer's median")
        if lo["median"] - lf["median"] > 2.0:
            reasons.append(f"{lo['median'] - lf['median']:.2f} ms over the HTTP floor")
        if reasons:
            up = r["upstream"].get(task.key, 1)
            peer_over = lp["median"] - lf["median"]
            why = (
                f"ours makes {up:g} upstream requests per call (the replay, for its start time, "
                "and the page, at once) where the peer makes one"
                if up > 1
                else "both make one upstream request"
            )
            out.append(
                f"- **latency, {task.label}**: {', '.join(reasons)} (ours {lo['median']:.2f} ms, "
                f"peer {lp['median']:.2f} ms, floor {lf['median']:.2f} ms). {why.capitalize()}. "
                f"The peer, which passes the JSON through, is itself {peer_over:.2f} ms over the "
                "floor on this call (stdio, JSON-RPC, the SDK on both ends, serialising the "
                "result, the client's outputSchema check), so 2 ms over the floor is tight for "
                "any MCP server; on top of that ours parses the upstream JSON into models and "
                "renders markdown plus structured content."
            )
    if r["load"]["ours"]["errors"]:
        out.append(f"- **load**: ours had errors: {r['load']['ours']['error_kinds']}.")
    return out


def markdown(r: dict[str, Any]) -> str:
    scenario: T.Scenario = r["scenario"]
    rows, _ = build_rows(r)
    seg, det = scenario.segments_replay, scenario.detail_replay
    lines = [
        "# sentry-replays-mcp against FastMCP's OpenAPI generator",
        "",
        f"Run {r['when']} on {r['machine']}; Python {platform.python_version()}, "
        f"mcp {version('mcp')}, fastmcp {version('fastmcp')}. One demo Sentry (spec dialect, "
        f"{scenario.total_replays} replays) served both. Ratios are ours / peer; "
        f"latency over {r['args'].calls} warm calls per tool per server over stdio, interleaved "
        "with the direct httpx2 request (the floor). Token estimates: chars/4 "
        "(primary) and a lexical count (letter runs, digit groups of ≤ 3, punctuation), the "
        "same for both; the tokens row's ratio uses the lexical count.",
        "",
        "| section | metric | ours | peer | ours/peer | target | holds |",
        "|---|---|---:|---:|---:|---|---|",
    ]
    lines += [
        f"| {x['section']} | {x['metric']} | {x['ours']} | {x['peer']} | {x['ratio']} "
        f"| {x['target']} | {x['holds']} |"
        for x in rows
    ]
    lines += ["", "## Where a target is missed", ""]
    lines += notes(r) or ["Every target holds."]
    lines += [
        "",
        "## The tasks",
        "",
        "| task | ours | peer | upstream requests per call (ours) |",
        "|---|---|---|---:|",
    ]
    for task in scenario.tasks:
        lines.append(
            f"| {task.label} | `{task.ours.tool}` {json.dumps(task.ours.args)} "
            f"| `{task.peer.tool}` {json.dumps(task.peer.args)} | {r['upstream'][task.key]:g} |"
        )
    lines += [
        "",
        f"The list cursor `{scenario.cursor}` selects the last {len(scenario.list_ids)} replays: "
        "the seed spec has no `per_page`, so the generated tool always gets a page of 100, and "
        "the cursor is how both return the same 50. Segments: replay "
        f"`{seg['id']}` ({seg.get('countSegments')} segments, all on both sides). get_replay: "
        f"`{det['id']}` ({det.get('countUrls')} URLs). The peer makes one upstream request per "
        "call by construction.",
        "",
    ]
    val = r["validation"]
    for name in SIDES:
        fails = val[name]["failures"]
        if fails:
            first = next(iter(val[name]["messages"].items()))
            lines.append(
                f"Results of {name} that failed the SDK client's outputSchema check "
                f"(counted, then measured as sent): {fails}. First: `{first[0]}`: {first[1]}"
            )
            lines.append("")
    lines += [
        "## tools/list per tool",
        "",
        "| ours | chars | of which outputSchema | peer | chars | of which outputSchema |",
        "|---|---:|---:|---|---:|---:|",
    ]
    ours_t = r["tools"]["ours"]["per_tool"]
    peer_t = r["tools"]["peer"]["per_tool"]
    pairs = [(o, T.TOOL_PAIRS.get(o) or "") for o in ours_t]
    pairs += [("", p) for p in peer_t if p not in T.TOOL_PAIRS.values()]
    for mine, theirs in pairs:
        a, b = (mine, ours_t.get(mine)), (theirs, peer_t.get(theirs))
        cells = []
        for name, size in (a, b):
            cells += (
                [f"`{name}`", fmt(size["chars"]), fmt(size["output_schema"])]
                if size
                else ["", "", ""]
            )
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "What-ifs for ours (all descriptions kept):", ""]
    peer_chars = r["tools"]["peer"]["chars"]
    lines += [
        f"- {label}: {size:,} chars ({size / peer_chars:.2f}× the peer)"
        for label, size in r["tools"]["ours"]["what_ifs"]
    ]
    imp = r["imports"]
    lines += [
        "",
        "## Imports before `initialize` (`-X importtime`, self time by top-level package)",
        "",
        "| ours | ms | peer | ms |",
        "|---|---:|---|---:|",
    ]
    for i in range(10):
        cells = []
        for name in SIDES:
            top = imp[name]["top"]
            cells += [f"`{top[i][0]}`", f"{top[i][1]:.0f}"] if i < len(top) else ["", ""]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append(
        f"| **total** ({imp['ours']['modules']} modules) | {imp['ours']['total_ms']:.0f} "
        f"| **total** ({imp['peer']['modules']} modules) | {imp['peer']['total_ms']:.0f} |"
    )
    own = imp["ours"]["ours_modules"]
    heavy = sorted(own, key=lambda m: -m[1])[:6]
    lines += [
        "",
        f"Our own modules (`server.*`, `tools.*`, {len(own)} of them) take "
        f"{sum(m[1] for m in own) / 1000:.0f} ms of self time before `initialize`; the largest: "
        + ", ".join(f"`{m}` {s / 1000:.1f} ms" for m, s, _ in heavy)
        + ". Not in these figures: work done at start-up that is not an import (building the "
        "tools' schemas, creating the Sentry client in the lifespan).",
    ]
    lines += ["", "![ratios ours/peer](compare.png)", ""]
    return "\n".join(lines)


def chart(r: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    _, bars = build_rows(r)
    fig, ax = plt.subplots(figsize=(max(8.0, 0.85 * len(bars)), 5.0), dpi=120)
    xs = range(len(bars))
    colors = []
    for _, value, target, holds in bars:
        if target is None:
            colors.append("#8c8c8c")
        elif value > target:
            colors.append("#c62828")
        else:
            colors.append("#2f7d32" if holds else "#ef8f00")
    ax.bar(xs, [v for _, v, _, _ in bars], color=colors, width=0.65)
    for x, (_, value, target, _) in zip(xs, bars, strict=True):
        ax.annotate(
            f"{value:.2f}",
            (x, max(value, target or 0)),
            ha="center",
            va="bottom",
            fontsize=7,
            xytext=(0, 2),
            textcoords="offset points",
        )
        if target is not None:
            ax.hlines(target, x - 0.42, x + 0.42, colors="black", linestyles="--", linewidth=1.2)
    ax.axhline(1.0, color="#555555", linewidth=0.6)
    ax.set_yscale("log")
    ticks = [0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10]
    low, high = ax.get_ylim()
    ax.set_yticks([t for t in ticks if low <= t <= high])
    ax.set_yticklabels([f"{t:g}" for t in ticks if low <= t <= high])
    ax.minorticks_off()
    ax.set_xticks(list(xs))
    ax.set_xticklabels([label for label, _, _, _ in bars], fontsize=7, rotation=35, ha="right")
    ax.set_ylabel("ours / peer (log scale; lower is better)")
    ax.set_title(
        "sentry-replays-mcp vs FastMCP.from_openapi (same run, same data)\n"
        "dashed: target on the ratio; green: holds; orange: ratio holds, its other condition "
        "(every id / ≤ 2 ms over the HTTP floor) does not; red: missed; grey: no target",
        fontsize=9,
    )
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=200, help="latency calls per tool (200)")
    parser.add_argument("--cold-runs", type=int, default=9, help="cold starts per server (9)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent HTTP clients (20)")
    parser.add_argument("--per-client", type=int, default=25, help="calls per client (25)")
    parser.add_argument(
        "--load-rounds", type=int, default=5, help="load rounds per side, alternating (5)"
    )
    parser.add_argument("--spec", type=Path, default=SPEC, help="the seed OpenAPI YAML")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where compare.md/png go")
    parser.add_argument("--json", action="store_true", help="also print the raw results")
    args = parser.parse_args(argv)
    for name, low, high in (
        ("calls", 1, 5000),
        ("cold_runs", 1, 50),
        ("clients", 1, 100),
        ("per_client", 1, 1000),
        ("load_rounds", 1, 20),
    ):
        if not low <= getattr(args, name) <= high:
            parser.error(f"--{name.replace('_', '-')} must be between {low} and {high}")
    if not args.spec.is_file():
        parser.error(f"no spec at {args.spec}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Before anything builds an MCPServer in this process: its configure_logging would install
    # an INFO handler (rich's, where installed) and print every HTTP request of the harness.
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
    # find_spec, not import: importing fastmcp here would install its log handlers in this process
    missing = [name for name in ("fastmcp", "matplotlib", "yaml") if not find_spec(name)]
    if missing:
        print(f"needs the bench extra (pip install -e '.[bench]'): {missing}", file=sys.stderr)
        return 1
    began = time.perf_counter()
    try:
        results = bench(args)
    except Exception as exc:  # an ExceptionGroup from a task group included
        print(f"benchmark failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    results["args"] = args
    results["when"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    results["machine"] = f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs"
    args.out.mkdir(parents=True, exist_ok=True)
    text = markdown(results)
    (args.out / "compare.md").write_text(text + "\n", encoding="utf-8")
    chart(results, args.out / "compare.png")
    print(text)
    took = time.perf_counter() - began
    print(f"\nwrote {args.out / 'compare.md'} and compare.png in {took:.0f}s")
    if args.json:
        raw = {k: v for k, v in results.items() if k not in ("scenario", "args")}
        for side in raw.get("tools", {}).values():
            side.pop("raw", None)
        print(json.dumps(raw, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
