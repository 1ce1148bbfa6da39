"""What every phase of `benchmarks.compare` shares: the servers, their clients, statistics."""

from __future__ import annotations

import contextlib
import math
import os
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO, TypeVar

import anyio
import httpx2

from benchmarks import tasks as T

ROOT = Path(__file__).resolve().parent.parent
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

X = TypeVar("X")


@dataclass(frozen=True)
class Side:
    name: str
    stdio_args: tuple[str, ...]
    http_args: tuple[str, ...]
    ready: re.Pattern[str]  # the stderr line announcing the HTTP endpoint

    def call(self, task: T.Task) -> T.Call:
        """This side's call for `task`."""
        return task.peer if self.name == "peer" else task.ours


OURS = Side(
    "ours",
    ("-m", "sentry_replays_mcp.server"),
    ("-m", "sentry_replays_mcp.server", "--transport", "streamable-http", "--port", "0"),
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
BY_NAME = {side.name: side for side in (OURS, THEIRS)}


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


def rotate(items: Sequence[X], by: int) -> list[X]:
    """`items` started at position `by` (modulo its length): how rounds are interleaved."""
    shift = by % len(items)
    return [*items[shift:], *items[:shift]]


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


@contextlib.asynccontextmanager
async def mcp_client(
    transport: Any, failures: Counter[str], messages: dict[str, str]
) -> AsyncIterator[Any]:
    """An SDK `Client` whose outputSchema failures are counted (see `watch_validation`)."""
    from mcp import Client

    # read_timeout_seconds bounds every request, the handshake included
    async with Client(transport, read_timeout_seconds=CALL_TIMEOUT) as client:
        watch_validation(client, failures, messages)
        yield client


async def timed(call: Callable[[], Awaitable[X]]) -> tuple[float, X]:
    """Seconds `call()` took, and what it returned; at most CALL_TIMEOUT."""
    with anyio.fail_after(CALL_TIMEOUT):
        began = time.perf_counter()
        result = await call()
        return time.perf_counter() - began, result


async def timed_call(client: Any, call: T.Call) -> tuple[float, Any]:
    return await timed(lambda: client.call_tool(call.tool, call.args))


async def get_floor(http: httpx2.AsyncClient, floor: T.Floor) -> httpx2.Response:
    """The upstream request of a task, made directly to the demo."""
    return await http.get(floor.path, params=floor.params)


async def timed_floor(http: httpx2.AsyncClient, floor: T.Floor) -> float:
    async def checked() -> None:
        (await get_floor(http, floor)).raise_for_status()

    seconds, _ = await timed(checked)
    return seconds


def demo_http(info: dict[str, Any], **kw: Any) -> httpx2.AsyncClient:
    return httpx2.AsyncClient(
        base_url=info["base_url"],
        headers={"Authorization": f"Bearer {info['token']}"},
        timeout=HTTP_TIMEOUT,
        **kw,
    )
