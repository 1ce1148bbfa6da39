"""The flags for serving one team from several processes (--stateless, --workers,
--drain-seconds, --secret-file). `config` owns the variables, their precedence and their
checks."""

from __future__ import annotations

import argparse

DEFAULT_DRAIN_SECONDS = 3.0


def add_scaling_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--stateless",
        action="store_true",
        default=None,
        help="streamable HTTP without sessions: any process answers any request "
        "(env MCP_STATELESS=1)",
    )
    parser.add_argument(
        "--workers", type=int, help="HTTP worker processes on one port (env MCP_WORKERS, default 1)"
    )
    parser.add_argument(
        "--drain-seconds",
        type=float,
        help="on SIGTERM, seconds /readyz answers 503 before the server stops accepting "
        f"(env MCP_DRAIN_SECONDS, default {DEFAULT_DRAIN_SECONDS:g})",
    )
    parser.add_argument(
        "--secret-file",
        metavar="PATH",
        help="file holding the secret that signs confirmation codes (env SENTRY_MCP_SECRET)",
    )
