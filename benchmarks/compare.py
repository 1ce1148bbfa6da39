"""Benchmark: this server against FastMCP's OpenAPI generator on the seed spec, in one run.

Starts the demo Sentry (`sentry-replays-demo-api --port 0 --dialect spec`) on loopback,
then runs the same scripted agent tasks (list 50 replays, get one replay, the segments of
one replay, selectors, replay counts for some issues; see `benchmarks/tasks.py`) through
the MCP SDK client against both servers, each its own process over stdio:

- ours: `python -m sentry_replays_mcp.server` with SENTRY_URL / SENTRY_AUTH_TOKEN / SENTRY_ORG
  set to the demo;
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
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from importlib.util import find_spec
from pathlib import Path
from typing import Any

if str(Path(__file__).resolve().parent.parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import anyio

from benchmarks import cold, latency, load, sizes
from benchmarks import tasks as T
from benchmarks.chart import chart
from benchmarks.common import (
    OURS,
    RESULTS,
    SIDES,
    SPEC,
    START_TIMEOUT,
    THEIRS,
    demo_http,
    mcp_client,
    side_env,
    stdio,
)
from benchmarks.report import markdown
from benchmarks.summarize_long_replay import BenchError, read_line, stop


async def stdio_phase(
    scenario: T.Scenario, info: dict[str, Any], args: argparse.Namespace, logs: Path
) -> dict[str, Any]:
    """Phases 1 and 4 over one stdio connection per server: tools/list, sizes, latency."""
    failures = {s: Counter[str]() for s in SIDES}
    messages: dict[str, dict[str, str]] = {s: {} for s in SIDES}
    async with contextlib.AsyncExitStack() as stack:
        clients = {}
        for side in (OURS, THEIRS):
            errlog = stack.enter_context(open(logs / f"{side.name}.stdio.log", "w"))  # noqa: SIM115
            transport = stdio(side, side_env(side, info, args.spec), errlog)
            clients[side.name] = await stack.enter_async_context(
                mcp_client(transport, failures[side.name], messages[side.name])
            )
        http = await stack.enter_async_context(demo_http(info))
        tools = await sizes.tool_listings(clients)
        sizes.check_peer(tools, scenario)
        out: dict[str, Any] = {
            "sizes": await sizes.result_sizes(clients, scenario),
            "tools": tools,
            "latency": await latency.latencies(clients, http, scenario, args.calls),
        }
    out["validation"] = {
        name: {"failures": dict(failures[name]), "messages": messages[name]} for name in SIDES
    }
    sizes.add_what_ifs(tools)
    return out


# -- the run ---------------------------------------------------------------------------------------


def demo_command() -> list[str]:
    script = Path(sys.executable).with_name("sentry-replays-demo-api")
    head = (
        [str(script)]
        if script.exists()
        else [sys.executable, "-m", "sentry_replays_mcp.server.demo"]
    )
    return [*head, "--port", "0", "--dialect", "spec"]


async def run_all(info: dict[str, Any], args: argparse.Namespace, logs: Path) -> dict[str, Any]:
    from sentry_replays_mcp.server.demo.catalog import ISSUES

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
    results["upstream"] = await latency.upstream_requests(scenario, info)
    phase("cold start")
    results["cold"] = await cold.cold_starts(info, args.cold_runs, args.spec, logs)
    phase("imports before initialize")
    results["imports"] = await cold.imports(info, args.spec, logs)
    phase("throughput over streamable HTTP")
    results["load"] = await load.throughput(scenario, info, args, logs)
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
