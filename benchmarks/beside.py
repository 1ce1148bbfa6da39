"""One tool call measured against the running server, as the worst-case benchmarks need it:
its time, the server's CPU and peak memory growth, how long another session waited meanwhile,
and how soon the server's CPU goes quiet after the call is cancelled."""

from __future__ import annotations

import time
from typing import Any

import anyio

from benchmarks.load import cpu_seconds
from benchmarks.machine import memory, reset_peak
from benchmarks.summarize_long_replay import BenchError


async def call_beside(
    url: str, pid: int, tool: str, args: dict[str, Any], every: float, timeout: float
) -> tuple[Any, dict[str, Any]]:
    """`tool` called in one session while a second session lists tools every `every` s: the
    result, and the figures (seconds, server_cpu, rss_growth, other_max / _median / _n)."""
    import statistics

    from mcp import Client

    async with Client(url, read_timeout_seconds=timeout) as one, Client(url) as other:
        await other.list_tools()
        reset_peak(pid)
        before, cpu = memory(pid), cpu_seconds(pid) or 0.0
        waits: list[float] = []
        done = anyio.Event()
        figures: dict[str, Any] = {}
        answer: list[Any] = []

        async def call() -> None:
            began = time.perf_counter()
            answer.append(await one.call_tool(tool, args))
            figures["seconds"] = time.perf_counter() - began
            done.set()

        async def watch() -> None:
            while not done.is_set():
                began = time.perf_counter()
                await other.list_tools()
                waits.append(time.perf_counter() - began)
                with anyio.move_on_after(every):
                    await done.wait()

        with anyio.fail_after(timeout):
            async with anyio.create_task_group() as group:
                group.start_soon(call)
                group.start_soon(watch)
        after = memory(pid)
        figures["server_cpu"] = (cpu_seconds(pid) or 0.0) - cpu
    return answer[0], figures | {
        "rss_growth": after.get("VmHWM", 0) - before.get("VmRSS", 0),
        "other_max": max(waits),
        "other_median": statistics.median(waits),
        "other_n": len(waits),
    }


async def quiet_after_cancel(
    url: str, pid: int, tool: str, args: dict[str, Any], after_cpu: float, timeout: float
) -> dict[str, Any]:
    """Cancel `tool` once the server spent `after_cpu` s of CPU on it, then sample the
    server's CPU every 50 ms until a 200 ms window adds under 20 ms: seconds to that quiet
    (`ended_first` when the call ended before it could be cancelled)."""
    from mcp import Client

    async with Client(url, read_timeout_seconds=timeout) as client:
        await client.list_tools()
        start = cpu_seconds(pid) or 0.0
        ended = anyio.Event()

        async def call() -> None:
            await client.call_tool(tool, args)
            ended.set()

        with anyio.move_on_after(timeout) as scope:
            async with anyio.create_task_group() as group:
                group.start_soon(call)
                while (cpu_seconds(pid) or 0.0) - start < after_cpu and not ended.is_set():
                    await anyio.sleep(0.02)
                group.cancel_scope.cancel()
        if scope.cancelled_caught:
            raise BenchError("the cancellation call did not start within the timeout")
        if ended.is_set():  # nothing was cancelled: the page was read too soon
            return {"quiet_after": None, "cpu_before": (cpu_seconds(pid) or 0.0) - start,
                    "cpu_total": None, "ended_first": True}  # fmt: skip
        cancelled = time.perf_counter()
        samples = [(cancelled, cpu_seconds(pid) or 0.0)]
        while time.perf_counter() - cancelled < 30:
            await anyio.sleep(0.05)
            now, used = time.perf_counter(), cpu_seconds(pid) or 0.0
            samples.append((now, used))
            earlier = [s for s in samples if s[0] <= now - 0.2]
            if earlier and used - earlier[-1][1] < 0.02:  # under 10% of a CPU for 200 ms
                return {"quiet_after": max(earlier[-1][0] - cancelled, 0.0),
                        "cpu_before": samples[0][1] - start, "cpu_total": used - start}  # fmt: skip
    return {"quiet_after": None, "cpu_before": samples[0][1] - start, "cpu_total": None}
