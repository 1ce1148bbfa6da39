"""The chart of `benchmarks.compare`: each ratio ours/peer against its target, as a PNG."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks.table import build_rows


def chart(r: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    _, bars = build_rows(r)
    fig, ax = plt.subplots(figsize=(max(8.0, 0.85 * len(bars)), 5.0), dpi=120)
    xs = range(len(bars))
    colors = []
    for _, value, target, holds in bars:
        if target is None:
            colors.append("#8c8c8c")
        elif value > target:
            colors.append("#c62828")
        else:
            colors.append("#2f7d32" if holds else "#ef8f00")
    ax.bar(xs, [v for _, v, _, _ in bars], color=colors, width=0.65)
    for x, (_, value, target, _) in zip(xs, bars, strict=True):
        ax.annotate(
            f"{value:.2f}",
            (x, max(value, target or 0)),
            ha="center",
            va="bottom",
            fontsize=7,
            xytext=(0, 2),
            textcoords="offset points",
        )
        if target is not None:
            ax.hlines(target, x - 0.42, x + 0.42, colors="black", linestyles="--", linewidth=1.2)
    ax.axhline(1.0, color="#555555", linewidth=0.6)
    ax.set_yscale("log")
    ticks = [0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10]
    low, high = ax.get_ylim()
    ax.set_yticks([t for t in ticks if low <= t <= high])
    ax.set_yticklabels([f"{t:g}" for t in ticks if low <= t <= high])
    ax.minorticks_off()
    ax.set_xticks(list(xs))
    ax.set_xticklabels([label for label, _, _, _ in bars], fontsize=7, rotation=35, ha="right")
    ax.set_ylabel("ours / peer (log scale; lower is better)")
    ax.set_title(
        "sentry-replays-mcp vs FastMCP.from_openapi (same run, same data)\n"
        "dashed: target on the ratio; green: holds; orange: ratio holds, its other condition "
        "(every id / ≤ 2 ms over the HTTP floor) does not; red: missed; grey: no target",
        fontsize=9,
    )
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
