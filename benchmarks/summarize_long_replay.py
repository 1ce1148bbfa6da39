"""Benchmark: summarising a long replay against downloading it.

Starts `sentry-replays-demo-api --port 0 --long-replay 320:32` as a separate process,
then measures, against that loopback server:

1. download only: every segment-list page of the long replay, fetched sequentially with
   httpx2 (`per_page=100`, following `Link`), median of `--runs` runs;
2. summarise only: `tools.recording.summarize_pages` over the downloaded page texts
   (pure CPU), median of `--runs` runs (skipped if `tools.recording` is not there yet);
3. end to end: the `summarize_replay` MCP tool (or, until it exists,
   `list_recording_segments` over every page) through the real MCP client, in a fresh
   child process of this script, which records its peak RSS right before and right
   after the call (after imports and a warm-up call on a small replay). Both
   `ru_maxrss` and, on Linux, `VmHWM` are recorded; growth uses `VmHWM` where it exists,
   because Linux seeds a new process's `ru_maxrss` with its parent's peak. The child
   runs first, while this process is still small.

Prints a markdown table and whether the targets hold (summarise < download; peak RSS
growth < 3x the largest page). Exits non-zero only on errors, not on missed targets.

    python benchmarks/summarize_long_replay.py [--long-replay 320:32] [--runs 5]
    python benchmarks/summarize_long_replay.py --child BASE_URL TOKEN REPLAY_ID SMALL_ID
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import selectors
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx2  # noqa: E402

from benchmarks.machine import cpu_timed, machine  # noqa: E402

START_TIMEOUT = 120.0  # the demo renders the long replay before it announces itself
CHILD_TIMEOUT = 600.0
STOP_TIMEOUT = 10.0
HTTP_TIMEOUT = 60.0
MAX_PAGES = 100
TOOLS = ("summarize_replay", "list_recording_segments")
EVENT_START = re.compile(rb'\{"type":')


class BenchError(RuntimeError):
    pass


# -- the demo server process --------------------------------------------------------------


def demo_command(spec: str) -> list[str]:
    script = Path(sys.executable).with_name("sentry-replays-demo-api")
    head = (
        [str(script)]
        if script.exists()
        else [sys.executable, "-m", "sentry_replays_mcp.server.demo"]
    )
    return [*head, "--port", "0", "--long-replay", spec]


def read_line(proc: subprocess.Popen[bytes], timeout: float) -> bytes:
    """The first stdout line of `proc`, waiting at most `timeout` seconds."""
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    os.set_blocking(fd, False)
    buf = b""
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while b"\n" not in buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BenchError(f"no announcement from the demo within {timeout:.0f}s")
            if not sel.select(left):
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                raise BenchError(f"the demo exited early (code {proc.poll()})")
            buf += chunk
    return buf.split(b"\n", 1)[0]


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(STOP_TIMEOUT)


# -- (1) download only -----------------------------------------------------------------------


def fetch_pages(client: httpx2.Client, url: str) -> list[tuple[bytes, int]]:
    """Every segment-list page as (JSON bytes, first segment id), following `Link`."""
    pages: list[tuple[bytes, int]] = []
    first = 0
    response = client.get(url, params={"per_page": 100})
    for _ in range(MAX_PAGES):
        response.raise_for_status()
        pages.append((response.content, first))
        nxt = response.links.get("next", {})
        if nxt.get("results") != "true":
            return pages
        first = int(str(nxt.get("cursor", "0:0:0")).split(":")[1])  # the next page's offset
        response = client.get(nxt["url"])
    raise BenchError(f"more than {MAX_PAGES} pages")


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """Median wall time of `runs` calls, and the last result."""
    times, result = [], None
    for _ in range(runs):
        began = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


# -- (2) summarise only ----------------------------------------------------------------------


def count_events(pages: list[tuple[bytes, int]]) -> int:
    """A cheap scan: rrweb events start with `{"type":` (compact JSON, as served)."""
    return sum(len(EVENT_START.findall(body)) for body, _ in pages)


def summarise(
    pages: list[tuple[bytes, int]], origin_ms: float, runs: int, total: int | None = None
) -> dict[str, Any]:
    try:
        from sentry_replays_mcp.tools.recording import summarize_pages
    except ImportError as exc:
        return {"skipped": f"tools.recording.summarize_pages is not importable yet ({exc})"}
    seconds, cpu, digest = cpu_timed(lambda: summarize_pages(pages, origin_ms, total), runs)
    events = getattr(digest, "raw_events", None)
    source = "Digest.raw_events"
    if not isinstance(events, int) or events <= 0:
        events, source = count_events(pages), "scan"
    return {"seconds": seconds, "cpu_seconds": cpu, "events": events, "events_source": source}


# -- (3) end to end, in a child process ----------------------------------------------------


def run_child(
    base_url: str, token: str, replay_id: str, small_id: str, tool: str
) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--tool", tool, "--child"]
    command += [base_url, token, replay_id, small_id]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=CHILD_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise BenchError(f"the child did not finish within {CHILD_TIMEOUT:.0f}s") from None
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        tail = (done.stderr or done.stdout)[-2000:]
        raise BenchError(f"the child failed (code {done.returncode}):\n{tail}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


async def child_calls(
    base_url: str, token: str, replay_id: str, small_id: str, wanted: str
) -> dict[str, Any]:
    from mcp import Client

    from sentry_replays_mcp.server.app import build_server
    from sentry_replays_mcp.server.config import Settings

    origin = base_url.split("/api/0", 1)[0]
    server = build_server(Settings(token=token, url=origin, organization="acme"))
    async with Client(server) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
        choices = TOOLS if wanted == "auto" else (wanted,)
        tool = next((name for name in choices if name in names), None)
        if tool is None:
            raise BenchError(f"none of {choices} is registered")

        async def call(rid: str) -> tuple[int, int, bool]:
            """Calls, pages, whether any call failed; all of a recording for the fallback."""
            if tool == "summarize_replay":
                result = await client.call_tool(tool, {"replay_id": rid})
                return 1, 1, bool(result.is_error)
            cursor, calls, failed = None, 0, False
            while calls < MAX_PAGES:
                args: dict[str, Any] = {"replay_id": rid, "limit": 100}
                if cursor:
                    args["cursor"] = cursor
                result = await client.call_tool(tool, args)
                calls += 1
                failed = failed or bool(result.is_error)
                cursor = (result.structured_content or {}).get("next_cursor")
                if not cursor or result.is_error:
                    break
            return calls, calls, failed

        await call(small_id)  # warm-up: imports, connection pool, first-call costs
        before, hwm_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, peak_rss()
        began = time.perf_counter()
        calls, _, failed = await call(replay_id)
        wall = time.perf_counter() - began
        after, hwm_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, peak_rss()
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    out = {
        "tool": tool,
        "calls": calls,
        "failed": failed,
        "seconds": wall,
        "maxrss_before_mb": before * scale / 1e6,
        "maxrss_after_mb": after * scale / 1e6,
        "rss_source": "ru_maxrss",
        "rss_after_mb": after * scale / 1e6,
        "rss_growth_mb": (after - before) * scale / 1e6,
    }
    if hwm_before is not None and hwm_after is not None:
        # Linux copies the parent's high-water mark into ru_maxrss at exec; VmHWM is this
        # process's own peak, so it is the figure to trust where it exists.
        out.update(rss_source="VmHWM", rss_after_mb=hwm_after / 1e6)
        out["rss_growth_mb"] = (hwm_after - hwm_before) / 1e6
    return out


def peak_rss() -> int | None:
    """This process's peak resident set in bytes (`VmHWM`, Linux only), else None."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def child_main(args: argparse.Namespace) -> int:
    import anyio

    base_url, token, replay_id, small_id = args.child
    out = anyio.run(child_calls, base_url, token, replay_id, small_id, args.tool)
    print(json.dumps(out), flush=True)
    return 0


# -- the run ------------------------------------------------------------------------------------


def bench(args: argparse.Namespace) -> dict[str, Any]:
    proc = subprocess.Popen(
        demo_command(args.long_replay), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    try:
        before = machine()
        began = time.perf_counter()
        info = json.loads(read_line(proc, START_TIMEOUT))
        startup = time.perf_counter() - began
        base, token, rid = info["base_url"], info["token"], info["long_replay_id"]
        headers = {"Authorization": f"Bearer {token}"}
        with httpx2.Client(base_url=base, headers=headers, timeout=HTTP_TIMEOUT) as client:
            details = client.get(f"organizations/acme/replays/{rid}/")
            details.raise_for_status()
            replay = details.json()["data"]
            small = client.get(
                "organizations/acme/replays/",
                params={"per_page": 1, "field": "id", "query": "count_segments:<=3"},
            )
            small.raise_for_status()
            small_id = small.json()["data"][0]["id"]
            # The child first, while this process is small: Linux starts a child's
            # ru_maxrss at its parent's high-water mark.
            child = run_child(base, token, rid, small_id, args.tool)
            url = f"projects/acme/{replay['project_id']}/replays/{rid}/recording-segments/"
            fetch_pages(client, url)  # warm-up
            download, pages = timed(lambda: fetch_pages(client, url), args.runs)
        origin_ms = datetime.fromisoformat(replay["started_at"]).timestamp() * 1000
        summary = summarise(pages, origin_ms, args.runs, replay["count_segments"])
    finally:
        stop(proc)
    sizes = [len(body) for body, _ in pages]
    return {
        "machine": before,
        "machine_after": machine(),
        "replay_id": rid,
        "demo_startup_s": startup,
        "segments": replay["count_segments"],
        "page_bytes": sizes,
        "download_s": download,
        "summary": summary,
        "child": child,
    }


def report(r: dict[str, Any]) -> str:
    mb = sum(r["page_bytes"]) / 1e6
    largest = max(r["page_bytes"]) / 1e6
    s, c = r["summary"], r["child"]
    ratio = s["seconds"] / r["download_s"] if "seconds" in s else None
    growth, peak = c["rss_growth_mb"], c["rss_after_mb"]
    rows = [
        ("replay", f"`{r['replay_id']}` ({r['segments']} segments)"),
        ("pages", str(len(r["page_bytes"]))),
        ("bytes per page", ", ".join(f"{b / 1e6:.2f} MB" for b in r["page_bytes"])),
        ("total MB", f"{mb:.2f}"),
        ("largest page MB", f"{largest:.2f}"),
        ("download s (median)", f"{r['download_s']:.3f}"),
        ("summarise s (median)", f"{s['seconds']:.3f}" if ratio is not None else "skipped"),
        (
            "summarise CPU s (median)",
            f"{s['cpu_seconds']:.3f}" if ratio is not None else "skipped",
        ),
        ("summarise / download", f"{ratio:.2f}" if ratio is not None else "n/a"),
        (
            "events/s",
            f"{s['events'] / s['seconds']:,.0f} ({s['events']:,} events, {s['events_source']})"
            if ratio is not None
            else "n/a",
        ),
        ("end-to-end s", f"{c['seconds']:.3f} (`{c['tool']}`, {c['calls']} call(s))"),
        ("peak RSS growth MB", f"{growth:.1f} (peak {peak:.1f} MB, {c['rss_source']})"),
        ("growth / largest page", f"{growth / largest:.2f}"),
    ]
    lines = [
        f"Machine: {r['machine']} (after: {r['machine_after'].rsplit('load average ', 1)[-1]})"
    ]
    lines += ["", "| measure | value |", "|---|---|", *[f"| {k} | {v} |" for k, v in rows]]
    fast = "n/a (skipped)" if ratio is None else ("yes" if ratio < 1 else "**no**")
    lean = "yes" if growth < 3 * largest else "**no**"
    lines += [
        "",
        "| target | holds |",
        "|---|---|",
        f"| summarise < download | {fast} |",
        f"| RSS growth < 3x largest page | {lean} |",
    ]
    if ratio is None:
        lines += ["", f"Summarise skipped: {s['skipped']}"]
    if c["tool"] != "summarize_replay":
        lines += ["", "End to end used `list_recording_segments` (`summarize_replay` not used)."]
    if c["failed"]:
        lines += ["", "**The end-to-end tool call answered with an error.**"]
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--long-replay", default="320:32", metavar="SEGMENTS:MEGABYTES")
    parser.add_argument("--runs", type=int, default=5, help="runs per median (default 5)")
    parser.add_argument("--json", action="store_true", help="also print the raw results")
    parser.add_argument(
        "--tool",
        choices=["auto", *TOOLS],
        default="auto",
        help="end-to-end tool (auto: summarize_replay if registered)",
    )
    parser.add_argument("--child", nargs=4, metavar=("BASE_URL", "TOKEN", "REPLAY", "SMALL"))
    args = parser.parse_args(argv)
    if not 1 <= args.runs <= 50:
        parser.error("--runs must be between 1 and 50")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        return child_main(args)
    try:
        results = bench(args)
    except (BenchError, httpx2.HTTPError, KeyError, ValueError, OSError) as exc:
        print(f"benchmark failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(report(results))
    if args.json:
        print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
