"""list_selectors and list_clicked_nodes: where users click, across replays and in one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Literal

from mcp.server.mcpserver import Context
from mcp.types import CallToolResult
from pydantic import BaseModel, Field

from sentry_replays_mcp.tools.api.models import ClickedNode, Selector
from sentry_replays_mcp.tools.kit import text as r
from sentry_replays_mcp.tools.kit.answer import answer
from sentry_replays_mcp.tools.kit.click_elements import Found, clicked_elements
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
from sentry_replays_mcp.tools.kit.ranking import (
    UNKNOWN,
    UNKNOWN_NOTE,
    call_hint,
    count_cell,
    first_rank,
    ordered,
)
from sentry_replays_mcp.tools.kit.registry import ToolSpec, define
from sentry_replays_mcp.tools.kit.resolve import resolve
from sentry_replays_mcp.tools.kit.state import state_of

TOOLS: list[ToolSpec] = []
SelectorSort = Literal[
    "-count_dead_clicks", "count_dead_clicks", "-count_rage_clicks", "count_rage_clicks"
]


class SelectorRow(BaseModel):
    rank: int | None = None
    selector: str
    dead_clicks: int | None = None
    rage_clicks: int | None = None
    total_clicks: int | None = None
    project_id: str | None = None
    project_ids: list[str] | None = Field(
        None, description="The projects whose rows were added up into this one."
    )
    element: str | None = None


class SelectorList(BaseModel):
    organization: str
    sort: str
    sorted_here: bool = Field(
        False, description="True when Sentry did not sort the rows and they were sorted here."
    )
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


def _selector_row(item: Selector) -> SelectorRow:
    element = item.element
    return SelectorRow(
        selector=r.clean(item.dom_element or "?", 200),
        dead_clicks=item.count_dead_clicks,
        rage_clicks=item.count_rage_clicks,
        total_clicks=item.count,
        project_id=item.project_id,
        element=_element(element.tag, element.id, element.aria_label, element.testid)
        if element
        else None,
    )


def _added(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a + b


def merged(rows: list[SelectorRow]) -> list[SelectorRow]:
    """One row per selector: Sentry sends one per project, so rows of the same selector are
    added up (a count unknown in any of them is unknown in the sum)."""
    by_selector: dict[str, SelectorRow] = {}
    for row in rows:
        seen = by_selector.get(row.selector)
        if seen is None:
            by_selector[row.selector] = row.model_copy()
            continue
        seen.dead_clicks = _added(seen.dead_clicks, row.dead_clicks)
        seen.rage_clicks = _added(seen.rage_clicks, row.rage_clicks)
        seen.total_clicks = _added(seen.total_clicks, row.total_clicks)
        projects = seen.project_ids or ([seen.project_id] if seen.project_id else [])
        seen.project_ids = projects + ([row.project_id] if row.project_id else [])
        seen.project_id = None
    return list(by_selector.values())


def _sort_key(sort: str) -> Callable[[SelectorRow], int | None]:
    if "rage" in sort:
        return lambda row: row.rage_clicks
    return lambda row: row.dead_clicks


def _selector_table(rows: list[SelectorRow], by_project: bool) -> list[str]:
    head = "| # | selector | dead | rage |" + (" project |" if by_project else "")
    lines = [head, "|---|---|---|---|" + ("---|" if by_project else "")]
    for row in rows:
        cells = [
            str(row.rank),
            r.cell(row.selector, 120),
            count_cell(row.dead_clicks),
            count_cell(row.rage_clicks),
        ]
        if by_project:
            cells.append(r.cell(row.project_id, 40) if row.project_id else UNKNOWN)
        lines.append("| " + " | ".join(cells) + " |")
    if by_project:
        lines.append(
            "Sentry counts each selector per project: one selector can have a row per project."
        )
    if any(row.dead_clicks is None or row.rage_clicks is None for row in rows):
        lines.append(UNKNOWN_NOTE)
    return lines


def _order_note(sort: str, sorted_here: bool, paged: bool, added: bool) -> str:
    if added:
        return (
            f"rows of one selector (Sentry sends one per project) added up, sorted by {sort} here"
        )
    if not sorted_here:
        return f"sorted by {sort}"
    if paged:
        return f"sorted by {sort} here, within this page only: Sentry sent them unsorted"
    return f"sorted by {sort} here: Sentry sent them unsorted"


@define(
    TOOLS,
    title="List selectors",
    description="""
Rank the page elements (CSS selectors) where users hit dead clicks (no response) and rage
clicks (repeated frustrated clicks) across an organization's replays: a table of selector,
dead and rage click counts. Use it to find the UI elements that frustrate users most; sort by
'-count_rage_clicks' for rage clicks. Filter with project, stats_period or a query such as
'count_dead_clicks:>2'. Sentry counts each selector per project: rows of one selector are
added up when the whole result fits one page, else the project is shown.

Next: list_replays with query 'dead.selector:"<selector>"' (or rage.selector after a rage
sort) to watch them.
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
    projects = await state.scopes.project_filter(state.client, org, state.projects(project))
    page = await state.client.list_selectors(
        org,
        projects=projects,
        stats_period=stats_period,
        sort=sort,
        query=query,
        per_page=limit,
        cursor=cursor,
    )
    items, hidden = await state.scopes.keep(state.client, org, page.items, lambda x: x.project_id)
    rows = [_selector_row(item) for item in items]
    paged = bool(cursor or page.next_cursor)
    repeated = len({row.selector for row in rows}) < len(rows)
    by_project = repeated or len({row.project_id for row in rows}) > 1
    added = by_project and not paged
    if added:
        rows, by_project = merged(rows), False
    rows, sorted_here = ordered(rows, _sort_key(sort), sort.startswith("-"))
    fitted = fit_page(rows, cursor, page.next_cursor)
    rows, next_cursor = fitted.rows, fitted.next_cursor
    for rank, row in enumerate(rows, first_rank(cursor)):
        row.rank = rank
    lines = [
        f"{r.plural(len(rows), 'selector')} with dead or rage clicks (organization {org}, "
        f"last {stats_period}, {_order_note(sort, sorted_here, paged, added)}):"
    ]
    lines += _selector_table(rows, by_project) if rows else []
    if not rows:
        lines.append("None found. Widen stats_period or drop the query.")
    lines += state.scopes.hidden_lines(hidden, "selector")
    if next_cursor:
        again: dict[str, object] = {
            "organization": organization,
            "project": project,
            "stats_period": stats_period,
        }
        again |= {"sort": sort, "query": query, "limit": limit, "cursor": next_cursor}
        lines.append(f"More available: call {call_hint('list_selectors', again)}.")
    if rows:
        field = "rage.selector" if "rage" in sort else "dead.selector"
        lines.append(f"Next: list_replays with query '{field}:\"<selector>\"' to find replays.")
    out = SelectorList(
        organization=org,
        sort=sort,
        sorted_here=sorted_here,
        selectors=rows,
        next_cursor=next_cursor,
    )
    return answer(state, "\n".join(lines), out)


class ClickRow(BaseModel):
    node_id: int | None = None
    timestamp: datetime | None = None
    offset_ms: int | None = None
    element: str | None = None
    selector: str | None = Field(None, description="The element's CSS path, from the recording.")
    text: str | None = Field(None, description="The element's text, unless the SDK masked it.")
    text_masked: bool | None = None


class ClickList(BaseModel):
    replay_id: str
    organization: str
    clicks: list[ClickRow]
    elements_note: str | None = Field(
        None, description="Why some clicks have no element from the recording."
    )
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


def joined_rows(rows: list[ClickRow], found: Found) -> str | None:
    """Each row with its element from the recording; the sentence saying why some have none."""
    missing = 0
    for row in rows:
        element = found.elements.get(row.node_id) if row.node_id is not None else None
        if element is None:
            missing += row.element is None
            continue
        row.element = element.element or row.element
        row.selector, row.text = element.selector, element.text
        row.text_masked = True if element.masked else None
    if not missing:
        return None
    clicks = r.plural(missing, "click")
    if found.failure:
        return f"{clicks} without an element: {found.failure}."
    read = r.plural(found.pages_read, "page")
    if found.more_pages:
        return (
            f"{clicks} without an element: their nodes are not in the click breadcrumbs of the "
            f"first {read} of segments read (the rest was not read, to stay fast)."
        )
    return (
        f"{clicks} without an element: the recording's click breadcrumbs do not name their "
        "nodes (an SDK that does not record them, or a recording that is gone)."
    )


def _click_line(row: ClickRow, now: datetime) -> str:
    when = r.offset(row.offset_ms) if row.offset_ms is not None else r.when(row.timestamp, now)
    text = None
    if row.text:
        text = r.code(row.text, 80)
    elif row.text_masked:
        text = "(text masked)"
    return "- " + r.joined(
        [
            when,
            f"node {row.node_id}" if row.node_id is not None else None,
            r.code(row.element) if row.element else None,
            text,
        ]
    )


@define(
    TOOLS,
    title="List clicked nodes",
    description="""
List the clicks in one replay, in order: when (offset from the replay's start), which DOM node
(the rrweb node id) and the element clicked (tag, id, classes, role or test id, and its text
unless masked), joined from the recording's click breadcrumbs; the result says when an
element could not be found. Use it to see how much and where a user clicked;
summarize_replay tells what each click led to. The project is taken from the replay when
omitted.
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
    wanted = {row.node_id for row in rows if row.node_id is not None and row.element is None}
    note = joined_rows(rows, await clicked_elements(state, found, wanted))
    now = state.now()
    lines = [f"{r.plural(len(rows), 'click')} in replay {found.replay_id}:"]
    lines += [_click_line(row, now) for row in rows]
    if not rows:
        lines.append("No clicks recorded.")
    if note:
        lines.append(note)
    if next_cursor:
        again = {
            "replay_id": found.replay_id, "organization": found.organization,
            "project": project, "limit": None if limit == 50 else limit, "cursor": next_cursor,
        }  # fmt: skip
        lines.append(f"More clicks: call {call_hint('list_clicked_nodes', again)}.")
    out = ClickList(
        replay_id=found.replay_id,
        organization=found.organization,
        clicks=rows,
        elements_note=note,
        next_cursor=next_cursor,
    )
    return answer(state, "\n".join(lines), out)
