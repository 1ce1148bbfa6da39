"""Offsets from the start of a replay: '+m:ss', and '+m:ss.s' (tenths, never rounded up)
for moments that share a whole second with the moment before or after them, so that their
order stays visible."""

from __future__ import annotations

from collections.abc import Sequence

FORMAT_NOTE = (
    "Offsets are from the start of the replay, +m:ss (+m:ss.s, in tenths of a second, "
    "where moments share a second)."
)


def offset(ms: float, tenths: bool = False) -> str:
    """'+0:48', or with `tenths` '+0:48.1'; negative offsets read as +0:00."""
    whole = max(0, int(ms // 100)) if tenths else max(0, int(ms // 1000)) * 10
    seconds, tenth = divmod(whole, 10)
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    text = f"+{hours}:{minutes:02d}:{secs:02d}" if hours else f"+{minutes}:{secs:02d}"
    return f"{text}.{tenth}" if tenths else text


def close(times: Sequence[float]) -> list[bool]:
    """For each time (ms, in order), whether it shares its whole second with a neighbour."""
    seconds = [int(t // 1000) for t in times]
    last = len(seconds) - 1
    return [
        (i > 0 and s == seconds[i - 1]) or (i < last and s == seconds[i + 1])
        for i, s in enumerate(seconds)
    ]


def offsets(times: Sequence[float], origin: float) -> list[str]:
    """Each time (ms since the epoch, in order) as an offset from `origin`, with tenths where
    two moments fall within the same second."""
    relative = [t - origin for t in times]
    return [offset(ms, fine) for ms, fine in zip(relative, close(relative), strict=True)]
