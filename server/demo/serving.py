"""Run a `DemoSentry` on a real loopback port (uvicorn in a daemon thread)."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from .app import DemoSentry

START_TIMEOUT = 10.0
STOP_TIMEOUT = 10.0


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port (port 0 picks a free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets whose
    # proto says TCP; without it small responses stall ~40 ms on delayed ACKs.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


def origin_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def make_server(demo: DemoSentry) -> uvicorn.Server:
    config = uvicorn.Config(
        demo.app, log_level="warning", lifespan="off", access_log=False,
        timeout_graceful_shutdown=2,
    )  # fmt: skip
    return uvicorn.Server(config)


@contextmanager
def serve_in_thread(demo: DemoSentry, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve `demo` on host:port in a daemon thread; yields the API base URL."""
    sock = bind_socket(host, port)
    server = make_server(demo)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="demo-sentry", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("demo Sentry server thread exited during startup")
            if time.monotonic() > deadline:
                raise TimeoutError("demo Sentry server did not start in time")
            time.sleep(0.01)
        yield demo.base_url_for(origin_of(sock))
    finally:
        server.should_exit = True
        thread.join(STOP_TIMEOUT)
        sock.close()
