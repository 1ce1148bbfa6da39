"""Benchmark: the segment tools on recording pages of the worst shapes, read by the running server.

The six 16 MB shapes of `recording_worst_case.py` (`recording_pages.shapes`), served by the
demo Sentry in a process of its own (a fault on the segment route, through its control API)
to our server over streamable HTTP. Measured per shape:

1. parse: `read_segments` (what both tools run, in a worker thread) on the page in this
   process, in CPU seconds, median of `--runs`: MB/s; with `--before`, also the reading the
   tools did before (the whole body decoded by `tools/api/decoding.py`, then a pydantic model
   and `summarize_segment` per segment), once, in a child process with a time limit;
2. end to end: `list_recording_segments` (the page on the segment list) and
   `get_recording_segment` (the page's events as one segment's download) through a real MCP
   client, wall time, server CPU and the server's peak RSS growth over the call (Linux
   `VmHWM`, reset through `/proc/PID/clear_refs`) against the page size;
3. another session: a second MCP client calls `tools/list` every `--every` seconds while the
   first call runs; its slowest answer;
4. cancellation: a `--cancel-mb` page of tiny custom events; `list_recording_segments` is
   cancelled once the server has spent `--cancel-after` s of CPU on it, then the server's CPU
   is sampled until a 200 ms window adds less than 20 ms: the time from cancelling to quiet.

    python benchmarks/segment_worst_case.py [--mb 16] [--runs 3] [--before] [--json]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import anyio  # noqa: E402
import httpx2  # noqa: E402

from benchmarks.beside import call_beside, quiet_after_cancel  # noqa: E402
from benchmarks.common import OURS  # noqa: E402
from benchmarks.load import http_server  # noqa: E402
from benchmarks.machine import machine  # noqa: E402
from benchmarks.recording_pages import MB, fill, shapes, tiny  # noqa: E402
from benchmarks.recording_worst_case import CALL_TIMEOUT, demo_process  # noqa: E402

LIST, ONE = "recording-segments/$", "recording-segments/0/$"  # literal text
BEFORE_LIMIT = 120.0


def parse_seconds(page: bytes, runs: int) -> tuple[float, Any]:
    """CPU seconds of `read_segments` on the page (this process's CPU time), median."""
    from sentry_replays_mcp.tools.recording.segment_scan import read_segments

    times, read = [], None
    for _ in range(runs):
        began = time.process_time()
        read = read_segments(page, 0, 6)
        times.append(time.process_time() - began)
    return statistics.median(times), read


def _before(page: bytes, out: Any) -> None:
    import resource

    from sentry_replays_mcp.tools.api.decoding import decode_large
    from sentry_replays_mcp.tools.api.segment_models import parse_segment_page
    from sentry_replays_mcp.tools.recording.segment import summarize_segment

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    began = time.process_time()
    try:
        for segment in parse_segment_page(decode_large(page), 0):
            summarize_segment(segment.events or [])
        said = ""
    except Exception as error:  # what the agent would have read: "failed unexpectedly"
        said = type(error).__name__
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak) * 1024
    out.put((time.process_time() - began, grown, said))


def before_seconds(page: bytes) -> dict[str, Any]:
    """The former reading, once, in a child process (its memory is its own), within a limit."""
    queue: Any = multiprocessing.get_context("fork").Queue()
    child = multiprocessing.get_context("fork").Process(target=_before, args=(page, queue))
    child.start()
    child.join(BEFORE_LIMIT)
    if child.is_alive():
        child.kill()
        child.join()
        return {"before_s": None, "before_rss": None, "before_said": "timed out"}
    seconds, grown, said = queue.get(timeout=5)
    return {"before_s": seconds, "before_rss": grown, "before_said": said}


def serve(http: httpx2.Client, page: bytes, route: str) -> None:
    http.post("/__demo__/reset").raise_for_status()
    fault = {"path": route, "status": 200, "times": None, "body": page.decode("latin-1")}
    http.post("/__demo__/faults", content=json.dumps(fault)).raise_for_status()


async def end_to_end(url: str, pid: int, tool: str, args: dict[str, Any], every: float) -> dict:
    """One call in one session while another lists tools: times, RSS, what it said."""
    result, figures = await call_beside(url, pid, tool, args, every, CALL_TIMEOUT)
    text = "".join(getattr(c, "text", "") for c in result.content)
    lines = [line for line in text.splitlines() if "malformed" in line]
    said = (lines[0] if lines else text.splitlines()[-1])[:160]
    return figures | {"error": text[:160] if result.is_error else "", "said": said}


async def cancellation(url: str, pid: int, replay_id: str, after_cpu: float) -> dict[str, Any]:
    """Cancel `list_recording_segments` once the server spent `after_cpu` s of CPU on it."""
    args = {"replay_id": replay_id}
    return await quiet_after_cancel(
        url, pid, "list_recording_segments", args, after_cpu, CALL_TIMEOUT
    )


def run(args: argparse.Namespace) -> dict[str, Any]:
    from sentry_replays_mcp.server.demo import DemoSentry

    replay_id = DemoSentry().story_replay_id
    rows: list[dict[str, Any]] = []
    with demo_process() as info, tempfile.TemporaryDirectory() as logs:
        origin = info["base_url"].split("/api/0", 1)[0]
        auth = {"Authorization": f"Bearer {info['token']}"}
        with (
            httpx2.Client(base_url=origin, headers=auth, timeout=120) as control,
            http_server(OURS, info, argparse.Namespace(spec=None), Path(logs)) as (url, pid),
        ):
            serve(control, fill(tiny, MB), LIST)  # warm-up: imports, threads
            anyio.run(end_to_end, url, pid, "list_recording_segments",
                      {"replay_id": replay_id}, args.every)  # fmt: skip
            for name, page in shapes(args.mb * MB):
                seconds, read = parse_seconds(page, args.runs)
                row = {"shape": name, "bytes": len(page), "parse_s": seconds}
                row |= {"parse_mb_s": len(page) / MB / seconds, "problem": read.problem}
                if args.before:
                    row |= before_seconds(page)
                calls = {
                    "list": ("list_recording_segments", {"replay_id": replay_id}, page, LIST),
                    "get": ("get_recording_segment", {"replay_id": replay_id, "segment_id": 0},
                            page[1:-1], ONE),
                }  # fmt: skip
                for key, (tool, tool_args, body, route) in calls.items():
                    serve(control, body, route)
                    row[key] = anyio.run(end_to_end, url, pid, tool, tool_args, args.every)
                rows.append(row)
                print(f"  {name}: {row['parse_mb_s']:.1f} MB/s", file=sys.stderr)
            serve(control, fill(tiny, args.cancel_mb * MB), LIST)
            cancel = anyio.run(cancellation, url, pid, replay_id, args.cancel_after)
    return {"machine": machine(), "rows": rows, "cancel": cancel, "mb": args.mb,
            "cancel_mb": args.cancel_mb}  # fmt: skip


def report(result: dict[str, Any]) -> str:
    lines = [
        f"Machine: {result['machine']}",
        "",
        "| shape | parse MB/s | tool | end to end s | server CPU s | peak RSS growth (× page) "
        "| other session max ms |",
        "|---|---|---|---|---|---|---|",
    ]
    misses = []
    for row in result["rows"]:
        for key in ("list", "get"):
            call = row[key]
            ratio = call["rss_growth"] / row["bytes"]
            lines.append(
                f"| {row['shape']} | {row['parse_mb_s']:.1f} | {key} | {call['seconds']:.2f} | "
                f"{call['server_cpu']:.2f} | {call['rss_growth'] / MB:.0f} MB ({ratio:.2f}×) | "
                f"{call['other_max'] * 1000:.0f} (n={call['other_n']}) |"
            )
            if ratio > 3:
                misses.append(f"{row['shape']} {key}: RSS growth {ratio:.2f}× > 3×")
            if call["other_max"] > 0.1:
                misses.append(f"{row['shape']} {key}: other session "
                              f"{call['other_max'] * 1000:.0f} ms > 100")  # fmt: skip
            if call["error"]:
                misses.append(f"{row['shape']} {key}: the call failed: {call['error']}")
        if row["parse_mb_s"] < 20:
            misses.append(f"{row['shape']}: {row['parse_mb_s']:.1f} MB/s < 20")
    if any("before_s" in row for row in result["rows"]):
        lines += ["", "| shape | before: s | before: peak RSS growth | before: said |",
                  "|---|---|---|---|"]  # fmt: skip
        for row in result["rows"]:
            took = f"{row['before_s']:.2f}" if row["before_s"] is not None else "> limit"
            grown = f"{row['before_rss'] / MB:.0f} MB" if row["before_rss"] is not None else "?"
            lines.append(f"| {row['shape']} | {took} | {grown} | {row['before_said']} |")
    quiet = result["cancel"]["quiet_after"]
    lines.append(
        f"\nCancellation ({result['cancel_mb']} MB page, cancelled after "
        f"{result['cancel']['cpu_before']:.2f} s of server CPU): quiet {quiet:.2f} s after "
        f"the cancel, {result['cancel']['cpu_total']:.2f} s of CPU in all."
        if quiet is not None
        else "\nCancellation: the server's CPU did not go quiet within 30 s."
    )
    if quiet is None or quiet > 1:
        misses.append("cancellation: CPU not free within 1 s")
    for row in result["rows"]:
        lines.append(f"- {row['shape']}: list said: {row['list']['said']}")
    lines += ["", "Targets: " + ("all met." if not misses else "missed: " + "; ".join(misses))]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, default=16)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--every", type=float, default=0.05)
    parser.add_argument("--cancel-mb", type=int, default=48)
    parser.add_argument("--cancel-after", type=float, default=1.0)
    parser.add_argument("--before", action="store_true", help="also time the former reading")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args)
    print(json.dumps(result, indent=2) if args.json else report(result))


if __name__ == "__main__":
    main()
