"""Cold-start phases of `benchmarks.compare`: spawn to `initialize`, and imports before it."""

from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path
from typing import Any, TextIO

import anyio

from benchmarks.common import (
    BARE,
    OURS,
    SIDES,
    START_TIMEOUT,
    THEIRS,
    Side,
    rotate,
    side_env,
    stdio,
    summary,
)

IMPORT_LINE = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)")


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


async def cold_starts(info: dict[str, Any], runs: int, spec: Path, logs: Path) -> dict[str, Any]:
    """Median of `runs` starts per server after a warm-up round, the servers interleaved."""
    samples: dict[str, list[float]] = {s: [] for s in (*SIDES, BARE.name)}
    with open(logs / "cold.log", "w") as errlog:
        for run in range(runs + 1):  # the first round warms the bytecode caches
            for side in rotate((OURS, THEIRS, BARE), run):
                seconds = await initialize_once(side, side_env(side, info, spec), errlog)
                if run:
                    samples[side.name].append(seconds * 1000)
    return {name: summary(values) for name, values in samples.items()}


def read_importtime(path: Path) -> dict[str, Any]:
    """A `-X importtime` log: self time by top-level package, and our own modules."""
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
        if name.startswith("sentry_replays_mcp."):
            ours.append((name, self_us, cumulative))
    return {
        "modules": modules,
        "total_ms": sum(by_package.values()) / 1000,
        "top": [(pkg, us / 1000) for pkg, us in by_package.most_common(10)],
        "ours_modules": ours,
    }


async def imports(info: dict[str, Any], spec: Path, logs: Path) -> dict[str, Any]:
    """`-X importtime` of each server up to its `initialize` answer, grouped by package."""
    out: dict[str, Any] = {}
    for side in (OURS, THEIRS):
        path = logs / f"{side.name}.importtime.log"
        with open(path, "w") as errlog:
            await initialize_once(side, side_env(side, info, spec), errlog, "-X", "importtime")
        out[side.name] = read_importtime(path)
    return out
