"""The machine a benchmark ran on, and timing by wall and CPU clocks (the machine is shared,
so wall time also counts other people's work)."""

from __future__ import annotations

import contextlib
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def cpu_timed(fn: Callable[[], Any], runs: int) -> tuple[float, float, Any]:
    """Median wall time and median CPU time (this process) of `runs` calls, and the last
    result: on a shared machine, wall time also counts other people's work."""
    walls, cpus, result = [], [], None
    for _ in range(runs):
        began, used = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - began)
        cpus.append(time.process_time() - used)
    return statistics.median(walls), statistics.median(cpus), result


def machine() -> str:
    """CPUs, CPU model, Python and the load average (1, 5, 15 minutes) right now."""
    model = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    try:
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "unknown"
    return (
        f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, "
        f"{platform.system()}, load average {load}"
    )


def memory(pid: int | str = "self") -> dict[str, int]:
    """A process's resident memory now (`VmRSS`) and at its peak (`VmHWM`), in bytes (Linux)."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            fields[key] = int(value.split()[0]) * 1024
    return fields


def reset_peak(pid: int | str = "self") -> None:
    """Reset a process's `VmHWM` to its current RSS, so that the next peak is the call's."""
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/clear_refs").write_text("5")
