"""Benchmark: the replay view's player feed (`replay_events`) on recording pages of the worst
shapes, in this process.

For each 15 MB page shape of `recording_worst_case.py` (a browser session's normal mix, tiny
custom events, malformed events, `{}` rows, deep nesting, one huge string), and the smallest
rows a page may have and still be read (`{"type":N}`, 12 bytes with their comma):

1. read: `player_page` (decode, keep what plays, make it inert; in the server a worker
   thread), CPU seconds, median of `--runs`: MB/s;
2. peak memory of the reading and joining, by tracemalloc (Python's allocations, the page
   itself not counted), against the page size;
3. on the event loop: serialising one call's answer (`CallToolResult.model_dump_json`, what
   the SDK does before writing it), for the largest answer a call gives (`MAX_CALL_BYTES`).

Prints the machine, a markdown table and whether the targets hold (every shape >= 20 MB/s,
memory <= 7x the page, serialising one answer <= 50 ms). Exits non-zero only on errors.

    python benchmarks/view_feed.py [--mb 15] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from mcp.types import CallToolResult, TextContent  # noqa: E402

from benchmarks.machine import machine  # noqa: E402
from benchmarks.recording_pages import MB, fill, normal, shapes  # noqa: E402
from sentry_replays_mcp.tools.kit.view_events import MAX_CALL_BYTES, joined  # noqa: E402
from sentry_replays_mcp.tools.recording.player_events import player_page  # noqa: E402


def read_seconds(page: bytes, runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.process_time()
        player_page(page, 0)
        times.append(time.process_time() - began)
    return statistics.median(times)


def peak_bytes(page: bytes) -> tuple[int, str]:
    tracemalloc.start()
    read = player_page(page, 0)
    joined(read)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, read.problem or f"{read.events:,} events kept, {read.left_out:,} left out"


def serialise_ms(runs: int) -> float:
    """One call's largest answer, serialised as the SDK does on the event loop."""
    read = player_page(fill(normal, MAX_CALL_BYTES), 0)
    _, text = joined(read)
    result = CallToolResult(
        content=[TextContent(type="text", text="events")], structured_content={"events_json": text}
    )
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        result.model_dump_json(by_alias=True, exclude_none=True)
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=15.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(machine())
    print()
    print("| shape | MB/s | peak memory / page | outcome |")
    print("|---|---:|---:|---|")
    speeds, ratios = [], []
    size = int(args.mb * MB)
    smallest = fill(lambda n: b'{"type":%d}' % (n % 7 - 1), size)  # just read: a comma in 12 B
    for name, page in [*shapes(size), ("(g) the smallest rows still read", smallest)]:
        seconds = read_seconds(page, args.runs)
        peak, outcome = peak_bytes(page)
        speed = len(page) / MB / max(seconds, 1e-9)
        speeds.append(speed)
        ratios.append(peak / len(page))
        print(f"| {name} | {speed:,.0f} | {peak / len(page):.1f}x | {outcome} |")
    loop_ms = serialise_ms(args.runs)
    print()
    print(f"Serialising one call's largest answer ({MAX_CALL_BYTES / MB:.1f} MB): {loop_ms:.1f} ms")
    print()
    print(f"every shape >= 20 MB/s: {'yes' if min(speeds) >= 20 else 'NO'} ({min(speeds):.0f})")
    print(f"memory <= 7x the page: {'yes' if max(ratios) <= 7 else 'NO'} ({max(ratios):.1f}x)")
    print(f"one answer serialised in <= 50 ms: {'yes' if loop_ms <= 50 else 'NO'}")


if __name__ == "__main__":
    main()
