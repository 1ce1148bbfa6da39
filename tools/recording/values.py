"""Reading single values out of untrusted recorded events: numbers, times, text and labels.
A value of the wrong type or out of range reads as missing, never as an exception."""

from __future__ import annotations

import math
import re
from typing import Any

# A timestamp below this is in seconds, above it in milliseconds (2001-09-09 in ms).
SECONDS_BELOW = 1e12
LATEST_MS = 1e14  # about the year 5138: anything later is not a time


def number(value: Any) -> float | None:
    """A finite int or float (never a bool); None otherwise, however large the int."""
    kind = type(value)
    if kind is float:  # the usual cases first, as JSON decodes them
        return value if math.isfinite(value) else None
    if kind is int:
        try:
            return float(value)
        except OverflowError:
            return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        out = float(value)
    except OverflowError:
        return None
    return out if math.isfinite(out) else None


def millis(value: Any) -> float | None:
    """A timestamp in ms, from seconds or ms; None when it is not a plausible time."""
    kind = type(value)
    if kind is float or kind is int:  # the usual cases, as JSON decodes them
        if value >= SECONDS_BELOW:  # ms (NaN is neither this nor >= 0)
            return float(value) if value <= LATEST_MS else None
        if value >= 0:  # seconds
            in_ms = float(value) * 1000
            return in_ms if in_ms <= LATEST_MS else None
        return None
    out = number(value)
    if out is None or out < 0:
        return None
    out = out if out >= SECONDS_BELOW else out * 1000
    return out if out <= LATEST_MS else None


def count_of(value: Any, default: int) -> int:
    """A non-negative count, `default` when missing or absurd."""
    out = number(value)
    return int(out) if out is not None and 0 <= out < 1e12 else default


def dict_of(parent: dict[str, Any], key: str) -> dict[str, Any]:
    value = parent.get(key)
    return value if isinstance(value, dict) else {}


def text(value: Any, limit: int = 500) -> str:
    return value[:limit] if isinstance(value, str) else ""


_NOT_LABEL = re.compile(r"[^\w .:/-]")
_LABELS: dict[tuple[str, int], str] = {}  # the few categories and ops a recording repeats
_LABELS_KEPT = 1_024


def label(value: Any, limit: int = 40) -> str:
    """A tag, category or op from the recording, for counting: label characters only."""
    if type(value) is not str:
        return _NOT_LABEL.sub("", text(value, limit * 2))[:limit]
    key = (value, limit)
    found = _LABELS.get(key)
    if found is None:
        found = _NOT_LABEL.sub("", value[: limit * 2])[:limit]
        if len(_LABELS) < _LABELS_KEPT and len(value) <= 2 * limit:
            _LABELS[key] = found
    return found
