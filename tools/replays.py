"""list_replays and get_replay: finding replays and reading one."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal
from urllib.parse import urlsplit

from mcp.server.mcpserver import Context
from mcp.types import CallToolResult
from pydantic import BaseModel, Field

from tools import render as r
from tools.api.models import Replay
from tools.context import state_of
from tools.lookup import find_replay, target
from tools.output import answer, json_size, offset_cursor, within_budget
from tools.params import Cursor, Detail, Limit, Organization, Project, Query, ReplayRef, StatsPeriod
from tools.registry import ToolSpec, define

TOOLS: list[ToolSpec] = []

Sort = Literal[
    "-started_at",
    "started_at",
    "-finished_at",
    "finished_at",
    "-duration",
    "duration",
    "-count_errors",
    "count_errors",
    "-count_rage_clicks",
    "count_rage_clicks",
    "-count_dead_clicks",
    "count_dead_clicks",
    "-activity",
    "activity",
    "-count_urls",
    "count_urls",
]
SUMMARY_FIELDS = (
    "id",
    "project_id",
    "started_at",
    "finished_at",
    "duration",
    "user",
    "browser",
    "os",
    "environment",
    "count_errors",
    "count_rage_clicks",
    "count_dead_clicks",
    "urls",
    "is_archived",
)
FULL_FIELDS = (
    *SUMMARY_FIELDS,
    "count_segments",
    "count_urls",
    "count_warnings",
    "count_infos",
    "activity",
    "releases",
    "device",
    "sdk",
    "platform",
    "dist",
    "error_ids",
    "trace_ids",
    "tags",
)
MAX_URLS = {"summary": 10, "full": 40}
MAX_IDS = {"summary": 5, "full": 30}
MAX_TAGS = 30


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
    environment: str | None = None
    archived: bool | None = None
    # detail="full" only
    count_segments: int | None = None
    releases: list[str] | None = None
    error_ids: list[str] | None = None


class ReplayList(BaseModel):
    organization: str
    replays: list[ReplayRow]
    next_cursor: str | None = Field(None, description="Pass as cursor to get the next page.")


def _name_version(name: str | None, version: str | None) -> str | None:
    return r.clean(f"{name} {version}" if name and version else name or "", 60) or None


def row_of(replay: Replay, full: bool) -> ReplayRow:
    row = ReplayRow(
        id=replay.id,
        project_id=replay.project_id,
        started_at=replay.started_at,
        duration_seconds=replay.duration,
        user=r.clean(replay.user.label, 120) if replay.user.label else None,
        count_errors=replay.count_errors,
        count_rage_clicks=replay.count_rage_clicks,
        count_dead_clicks=replay.count_dead_clicks,
        first_url=r.clean(replay.urls[0], 300) if replay.urls else None,
        browser=_name_version(replay.browser.name, replay.browser.version),
        os=_name_version(replay.os.name, replay.os.version),
        environment=r.clean(replay.environment, 60) if replay.environment else None,
        archived=True if replay.archived else None,
    )
    if full:
        row.count_segments = replay.count_segments
        row.releases = [r.clean(v, 80) for v in replay.releases[:5]] or None
        row.error_ids = [r.clean(v, 40) for v in replay.error_ids[: MAX_IDS["summary"]]] or None
    return row


def problems(errors: int | None, rage: int | None, dead: int | None) -> str | None:
    """'2 errors, 1 rage click, 0 dead clicks'; counts the server did not send are left out."""
    parts = [
        r.plural(errors, "error") if errors is not None else None,
        r.plural(rage, "rage click") if rage is not None else None,
        r.plural(dead, "dead click") if dead is not None else None,
    ]
    return r.joined(parts, ", ") or None


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


def line_of(row: ReplayRow, common: Common) -> str:
    if row.archived:
        return f"{r.hexid(row.id)},deleted (archived stub, no data)"
    counts = "/".join(
        "?" if n is None else str(n)
        for n in (row.count_errors, row.count_rage_clicks, row.count_dead_clicks)
    )
    client = "/".join(r.data(v, 40) for v in (_name(row.browser), _name(row.os)) if v)
    parts = [
        r.hexid(row.id),
        r.ago(row.started_at).removesuffix(" ago") if row.started_at else "?",
        r.duration(row.duration_seconds) or "?",
        r.ident(row.user, 80) if row.user else "anonymous",
        counts,
        _page(row.first_url, common) if row.first_url else "no page",
        client or None,
        r.data(row.environment, 40)
        if row.environment and row.environment != common.environment
        else None,
    ]
    extra = (
        [
            r.when(row.started_at),
            r.joined(
                [r.data(row.browser) if row.browser else None, r.data(row.os) if row.os else None],
                ", ",
            )
            or None,
            r.plural(row.count_segments, "segment") if row.count_segments is not None else None,
            "release " + ", ".join(r.data(v) for v in row.releases) if row.releases else None,
            "errors " + ", ".join(row.error_ids) if row.error_ids else None,
        ]
        if row.count_segments is not None or row.releases or row.error_ids
        else []
    )  # full detail
    return ",".join(p for p in parts if p) + (f"\n  {r.joined(extra)}" if extra else "")


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
    lines.append("id,started (ago),duration,user,errors/rage/dead clicks,first page,browser/OS,env")
    return lines


@define(
    TOOLS,
    title="List replays",
    description="""
List session replays in a Sentry organization, newest first: one line per replay with its id,
start time, duration, user, error / rage-click / dead-click counts, first URL, browser, OS and
environment.

Use it to find replays: for a user (query 'user.email:jane@example.com'), a page
('url:*checkout*'), replays with errors ('count_errors:>0') or frustration
('count_rage_clicks:>0'), a release, or a time window. Sort by any count to find the worst.

Then call get_replay or list_recording_segments with a replay id from the result. When the
result says more are available, call again with its cursor.
""",
)
async def list_replays(
    ctx: Context,
    organization: Organization = None,
    project: Annotated[
        str | list[str] | None,
        Field(description="Project slug or id, or a list of them. Defaults to SENTRY_PROJECT."),
    ] = None,
    environment: Annotated[
        str | None, Field(description="Environment, e.g. 'production'.", max_length=64)
    ] = None,
    query: Query = None,
    stats_period: StatsPeriod = "14d",
    start: Annotated[
        datetime | None, Field(description="Window start (ISO 8601); use with end.")
    ] = None,
    end: Annotated[datetime | None, Field(description="Window end (ISO 8601).")] = None,
    sort: Annotated[Sort, Field(description="Field to sort by; '-' means descending.")] = (
        "-started_at"
    ),
    limit: Limit = 20,
    cursor: Cursor = None,
    detail: Detail = "summary",
) -> Annotated[CallToolResult, ReplayList]:
    state = state_of(ctx)
    org = state.org(organization)
    projects = [project] if isinstance(project, str) else list(project or [])
    if not projects and state.project:
        projects = [state.project]
    full = detail == "full"
    page = await state.client.list_replays(
        org,
        projects=projects,
        environments=[environment] if environment else [],
        query=query,
        stats_period=None if start or end else stats_period,
        start=start.isoformat() if start else None,
        end=end.isoformat() if end else None,
        sort=sort,
        fields=FULL_FIELDS if full else SUMMARY_FIELDS,
        per_page=limit,
        cursor=cursor,
    )
    rows = [row_of(replay, full) for replay in page.items]
    shown = within_budget(rows, lambda row: 2 * json_size(row.model_dump(exclude_none=True)))
    next_cursor = page.next_cursor
    if shown < len(rows):
        next_cursor = offset_cursor(cursor, shown) or next_cursor
        rows = rows[:shown]
    window = f"{start} to {end}" if start or end else f"last {stats_period}"
    scope = r.joined(
        [
            f"organization {org}",
            "project " + ", ".join(r.data(p) for p in projects) if projects else None,
            f"environment {r.data(environment)}" if environment else None,
            f"query {r.code(query)}" if query else None,
            window,
            f"sorted by {sort}",
        ],
        ", ",
    )
    common = common_of(rows)
    lines = header_of(len(rows), scope, common, rows)
    lines += [line_of(row, common) for row in rows]
    if not rows:
        lines.append("No replays match. Widen stats_period, or drop query or environment.")
    if next_cursor:
        lines.append(
            f'More available: call list_replays with cursor="{next_cursor}" and the same '
            "other arguments."
        )
    elif rows:
        lines.append("Next: get_replay or list_recording_segments with one of these replay ids.")
    model = ReplayList(organization=org, replays=rows, next_cursor=next_cursor)
    return answer("\n".join(lines), model, demo=state.demo)


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
        browser=_name_version(replay.browser.name, replay.browser.version),
        os=_name_version(replay.os.name, replay.os.version),
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
        out.sdk = _name_version(replay.sdk.name, replay.sdk.version)
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
