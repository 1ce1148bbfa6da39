"""Rendering helpers shared by every tool: humanised values and inert untrusted text.

Replay data (URLs, user names, click text, console messages) comes from end users'
browsers and is untrusted. It is rendered as data: every invisible character removed
(`visible`, the one sanitiser), length capped, and every value wrapped in a code span,
where markdown and would-be instructions are shown, not interpreted. Only what is ours
(ids in id shape, numbers, our own words) is shown bare.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

MAX_RESULT_CHARS = 40_000  # about 10,000 tokens; counted in characters and in UTF-8 bytes
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)?")
# Characters that `str.isprintable` accepts but that show nothing (Unicode's
# Default_Ignorable_Code_Point, less what isprintable already refuses) and blank look-alikes:
# soft hyphen, combining grapheme joiner, Arabic letter mark, Hangul fillers, Khmer inherent
# vowels, Mongolian selectors, variation selectors, Braille blank, tag characters.
_IGNORABLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
    "\u202a-\u202e\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})


def visible(value: str, *, newlines: bool = False) -> str:
    """`value` without any character that shows nothing: every control, format, private-use,
    surrogate, unassigned or separator character (by Unicode category, through
    `str.isprintable`), and the default-ignorable and blank characters it lets through. Spaces
    of every kind become a plain space; with `newlines`, line breaks are kept."""
    text = _IGNORABLE.sub("", value)
    if text.isprintable():
        return text
    if newlines:
        return "\n".join(visible(line) for line in text.split("\n"))
    return "".join(c if c.isprintable() else " " if c.isspace() else "" for c in text)


def clean(value: object, limit: int = 200) -> str:
    """Visible, single-line, capped text."""
    text = str(value)[: limit * 8 + 64]  # what can reach `limit` characters after cleaning
    text = visible(_ANSI.sub("", text))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def code(value: object, limit: int = 200) -> str:
    """Untrusted text as an inline code span that nothing inside can close."""
    text = clean(value, limit).replace("`", "ˋ")
    return f"`{text}`" if text else "``"


_NUMBER = re.compile(r"-?[0-9]{1,20}(\.[0-9]{1,6})?")


def data(value: object, limit: int = 120) -> str:
    """A value from an end user's browser or an SDK (browser, OS, environment, release, tag):
    always a code span, whatever its length, unless it is a plain number. Only values that are
    ours (ids in id shape, numbers, known enum values) are ever shown bare."""
    text = clean(value, limit)
    return text if _NUMBER.fullmatch(text) else code(text, limit)


_HEX_ID = re.compile(r"[0-9a-f]{32}")


def hexid(value: str) -> str:
    """A replay or event id: bare when it is 32 hex digits (as Sentry sends them), else quoted."""
    return value if _HEX_ID.fullmatch(value) else code(value, 64)


def ident(value: object, limit: int = 120) -> str:
    """Names, addresses and paths an end user wrote (`jane@example.com`, `/checkout/pay`):
    always a code span."""
    return code(value, limit)


def cell(value: object, limit: int = 80) -> str:
    """Untrusted text for a markdown table cell."""
    return code(value, limit).replace("|", "¦")


def duration(seconds: float | None) -> str | None:
    """576 → '9m 36s'; 3723 → '1h 2m 3s'; 0.4 → '0.4s'."""
    if seconds is None or seconds < 0:
        return None
    if seconds < 1:
        return f"{seconds:.1f}s" if seconds else "0s"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours}h"] if hours else []
    if minutes or (hours and secs):
        parts.append(f"{minutes}m")
    if secs or not parts:
        parts.append(f"{secs}s")
    return " ".join(parts)


def ago(moment: datetime, now: datetime) -> str:
    """'just now', '5m ago', '3h ago', '2d ago' (or 'in 5m' for the future)."""
    delta = (now - moment).total_seconds()
    future = delta < 0
    delta = abs(delta)
    if delta < 60:
        return "just now"
    for size, unit in ((86400 * 365, "y"), (86400, "d"), (3600, "h"), (60, "m")):
        if delta >= size:
            amount = f"{int(delta // size)}{unit}"
            return f"in {amount}" if future else f"{amount} ago"
    return "just now"  # pragma: no cover


def when(moment: datetime | None, now: datetime) -> str | None:
    """'2026-11-25 14:03 UTC (19h ago)'."""
    if moment is None:
        return None
    stamp = moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"{stamp} ({ago(moment, now)})"


def offset(ms: float) -> str:
    """Milliseconds from the start of a replay as a '+m:ss' offset."""
    seconds = max(0, int(ms // 1000))
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"+{hours}:{minutes:02d}:{secs:02d}" if hours else f"+{minutes}:{secs:02d}"


def plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else (words or word + 's')}"


def joined(parts: Iterable[str | None], sep: str = " · ") -> str:
    """Join the non-empty parts: nulls and empty values are dropped, never shown."""
    return sep.join(p for p in parts if p)


def capped(items: Sequence[str], limit: int, more_hint: str | None = None) -> list[str]:
    """At most `limit` lines, then '… N more' with the argument that gets them."""
    lines = list(items[:limit])
    hidden = len(items) - limit
    if hidden > 0:
        lines.append(f"… {hidden} more" + (f" ({more_hint})" if more_hint else ""))
    return lines


def size(text: str) -> int:
    """What the result budget counts: UTF-8 bytes, never fewer than the characters."""
    return len(text.encode("utf-8", "surrogatepass"))


def fit(text: str, limit: int = MAX_RESULT_CHARS) -> str:
    """The last guard of the result budget (characters and UTF-8 bytes): cut at a line
    boundary and say so."""
    if size(text) <= limit:
        return text
    note = "\n… (output cut to stay within the result budget; ask for fewer items)"
    room = max(0, limit - size(note))
    head = text.encode("utf-8", "surrogatepass")[:room].decode("utf-8", "ignore")
    cut = head.rfind("\n")
    return head[: cut if cut > 0 else len(head)] + note
