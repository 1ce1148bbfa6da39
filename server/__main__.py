"""`sentry-replays-mcp` and `python -m server`: parse settings, then serve."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
from collections.abc import Sequence
from types import FrameType

from server.app import build_server
from server.config import ConfigError, load_settings


def _stop_on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # unwinds like Ctrl-C: tasks cancelled, the Sentry client closed


def main(argv: Sequence[str] | None = None) -> int:
    try:
        settings = load_settings(sys.argv[1:] if argv is None else argv, os.environ)
    except ConfigError as error:
        sys.stderr.write(f"sentry-replays-mcp: {error}\n")
        return 2
    logging.basicConfig(
        stream=sys.stderr,
        level=settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    server = build_server(settings)
    if settings.transport == "stdio":
        if sys.stdin.isatty():
            sys.stderr.write(
                "sentry-replays-mcp: serving MCP on stdin/stdout"
                + (" with the embedded demo Sentry" if settings.demo else "")
                + ". Connect an MCP client (see README); Ctrl-C to stop.\n"
            )
        signal.signal(signal.SIGTERM, _stop_on_sigterm)
        with contextlib.suppress(KeyboardInterrupt):
            server.run("stdio")
    else:
        from server.http import serve_http  # uvicorn and Starlette only when serving HTTP

        serve_http(server, settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
