"""Console script `sentry-replays-demo-api`: serve the demo Sentry on a loopback port.

The first line on stdout is a JSON object describing the server (base URL with the
real port, token, organization, projects, dialect, and `long_replay_id` when
`--long-replay SEGMENTS:MEGABYTES` added a synthetic long replay, e.g. `320:32`);
everything else goes to stderr. Serves until SIGINT or SIGTERM.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
from types import FrameType

from .app import DEMO_TOKEN, DemoSentry
from .serving import bind_socket, is_loopback, make_server, origin_of


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="sentry-replays-demo-api",
        description="Serve a fake Sentry replay API with a deterministic demo data set.",
    )
    parser.add_argument("--port", type=int, default=0, help="TCP port (0 = pick a free one)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (loopback)")
    parser.add_argument("--dialect", choices=["sentry", "spec"], default="sentry")
    parser.add_argument("--token", default=DEMO_TOKEN, help="bearer token to accept")
    parser.add_argument(
        "--allow-remote", action="store_true", help="allow binding a non-loopback address"
    )
    parser.add_argument(
        "--long-replay",
        type=long_replay_size,
        metavar="SEGMENTS:MEGABYTES",
        help="add a synthetic long replay, e.g. 320:32 (320 segments, about 32 MB of JSON)",
    )
    return parser.parse_args(argv)


def long_replay_size(raw: str) -> tuple[int, int]:
    """`SEGMENTS:MEGABYTES` (1 MB = 1,000,000 bytes) -> (segments, target bytes)."""
    segments, sep, megabytes = raw.partition(":")
    try:
        count, size = int(segments), float(megabytes)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected SEGMENTS:MEGABYTES, got {raw!r}") from None
    if not sep or not 1 <= count <= 10_000 or not 0 <= size <= 2_000:
        raise argparse.ArgumentTypeError(f"expected SEGMENTS:MEGABYTES, got {raw!r}")
    return count, round(size * 1_000_000)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
    if not is_loopback(args.host) and not args.allow_remote:
        sys.stderr.write(
            f"refusing to bind non-loopback host {args.host!r}; pass --allow-remote to do so\n"
        )
        return 2
    if not 0 <= args.port <= 65535:
        sys.stderr.write(f"invalid port {args.port}\n")
        return 2
    demo = DemoSentry(dialect=args.dialect, token=args.token)
    extra = {}
    if args.long_replay:
        extra["long_replay_id"] = demo.add_long_replay(*args.long_replay)
    try:
        sock = bind_socket(args.host, args.port)
    except OSError as exc:
        sys.stderr.write(f"cannot bind {args.host}:{args.port}: {exc}\n")
        return 1
    server = make_server(demo)
    server.config.load()  # import uvicorn's protocol classes before announcing readiness

    def stop(signum: int, frame: FrameType | None) -> None:
        server.should_exit = True  # a signal before uvicorn installs its own handlers

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    info = {"base_url": demo.base_url_for(origin_of(sock)), **demo.describe(), **extra}
    sys.stdout.write(json.dumps(info) + "\n")
    sys.stdout.flush()
    server.run(sockets=[sock])
    return 0


if __name__ == "__main__":
    sys.exit(main())
