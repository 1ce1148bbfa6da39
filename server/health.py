"""Liveness, readiness and draining, for a load balancer or an orchestrator.

- `GET /healthz`: 200 while the process lives (until it exits).
- `GET /readyz`: 200 while it takes new work, 503 from the first SIGTERM or SIGINT on.

On the first SIGTERM (what an orchestrator sends) the server first drains: for
`--drain-seconds` it keeps serving everything, but `/readyz` answers 503, so that a load
balancer stops sending it new requests. Then it stops accepting, gives in-flight calls
`GRACEFUL_SECONDS`, cancels what is left and closes the Sentry client. SIGINT (Ctrl-C), or a
second signal during the drain, skips the drain.
Neither path needs the caller token; both keep the Host and Origin checks.
"""

from __future__ import annotations

import signal
import socket
import sys
import time
from types import FrameType
from typing import Any

import uvicorn
from mcp.server.mcpserver import MCPServer
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
OPEN_PATHS = frozenset({HEALTH_PATH, READY_PATH})
GRACEFUL_SECONDS = 5


class Readiness:
    """Whether this process takes new work: False from the first stop signal on."""

    def __init__(self) -> None:
        self.draining = False


def add_health_routes(server: MCPServer[Any], transport: str, readiness: Readiness) -> None:
    async def healthz(_request: Request) -> Response:
        return JSONResponse({"ok": True, "transport": transport})

    async def readyz(_request: Request) -> Response:
        if readiness.draining:
            return JSONResponse({"ready": False, "draining": True}, status_code=503)
        return JSONResponse({"ready": True})

    server.custom_route(HEALTH_PATH, methods=["GET"])(healthz)
    server.custom_route(READY_PATH, methods=["GET"])(readyz)


class DrainingServer(uvicorn.Server):
    """uvicorn's server, with a drain before its graceful shutdown (see the module text)."""

    def __init__(
        self,
        config: uvicorn.Config,
        readiness: Readiness,
        drain_seconds: float,
        serving_line: str | None = None,
    ) -> None:
        super().__init__(config)
        self.readiness = readiness
        self.drain_seconds = drain_seconds
        self._drain_until: float | None = None
        self._serving_line = serving_line  # written to stderr once serving

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started and self._serving_line:
            sys.stderr.write(self._serving_line + "\n")
            sys.stderr.flush()

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        first = not self.readiness.draining
        self.readiness.draining = True
        if first and self.drain_seconds > 0 and sig == signal.SIGTERM:
            captured = getattr(self, "_captured_signals", None)  # uvicorn >= 0.29
            if captured is not None:
                captured.append(sig)  # re-raised once serving ends, as uvicorn does
            self._drain_until = time.monotonic() + self.drain_seconds
            return
        super().handle_exit(sig, frame)

    async def on_tick(self, counter: int) -> bool:
        # uvicorn's main loop looks here every 0.1 s
        if self._drain_until is not None and time.monotonic() >= self._drain_until:
            self._drain_until = None
            self.should_exit = True
        return await super().on_tick(counter)
