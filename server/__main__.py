"""`sentry-replays-mcp` and `python -m sentry_replays_mcp.server`: parse settings, then serve."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any

import anyio

from sentry_replays_mcp.server.app import build_server
from sentry_replays_mcp.server.config import ConfigError, load_settings
from sentry_replays_mcp.server.logs import configure_logging

STOP_GRACE_SECONDS = 1.0


async def _stdio_until_signal(server: Any) -> bool:
    """Serve stdio until stdin closes (False) or SIGINT/SIGTERM arrives (True); on a signal,
    in-flight calls are cancelled and the Sentry client is closed."""
    stopped = False
    async with anyio.create_task_group() as group:

        async def watch() -> None:
            nonlocal stopped
            with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
                async for _ in signals:
                    stopped = True
                    # The SDK's stdin reader can sit in readline() in a worker thread, which
                    # cancellation waits for: never wait longer than a moment.
                    threading.Timer(STOP_GRACE_SECONDS, _leave).start()
                    group.cancel_scope.cancel()
                    return

        group.start_soon(watch)
        await server.run_stdio_async()
        group.cancel_scope.cancel()  # stdin closed: stop watching for signals
    return stopped


def _leave() -> None:
    logging.shutdown()
    sys.stderr.flush()
    os._exit(0)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        settings = load_settings(sys.argv[1:] if argv is None else argv, os.environ)
    except ConfigError as error:
        sys.stderr.write(f"sentry-replays-mcp: {error}\n")
        return 2
    configure_logging(settings.log_level)
    if settings.workers > 1:
        from sentry_replays_mcp.server.workers import serve_workers

        return serve_workers(settings)
    server = build_server(settings)
    if settings.transport == "stdio":
        if sys.stdin.isatty():
            sys.stderr.write(
                "sentry-replays-mcp: serving MCP on stdin/stdout"
                + (" with the embedded demo Sentry" if settings.demo else "")
                + ". Connect an MCP client (see README); Ctrl-C to stop.\n"
            )
        if anyio.run(_stdio_until_signal, server):
            _leave()  # stopped by a signal: do not wait for the blocked stdin reader thread
    else:
        # uvicorn and Starlette are imported only when serving HTTP
        from sentry_replays_mcp.server.http import serve_http

        serve_http(server, settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
