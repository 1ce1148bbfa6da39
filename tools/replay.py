"""get_replay: one replay, in sections."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from mcp.server.mcpserver import Context
from mcp.types import CallToolResult
from pydantic import BaseModel

from sentry_replays_mcp.tools import render as r
from sentry_replays_mcp.tools.api.models import Replay
from sentry_replays_mcp.tools.context import state_of
from sentry_replays_mcp.tools.lookup import find_replay, target
from sentry_replays_mcp.tools.output import answer
from sentry_replays_mcp.tools.params import Detail, Organization, Project, ReplayRef
from sentry_replays_mcp.tools.registry import ToolSpec, define
from sentry_replays_mcp.tools.replays import MAX_IDS, MAX_TAGS, MAX_URLS, name_version, problems

TOOLS: list[ToolSpec] = []


class ReplayUserOut(BaseModel):
    name: str | None = None
    id: str | None = None
    email: str | None = None
    ip: str | None = None
    location: str | None = None


class ReplayDetails(BaseModel):
    id: str
    organization: str
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
    urls: list[str] | None = None
    more_urls: int | None = None
    error_ids: list[str] | None = None
    trace_ids: list[str] | None = None
    tags: dict[str, list[str]] | None = None


def details_of(replay: Replay, org: str, full: bool) -> ReplayDetails:
    detail = "full" if full else "summary"
    user = replay.user
    geo = user.geo
    location = r.joined([geo.city, geo.region, geo.country_code], ", ") if geo else ""
    counts = {
        name: value
        for name, value in (
            ("errors", replay.count_errors),
            ("warnings", replay.count_warnings),
            ("infos", replay.count_infos),
            ("rage_clicks", replay.count_rage_clicks),
            ("dead_clicks", replay.count_dead_clicks),
            ("segments", replay.count_segments),
            ("urls", replay.count_urls),
        )
        if value is not None
    }
    device = r.joined(
        [
            v
            for v in (replay.device.family, replay.device.brand, replay.device.model)
            if v != "Other"
        ],
        " ",
    )
    out = ReplayDetails(
        id=replay.id,
        organization=org,
        project_id=replay.project_id,
        archived=replay.archived,
        started_at=replay.started_at,
        finished_at=replay.finished_at,
        duration_seconds=replay.duration,
        environment=r.clean(replay.environment, 60) if replay.environment else None,
        releases=[r.clean(v, 80) for v in replay.releases[:10]] or None,
        platform=r.clean(replay.platform, 40) if replay.platform else None,
        replay_type=r.clean(replay.replay_type, 40) if replay.replay_type else None,
        browser=name_version(replay.browser.name, replay.browser.version),
        os=name_version(replay.os.name, replay.os.version),
        device=r.clean(device, 80) or None,
        activity=replay.activity,
        counts=counts or None,
        urls=[r.clean(u, 300) for u in replay.urls[: MAX_URLS[detail]]] or None,
        more_urls=max(0, len(replay.urls) - MAX_URLS[detail]) or None,
        error_ids=[r.clean(e, 40) for e in replay.error_ids[: MAX_IDS[detail]]] or None,
    )
    if not replay.archived and user.label:
        out.user = ReplayUserOut(
            name=r.clean(user.label, 120),
            id=r.clean(user.id, 80) if user.id else None,
            email=r.clean(user.email, 120) if user.email else None,
            ip=r.clean(user.ip, 60) if user.ip else None,
            location=r.clean(location, 80) or None,
        )
    if full:
        out.sdk = name_version(replay.sdk.name, replay.sdk.version)
        out.trace_ids = [r.clean(t, 40) for t in replay.trace_ids[: MAX_IDS["full"]]] or None
        tags = list(replay.tags.items())[:MAX_TAGS]
        out.tags = {r.clean(k, 60): [r.clean(v, 100) for v in vs[:5]] for k, vs in tags} or None
    return out


def details_text(d: ReplayDetails, replay: Replay) -> str:
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
    started = r.when(d.started_at)
    lines.append(
        "- "
        + r.joined(
            [
                f"Started {started}" if started else None,
                f"lasted {r.duration(d.duration_seconds)}"
                if d.duration_seconds is not None
                else None,
            ],
            ", ",
        )
    )
    if d.user:
        who = r.joined(
            [
                r.code(d.user.name, 120),
                f"id {r.code(d.user.id, 80)}" if d.user.id and d.user.id != d.user.name else None,
                r.code(d.user.email, 120) if d.user.email and d.user.email != d.user.name else None,
                f"ip {r.data(d.user.ip)}" if d.user.ip else None,
                r.data(d.user.location) if d.user.location else None,
            ],
            ", ",
        )
        lines.append(f"- User: {who}")
    env = r.joined(
        [
            f"environment {r.data(d.environment)}" if d.environment else None,
            "release " + ", ".join(r.data(v) for v in d.releases) if d.releases else None,
            f"{r.data(d.replay_type, 40)} replay" if d.replay_type else None,
            f"platform {r.data(d.platform)}" if d.platform else None,
        ],
        ", ",
    )
    if env:
        lines.append(f"- {env[0].upper()}{env[1:]}")
    client = r.joined(
        [
            r.data(d.browser) if d.browser else None,
            r.data(d.os) if d.os else None,
            r.data(d.device) if d.device else None,
            f"SDK {r.data(d.sdk)}" if d.sdk else None,
        ],
        ", ",
    )
    if client:
        lines.append(f"- Client: {client}")
    counts = d.counts or {}
    trouble = problems(counts.get("errors"), counts.get("rage_clicks"), counts.get("dead_clicks"))
    if trouble:
        lines.append(f"- Problems: {trouble}")
    extra = r.joined(
        [
            r.plural(counts["segments"], "recording segment") if "segments" in counts else None,
            r.plural(counts["warnings"], "console warning") if counts.get("warnings") else None,
            f"activity {d.activity}/10" if d.activity is not None else None,
        ],
        ", ",
    )
    if extra:
        lines.append(f"- {extra[0].upper()}{extra[1:]}")
    if d.urls:
        lines.append(f"## Pages visited ({len(replay.urls)})")
        lines += [f"{i}. {r.code(u, 200)}" for i, u in enumerate(d.urls, 1)]
        if d.more_urls:
            lines.append(f"… {d.more_urls} more (detail='full' shows up to {MAX_URLS['full']})")
    if d.error_ids:
        lines.append(f"## Linked errors ({len(replay.error_ids)})")
        lines += r.capped([f"- event {e}" for e in d.error_ids], len(d.error_ids))
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
    lines.append(f"Next: list_recording_segments with replay_id {d.id} shows what the user did.")
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

Next: list_recording_segments for what the user did, list_clicked_nodes for clicks.
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
    where = target(state, replay_id, organization, project)
    replay = await find_replay(state, where, fresh=True)
    details = details_of(replay, where.organization, detail == "full")
    return answer(details_text(details, replay), details, demo=state.demo)
