"""`--workers N`: N server processes answering on one port.

The supervisor (this process) binds the port, starts N workers (fresh interpreters: the
`spawn` start method) that each serve the bound socket with their own event loop, MCP server
and Sentry client, and waits. Settings reach a worker through the process pipe, never through
its command line or environment. A worker that ends while the server runs is replaced; one
that could not start at all stops the server (it would fail the same way again).

On SIGTERM or SIGINT the supervisor passes SIGTERM to every worker; each drains (`/readyz`
503 for `--drain-seconds`), finishes its in-flight calls (a few seconds at most) and ends;
then the supervisor ends. A second signal is passed on too: the workers skip the drain.
Workers need stateless HTTP (any worker may get any request) and one confirmation secret:
without SENTRY_MCP_SECRET, the supervisor makes one for its workers, so that a code from one
worker works on the others until the server stops.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import secrets
import signal
import socket
import sys
import threading
from dataclasses import replace
from multiprocessing.process import BaseProcess
from types import FrameType

from sentry_replays_mcp.server.config import Settings
from sentry_replays_mcp.server.health import GRACEFUL_SECONDS

log = logging.getLogger("sentry_replays_mcp.workers")
COULD_NOT_START = 3  # a worker's exit code when it never served
LOOK_EVERY = 0.5  # seconds between two looks at the workers
MAX_REPLACEMENTS = 20  # over the server's life: past that, something keeps killing workers
STOP_MARGIN = 10.0  # seconds past drain + graceful shutdown before a worker is killed


def run_worker(settings: Settings, sock: socket.socket) -> None:
    """A worker's body (in the new process): serve the shared socket until told to stop."""
    from sentry_replays_mcp.server.app import build_server
    from sentry_replays_mcp.server.http import serve_on
    from sentry_replays_mcp.server.logs import configure_logging

    configure_logging(settings.log_level)
    serving = f"sentry-replays-mcp: worker serving (pid {os.getpid()})"
    started = serve_on(build_server(settings), settings, sock, serving)
    logging.shutdown()
    sys.stderr.flush()
    os._exit(0 if started else COULD_NOT_START)


class Supervisor:
    def __init__(self, settings: Settings, sock: socket.socket) -> None:
        if settings.secret is None:  # one key for this server's workers, so codes work on all
            settings = replace(settings, secret=secrets.token_bytes(32))
        self.settings = settings
        self.sock = sock
        self.workers: list[BaseProcess] = []
        self.stopping = threading.Event()
        self.replaced = 0
        self._context = multiprocessing.get_context("spawn")

    def _start(self) -> BaseProcess:
        worker = self._context.Process(
            target=run_worker, args=(self.settings, self.sock), name="sentry-replays-mcp-worker"
        )
        worker.start()
        sys.stderr.write(f"sentry-replays-mcp: worker started (pid {worker.pid})\n")
        sys.stderr.flush()
        return worker

    def _stop_signal(self, _signum: int, _frame: FrameType | None) -> None:
        if self.stopping.is_set():  # a second signal: the workers skip what is left of the drain
            self._signal_all()
        self.stopping.set()

    def _signal_all(self) -> None:
        for worker in self.workers:
            if worker.is_alive() and worker.pid is not None:
                os.kill(worker.pid, signal.SIGTERM)

    def run(self) -> int:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._stop_signal)
        self.workers = [self._start() for _ in range(self.settings.workers)]
        code = 0
        while not self.stopping.wait(LOOK_EVERY):
            code = self._replace_ended()
            if code:
                break
        self._stop_all()
        return code

    def _replace_ended(self) -> int:
        """Replace the workers that ended; 1 when one could not start (or too many ended)."""
        for index, worker in enumerate(self.workers):
            if worker.is_alive() or self.stopping.is_set():
                continue
            worker.join()
            if worker.exitcode == COULD_NOT_START or self.replaced >= MAX_REPLACEMENTS:
                sys.stderr.write(
                    f"sentry-replays-mcp: a worker ended with exit code {worker.exitcode}; "
                    "stopping the server.\n"
                )
                return 1
            log.warning("worker (pid %s) ended (%s); starting another", worker.pid, worker.exitcode)
            self.replaced += 1
            self.workers[index] = self._start()
        return 0

    def _stop_all(self) -> None:
        """SIGTERM to each worker, then wait for all of them (bounded); kill a hung one."""
        self._signal_all()
        bound = self.settings.drain_seconds + GRACEFUL_SECONDS + STOP_MARGIN
        for worker in self.workers:
            worker.join(bound)
            if worker.is_alive():
                log.warning("worker (pid %s) did not stop in %.0f s; killing it", worker.pid, bound)
                worker.kill()
                worker.join(5)


def serve_workers(settings: Settings) -> int:
    """Bind, announce, run the workers until a stop signal; the supervisor's exit code."""
    from sentry_replays_mcp.server.http import announce, bind

    sock = bind(settings.host, settings.port)
    announce(settings, sock)
    return Supervisor(settings, sock).run()
