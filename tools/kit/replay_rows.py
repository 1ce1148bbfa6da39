"""One replay as a row of a list: what is kept of it, and its line of text."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from pydantic import BaseModel

from sentry_replays_mcp.tools.api.models import Replay
from sentry_replays_mcp.tools.kit import text as r
from sentry_replays_mcp.tools.kit.facts import (
    MAX_IDS,
    client_text,
    device_name,
    first_url,
    name_version,
    releases_of,
    user_of,
)
from sentry_replays_mcp.tools.kit.ranking import UNKNOWN_NOTE, count_cell


class ReplayRow(BaseModel):
    id: str
    project_id: str | None = None
    started_at: datetime | None = None
    duration_seconds: float | None = None
    user: str | None = None
    count_errors: int | None = None
    count_rage_clicks: int | None = None
    count_dead_clicks: int | None = None
    first_url: str | None = None
    browser: str | None = None
    os: str | None = None
    device: str | None = None
    platform: str | None = None
    environment: str | None = None
    archived: bool | None = None
    # detail="full" only
    count_segments: int | None = None
    releases: list[str] | None = None
    error_ids: list[str] | None = None


def row_of(replay: Replay, full: bool) -> ReplayRow:
    row = ReplayRow(
        id=replay.id,
        project_id=replay.project_id,
        started_at=replay.started_at,
        duration_seconds=replay.duration,
        user=user_of(replay),
        count_errors=replay.count_errors,
        count_rage_clicks=replay.count_rage_clicks,
        count_dead_clicks=replay.count_dead_clicks,
        first_url=first_url(replay),
        browser=name_version(replay.browser.name, replay.browser.version),
        os=name_version(replay.os.name, replay.os.version),
        device=device_name(replay.device),
        platform=r.clean(replay.platform, 40) if replay.platform else None,
        environment=r.clean(replay.environment, 60) if replay.environment else None,
        archived=True if replay.archived else None,
    )
    if full:
        row.count_segments = replay.count_segments
        row.releases = releases_of(replay)[:5] or None
        row.error_ids = [r.clean(v, 40) for v in replay.error_ids[: MAX_IDS["summary"]]] or None
    return row


@dataclass(frozen=True)
class Common:
    """What most rows share, said once in the header instead of on every line."""

    origin: str | None  # "https://shop.acme.example"
    environment: str | None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def common_of(rows: list[ReplayRow]) -> Common:
    live = [row for row in rows if not row.archived]
    origins = {_origin(row.first_url) for row in live if row.first_url}
    environments = Counter(row.environment for row in live if row.environment)
    return Common(
        origins.pop() if len(origins) == 1 else None,
        environments.most_common(1)[0][0] if environments else None,
    )


def _page(url: str, common: Common) -> str:
    parts = urlsplit(url)
    origin = _origin(url)
    shown = (parts.path or "/") if origin and origin == common.origin else url.split("?", 1)[0]
    return r.ident(shown, 120)


def _name(label: str | None) -> str | None:
    """'Chrome 127.0.0' → 'Chrome' (versions are in the structured result)."""
    if not label:
        return None
    head, _, tail = label.rpartition(" ")
    return head if head and tail[:1].isdigit() else label


def _client_name(row: ReplayRow) -> str | None:
    """The browser, or for a mobile app (no browser) the device, else the app's platform."""
    return _name(row.browser) or row.device or row.platform


def _cell(value: str) -> str:
    """A label in a comma-separated row: a code span when it holds a comma."""
    return r.code(value, 40) if "," in value else r.data(value, 40)


def line_of(row: ReplayRow, common: Common, now: datetime) -> str:
    if row.archived:
        return f"{r.hexid(row.id)},deleted (archived stub, no data)"
    counts = "/".join(
        count_cell(n) for n in (row.count_errors, row.count_rage_clicks, row.count_dead_clicks)
    )
    client = "/".join(_cell(v) for v in (_client_name(row), _name(row.os)) if v)
    unusual_env = row.environment and row.environment != common.environment
    parts = [
        r.hexid(row.id),
        r.ago(row.started_at, now).removesuffix(" ago") if row.started_at else "?",
        r.duration(row.duration_seconds) or "?",
        r.ident(row.user, 80) if row.user else "anonymous",
        counts,
        _page(row.first_url, common) if row.first_url else "no page",
        client or None,
        r.data(row.environment, 40) if unusual_env else None,
    ]
    extra = _full_detail(row, now)
    return ",".join(p for p in parts if p) + (f"\n  {extra}" if extra else "")


def _full_detail(row: ReplayRow, now: datetime) -> str:
    """The second line of a row in detail='full'; empty in summary."""
    if row.count_segments is None and not row.releases and not row.error_ids:
        return ""
    return r.joined(
        [
            r.when(row.started_at, now),
            client_text(row.browser, row.os, row.device, row.platform),
            r.plural(row.count_segments, "segment") if row.count_segments is not None else None,
            "release " + ", ".join(r.data(v) for v in row.releases) if row.releases else None,
            "errors " + ", ".join(row.error_ids) if row.error_ids else None,
        ]
    )


def header_of(count: int, scope: str, common: Common, rows: list[ReplayRow]) -> list[str]:
    lines = [f"{r.plural(count, 'replay')} ({scope})."]
    if not rows:
        return lines
    shared = r.joined(
        [
            f"pages on {r.ident(common.origin)}" if common.origin else None,
            f"environment {r.data(common.environment, 40)} unless shown"
            if common.environment
            else None,
        ],
        "; ",
    )
    if shared:
        lines.append(f"{shared[0].upper()}{shared[1:]}.")
    lines.append(
        "id,started (ago),duration,user,errors/rage/dead clicks,first page,browser or device/OS,env"
    )
    live = [row for row in rows if not row.archived]
    counts = [
        n for row in live for n in (row.count_errors, row.count_rage_clicks, row.count_dead_clicks)
    ]
    if any(n is None for n in counts):
        lines.append(UNKNOWN_NOTE)
    return lines
