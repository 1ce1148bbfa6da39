"""The baseline: FastMCP's OpenAPI generator pointed at the seed spec, as a Python user would.

    SENTRY_URL=<demo base_url> SENTRY_AUTH_TOKEN=<token> python benchmarks/peer.py
    ... python benchmarks/peer.py --transport http --port 0    # streamable HTTP on loopback

Deliberately not improved: one tool per operation, FastMCP's defaults, raw JSON out. The
only additions are the base URL and token (the seed's `servers` URL is sentry.io) and, for
HTTP, a pre-bound loopback socket so that `--port 0` can announce the port it got.
Needs the `bench` extra (`pip install -e '.[bench]'`).
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from pathlib import Path

import httpx2
import yaml
from fastmcp import FastMCP

SPEC = Path(__file__).resolve().parents[2] / "shared" / "seed" / "sentry-replays.openapi.yaml"


def build() -> FastMCP:
    spec = yaml.safe_load(Path(os.environ.get("PEER_SPEC", SPEC)).read_text(encoding="utf-8"))
    client = httpx2.AsyncClient(
        base_url=os.environ["SENTRY_URL"],
        headers={"Authorization": f"Bearer {os.environ['SENTRY_AUTH_TOKEN']}"},
        timeout=30.0,
    )
    return FastMCP.from_openapi(spec, client=client, name="Sentry Replays (generated)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--transport", choices=["stdio", "http"], default="stdio")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    server = build()
    if args.transport == "stdio":
        server.run()
        return
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    port = sock.getsockname()[1]
    sys.stderr.write(f"peer: serving http at http://127.0.0.1:{port}/mcp\n")
    sys.stderr.flush()
    server.run(transport="http", host="127.0.0.1", port=port, sockets=[sock])


if __name__ == "__main__":
    main()
