"""A replay's facts as short, sanitised text, for the tools that show replays."""

from __future__ import annotations

from sentry_replays_mcp.tools.api.models import Replay
from sentry_replays_mcp.tools.kit import text as r

MAX_URLS = {"summary": 10, "full": 40}
MAX_IDS = {"summary": 5, "full": 30}
MAX_TAGS = 30


def name_version(name: str | None, version: str | None) -> str | None:
    """'Chrome 127.0.0', or the name alone."""
    return r.clean(f"{name} {version}" if name and version else name or "", 60) or None


def problems(errors: int | None, rage: int | None, dead: int | None) -> str | None:
    """'2 errors, 1 rage click, 0 dead clicks'; counts the server did not send are left out."""
    parts = [
        r.plural(errors, "error") if errors is not None else None,
        r.plural(rage, "rage click") if rage is not None else None,
        r.plural(dead, "dead click") if dead is not None else None,
    ]
    return r.joined(parts, ", ") or None


def user_of(replay: Replay) -> str | None:
    return r.clean(replay.user.label, 120) if replay.user.label else None


def first_url(replay: Replay) -> str | None:
    return r.clean(replay.urls[0], 300) if replay.urls else None


def start_ms(replay: Replay | None) -> float | None:
    """When the replay started, in epoch milliseconds: what offsets count from."""
    return replay.started_at.timestamp() * 1000 if replay and replay.started_at else None
