"""get_replay: one replay, in sections."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from mcp.server.mcpserver import Context
from mcp.types import CallToolResult
from pydantic import BaseModel, Field

from sentry_replays_mcp.tools.api.errors import SentryError
from sentry_replays_mcp.tools.api.models import ErrorEvent, Replay
from sentry_replays_mcp.tools.kit import text as r
from sentry_replays_mcp.tools.kit.answer import answer
from sentry_replays_mcp.tools.kit.facts import (
    MAX_IDS,
    MAX_TAGS,
    MAX_URLS,
    MOBILE_PLATFORMS,
    client_text,
    device_name,
    name_version,
    problems,
    releases_of,
    replay_link,
)
from sentry_replays_mcp.tools.kit.params import Detail, Organization, Project, ReplayRef
from sentry_replays_mcp.tools.kit.registry import ToolSpec, define
from sentry_replays_mcp.tools.kit.resolve import resolve
from sentry_replays_mcp.tools.kit.state import ToolState, state_of

TOOLS: list[ToolSpec] = []


class ReplayUserOut(BaseModel):
    name: str | None = None
    id: str | None = None
    email: str | None = None
    ip: str | None = None
    location: str | None = None


class LinkedErrorRow(BaseModel):
    event_id: str
    issue_id: str | None = None
    issue: str | None = Field(None, description="The issue's short id, e.g. 'CHECKOUT-3'.")
    title: str | None = None
    timestamp: datetime | None = None


class ReplayDetails(BaseModel):
    id: str
    organization: str
    url: str | None = Field(None, description="The replay in Sentry's web app.")
    project_id: str | None = None
    archived: bool = False
    started_at: datetime | None = None
    finished_at: datetime | None = None
    duration_seconds: float | None = None
    user: ReplayUserOut | None = None
    environment: str | None = None
    releases: list[str] | None = None
    platform: str | None = None
    replay_type: str | None = None
    browser: str | None = None
    os: str | None = None
    device: str | None = None
    sdk: str | None = None
    activity: int | None = None
    counts: dict[str, int] | None = None
    urls: list[str] | None = Field(
        None, description="Pages (or screens) in order; one entry for repeats in a row."
    )
    url_repeats: list[int] | None = Field(
        None, description="How many times in a row Sentry listed each of `urls`, when some repeat."
    )
    more_urls: int | None = None
    error_ids: list[str] | None = None
    linked_errors: list[LinkedErrorRow] | None = Field(
        None, description="The linked error events with their issues, when Sentry told them."
    )
    trace_ids: list[str] | None = None
    tags: dict[str, list[str]] | None = None


def _counts(replay: Replay) -> dict[str, int] | None:
    counts = {
        "errors": replay.count_errors,
        "warnings": replay.count_warnings,
        "infos": replay.count_infos,
        "rage_clicks": replay.count_rage_clicks,
        "dead_clicks": replay.count_dead_clicks,
        "segments": replay.count_segments,
        "urls": replay.count_urls,
    }
    return {name: value for name, value in counts.items() if value is not None} or None


def _cleaned(value: str | None, limit: int) -> str | None:
    return r.clean(value, limit) if value else None


def _user(replay: Replay) -> ReplayUserOut | None:
    user = replay.user
    if replay.archived or not user.label:
        return None
    geo = user.geo
    location = r.joined([geo.city, geo.region, geo.country_code], ", ") if geo else ""
    return ReplayUserOut(
        name=r.clean(user.label, 120),
        id=_cleaned(user.id, 80),
        email=_cleaned(user.email, 120),
        ip=_cleaned(user.ip, 60),
        location=r.clean(location, 80) or None,
    )


def _runs(urls: list[str]) -> list[tuple[str, int]]:
    """Sentry lists a replay's URLs segment by segment, so one page (a mobile screen above all)
    repeats in a row; each run becomes one entry with its length."""
    runs: list[tuple[str, int]] = []
    last: str | None = None
    for url in urls:
        if runs and url == last:  # the URL as sent: two long ones may read alike once cut
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((r.clean(url, 300), 1))
        last = url
    return runs


def details_of(replay: Replay, org: str, full: bool) -> ReplayDetails:
    detail = "full" if full else "summary"
    runs = _runs(replay.urls)
    shown = runs[: MAX_URLS[detail]]
    out = ReplayDetails(
        id=replay.id,
        organization=org,
        project_id=replay.project_id,
        archived=replay.archived,
        started_at=replay.started_at,
        finished_at=replay.finished_at,
        duration_seconds=replay.duration,
        user=_user(replay),
        environment=_cleaned(replay.environment, 60),
        releases=releases_of(replay) or None,
        platform=_cleaned(replay.platform, 40),
        replay_type=_cleaned(replay.replay_type, 40),
        browser=name_version(replay.browser.name, replay.browser.version),
        os=name_version(replay.os.name, replay.os.version),
        device=device_name(replay.device),
        activity=replay.activity,
        counts=_counts(replay),
        more_urls=max(0, len(runs) - MAX_URLS[detail]) or None,
        error_ids=[r.clean(e, 40) for e in replay.error_ids[: MAX_IDS[detail]]] or None,
    )
    out.urls = [url for url, _ in shown] or None
    if any(times > 1 for _, times in shown):
        out.url_repeats = [times for _, times in shown]
    if full:
        out.sdk = name_version(replay.sdk.name, replay.sdk.version)
        out.trace_ids = [r.clean(t, 40) for t in replay.trace_ids[: MAX_IDS["full"]]] or None
        tags = list(replay.tags.items())[:MAX_TAGS]
        out.tags = {r.clean(k, 60): [r.clean(v, 100) for v in vs[:5]] for k, vs in tags} or None
    return out


def _item(text: str) -> list[str]:
    """A '- Text' line with its first letter raised, or nothing for empty text."""
    return [f"- {text[0].upper()}{text[1:]}"] if text else []


def _summary_lines(d: ReplayDetails, now: datetime) -> list[str]:
    lasted = r.duration(d.duration_seconds) if d.duration_seconds is not None else None
    started = r.when(d.started_at, now)
    lines = [
        "- "
        + r.joined([f"Started {started}" if started else None, lasted and f"lasted {lasted}"], ", ")
    ]
    if d.user:
        lines.append(f"- User: {_who(d.user)}")
    lines += _item(
        r.joined(
            [
                f"environment {r.data(d.environment)}" if d.environment else None,
                "release " + ", ".join(r.data(v) for v in d.releases) if d.releases else None,
                f"{r.data(d.replay_type, 40)} replay" if d.replay_type else None,
                f"platform {r.data(d.platform)}" if d.platform else None,
            ],
            ", ",
        )
    )
    client = [
        client_text(d.browser, d.os, d.device, d.platform),
        f"SDK {r.data(d.sdk)}" if d.sdk else None,
    ]
    if any(client):
        lines.append(f"- Client: {r.joined(client, ', ')}")
    return lines + _count_lines(d.counts or {}, d.activity)


def _who(user: ReplayUserOut) -> str:
    return r.joined(
        [
            r.code(user.name, 120),
            f"id {r.code(user.id, 80)}" if user.id and user.id != user.name else None,
            r.code(user.email, 120) if user.email and user.email != user.name else None,
            f"ip {r.data(user.ip)}" if user.ip else None,
            r.data(user.location) if user.location else None,
        ],
        ", ",
    )


def _count_lines(counts: dict[str, int], activity: int | None) -> list[str]:
    trouble = problems(counts.get("errors"), counts.get("rage_clicks"), counts.get("dead_clicks"))
    lines = [f"- Problems: {trouble}"] if trouble else []
    return lines + _item(
        r.joined(
            [
                r.plural(counts["segments"], "recording segment") if "segments" in counts else None,
                r.plural(counts["warnings"], "console warning") if counts.get("warnings") else None,
                f"activity {activity}/10" if activity is not None else None,
            ],
            ", ",
        )
    )


def _list_sections(d: ReplayDetails, replay: Replay) -> list[str]:
    lines = []
    if d.urls:
        places = "Screens" if MOBILE_PLATFORMS.get((replay.platform or "").lower()) else "Pages"
        kept = len(d.urls) + (d.more_urls or 0)
        folded = f", {len(replay.urls)} as Sentry lists them" if kept < len(replay.urls) else ""
        lines.append(f"## {places} visited ({kept}{folded})")
        repeats = d.url_repeats or [1] * len(d.urls)
        lines += [
            f"{i}. {r.code(u, 200)}" + (f" (listed {n} times in a row)" if n > 1 else "")
            for i, (u, n) in enumerate(zip(d.urls, repeats, strict=True), 1)
        ]
        if d.more_urls:
            lines.append(f"… {d.more_urls} more (detail='full' shows up to {MAX_URLS['full']})")
    if d.error_ids:
        lines.append(f"## Linked errors ({len(replay.error_ids)})")
        lines += _error_lines(d)
        hidden = len(replay.error_ids) - len(d.error_ids)
        if hidden > 0:
            lines.append(f"… {hidden} more (detail='full' shows up to {MAX_IDS['full']})")
    if d.trace_ids:
        lines.append("## Traces")
        lines += [f"- {t}" for t in d.trace_ids]
    if d.tags:
        lines.append("## Tags")
        lines += [
            f"- {r.data(k)}: " + ", ".join(r.code(v, 100) for v in vs) for k, vs in d.tags.items()
        ]
    return lines


def _error_lines(d: ReplayDetails) -> list[str]:
    known = {e.event_id: e for e in d.linked_errors or []}
    lines = []
    for event_id in d.error_ids or []:
        found = known.get(event_id)
        if found is None:
            lines.append(f"- event {r.hexid(event_id)}")
            continue
        issue = r.joined(
            [
                r.data(found.issue, 40) if found.issue else None,
                found.issue_id and f"(id {found.issue_id})",
            ],
            " ",
        )
        lines.append(
            "- "
            + r.joined(
                [
                    f"issue {issue}" if issue else "issue unknown",
                    r.code(found.title, 160) if found.title else None,
                    f"event {r.hexid(event_id)}",
                ],
                " · ",
            )
        )
    if d.linked_errors is None:
        lines.append("(Sentry did not tell these events' issues and titles.)")
    return lines


def details_text(d: ReplayDetails, replay: Replay, now: datetime) -> str:
    where = r.joined(
        [f"organization {d.organization}", f"project {d.project_id}" if d.project_id else None],
        ", ",
    )
    lines = [f"# Replay {r.hexid(d.id)} ({where})"]
    if d.archived:
        lines.append(
            "This replay was deleted: Sentry keeps only an archived stub, with no user, "
            "times, URLs or recording."
        )
        return "\n".join(lines)
    lines.append("## Summary")
    lines += _summary_lines(d, now)
    lines += _list_sections(d, replay)
    if d.url:
        lines.append(f"Open in Sentry: {d.url}")
    lines.append(
        f"Next: summarize_replay with replay_id {d.id} tells what the user did and what went "
        "wrong (around='m:ss' zooms in); list_recording_segments shows the raw events."
    )
    return "\n".join(lines)


@define(
    TOOLS,
    title="Get replay",
    description="""
Show one session replay: when it started and how long it lasted, the user, environment and
release, browser / OS / device, error, rage-click and dead-click counts, the pages visited, and
the ids of linked error events. detail='full' adds trace ids, tags and the SDK.

Use it when you have a replay id or a Sentry replay URL (https://acme.sentry.io/replays/<id>/),
e.g. from list_replays or from an issue. Deleted replays are reported as archived.

Next: summarize_replay for what the user did and what went wrong before each error,
list_recording_segments for the raw events, list_clicked_nodes for clicks.
""",
)
async def get_replay(
    ctx: Context,
    replay_id: ReplayRef,
    organization: Organization = None,
    project: Project = None,
    detail: Detail = "summary",
) -> Annotated[CallToolResult, ReplayDetails]:
    state = state_of(ctx)
    found = await resolve(state, replay_id, organization, project, need_project=False, read="fresh")
    assert found.replay is not None  # read="fresh" always reads it
    details = details_of(found.replay, found.organization, detail == "full")
    details.url = replay_link(state.client.base_url, found.organization, found.replay_id)
    details.linked_errors = await _linked_errors(state, found.organization, details.error_ids)
    return answer(state, details_text(details, found.replay, state.now()), details)


async def _linked_errors(
    state: ToolState, organization: str, event_ids: list[str] | None
) -> list[LinkedErrorRow] | None:
    """The issue and title of each linked error event (Sentry's replays-events-meta); None
    when Sentry does not tell (the endpoint is private and may be missing or refused)."""
    if not event_ids:
        return []
    try:
        events = await state.client.list_error_events(organization, event_ids)
    except SentryError:
        return None
    return [_linked(event) for event in events if event.id in event_ids]


def _linked(event: ErrorEvent) -> LinkedErrorRow:
    return LinkedErrorRow(
        event_id=event.id,
        issue_id=event.issue_id,
        issue=r.clean(event.issue, 40) if event.issue else None,
        title=r.clean(event.title, 200) if event.title else None,
        timestamp=event.timestamp,
    )
