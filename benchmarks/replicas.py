"""Benchmark: calls per second through HAProxy, for one replica and for three.

For each size (`--sizes`, default 1 and 3), the deployment of the load-balancer tests is
started from real processes (tests/deploy/cluster.py): one demo Sentry
(`sentry-replays-demo-api --port 0`), that many replicas of the program
(`--transport streamable-http --stateless`, one shared SENTRY_MCP_SECRET, LOG_LEVEL=WARNING)
and HAProxy in front (round robin, no stickiness, checks on /readyz every second). Then `--clients`
clients of the real MCP SDK, each with its own connection, call a fixed mix of read tools
through HAProxy without pause for `--seconds` seconds (after one warm-up round of the mix per
client). Measured:

- calls per second (calls completed in the window / the window), errors, latency p50/p95;
- CPU seconds used in the window by the replicas, the demo Sentry, HAProxy and this process
  (the load generator): everything runs on this one machine, so they share its cores;
- the resident memory (`VmRSS`) of the first replica idle (started, no call yet), after
  the load, and its peak (`VmHWM`).

Prints the machine (before and after), a markdown table (a row per size and round, the
sizes alternating so that they share the machine's moments) and each size's median calls
per second. Exits non-zero only on errors.

    python benchmarks/replicas.py [--clients 8] [--seconds 10] [--sizes 1,3] [--rounds 1]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import anyio  # noqa: E402
import httpx2  # noqa: E402
from mcp import Client  # noqa: E402
from mcp.client.streamable_http import streamable_http_client  # noqa: E402

from benchmarks.load import cpu_seconds  # noqa: E402
from benchmarks.machine import machine, memory  # noqa: E402
from sentry_replays_mcp.server.demo import DemoSentry  # noqa: E402
from tests.deploy.cluster import cluster, haproxy_binary  # noqa: E402

MB = 1024 * 1024
CHECK_EVERY = "1s"  # HAProxy's health checks, as in deploy/haproxy.cfg


def mix() -> list[tuple[str, dict[str, Any]]]:
    """The fixed mix of read tools each client cycles through."""
    demo = DemoSentry()
    story = demo.story_replay_id
    return [
        ("list_replays", {"limit": 5}),
        ("get_replay", {"replay_id": story}),
        ("list_selectors", {"limit": 5}),
        ("list_replay_viewers", {"replay_id": story}),
        ("count_replays", {"issue_ids": [int(i) for i in demo.issue_ids[:3]]}),
    ]


async def drive(endpoint: str, clients: int, seconds: float) -> dict[str, Any]:
    """`clients` clients, each connected and warmed up first, then calling without pause
    until the window closes; calls that end after it are not counted."""
    calls = mix()
    latencies: list[float] = []
    errors: list[str] = []
    ready, go = anyio.Event(), anyio.Event()
    arrived = 0
    window: dict[str, float] = {}

    async def client(index: int) -> None:
        nonlocal arrived
        timeout = httpx2.Timeout(30, read=120)
        async with (
            httpx2.AsyncClient(timeout=timeout) as http,
            Client(streamable_http_client(endpoint, http_client=http)) as session,
        ):
            for name, arguments in calls:  # warm-up, not counted
                await session.call_tool(name, arguments)
            arrived += 1
            if arrived == clients:
                ready.set()
            await go.wait()
            for turn in range(10_000_000):
                name, arguments = calls[(index + turn) % len(calls)]
                began = time.perf_counter()
                try:
                    result = await session.call_tool(name, arguments)
                    failed = result.is_error
                except Exception as error:  # counted, the load goes on
                    failed, result = True, error
                ended = time.perf_counter()
                if ended > window["end"]:
                    return
                latencies.append(ended - began)
                if failed:
                    errors.append(f"{name}: {str(result)[:200]}")

    async with anyio.create_task_group() as group:
        for index in range(clients):
            group.start_soon(client, index)
        with anyio.fail_after(120):
            await ready.wait()
        window["start"] = time.perf_counter()
        window["end"] = window["start"] + seconds
        go.set()
    ordered = sorted(latencies)
    return {
        "calls": len(latencies),
        "calls_per_second": len(latencies) / seconds,
        "errors": len(errors),
        "first_errors": errors[:3],
        "p50_ms": statistics.median(ordered) * 1000 if ordered else None,
        "p95_ms": ordered[int(len(ordered) * 0.95)] * 1000 if ordered else None,
    }


def cpu_of(pids: list[int]) -> float:
    return sum(cpu_seconds(pid) or 0.0 for pid in pids)


def measure(size: int, clients: int, seconds: float, workdir: Path) -> dict[str, Any]:
    with cluster(workdir, size=size, log_level="WARNING", check_every=CHECK_EVERY) as team:
        first = team.replicas[0].proc.pid
        idle = memory(first)
        groups = {
            "replicas": [r.proc.pid for r in team.replicas],
            "demo": [int(team.demo["pid"])],
            "haproxy": [team.balancer.proc.pid],
        }
        before = {name: cpu_of(pids) for name, pids in groups.items()}
        mine = time.process_time()
        result = anyio.run(drive, team.balancer.endpoint, clients, seconds)
        # the window's CPU, plus the warm-up and the tail of calls after it (small)
        cpu = {name: cpu_of(pids) - before[name] for name, pids in groups.items()}
        cpu["load generator"] = time.process_time() - mine
        after = memory(first)
    return {
        "replicas": size,
        "clients": clients,
        "seconds": seconds,
        **result,
        "cpu_seconds": cpu,
        "idle_rss_mb": idle["VmRSS"] / MB,
        "rss_after_mb": after["VmRSS"] / MB,
        "peak_rss_mb": after["VmHWM"] / MB,
    }


def table(rows: list[dict[str, Any]]) -> str:
    head = (
        "| replicas | clients | calls/s | calls | errors | p50 ms | p95 ms | replica CPU ms "
        "per call | CPU s: replicas / demo Sentry / HAProxy / load generator | replica RSS "
        "MB: idle / after / peak |"
    )
    lines = [head, "|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"]
    for r in rows:
        cpu = r["cpu_seconds"]
        per_call = cpu["replicas"] * 1000 / max(r["calls"], 1)
        lines.append(
            f"| {r['replicas']} | {r['clients']} | {r['calls_per_second']:.0f} | {r['calls']} "
            f"| {r['errors']} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {per_call:.1f} "
            f"| {cpu['replicas']:.1f} / {cpu['demo']:.1f} / {cpu['haproxy']:.1f} / "
            f"{cpu['load generator']:.1f} "
            f"| {r['idle_rss_mb']:.0f} / {r['rss_after_mb']:.0f} / {r['peak_rss_mb']:.0f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8, help="concurrent MCP clients")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured window per size")
    parser.add_argument("--sizes", default="1,3", help="replica counts, comma-separated")
    parser.add_argument("--rounds", type=int, default=1, help="rounds, the sizes alternating")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args(argv)
    if haproxy_binary() is None:
        sys.stderr.write("haproxy is not installed (apt-get install -y haproxy)\n")
        return 2
    print(f"machine: {machine()}")
    rows = []
    sizes = [int(s) for s in args.sizes.split(",")]
    for _ in range(args.rounds):
        for size in sizes:
            with tempfile.TemporaryDirectory() as workdir:
                rows.append(measure(size, args.clients, args.seconds, Path(workdir)))
            print(f"  {size} replica(s): {rows[-1]['calls_per_second']:.0f} calls/s", flush=True)
    print(f"machine after: {machine()}")
    print(table(rows))
    for size in sizes:
        rates = [r["calls_per_second"] for r in rows if r["replicas"] == size]
        print(f"{size} replica(s): median {statistics.median(rates):.0f} calls/s of {len(rates)}")
    if args.json:
        print(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
