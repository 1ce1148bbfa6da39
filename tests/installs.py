"""Running a tool the tests need (npm, pip, node) to its end, bounded: one place for the
subprocess options, the time limit and what happens past it (a failure, or a skip where the
tool is optional)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import NoReturn

import pytest

ROOT = Path(__file__).resolve().parent.parent


def bounded(
    command: Sequence[str],
    *,
    timeout: float,
    cwd: Path = ROOT,
    env: Mapping[str, str] | None = None,
    give_up: Callable[[str], NoReturn] = pytest.fail,
) -> subprocess.CompletedProcess[str]:
    """`command` run to its end with text output captured; past `timeout` seconds,
    `give_up` with a sentence saying so."""
    try:
        return subprocess.run(
            list(command),
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        give_up(f"{' '.join(command)} took over {timeout:g}s")


def npm_install(
    prefix: Path,
    packages: Sequence[str],
    *,
    timeout: float,
    installed: Callable[[], bool],
    give_up: Callable[[str], NoReturn] = pytest.fail,
) -> None:
    """`npm install packages` into `prefix`, bounded; `give_up` unless `installed()` then
    holds. Says on stderr how long it took."""
    npm = shutil.which("npm")
    if npm is None:
        give_up(f"npm is not on PATH: cannot install {' '.join(packages)}")
    started = time.monotonic()
    command = [npm, "install", "--no-audit", "--no-fund", "--prefix", str(prefix), *packages]
    result = bounded(command, timeout=timeout, give_up=give_up)
    if result.returncode != 0 or not installed():
        give_up(
            f"npm install {' '.join(packages)} failed (exit {result.returncode}):\n"
            f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
        )
    sys.stderr.write(f"\ninstalled {' '.join(packages)} in {time.monotonic() - started:.1f}s\n")
