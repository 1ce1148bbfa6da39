"""list_selectors and list_clicked_nodes: where users click, across replays and in one."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from mcp.server.mcpserver import Context
from mcp.types import CallToolResult
from pydantic import BaseModel, Field

from sentry_replays_mcp.tools.api.models import ClickedNode
from sentry_replays_mcp.tools.kit import text as r
from sentry_replays_mcp.tools.kit.answer import answer
from sentry_replays_mcp.tools.kit.paging import fit_page
from sentry_replays_mcp.tools.kit.params import (
    Cursor,
    Limit,
    Organization,
    Project,
    Projects,
    Query,
    ReplayRef,
    StatsPeriod,
)
from sentry_replays_mcp.tools.kit.registry import ToolSpec, define
from sentry_replays_mcp.tools.kit.resolve import resolve
from sentry_replays_mcp.tools.kit.state import state_of

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
    fitted = fit_page(rows, cursor, page.next_cursor)
    rows, next_cursor = fitted.rows, fitted.next_cursor
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
    return answer(state, "\n".join(lines), out)


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


def click_row(click: ClickedNode, origin: datetime | None) -> ClickRow:
    element = click.element
    described = None
    if element:
        classes = "." + ".".join(element.classes) if element.classes else None
        name = r.joined([element.tag, f"#{element.id}" if element.id else None, classes], "")
        described = r.clean(name + (f' "{element.text}"' if element.text else ""), 120)
    offset = None
    if click.timestamp and origin:
        offset = int((click.timestamp - origin).total_seconds() * 1000)
    return ClickRow(
        node_id=click.node_id, timestamp=click.timestamp, offset_ms=offset, element=described
    )


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
    found = await resolve(
        state, replay_id, organization, project, need_project=False, read="if_possible"
    )
    page = await state.client.list_clicked_nodes(
        found.organization, found.replay_id, project=found.project, per_page=limit, cursor=cursor
    )
    origin = found.replay.started_at if found.replay else None
    fitted = fit_page([click_row(click, origin) for click in page.items], cursor, page.next_cursor)
    rows, next_cursor = fitted.rows, fitted.next_cursor
    now = state.now()
    lines = [f"{r.plural(len(rows), 'click')} in replay {found.replay_id}:"]
    for row in rows:
        when = r.offset(row.offset_ms) if row.offset_ms is not None else r.when(row.timestamp, now)
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
    if next_cursor:
        lines.append(f'More clicks: call list_clicked_nodes with cursor="{next_cursor}".')
    out = ClickList(
        replay_id=found.replay_id,
        organization=found.organization,
        clicks=rows,
        next_cursor=next_cursor,
    )
    return answer(state, "\n".join(lines), out)
