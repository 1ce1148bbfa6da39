"""Benchmark: recording pages of the worst shapes, read by the running server.

For each shape, a 16 MB segment-list page (`--mb`) is served by the demo Sentry
(`sentry-replays-demo-api --port 0`, a process of its own, the page installed as a fault on
the segment-list route through its control API) to our server, which runs as another
process over streamable HTTP. Measured per shape:

1. parse: `Digest.add_page` on the page in this process, in CPU seconds (the machine may be
   shared), median of `--runs`: MB/s;
2. end to end: `summarize_replay` through a real MCP client session (download + parse), its
   wall time, and the server's peak RSS growth over the call (Linux `VmHWM`, reset before
   the call through `/proc/PID/clear_refs`), against the page size;
3. another session: a second MCP client calls `tools/list` every `--every` seconds while
   the first call runs; its slowest answer;
4. for the normal page: the loopback download alone (httpx2 from the demo) against (1), one
   of each in turn, `--runs` times (medians, and each pair); and msgspec alone validating
   the page (building nothing), the floor of any reader built on it;
5. cancellation: a `--cancel-mb` page of tiny custom events; the call is cancelled once the
   server has spent `--cancel-after` s of CPU on it, then the server's CPU is sampled every
   50 ms until a 200 ms window adds less than 20 ms: the time from cancelling to that quiet
   (not measured, and said so, when the call ends before it could be cancelled).

Prints the machine, a markdown table and whether each target holds (every shape >= 20 MB/s,
peak RSS growth <= 3x the page, the other session <= 100 ms, CPU free within 1 s of a
cancel, summarising faster than the download). Exits non-zero only on errors.

    python benchmarks/recording_worst_case.py [--mb 16] [--runs 3] [--json]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import anyio  # noqa: E402
import httpx2  # noqa: E402
import msgspec  # noqa: E402

from benchmarks.beside import call_beside, quiet_after_cancel  # noqa: E402
from benchmarks.common import OURS  # noqa: E402
from benchmarks.load import http_server  # noqa: E402
from benchmarks.machine import machine  # noqa: E402
from benchmarks.recording_pages import MB, T0, fill, normal, shapes, tiny  # noqa: E402
from benchmarks.summarize_long_replay import (  # noqa: E402
    START_TIMEOUT,
    demo_command,
    read_line,
    stop,
)

CALL_TIMEOUT = 300.0
ROUTE = r"recording-segments/$"


# -- measurements -------------------------------------------------------------------------------


def parse_times(page: bytes, runs: int) -> tuple[list[float], Any]:
    """CPU seconds of `Digest.add_page` (this process's CPU time: the machine is shared, so
    wall time would count other people's work), each of `runs`; and the last digest."""
    from sentry_replays_mcp.tools.recording import Digest

    times, digest = [], None
    for _ in range(runs):
        began = time.process_time()
        digest = Digest(T0)
        digest.add_page(page)
        times.append(time.process_time() - began)
    return times, digest


def download_times(url: str, token: str, runs: int) -> list[float]:
    """Wall seconds of downloading the page (httpx2, loopback), each of `runs`."""
    times = []
    with httpx2.Client(headers={"Authorization": f"Bearer {token}"}, timeout=60) as http:
        for _ in range(runs):
            began = time.perf_counter()
            response = http.get(url)
            response.raise_for_status()
            times.append(time.perf_counter() - began)
    return times


def validating_seconds(page: bytes, runs: int) -> float:
    """CPU seconds of msgspec only validating the page (building nothing), median of `runs`:
    what no reader built on msgspec can go below."""
    times = []
    for _ in range(runs):
        began = time.process_time()
        msgspec.json.decode(page, type=msgspec.Raw)
        times.append(time.process_time() - began)
    return statistics.median(times)


def normal_page(page: bytes, url: str, token: str, runs: int) -> tuple[dict[str, Any], Any]:
    """The normal page's parse and download, one of each in turn (`runs` rounds), so that
    both see the same moments of a shared machine; and the floor (`validating_seconds`)."""
    parsed: list[float] = []
    downloaded: list[float] = []
    digest = None
    for _ in range(runs):
        times, digest = parse_times(page, 1)
        parsed += times
        downloaded += download_times(url, token, 1)
    row = {"parse_runs": parsed, "download_runs": downloaded}
    row |= {"download_s": statistics.median(downloaded), "floor_s": validating_seconds(page, runs)}
    return row | {"parse_s": statistics.median(parsed)}, digest


async def end_to_end(url: str, pid: int, replay_id: str, every: float) -> dict[str, Any]:
    """`summarize_replay` in one session while another lists tools; times, RSS, result."""
    args = {"replay_id": replay_id}
    result, figures = await call_beside(url, pid, "summarize_replay", args, every, CALL_TIMEOUT)
    text = "".join(getattr(c, "text", "") for c in result.content)
    said = next((line for line in text.splitlines() if "malformed" in line.lower()), "")
    return figures | {"error": bool(result.is_error), "said": said[:160]}


async def cancellation(url: str, pid: int, replay_id: str, after_cpu: float) -> dict[str, Any]:
    """Cancel a call once the server spent `after_cpu` s of CPU on it; seconds to quiet."""
    args = {"replay_id": replay_id}
    return await quiet_after_cancel(url, pid, "summarize_replay", args, after_cpu, CALL_TIMEOUT)


# -- the run -----------------------------------------------------------------------------------


@contextlib.contextmanager
def demo_process() -> Iterator[dict[str, Any]]:
    """`sentry-replays-demo-api --port 0` as a process of its own (so that serving a page
    does not compete with this process's client for its interpreter lock): its info."""
    proc = subprocess.Popen(
        [*demo_command("1:1")[:-2]], stdout=subprocess.PIPE, stdin=subprocess.DEVNULL
    )
    try:
        yield json.loads(read_line(proc, START_TIMEOUT))
    finally:
        stop(proc)


def serve_page(http: httpx2.Client, page: bytes) -> None:
    """Make the demo answer the segment list with `page` (a fault, through its control API)."""
    http.post("/__demo__/reset").raise_for_status()
    fault = {"path": ROUTE, "status": 200, "times": None, "body": page.decode("latin-1")}
    http.post("/__demo__/faults", content=json.dumps(fault)).raise_for_status()


def run(args: argparse.Namespace) -> dict[str, Any]:
    from sentry_replays_mcp.server.demo import DemoSentry

    replay = DemoSentry().replay(DemoSentry().story_replay_id)  # the demo's data is fixed
    rows: list[dict[str, Any]] = []
    before = machine()
    with demo_process() as info, tempfile.TemporaryDirectory() as logs:
        base = info["base_url"]
        origin = base.split("/api/0", 1)[0]
        auth = {"Authorization": f"Bearer {info['token']}"}
        pages_url = (
            f"{base}/projects/acme/{replay.project.slug}/replays/{replay.id}/recording-segments/"
        )
        with (
            httpx2.Client(base_url=origin, headers=auth, timeout=120) as control,
            http_server(OURS, info, argparse.Namespace(spec=None), Path(logs)) as (url, pid),
        ):
            serve_page(control, fill(normal, MB // 4))
            anyio.run(end_to_end, url, pid, replay.id, args.every)  # warm-up: imports, threads
            for name, page in shapes(args.mb * MB):
                serve_page(control, page)
                row: dict[str, Any] = {"shape": name, "bytes": len(page)}
                if name.startswith("(a)"):
                    figures, digest = normal_page(page, pages_url, info["token"], args.runs)
                    row |= figures
                else:
                    times, digest = parse_times(page, args.runs)
                    row["parse_s"] = statistics.median(times)
                row["parse_mb_s"] = len(page) / MB / row["parse_s"]
                row["malformed"] = digest.malformed
                row["problem"] = digest.problem
                row |= anyio.run(end_to_end, url, pid, replay.id, args.every)
                rows.append(row)
                print(f"  {name}: {row['parse_mb_s']:.1f} MB/s", file=sys.stderr)
            serve_page(control, fill(tiny, args.cancel_mb * MB))
            cancel = anyio.run(cancellation, url, pid, replay.id, args.cancel_after)
    return {
        "machine": before,
        "machine_after": machine(),
        "rows": rows,
        "cancel": cancel,
        "mb": args.mb,
        "cancel_mb": args.cancel_mb,
    }


def report(result: dict[str, Any]) -> str:
    lines = [
        f"Machine: {result['machine']} "
        f"(after: {result['machine_after'].rsplit('load average ', 1)[-1]})",
        "",
        "| shape | parse MB/s | end to end s | server CPU s | peak RSS growth (× page) "
        "| other session median / max ms | malformed |",
        "|---|---|---|---|---|---|---|",
    ]
    misses = []
    for row in result["rows"]:
        ratio = row["rss_growth"] / row["bytes"]
        lines.append(
            f"| {row['shape']} | {row['parse_mb_s']:.1f} | {row['seconds']:.2f} | "
            f"{row['server_cpu']:.2f} | "
            f"{row['rss_growth'] / MB:.0f} MB ({ratio:.2f}×) | "
            f"{row['other_median'] * 1000:.0f} / {row['other_max'] * 1000:.0f} "
            f"(n={row['other_n']}) | {row['malformed']} |"
        )
        if row["parse_mb_s"] < 20:
            misses.append(f"{row['shape']}: {row['parse_mb_s']:.1f} MB/s < 20")
        if ratio > 3:
            misses.append(f"{row['shape']}: RSS growth {ratio:.2f}× > 3×")
        if row["other_max"] > 0.1:
            misses.append(f"{row['shape']}: other session {row['other_max'] * 1000:.0f} ms > 100")
        if row.get("error"):
            misses.append(f"{row['shape']}: the call failed")
    normal = result["rows"][0]
    pairs = list(zip(normal["parse_runs"], normal["download_runs"], strict=True))
    faster = sum(parse < download for parse, download in pairs)
    lines += [
        "",
        f"Normal page: parse {normal['parse_s']:.3f} s vs loopback download "
        f"{normal['download_s']:.3f} s (medians; parse faster in {faster} of {len(pairs)} "
        "runs, taken in turn: "
        + ", ".join(f"{parse:.3f} vs {download:.3f}" for parse, download in pairs)
        + f"); msgspec alone validating the page: {normal['floor_s']:.3f} s.",
    ]
    if normal["parse_s"] >= normal["download_s"]:
        misses.append("normal page: summarising is slower than the download")
    quiet = result["cancel"]["quiet_after"]
    ended_first = result["cancel"].get("ended_first", False)
    lines.append(
        f"Cancellation: the call ended after {result['cancel']['cpu_before']:.2f} s of server "
        "CPU, before it could be cancelled (use a larger --cancel-mb or a smaller --cancel-after)."
        if ended_first
        else f"Cancellation ({result['cancel_mb']} MB page, cancelled after "
        f"{result['cancel']['cpu_before']:.2f} s of server CPU): the server's CPU was quiet "
        f"{quiet:.2f} s after the cancel, having used {result['cancel']['cpu_total']:.2f} s "
        "in all."
        if quiet is not None
        else "Cancellation: the server's CPU did not go quiet within 30 s."
    )
    if ended_first:
        misses.append("cancellation: not measured (the call ended before the cancel)")
    elif quiet is None or quiet > 1:
        misses.append("cancellation: CPU not free within 1 s")
    for row in result["rows"]:
        if row["problem"]:
            lines.append(f"- {row['shape']}: {row['problem']}")
    lines += ["", "Targets: " + ("all met." if not misses else "missed: " + "; ".join(misses))]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, default=16)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--every", type=float, default=0.05)
    parser.add_argument("--cancel-mb", type=int, default=48)
    parser.add_argument("--cancel-after", type=float, default=0.5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args)
    print(json.dumps(result, indent=2) if args.json else report(result))


if __name__ == "__main__":
    main()
