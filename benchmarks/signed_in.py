"""What signing callers in costs: checking one access token, and a call over HTTP with each
caller check.

    .venv/bin/python benchmarks/signed_in.py [--tokens 2000] [--calls 200] [--runs 3]

1. **one token, in process**: the program's token verifier (`IssuerVerifier`) against the
   test identity provider on a loopback port (tests/oauth/idp.py), keys already fetched:
   RS256 and ES256 JWTs (each a fresh token: nothing is cached per token), and an opaque
   token answered by introspection (first look-up, then kept). Median microseconds per token.
2. **one call over HTTP**: the real program (a subprocess, `--demo`, streamable HTTP with
   sessions) and the SDK client calling `tools/list` `--calls` times in a row, with no caller
   check (loopback), with `MCP_HTTP_TOKEN`, and signed in with an RS256 JWT. Median and p95
   milliseconds per call, the median of `--runs` runs.

Prints the machine and a table. Needs the test extra (it reuses the tests' identity provider).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import anyio

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.machine import machine

SHARED_TOKEN = "benchmark-shared-token-" + "x" * 16


async def per_token(check: Callable[[], Awaitable[object]], count: int) -> float:
    """Median microseconds of `count` checks, taken in batches of 100."""
    batches = []
    for _ in range(max(1, count // 100)):
        began = time.perf_counter()
        for _ in range(100):
            assert await check() is not None, "a good token was refused"
        batches.append((time.perf_counter() - began) / 100 * 1e6)
    return statistics.median(batches)


async def token_checks(idp, count: int) -> dict[str, float]:
    from sentry_replays_mcp.server.oauth import OAuthSettings
    from sentry_replays_mcp.server.oauth.verifier import IssuerVerifier
    from tests.oauth.conftest import AUDIENCE
    from tests.oauth.idp import CLIENT_ID, CLIENT_SECRET

    settings = OAuthSettings(idp.issuer, AUDIENCE, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    verifier = IssuerVerifier(settings)
    rsa = [idp.sign(AUDIENCE, jti=str(n)) for n in range(count)]
    ec = [idp.sign(AUDIENCE, key=idp.keys[1], jti=str(n)) for n in range(count)]
    assert await verifier.verify_token(rsa[0]) is not None  # metadata and keys fetched
    answer = {"active": True, "iss": idp.issuer, "aud": AUDIENCE, "sub": "bench",
              "scope": "replays:read", "exp": int(time.time()) + 3600}  # fmt: skip
    fresh = [idp.opaque_token(answer) for _ in range(200)]
    kept = idp.opaque_token(answer)
    rows = {}
    for name, tokens in (("RS256 JWT", rsa), ("ES256 JWT", ec)):
        it = iter(tokens * 2)
        rows[name] = await per_token(lambda it=it: verifier.verify_token(next(it)), count)
    it = iter(fresh)
    rows["opaque, introspected"] = await per_token(lambda: verifier.verify_token(next(it)), 200)
    rows["opaque, kept from before"] = await per_token(lambda: verifier.verify_token(kept), count)
    return rows


async def call_latencies(running, token: str | None, calls: int) -> list[float]:
    import httpx2
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    http = httpx2.AsyncClient(headers=headers, timeout=30)
    took = []
    async with Client(streamable_http_client(running.endpoint, http_client=http)) as client:
        await client.list_tools()  # warm
        for _ in range(calls):
            began = time.perf_counter()
            await client.list_tools()
            took.append((time.perf_counter() - began) * 1000)
    return sorted(took)


def http_calls(idp, calls: int, runs: int) -> dict[str, tuple[float, float]]:
    from tests.e2e.program import running_server
    from tests.oauth.conftest import AUDIENCE
    from tests.oauth.serving import resource_server

    modes = {
        "no caller check": (lambda: running_server("streamable-http"), None),
        "MCP_HTTP_TOKEN": (
            lambda: running_server("streamable-http", env={"MCP_HTTP_TOKEN": SHARED_TOKEN}),
            SHARED_TOKEN,
        ),
        "OAuth, RS256 JWT": (
            lambda: resource_server(idp, "streamable-http"),
            idp.sign(AUDIENCE, exp=int(time.time()) + 3600),
        ),
    }
    rows = {}
    for name, (start, token) in modes.items():
        medians, p95s = [], []
        for _ in range(runs):
            with start() as running:
                took = anyio.run(call_latencies, running, token, calls)
            medians.append(statistics.median(took))
            p95s.append(took[int(len(took) * 0.95) - 1])
        rows[name] = (statistics.median(medians), statistics.median(p95s))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tokens", type=int, default=2000)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from tests.oauth.idp import running_idp

    print(machine())
    with running_idp() as idp:
        checks = anyio.run(token_checks, idp, args.tokens)
        print("\n| one token, in process | µs per token (median) |\n|---|---|")
        for name, micros in checks.items():
            print(f"| {name} | {micros:.0f} |")
        calls = http_calls(idp, args.calls, args.runs)
    print("\n| tools/list over streamable HTTP | median ms | p95 ms |\n|---|---|---|")
    for name, (median, p95) in calls.items():
        print(f"| {name} | {median:.2f} | {p95:.2f} |")


if __name__ == "__main__":
    main()
