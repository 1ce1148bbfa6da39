"""A team deployment on one machine, from real processes: one demo Sentry
(`sentry-replays-demo-api --port 0`), several replicas of the program on streamable HTTP
(stateless, one shared confirmation secret, all pointed at that one demo), and a real HAProxy
in front of them (round robin, no stickiness, health checks on /readyz, retries only for
connections that failed), with a runtime socket to read which replica it sees as up.

Every wait is bounded (tests/waiting.py); every process is stopped on exit.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import selectors
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.e2e.program import ROOT, Running, running_server, server_env, stop
from tests.required import unavailable
from tests.waiting import until_sync

START_TIMEOUT = 30.0
HEALTH_PATH = "/readyz"
REPLICA_ARGS = ("--stateless",)
REPLICA_HEADER = "X-Replica"  # set by the balancer on each answer: the replica that gave it
HAPROXY_MISSING = "haproxy is not installed (apt-get install -y haproxy)"


def haproxy_binary() -> str | None:
    return shutil.which("haproxy") or next(
        (p for p in ("/usr/sbin/haproxy", "/usr/local/sbin/haproxy") if Path(p).exists()), None
    )


def haproxy_or_skip() -> str:
    """HAProxy's binary; without one the test skips, or fails when REQUIRE_HAPROXY=1 (CI)."""
    binary = haproxy_binary()
    if binary is None:
        unavailable("REQUIRE_HAPROXY", HAPROXY_MISSING)
    return binary


def free_port() -> int:
    """A port free right now on 127.0.0.1 (HAProxy binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def first_line(proc: subprocess.Popen[bytes], timeout: float) -> bytes:
    """The first stdout line of `proc`, waiting at most `timeout` seconds for it."""
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    os.set_blocking(fd, False)
    buf = b""
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        for _ in range(1000):
            if b"\n" in buf:
                return buf.split(b"\n", 1)[0]
            if not selector.select(timeout / 100):
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            buf += chunk
    raise AssertionError(f"the demo Sentry announced nothing (exit code {proc.poll()})")


@contextlib.contextmanager
def demo_sentry() -> Iterator[dict[str, Any]]:
    """`sentry-replays-demo-api --port 0` as a process of its own; yields what it announced
    (base_url, token, organization, projects) and its pid."""
    script = Path(sys.executable).with_name("sentry-replays-demo-api")
    module = [sys.executable, "-m", "sentry_replays_mcp.server.demo"]
    command = [str(script)] if script.exists() else module
    proc = subprocess.Popen(
        [*command, "--port", "0"],
        cwd=ROOT,
        env=server_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield {**json.loads(first_line(proc, START_TIMEOUT)), "pid": proc.pid}
    finally:
        stop(proc)


def replica_env(demo: Mapping[str, Any], secret: str, log_level: str) -> dict[str, str]:
    return {
        "SENTRY_AUTH_TOKEN": str(demo["token"]),
        "SENTRY_URL": str(demo["base_url"]),
        "SENTRY_ORG": str(demo["organization"]),
        "SENTRY_MCP_SECRET": secret,
        "MCP_STATELESS": "1",
        "MCP_DRAIN_SECONDS": "0",  # stopped at the end of a test: no load balancer to tell
        "LOG_LEVEL": log_level,
    }


def haproxy_config(port: int, replicas: list[Running], runtime: Path, check_every: str) -> str:
    servers = "\n".join(
        f"    server r{i} 127.0.0.1:{r.port}" for i, r in enumerate(replicas, start=1)
    )
    return f"""\
global
    log stdout format raw local0 info
    stats socket {runtime} mode 600 level admin

defaults
    mode http
    log global
    log-format "%b/%s %ST %tsc %HM %HP"
    timeout connect 2s
    timeout client 120s
    timeout server 120s
    timeout check 2s
    retries 3
    retry-on conn-failure
    option redispatch 1
    option http-server-close

frontend mcp
    bind 127.0.0.1:{port}
    default_backend replicas

backend replicas
    balance roundrobin
    option httpchk
    http-check send meth GET uri {HEALTH_PATH} ver HTTP/1.1 hdr Host 127.0.0.1:{port}
    http-check expect status 200
    http-response set-header {REPLICA_HEADER} %s
    default-server check inter {check_every} fall 1 rise 1
{servers}
"""


@dataclass
class Balancer:
    """A running HAProxy: its URL, its runtime socket and the lines it logged."""

    proc: subprocess.Popen[bytes]
    port: int
    runtime: Path
    lines: list[str] = field(default_factory=list)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/mcp"

    def command(self, text: str) -> str:
        """One command on HAProxy's runtime API, its answer."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(5)
            sock.connect(str(self.runtime))
            sock.sendall(text.encode() + b"\n")
            chunks = []
            for _ in range(10_000):
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def stats(self) -> dict[str, dict[str, str]]:
        """HAProxy's counters for each replica (`show stat`), by name: r1, r2, ..."""
        with contextlib.suppress(OSError):
            rows = self.command("show stat").splitlines()
            if rows and rows[0].startswith("# "):
                header = rows[0][2:].split(",")
                named = [dict(zip(header, row.split(","), strict=False)) for row in rows[1:]]
                return {
                    r["svname"]: r
                    for r in named
                    if r.get("pxname") == "replicas" and r.get("svname", "").startswith("r")
                }
        return {}

    def states(self) -> dict[str, str]:
        """Each replica's state as HAProxy's health checks see it: UP, DOWN, ..."""
        return {name: row["status"] for name, row in self.stats().items()}

    def unanswered(self, name: str) -> list[str]:
        """The requests HAProxy logged as sent to replica `name` and not answered in full (an
        error status, or a termination state other than a normal end)."""
        found = []
        for line in list(self.lines):
            parts = line.split()
            mine = len(parts) >= 3 and parts[0] == f"replicas/{name}"
            if mine and (not parts[1].startswith("2") or not parts[2].startswith("-")):
                found.append(line.strip())
        return found

    def sent_to(self, name: str) -> int:
        """How many requests HAProxy has sent to replica `name` so far."""
        return int(self.stats()[name]["stot"])


@contextlib.contextmanager
def haproxy(replicas: list[Running], workdir: Path, check_every: str) -> Iterator[Balancer]:
    """HAProxy in front of `replicas`, yielded once it answers and sees every replica UP;
    it checks each replica's /readyz every `check_every` (HAProxy's notation: 100ms, 1s)."""
    binary = haproxy_binary()
    assert binary is not None, HAPROXY_MISSING
    port, runtime = free_port(), workdir / "haproxy.sock"
    config = workdir / "haproxy.cfg"
    config.write_text(haproxy_config(port, replicas, runtime, check_every))
    check = subprocess.run(
        [binary, "-c", "-q", "-f", str(config)], capture_output=True, text=True, timeout=30
    )
    assert check.returncode == 0, f"haproxy refused the config:\n{check.stdout}{check.stderr}"
    proc = subprocess.Popen(
        [binary, "-db", "-f", str(config)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    balancer = Balancer(proc=proc, port=port, runtime=runtime)

    def drain() -> None:
        assert proc.stdout is not None
        for raw in proc.stdout:
            balancer.lines.append(raw.decode("utf-8", "replace"))

    reader = threading.Thread(target=drain, name="haproxy-log", daemon=True)
    reader.start()
    try:
        up = until_sync(
            lambda: (
                proc.poll() is not None
                or list(balancer.states().values()).count("UP") == len(replicas)
            ),
            START_TIMEOUT,
        )
        assert up and proc.poll() is None, (
            f"haproxy did not see every replica up: {balancer.states()}\n" + "".join(balancer.lines)
        )
        yield balancer
    finally:
        stop(proc, 10)
        reader.join(5)


@dataclass
class Cluster:
    demo: dict[str, Any]
    replicas: list[Running]
    balancer: Balancer
    secret: str

    def replica_named(self, name: str) -> Running:
        """The replica HAProxy calls `name` (r1, r2, ...)."""
        return self.replicas[int(name[1:]) - 1]


@contextlib.contextmanager
def cluster(
    workdir: Path,
    size: int = 3,
    killed: frozenset[int] = frozenset(),
    log_level: str = "DEBUG",
    check_every: str = "100ms",
) -> Iterator[Cluster]:
    """One demo Sentry, `size` replicas sharing one secret, HAProxy in front. Replicas whose
    index is in `killed` may be killed by the test (their exit code is not checked). At
    DEBUG, each replica logs every Sentry request it makes (method, path, status)."""
    secret = secrets.token_hex(32)
    with demo_sentry() as demo, contextlib.ExitStack() as stack:
        env = replica_env(demo, secret, log_level)
        replicas = [
            stack.enter_context(
                running_server(
                    "streamable-http",
                    *REPLICA_ARGS,
                    env=env,
                    demo=False,
                    clean_exit=i not in killed,
                )
            )
            for i in range(size)
        ]
        with haproxy(replicas, workdir, check_every) as balancer:
            yield Cluster(demo=demo, replicas=replicas, balancer=balancer, secret=secret)
