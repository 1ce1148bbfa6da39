"""Serving over HTTP (streamable HTTP at /mcp, or SSE at /sse), safely.

- DNS-rebinding protection is always on, for every path (`/healthz` too): the Host and Origin
  headers are checked against loopback names plus what `--allowed-host` / `--allowed-origin`
  add. A request with more than one Host or Authorization header is refused (400): which one
  counts would depend on who reads it.
- Optional caller authentication: a bearer token (`MCP_HTTP_TOKEN`), compared in constant
  time; or, with `--oauth-issuer`, each caller's own access token, which the SDK's auth
  middleware checks with the issuer's keys (server/oauth), the Protected Resource Metadata
  telling clients where to get one. `/healthz`, `/readyz` and that metadata need no token.
  Callers never send a Sentry token; the server uses its own.
- `--stateless`: streamable HTTP without sessions, so that any process answers any request.
- Graceful shutdown on SIGINT/SIGTERM (server/health.py): `/readyz` turns 503 for the drain
  period, then in-flight calls get a few seconds, then are cancelled, and the shared Sentry
  client is closed. `--workers N` runs N such processes on one port (server/workers.py).
"""

from __future__ import annotations

import contextlib
import hmac
import logging
import signal
import socket
import sys
from types import FrameType
from typing import Any
from urllib.parse import urlsplit

import uvicorn
from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import TransportSecurityMiddleware, TransportSecuritySettings
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from sentry_replays_mcp.server.config import Settings
from sentry_replays_mcp.server.health import (
    GRACEFUL_SECONDS,
    OPEN_PATHS,
    DrainingServer,
    Readiness,
    add_health_routes,
)
from sentry_replays_mcp.server.oauth.metadata import ResourceMetadata

log = logging.getLogger("sentry_replays_mcp.http")


def security_for(settings: Settings) -> TransportSecuritySettings:
    hosts = ["127.0.0.1:*", "localhost:*", "[::1]:*"]
    origins = ["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"]
    if not settings.loopback:
        hosts.append(f"{settings.host}:*")
    hosts += [h if ":" in h else f"{h}:*" for h in settings.allowed_hosts]
    hosts += [h for h in settings.allowed_hosts if ":" not in h]  # Host sent without a port
    origins += list(settings.allowed_origins)
    if settings.oauth is not None:  # the audience is this server's public URL: its own name
        hosts.append(urlsplit(settings.oauth.audience).netloc)
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True, allowed_hosts=hosts, allowed_origins=origins
    )


SINGLE_HEADERS = (b"host", b"authorization")


class HeaderGuard:
    """In front of every route: one Host and at most one Authorization header (else 400), and
    the Host and Origin checks of the MCP endpoints for every other path too (421 / 403)."""

    def __init__(self, app: ASGIApp, security: TransportSecuritySettings) -> None:
        self.app = app
        self._checks = TransportSecurityMiddleware(security)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            names = [name.lower() for name, _ in scope["headers"]]
            repeated = [n.decode() for n in SINGLE_HEADERS if names.count(n) > 1]
            refusal: Response | None = None
            if repeated:
                refusal = JSONResponse(
                    {"error": "ambiguous", "detail": f"Send one {repeated[0]} header."},
                    status_code=400,
                )
            else:
                refusal = await self._checks.validate_request(Request(scope))
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)


class BearerGuard:
    """Refuses HTTP requests without the expected `Authorization: Bearer <token>` (401)."""

    def __init__(self, app: ASGIApp, token: str, open_paths: frozenset[str]) -> None:
        self.app = app
        self._expected = f"Bearer {token}".encode()
        self._open = open_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] not in self._open:
            given = dict(scope["headers"]).get(b"authorization", b"")
            if not hmac.compare_digest(given, self._expected):
                response = JSONResponse(
                    {"error": "unauthorized", "detail": "Send Authorization: Bearer <token>."},
                    status_code=401,
                    headers={"WWW-Authenticate": 'Bearer realm="sentry-replays-mcp"'},
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def http_app(
    server: MCPServer[Any], settings: Settings, readiness: Readiness | None = None
) -> ASGIApp:
    """The ASGI app for the chosen HTTP transport, with /healthz and /readyz, Host/Origin
    checks and auth."""
    add_health_routes(server, settings.transport, readiness or Readiness())
    security = security_for(settings)
    if settings.transport == "sse":
        app: ASGIApp = server.sse_app(transport_security=security, host=settings.host)
    else:
        app = server.streamable_http_app(
            streamable_http_path="/mcp",
            transport_security=security,
            host=settings.host,
            stateless_http=settings.stateless,
        )
    if settings.http_token:
        app = BearerGuard(app, settings.http_token, OPEN_PATHS)
    if settings.oauth is not None:  # the SDK's middleware checks the tokens
        path = "/sse" if settings.transport == "sse" else "/mcp"
        app = ResourceMetadata(app, settings.oauth, path)
    return HeaderGuard(app, security)


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def announce(settings: Settings, sock: socket.socket) -> None:
    """The address on stderr (with --port 0 the chosen port): `serving <transport> at <url>`."""
    port = sock.getsockname()[1]
    path = "/sse" if settings.transport == "sse" else "/mcp"
    shown_host = f"[{settings.host}]" if ":" in settings.host else settings.host
    mode = ["stateless"] if settings.stateless else []
    mode += [f"{settings.workers} workers"] if settings.workers > 1 else []
    mode += [f"callers sign in at {settings.oauth.issuer}"] if settings.oauth else []
    sys.stderr.write(
        f"sentry-replays-mcp: serving {settings.transport} at http://{shown_host}:{port}{path}"
        + (f" ({', '.join(mode)})" if mode else "")
        + "\n"
    )
    sys.stderr.flush()


def _exit_quietly(_signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(0)


def serve_on(
    server: MCPServer[Any],
    settings: Settings,
    sock: socket.socket,
    serving_line: str | None = None,
) -> bool:
    """Serve `server` on the bound socket until a stop signal has been handled (drain, then
    graceful shutdown); False if it never started serving. `serving_line` goes to stderr
    once it serves."""
    readiness = Readiness()
    app = http_app(server, settings, readiness)
    # uvicorn shuts down gracefully on SIGINT/SIGTERM, then re-raises the signal to the
    # handler it found: make that one end the process normally.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _exit_quietly)
    config = uvicorn.Config(
        app,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=GRACEFUL_SECONDS,
        lifespan="on",
    )
    runner = DrainingServer(config, readiness, settings.drain_seconds, serving_line)
    with contextlib.suppress(SystemExit):  # the re-raised stop signal, as above
        runner.run(sockets=[sock])
    return runner.started


def serve_http(server: MCPServer[Any], settings: Settings) -> None:
    """Serve until SIGINT/SIGTERM. With --port 0, a free port is chosen; the address is
    logged on stderr either way."""
    sock = bind(settings.host, settings.port)
    announce(settings, sock)
    serve_on(server, settings, sock)
