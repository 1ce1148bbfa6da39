"""Argument completion against a slow Sentry: what a keystroke costs, cold and warm, and how
many upstream requests a burst of keystrokes makes.

    .venv/bin/python benchmarks/completion.py [--delay 0.2] [--burst 20] [--runs 5]

In process: the program's own server (`build_server`) through the SDK client, over the demo
Sentry through httpx2's ASGI transport, with every replay-list request delayed `--delay`
seconds (by the transport, before the demo answers) to stand in for a real Sentry's
latency. Per run, on a fresh server:

1. **cold**: the first completion of `replay` (one upstream request, waited for);
2. **burst**: `--burst` completions at once with growing prefixes, on another fresh server
   (they share one upstream request);
3. **warm**: a completion after the list was fetched (no request).

Prints the machine, the medians of `--runs` runs and the upstream requests per burst.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import anyio

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.machine import machine


async def one_run(delay: float, burst: int) -> dict[str, float]:
    import httpx2
    from mcp import Client
    from mcp.types import PromptReference

    from sentry_replays_mcp.server.app import build_server
    from sentry_replays_mcp.server.config import Settings
    from sentry_replays_mcp.server.demo import DemoSentry

    demo = DemoSentry()
    ref = PromptReference(type="ref/prompt", name="explain_replay")
    story = demo.story_replay_id

    class Slow(httpx2.AsyncBaseTransport):
        def __init__(self) -> None:
            self._inner = httpx2.ASGITransport(app=demo.app)

        async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
            if request.url.path.endswith("/replays/"):
                await anyio.sleep(delay)
            return await self._inner.handle_async_request(request)

    def server() -> Any:
        settings = Settings(token=demo.token, url="http://demo.invalid", organization="acme")
        return build_server(settings, transport=Slow())

    def listed() -> int:
        return sum(1 for r in demo.requests if r.path.endswith("/organizations/acme/replays/"))

    async with Client(server()) as client:
        started = time.perf_counter()
        await client.complete(ref, {"name": "replay", "value": story[:2]})
        cold = time.perf_counter() - started
        started = time.perf_counter()
        await client.complete(ref, {"name": "replay", "value": story[:3]})
        warm = time.perf_counter() - started
    before = listed()
    async with Client(server()) as client:
        started = time.perf_counter()
        async with anyio.create_task_group() as group:
            for n in range(burst):
                value = {"name": "replay", "value": story[: 1 + n % 8]}
                group.start_soon(client.complete, ref, value)
        whole_burst = time.perf_counter() - started
    return {
        "cold_ms": cold * 1000,
        "warm_ms": warm * 1000,
        "burst_ms": whole_burst * 1000,
        "burst_requests": listed() - before,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--delay", type=float, default=0.2)
    parser.add_argument("--burst", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    runs = [anyio.run(one_run, args.delay, args.burst) for _ in range(args.runs)]
    print(machine())
    print(f"upstream delay {args.delay * 1000:.0f} ms, burst of {args.burst}, {args.runs} runs")
    print("| measure | median | max |\n|---|---:|---:|")
    for key in ("cold_ms", "warm_ms", "burst_ms", "burst_requests"):
        values = [r[key] for r in runs]
        print(f"| {key} | {statistics.median(values):.1f} | {max(values):.1f} |")


if __name__ == "__main__":
    main()
