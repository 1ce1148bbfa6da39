"""A whole recording's digest in words: the problems it holds, and what a summary of it leaves
out (kinds only counted, events not kept, malformed events, pages not read)."""

from __future__ import annotations

from sentry_replays_mcp.tools.kit import text as r
from sentry_replays_mcp.tools.recording.digest import Digest
from sentry_replays_mcp.tools.recording.kinds import (
    CONSOLE_ERROR,
    DEAD_CLICK,
    ERROR_EVENT,
    HYDRATION_ERROR,
    MEMORY,
    RAGE_CLICK,
    REQUEST,
    REQUEST_FAILED,
    REQUEST_SLOW,
)

NOISE = (
    "mouse move",
    "mutation",
    "scroll",
    "pointer",
    "snapshot",
    "style",
    "touch move",
    "input change",
    "resize",
    "selection",
    "canvas",
    "font",
    "media",
    "drag",
)
PROBLEMS = (
    (ERROR_EVENT, "linked error"),
    (CONSOLE_ERROR, "console error"),
    (REQUEST_FAILED, "failed request"),
    (RAGE_CLICK, "rage click"),
    (DEAD_CLICK, "dead click"),
    (REQUEST_SLOW, "slow request"),
    (HYDRATION_ERROR, "hydration error"),
    (MEMORY, "memory pressure warning"),
)


def video_line(digest: Digest) -> str | None:
    """'video recording: 12 chunks, 60 s, no DOM' for a mobile replay, else None."""
    video = digest.normalizer.video
    if not video.chunks:
        return None
    return f"video recording: {r.plural(video.chunks, 'chunk')}, {video.ms / 1000:.0f} s, no DOM"


def unknown_line(digest: Digest) -> str | None:
    """The kinds no SDK writes (or this server does not read yet), counted by name."""
    unknown = digest.normalizer.unknown
    if not unknown:
        return None
    ranked = sorted(unknown.items(), key=lambda kv: (-kv[1], kv[0]))
    names = ", ".join(f"{r.code(name, 70)} ({n})" for name, n in ranked[:8])
    more = f", {len(ranked) - 8} more names" if len(ranked) > 8 else ""
    total = r.plural(sum(unknown.values()), "event")
    return f"{total} of kinds this summary does not read, only counted: {names}{more}"


def left_out(digest: Digest, complete: bool) -> list[str]:
    """What a summary of this digest does not show, one note each (a mobile replay's video,
    said where the summary tells how much it read, has no DOM statistics to leave out)."""
    notes = []
    noise = {k: n for k, n in digest.mix.items() if k in NOISE}
    if noise:
        notes.append(
            "not shown: "
            + ", ".join(r.plural(n, k) for k, n in sorted(noise.items(), key=lambda kv: -kv[1]))
        )
    unknown = unknown_line(digest)
    if unknown:
        notes.append(unknown)
    if digest.counts.get(REQUEST):
        notes.append(
            f"{digest.counts[REQUEST]} successful requests only counted "
            "(kinds=['network'] lists them)"
        )
    if digest.dropped:
        notes.append(
            f"{sum(digest.dropped.values())} events beyond the first {len(digest.events)} not kept"
        )
    if digest.malformed:
        notes.append(f"{digest.malformed} malformed events skipped")
    if digest.problem:  # the page reader's own sentence: numbers and fixed words only
        notes.append(digest.problem[0].lower() + digest.problem[1:].rstrip("."))
    if not complete:
        notes.append(f"stopped after {digest.segments} segments (page limit)")
    return notes


def problem_line(counts: dict[str, int]) -> str | None:
    """'1 linked error, 2 failed requests, 3 rage clicks', or None when there were none."""
    parts = [r.plural(counts[k], name) for k, name in PROBLEMS if counts.get(k)]
    return ", ".join(parts) if parts else None
