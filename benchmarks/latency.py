"""Latency phases of `benchmarks.compare`: warm calls over stdio, and our upstream requests."""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx2

from benchmarks import tasks as T
from benchmarks.common import BY_NAME, WARMUP, rotate, summary, timed_call, timed_floor


async def task_latency(
    clients: dict[str, Any], http: httpx2.AsyncClient, task: T.Task, calls: int
) -> dict[str, Any]:
    """`calls` warm, sequential calls per side, interleaved call by call with the floor."""
    samples: dict[str, list[float]] = {"floor": [], "ours": [], "peer": []}
    errors = Counter[str]()

    async def one(who: str) -> float:
        if who == "floor":
            return await timed_floor(http, task.floor)
        seconds, result = await timed_call(clients[who], BY_NAME[who].call(task))
        if result.is_error:
            errors[who] += 1
        return seconds

    for _ in range(WARMUP):
        for who in samples:
            await one(who)
    for i in range(calls):
        for who in rotate(list(samples), i):
            samples[who].append(await one(who))
    return {
        who: {**summary([s * 1000 for s in values]), "errors": errors[who]}
        for who, values in samples.items()
    }


async def latencies(
    clients: dict[str, Any], http: httpx2.AsyncClient, scenario: T.Scenario, calls: int
) -> dict[str, Any]:
    """Every task's latency, one after the other, with a progress line each."""
    out: dict[str, Any] = {}
    for task in scenario.tasks:
        out[task.key] = found = await task_latency(clients, http, task, calls)
        medians = ", ".join(f"{who} {found[who]['median']:.2f} ms" for who in found)
        print(f"  latency {task.label}: {medians}", flush=True)
    return out


async def upstream_requests(scenario: T.Scenario, info: dict[str, Any]) -> dict[str, float]:
    """How many HTTP requests each of our tool calls makes to Sentry, once warm.

    In process (the same `build_server` the program uses) with a counting transport; the
    peer makes exactly one per call by construction.
    """
    from mcp import Client

    from sentry_replays_mcp.server.app import build_server
    from sentry_replays_mcp.server.config import Settings

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
