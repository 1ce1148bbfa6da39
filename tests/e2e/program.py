"""Helpers for end-to-end tests: the real program as a subprocess, and the MCP inspector.

`running_server("streamable-http")` starts
`python -m sentry_replays_mcp.server --demo --transport ... --port 0`, reads the URL it
announces on stderr (bounded wait), yields it, and on exit sends SIGTERM and waits (bounded)
for the process to end, asserting it stopped cleanly (GRACEFUL_EXIT_CODES, no traceback while
stopping). `ensure_inspector()` finds or installs the pinned MCP inspector.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

from sentry_replays_mcp.server.config import ENVIRONMENT
from tests import required
from tests.installs import bounded, npm_install
from tests.tool_calls import READ_ONLY_TOOL_NAMES, TOOL_NAMES

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 20.0
STOP_TIMEOUT = 15.0
# A client's first request over raw HTTP, for the tests that speak the protocol themselves.
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "raw-http", "version": "0"},
    },
}
ANNOUNCE = re.compile(r"sentry-replays-mcp: serving (\S+) at (http://\S+)")
# Variables of the developer's shell that would change what the server does: all it reads.
SCRUBBED_ENV = ENVIRONMENT

# What a SIGTERM must end the server with (uvicorn re-raises the signal after its graceful
# shutdown; the server's own handler turns that into a normal exit).
GRACEFUL_EXIT_CODES = (0,)

KNOWN_REPLAY = "cbbda8389eee4da3b0c1e7feeaf5b7a7"
# What a client must see: every tool (and, read-only, the read-only ones).
ALL_TOOLS = frozenset(TOOL_NAMES)
READ_ONLY_TOOLS = frozenset(READ_ONLY_TOOL_NAMES)


@dataclass
class Running:
    """A server process that announced its URL."""

    proc: subprocess.Popen[bytes]
    url: str  # as announced: http://<host>:<port>/mcp or /sse
    stderr_lines: list[str] = field(default_factory=list)

    @property
    def port(self) -> int:
        port = urlsplit(self.url).port
        assert port is not None
        return port

    @property
    def base(self) -> str:
        """Always the loopback address, even when the server is bound to 0.0.0.0."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def endpoint(self) -> str:
        """The announced endpoint, reached through the loopback address."""
        return self.base + urlsplit(self.url).path

    def stderr(self) -> str:
        return "".join(self.stderr_lines)


def server_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
    env["MCP_DRAIN_SECONDS"] = "0"  # stop at once on SIGTERM (tests/server/ test the drain)
    env.update(extra or {})
    return env


def server_command(transport: str, *args: str, demo: bool = True) -> list[str]:
    command = [sys.executable, "-m", "sentry_replays_mcp.server"]
    if demo:
        command.append("--demo")
    return [*command, "--transport", transport, "--host", "127.0.0.1", "--port", "0", *args]


def stop(proc: subprocess.Popen[bytes], timeout: float = STOP_TIMEOUT) -> int | None:
    """SIGTERM, then a bounded wait; SIGKILL if it hangs. Returns the exit code of the
    graceful stop, or None if it had to be killed."""
    if proc.poll() is not None:
        return proc.returncode
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)
        return None


@contextmanager
def running_server(
    transport: str,
    *args: str,
    env: Mapping[str, str] | None = None,
    demo: bool = True,
    start_timeout: float = START_TIMEOUT,
    clean_exit: bool = True,
) -> Iterator[Running]:
    """Start the real program on `--port 0` (loopback) and yield it once it announced its URL.

    `args` are appended after `--transport ... --host 127.0.0.1 --port 0` (a later `--host`
    wins). On exit it is stopped with SIGTERM (unless it already ended); ignoring SIGTERM
    fails the test, and with `clean_exit` so do an unexpected exit code or a traceback.
    """
    proc = subprocess.Popen(
        server_command(transport, *args, demo=demo),
        cwd=ROOT,
        env=server_env(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    lines: list[str] = []
    announced = threading.Event()
    found: list[str] = []

    def drain() -> None:  # keeps reading so the pipe never fills; ends at EOF
        assert proc.stderr is not None
        for raw in proc.stderr:
            line = raw.decode("utf-8", "replace")
            lines.append(line)
            match = ANNOUNCE.search(line)
            if match and not found:
                found.append(match.group(2))
                announced.set()
        announced.set()  # EOF: the process ended (or closed stderr)

    reader = threading.Thread(target=drain, name="server-stderr", daemon=True)
    reader.start()
    try:
        announced.wait(start_timeout)
        if not found:
            code = stop(proc, 5)
            raise AssertionError(
                f"server did not announce its URL within {start_timeout:g}s "
                f"(exit code {code}); stderr:\n{''.join(lines)}"
            )
        running = Running(proc=proc, url=found[0], stderr_lines=lines)
    except BaseException:
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)
        raise
    failed = True
    try:
        yield running
        failed = False
    finally:
        before_stop = len(lines)
        code = stop(proc)
        reader.join(5)
        if not failed:  # never hide the test's own failure behind this one
            assert code is not None, f"server ignored SIGTERM for {STOP_TIMEOUT:g}s; killed"
        if not failed and clean_exit:
            at_stop = "".join(lines[before_stop:])
            assert code in GRACEFUL_EXIT_CODES, f"exit code {code} after SIGTERM:\n{at_stop}"
            assert "Traceback" not in at_stop, f"stopping it logged a traceback:\n{at_stop}"


def run_and_wait(
    command: Sequence[str], *, env: Mapping[str, str] | None = None, timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    """Run a short-lived command (bounded), capturing text output."""
    return bounded(command, timeout=timeout, env=server_env(env))


# -- the MCP inspector (npm) ---------------------------------------------------------------

INSPECTOR_VERSION = "0.15.0"
INSPECTOR_PACKAGE = f"@modelcontextprotocol/inspector@{INSPECTOR_VERSION}"
INSPECTOR_PREFIX = ROOT / ".cache" / "inspector"
INSPECTOR_BIN = INSPECTOR_PREFIX / "node_modules" / ".bin" / "mcp-inspector"
INSPECTOR_MANIFEST = (
    INSPECTOR_PREFIX / "node_modules" / "@modelcontextprotocol" / "inspector" / "package.json"
)
INSTALL_TIMEOUT = 300


def unavailable(reason: str) -> NoReturn:
    """Skip, or fail when CI demands the inspector (REQUIRE_INSPECTOR=1)."""
    required.unavailable("REQUIRE_INSPECTOR", reason)


def installed_inspector_version() -> str | None:
    try:
        return str(json.loads(INSPECTOR_MANIFEST.read_text())["version"])
    except (OSError, ValueError, KeyError):
        return None


def ensure_inspector() -> Path:
    """The path of the `mcp-inspector` binary, installing the pinned version once."""
    pinned = installed_inspector_version() == INSPECTOR_VERSION
    if pinned and INSPECTOR_BIN.exists() and shutil.which("node"):
        return INSPECTOR_BIN
    if shutil.which("npm") is None or shutil.which("node") is None:
        unavailable("npm/node not on PATH: cannot install the MCP inspector")
    npm_install(
        INSPECTOR_PREFIX,
        [INSPECTOR_PACKAGE],
        timeout=INSTALL_TIMEOUT,
        installed=INSPECTOR_BIN.exists,
    )
    return INSPECTOR_BIN
