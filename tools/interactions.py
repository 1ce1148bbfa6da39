"""list_selectors, list_clicked_nodes and list_replay_viewers: how users interact with pages,
and who has watched a replay."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from mcp.server.mcpserver import Context
from mcp.types import CallToolResult
from pydantic import BaseModel, Field

from sentry_replays_mcp.tools import render as r
from sentry_replays_mcp.tools.api.errors import SentryError
from sentry_replays_mcp.tools.context import state_of
from sentry_replays_mcp.tools.lookup import find_replay, project_for, target
from sentry_replays_mcp.tools.output import answer, json_size, offset_cursor, within_budget
from sentry_replays_mcp.tools.params import (
    Cursor,
    Limit,
    Organization,
    Project,
    Projects,
    Query,
    ReplayRef,
    StatsPeriod,
)
from sentry_replays_mcp.tools.registry import ToolSpec, define

TOOLS: list[ToolSpec] = []
SelectorSort = Literal[
    "-count_dead_clicks", "count_dead_clicks", "-count_rage_clicks", "count_rage_clicks"
]


class SelectorRow(BaseModel):
    selector: str
    dead_clicks: int | None = None
    rage_clicks: int | None = None
    total_clicks: int | None = None
    project_id: str | None = None
    element: str | None = None


class SelectorList(BaseModel):
    organization: str
    selectors: list[SelectorRow]
    next_cursor: str | None = Field(None, description="Pass as cursor to get the next page.")


def _element(
    tag: str | None, ident: str | None, label: str | None, testid: str | None
) -> str | None:
    parts = [tag or "", f"#{ident}" if ident else ""]
    extra = r.joined(
        [f'aria-label "{label}"' if label else None, f"testid {testid}" if testid else None], ", "
    )
    text = "".join(parts) + (f" ({extra})" if extra else "")
    return r.clean(text, 120) or None


@define(
    TOOLS,
    title="List selectors",
    description="""
Rank the page elements (CSS selectors) where users hit dead clicks (no response) and rage
clicks (repeated frustrated clicks) across an organization's replays: a table of selector,
dead and rage click counts. Use it to find the UI elements that frustrate users most; sort by
'-count_rage_clicks' for rage clicks. Filter with project, stats_period or a query such as
'count_dead_clicks:>2'.

Next: list_replays with query 'dead.selector:"<selector>"' (or rage.selector) to watch them.
""",
)
async def list_selectors(
    ctx: Context,
    organization: Organization = None,
    project: Projects = None,
    stats_period: StatsPeriod = "14d",
    sort: Annotated[SelectorSort, Field(description="'-' means descending.")] = (
        "-count_dead_clicks"
    ),
    query: Query = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Annotated[CallToolResult, SelectorList]:
    state = state_of(ctx)
    org = state.org(organization)
    projects = state.projects(project)
    page = await state.client.list_selectors(
        org,
        projects=projects,
        stats_period=stats_period,
        sort=sort,
        query=query,
        per_page=limit,
        cursor=cursor,
    )
    rows = []
    for item in page.items:
        element = item.element
        rows.append(
            SelectorRow(
                selector=r.clean(item.dom_element or "?", 200),
                dead_clicks=item.count_dead_clicks,
                rage_clicks=item.count_rage_clicks,
                total_clicks=item.count,
                project_id=item.project_id,
                element=_element(element.tag, element.id, element.aria_label, element.testid)
                if element
                else None,
            )
        )
    shown = within_budget(rows, lambda row: 2 * json_size(row.model_dump(exclude_none=True)))
    next_cursor = page.next_cursor
    if shown < len(rows):
        next_cursor = offset_cursor(cursor, shown) or next_cursor
        rows = rows[:shown]
    lines = [
        f"{r.plural(len(rows), 'selector')} with dead or rage clicks (organization {org}, "
        f"last {stats_period}, sorted by {sort}):"
    ]
    if rows:
        lines += ["| # | selector | dead | rage |", "|---|---|---|---|"]
        for number, row in enumerate(rows, 1):
            lines.append(
                f"| {number} | {r.cell(row.selector, 120)} | {row.dead_clicks or 0} | "
                f"{row.rage_clicks or 0} |"
            )
    else:
        lines.append("None found. Widen stats_period or drop the query.")
    if next_cursor:
        lines.append(f'More available: call list_selectors with cursor="{next_cursor}".')
    elif rows:
        lines.append(
            "Next: list_replays with query 'dead.selector:\"<selector>\"' to find replays."
        )
    out = SelectorList(organization=org, selectors=rows, next_cursor=next_cursor)
    return answer("\n".join(lines), out, demo=state.demo)


class ClickRow(BaseModel):
    node_id: int | None = None
    timestamp: datetime | None = None
    offset_ms: int | None = None
    element: str | None = None


class ClickList(BaseModel):
    replay_id: str
    organization: str
    clicks: list[ClickRow]
    next_cursor: str | None = Field(None, description="Pass as cursor to get the next page.")


@define(
    TOOLS,
    title="List clicked nodes",
    description="""
List the clicks in one replay, in order: when (offset from the replay's start) and which DOM
node (the rrweb node id, plus the element when the server sends it). Use it to see how much
and where a user clicked; list_recording_segments tells what each click did.
The project is taken from the replay when omitted.
""",
)
async def list_clicked_nodes(
    ctx: Context,
    replay_id: ReplayRef,
    organization: Organization = None,
    project: Project = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Annotated[CallToolResult, ClickList]:
    state = state_of(ctx)
    where = target(state, replay_id, organization, project)
    replay = None
    try:
        replay = await find_replay(state, where)
    except SentryError:
        if where.project is None:
            raise
    project_id = where.project or (replay.project_id if replay else None)
    page = await state.client.list_clicked_nodes(
        where.organization, where.replay_id, project=project_id, per_page=limit, cursor=cursor
    )
    origin = replay.started_at if replay else None
    rows = []
    for click in page.items:
        element = click.element
        rows.append(
            ClickRow(
                node_id=click.node_id,
                timestamp=click.timestamp,
                offset_ms=int((click.timestamp - origin).total_seconds() * 1000)
                if click.timestamp and origin
                else None,
                element=r.clean(
                    r.joined(
                        [
                            element.tag,
                            f"#{element.id}" if element.id else None,
                            "." + ".".join(element.classes) if element.classes else None,
                        ],
                        "",
                    )
                    + (f' "{element.text}"' if element.text else ""),
                    120,
                )
                if element
                else None,
            )
        )
    lines = [f"{r.plural(len(rows), 'click')} in replay {where.replay_id}:"]
    for row in rows:
        when = r.offset(row.offset_ms) if row.offset_ms is not None else r.when(row.timestamp)
        lines.append(
            "- "
            + r.joined(
                [
                    when,
                    f"node {row.node_id}" if row.node_id is not None else None,
                    r.code(row.element) if row.element else None,
                ]
            )
        )
    if not rows:
        lines.append("No clicks recorded.")
    if page.next_cursor:
        lines.append(f'More clicks: call list_clicked_nodes with cursor="{page.next_cursor}".')
    out = ClickList(
        replay_id=where.replay_id,
        organization=where.organization,
        clicks=rows,
        next_cursor=page.next_cursor,
    )
    return answer("\n".join(lines), out, demo=state.demo)


class ViewerRow(BaseModel):
    name: str | None = None
    email: str | None = None
    id: str | None = None
    viewed_at: datetime | None = None
    last_active: datetime | None = None


class ViewerList(BaseModel):
    replay_id: str
    organization: str
    viewers: list[ViewerRow]


@define(
    TOOLS,
    title="List replay viewers",
    description="""
List the people in your Sentry organization who have watched a replay, and when (when the
server says). Use it to see whether someone already looked at this session before you report
it. Needs a token with the event:read scope. The project is taken from the replay when omitted.
""",
)
async def list_replay_viewers(
    ctx: Context,
    replay_id: ReplayRef,
    organization: Organization = None,
    project: Project = None,
) -> Annotated[CallToolResult, ViewerList]:
    state = state_of(ctx)
    where = target(state, replay_id, organization, project)
    project_id, _ = await project_for(state, where)
    viewers = await state.client.list_replay_viewers(
        where.organization, project_id, where.replay_id
    )
    rows = [
        ViewerRow(
            name=r.clean(v.label, 120) if v.label else None,
            email=r.clean(v.email, 120) if v.email and v.email != v.label else None,
            id=v.id,
            viewed_at=v.date_viewed,
            last_active=v.last_active,
        )
        for v in viewers[:100]
    ]
    lines = [
        f"{r.plural(len(rows), 'person', 'people')} viewed replay {where.replay_id}"
        + (":" if rows else ".")
    ]
    for row in rows:
        seen = r.when(row.viewed_at)
        active = r.when(row.last_active)
        lines.append(
            "- "
            + r.joined(
                [
                    r.code(row.name or row.id or "unknown", 120),
                    r.code(row.email, 120) if row.email else None,
                    f"viewed {seen}" if seen else None,
                    f"last active {active}" if active and not seen else None,
                ]
            )
        )
    if not rows:
        lines.append("Nobody in the organization has watched it yet.")
    out = ViewerList(replay_id=where.replay_id, organization=where.organization, viewers=rows)
    return answer("\n".join(lines), out, demo=state.demo)
