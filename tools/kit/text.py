"""Rendering helpers shared by every tool: humanised values and inert untrusted text.

Replay data (URLs, user names, click text, console messages) comes from end users'
browsers and is untrusted. It is rendered as data: control characters removed,
length capped, and anything that is not plainly harmless wrapped in a code span,
where markdown and would-be instructions are shown, not interpreted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

MAX_RESULT_CHARS = 40_000  # about 10,000 tokens
_PLAIN = re.compile(r"[\w .,:@+()/'-]{1,40}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)?")


def clean(value: object, limit: int = 200) -> str:
    """Printable, single-line, capped text."""
    text = _ANSI.sub("", str(value))
    text = _CONTROL.sub(" ", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def code(value: object, limit: int = 200) -> str:
    """Untrusted text as an inline code span that nothing inside can close."""
    text = clean(value, limit).replace("`", "ˋ")
    return f"`{text}`" if text else "``"


def data(value: object, limit: int = 120) -> str:
    """Short labels from SDKs (browser, OS, environment, release): left bare when plainly
    harmless (`Chrome 127`: at most three words of plain characters), else a code span.
    Free text that people write (names, URLs, messages) always goes through `code`."""
    text = clean(value, limit)
    return text if _PLAIN.fullmatch(text) and text.count(" ") <= 2 else code(text, limit)


_HEX_ID = re.compile(r"[0-9a-f]{32}")


def hexid(value: str) -> str:
    """A replay or event id: bare when it is 32 hex digits (as Sentry sends them), else quoted."""
    return value if _HEX_ID.fullmatch(value) else code(value, 64)


_IDENT = re.compile(r"[\w./%~+:@=-]{1,120}")


def ident(value: object, limit: int = 120) -> str:
    """Identifiers and paths (`jane@example.com`, `/checkout/pay`): bare when they hold no
    spaces or markup, else a code span."""
    text = clean(value, limit)
    return text if _IDENT.fullmatch(text) else code(text, limit)


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


def fit(text: str, limit: int = MAX_RESULT_CHARS) -> str:
    """The last guard of the result budget: cut at a line boundary and say so."""
    if len(text) <= limit:
        return text
    note = "\n… (output cut to stay within the result budget; ask for fewer items)"
    cut = text.rfind("\n", 0, limit - len(note))
    return text[: cut if cut > 0 else limit - len(note)] + note
