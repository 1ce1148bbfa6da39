"""list_replays: finding replays, one line each."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from mcp.server.mcpserver import Context
from mcp.types import CallToolResult
from pydantic import BaseModel, Field

from sentry_replays_mcp.tools.api.request_params import filters, page_params
from sentry_replays_mcp.tools.kit import linked as ln
from sentry_replays_mcp.tools.kit import text as r
from sentry_replays_mcp.tools.kit.answer import answer
from sentry_replays_mcp.tools.kit.paging import fit_page
from sentry_replays_mcp.tools.kit.params import (
    Cursor,
    Detail,
    Limit,
    Organization,
    Projects,
    Query,
    StatsPeriod,
)
from sentry_replays_mcp.tools.kit.ranking import call_hint
from sentry_replays_mcp.tools.kit.registry import ToolSpec, define
from sentry_replays_mcp.tools.kit.replay_rows import (
    ReplayRow,
    common_of,
    header_of,
    line_of,
    row_of,
)
from sentry_replays_mcp.tools.kit.state import ToolState, state_of

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
    "device",
    "platform",
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
    "sdk",
    "dist",
    "error_ids",
    "trace_ids",
    "tags",
)


class ReplayList(BaseModel):
    organization: str
    replays: list[ReplayRow]
    next_cursor: str | None = Field(None, description="Pass as cursor to get the next page.")
    issues: list[ln.IssueReplays] | None = Field(
        None, description="With issue_id: what Sentry linked to each issue."
    )
    hidden: int | None = Field(
        None, description="Rows left out: their projects are outside this server's scope."
    )


@define(
    TOOLS,
    title="List replays",
    description="""
List session replays in a Sentry organization, newest first: one line per replay with its id,
start time, duration, user, error / rage-click / dead-click counts, first URL, browser, OS and
environment.

Use it to find replays: of a Sentry issue (issue_id=4711: the replays Sentry linked to it,
error and performance issues alike), for a user (query 'user.email:jane@example.com'), a page
('url:*checkout*'), replays with errors ('count_errors:>0') or frustration
('count_rage_clicks:>0'), a release, a time window, or given ids (replay_ids). Sort by any
count to find the worst.

Then call get_replay or list_recording_segments with a replay id from the result. When the
result says more are available, call again with its cursor.
""",
)
async def list_replays(
    ctx: Context,
    organization: Organization = None,
    project: Projects = None,
    environment: Annotated[
        str | None, Field(description="Environment, e.g. 'production'.", max_length=64)
    ] = None,
    query: Query = None,
    issue_id: Annotated[
        int | str | list[int | str] | None,
        Field(
            description="Numeric Sentry issue id (e.g. 4711), or a list of up to 5: lists the "
            "replays Sentry linked to the issue(s)."
        ),
    ] = None,
    replay_ids: Annotated[
        list[Annotated[str, Field(max_length=36)]] | None,
        Field(
            description="List these replays (ids: 32 hex digits or dashed UUIDs).", max_length=100
        ),
    ] = None,
    stats_period: Annotated[
        StatsPeriod,
        Field(
            description="Relative window, e.g. '24h'; default 14d, 90d with issue_id or replay_ids."
        ),
    ] = None,
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
    projects = state.projects(project)
    full = detail == "full"
    issues, wanted = ln.by_id_arguments(issue_id, replay_ids)
    period = _period(start, end, stats_period, by_id=issues is not None or wanted is not None)
    environments = [environment] if environment else []
    page_params(limit, cursor)  # refused here, before the replay-count request
    filters(projects, environments, period, _iso(start), _iso(end))
    window = f"{start} to {end}" if start or end else f"last {period}"
    scopes, by_id = state.scopes, issues is not None or wanted is not None
    projects = await scopes.project_filter(state.client, org, projects, every=by_id)
    found = None
    if issues is not None:
        found = await ln.linked_replays(
            state.client, org, issues, projects=projects, environments=environments,
            stats_period=period or "90d",
        )  # fmt: skip
        wanted = found.all_ids()[: ln.MAX_LISTED]
        if not wanted:
            return _no_linked_replays(state, org, found, window)
    page = await state.client.list_replays(
        org,
        projects=projects,
        environments=environments,
        query=ln.id_query(wanted, query) if wanted is not None else query,
        stats_period=period,
        start=_iso(start),
        end=_iso(end),
        sort=sort,
        fields=FULL_FIELDS if full else SUMMARY_FIELDS,
        per_page=limit,
        cursor=cursor,
    )
    items, hidden = await scopes.keep(state.client, org, page.items, lambda x: x.project_id)
    fitted = fit_page([row_of(replay, full) for replay in items], cursor, page.next_cursor)
    rows, next_cursor = fitted.rows, fitted.next_cursor
    scope = r.joined(
        [
            f"organization {org}",
            ln.asked(issues, wanted),
            *_filters_said(projects, environment, query),
            window,
            f"sorted by {sort}",
        ],
        ", ",
    )
    common = common_of(rows)
    lines = header_of(len(rows), scope, common, rows)
    if found is not None:
        lines[1:1] = ln.issue_lines(found, window)
    lines += [line_of(row, common, state.now()) for row in rows]
    lines += scopes.hidden_lines(hidden)
    again: dict[str, object] = {
        "organization": organization, "project": project, "environment": environment,
        "query": query, "issue_id": issue_id, "replay_ids": replay_ids,
        "stats_period": stats_period, "start": _iso(start), "end": _iso(end),
        "sort": None if sort == "-started_at" else sort, "limit": None if limit == 20 else limit,
        "detail": None if detail == "summary" else detail, "cursor": next_cursor,
    }  # fmt: skip
    lines += _closing(bool(rows), next_cursor, again)
    issues_out = found.out() if found else None
    model = ReplayList(
        organization=org,
        replays=rows,
        next_cursor=next_cursor,
        issues=issues_out,
        hidden=hidden or None,
    )
    return answer(state, "\n".join(lines), model)


def _period(
    start: datetime | None, end: datetime | None, stats_period: str | None, by_id: bool
) -> str | None:
    """The relative window: none with start/end; 90d by default when listing by issue or id
    (what replay-count looks through), else 14d."""
    if start or end:
        return None
    return stats_period or ("90d" if by_id else "14d")


def _closing(any_rows: bool, next_cursor: str | None, again: dict[str, object]) -> list[str]:
    """The closing hints; `again` is this call's arguments with the next cursor, so the next
    page is one call that runs as written."""
    lines = []
    if not any_rows:
        lines.append("No replays match. Widen stats_period, or drop query or environment.")
    if next_cursor:
        lines.append(f"More available: call {call_hint('list_replays', again)}.")
    elif any_rows:
        lines.append(
            "Next: summarize_replay (what happened) or get_replay with one of these replay ids."
        )
    return lines


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _filters_said(
    projects: list[str], environment: str | None, query: str | None
) -> list[str | None]:
    return [
        "project " + ", ".join(r.data(p) for p in projects) if projects else None,
        f"environment {r.data(environment)}" if environment else None,
        f"query {r.code(query)}" if query else None,
    ]


def _no_linked_replays(state: ToolState, org: str, found: ln.Linked, window: str) -> CallToolResult:
    lines = [f"No replays listed (organization {org}, {window})."]
    lines += ln.issue_lines(found, window)
    if found.ids_returned:
        lines.append(
            "Widen stats_period (replays are kept 90 days), drop project or environment, or "
            "check the issue id."
        )
    model = ReplayList(organization=org, replays=[], issues=found.out())
    return answer(state, "\n".join(lines), model)
