"""count_replays: how many replays an issue, a transaction or a set of replay ids has."""

from __future__ import annotations

from typing import Annotated, Literal

from mcp.server.mcpserver import Context
from mcp.types import CallToolResult
from pydantic import BaseModel, Field

from sentry_replays_mcp.tools.api import ids
from sentry_replays_mcp.tools.kit import linked as ln
from sentry_replays_mcp.tools.kit import text as r
from sentry_replays_mcp.tools.kit.answer import answer
from sentry_replays_mcp.tools.kit.errors import BadInput
from sentry_replays_mcp.tools.kit.params import Organization, Query, StatsPeriod
from sentry_replays_mcp.tools.kit.registry import ToolSpec, define
from sentry_replays_mcp.tools.kit.state import ToolState, state_of

TOOLS: list[ToolSpec] = []
CAP = ln.CAP  # Sentry stops counting at 51: "50+"
SHOWN_IDS = 5  # replay ids written per key in the text (all of them are in the result)
HINT_IDS = 10  # replay ids put in a "Next" call
Kind = Literal["issue", "transaction", "replay", "query"]


class Count(BaseModel):
    key: str
    count: int = Field(description="Exactly what Sentry said; 51 is its cap (50+).")
    at_least: bool = Field(False, description="True when Sentry stopped counting (50+).")
    found_in: str | None = Field(
        None, description="Issues: the data_source that found them (discover or search_issues)."
    )
    replay_ids: list[str] | None = Field(None, description="With return_ids: the replays.")


class ReplayCountsOut(BaseModel):
    organization: str
    kind: Kind
    counts: list[Count]
    ids_returned: bool = Field(True, description="False when Sentry sent counts only.")


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def build_query(
    issue_ids: list[int] | None, transactions: list[str] | None, replay_ids: list[str] | None
) -> tuple[Kind, str, list[str]]:
    """Sentry's list syntax for exactly one kind of key, and the keys in the order given."""
    if issue_ids:
        keys = [str(i) for i in dict.fromkeys(issue_ids)]
        return "issue", f"issue.id:[{','.join(keys)}]", keys
    if transactions:
        keys = list(dict.fromkeys(transactions))
        return "transaction", f"transaction:[{','.join(_quoted(t) for t in keys)}]", keys
    if replay_ids:
        keys = list(dict.fromkeys(ids.replay(v) for v in replay_ids))
        return "replay", f"replay_id:[{','.join(keys)}]", keys
    raise BadInput("Give issue_ids, transactions or replay_ids (or a raw query).")


def shown(count: int) -> str:
    return ln.count_text(count)


def _call(name: str, args: dict[str, object]) -> str:
    """A call as an agent writes it: `list_replays(issue_id=4711, organization="acme")`."""
    parts = []
    for key, value in args.items():
        if isinstance(value, list):
            value = "[" + ", ".join(_literal(v) for v in value) + "]"
        else:
            value = _literal(value)
        parts.append(f"{key}={value}")
    return f"{name}({', '.join(parts)})"


def _literal(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value) if isinstance(value, int) else _quoted(str(value))


def next_call(
    kind: Kind, rows: list[Count], ids_returned: bool, where: dict[str, object]
) -> str | None:
    """A ready-to-run call that lists the counted replays (and what it leaves out), or None
    when none can."""
    counted = [row for row in rows if row.count]
    if not counted or not ids_returned:
        return None
    if kind == "issue":
        issues = [int(row.key) for row in counted[: ln.MAX_ISSUES]]
        call = _call(
            "list_replays", {"issue_id": issues[0] if len(issues) == 1 else issues, **where}
        )
        left = len(counted) - len(issues)
        return call + (
            f" (the first {len(issues)} issues; call again for the other {left})"
            if left > 0
            else ""
        )
    listed = list(dict.fromkeys(rid for row in counted for rid in row.replay_ids or []))
    if not listed:
        return None
    call = _call("list_replays", {"replay_ids": listed[:HINT_IDS], **where})
    return call + (
        f" (the first {HINT_IDS} of {len(listed)} replays)" if len(listed) > HINT_IDS else ""
    )


def _lines(kind: Kind, rows: list[Count], show_ids: bool) -> list[str]:
    label = {"issue": "issue ", "transaction": "transaction ", "replay": "replay ", "query": ""}
    lines = []
    for row in rows:
        name = r.code(row.key, 200) if kind in ("transaction", "query") else row.key
        where = ""
        if row.found_in:
            where = f", found in {ln.WHERE[row.found_in]} (data_source={row.found_in})"
        line = f"- {label[kind]}{name}: {shown(row.count)}{where}"
        if show_ids and row.replay_ids:
            more = len(row.replay_ids) - SHOWN_IDS
            line += ": " + ", ".join(r.hexid(v) for v in row.replay_ids[:SHOWN_IDS])
            line += f" and {more} more (in the structured result)" if more > 0 else ""
        lines.append(line)
    return lines or ["- no replays match"]


async def _counted(
    state: ToolState,
    org: str,
    kind: Kind,
    sentry_query: str,
    keys: list[str],
    projects: list[str],
    window: str,
) -> ln.Linked:
    """Sentry's answer per key. Always asked with returnIds: the same counts (both stop at
    51), and the ids tell whether list_replays can list them."""
    if kind == "issue":
        linked = await ln.linked_replays(
            state.client, org, keys, projects=projects, stats_period=window
        )
        if not linked.ids_returned:
            linked.source = {}  # a seed server ignores data_source
        return linked
    counts = await state.client.count_replays(
        org, query=sentry_query, projects=projects, stats_period=window, return_ids=True
    )
    found = {_key(kind, k): v for k, v in counts.counts.items()}
    got_ids = {_key(kind, k): v for k, v in counts.replay_ids.items()}
    if kind == "replay":  # each existing replay counts 1: its id is the key
        got_ids = {k: [k] for k, v in found.items() if v}
    return ln.Linked(keys, got_ids, found, {}, ids_returned=not found or bool(got_ids))


def _key(kind: Kind, key: str) -> str:
    """Sentry's key as the caller gave it: replay ids without dashes, in lower case."""
    return key.replace("-", "").lower() if kind == "replay" else key


def _rows(keys: list[str], counted: ln.Linked) -> list[Count]:
    return [
        Count(
            key=r.clean(k, 200),
            count=counted.counts.get(k, 0),
            at_least=counted.counts.get(k, 0) == CAP,
            found_in=counted.source.get(k),
            replay_ids=[r.clean(v, 40) for v in counted.ids.get(k, [])] or None,
        )
        for k in keys[:100]
    ]


@define(
    TOOLS,
    title="Count replays",
    description="""
Count the replays linked to Sentry issues, transactions or replay ids, to see whether there
are recordings of a problem before looking for them. Give exactly one of issue_ids (numeric
issue ids, up to 25; error and performance issues: Sentry's error events are asked, then the
issue platform for the issues still without replays), transactions (transaction names such as
'/checkout', up to 25) or replay_ids (up to 100; each existing replay counts 1). A raw Sentry
query in list syntax (e.g. 'issue.id:[123,456]') is accepted instead. Counts are exactly what
Sentry says; it stops counting at 51 ("50+"). return_ids=true also gives the replay ids.

Next: the list_replays call the result names (e.g. list_replays(issue_id=4711)).
""",
)
async def count_replays(
    ctx: Context,
    organization: Organization = None,
    issue_ids: Annotated[
        list[Annotated[int, Field(ge=1)]] | None,
        Field(description="Numeric Sentry issue ids.", max_length=25),
    ] = None,
    transactions: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=200)]] | None,
        Field(description="Transaction names, e.g. '/checkout'.", max_length=25),
    ] = None,
    replay_ids: Annotated[
        list[Annotated[str, Field(max_length=36)]] | None,
        Field(description="Replay ids (32 hex digits or dashed UUIDs).", max_length=100),
    ] = None,
    query: Query = None,
    stats_period: StatsPeriod = "90d",
    project: Annotated[
        str | None, Field(description="Project slug or id; all projects when omitted.")
    ] = None,
    return_ids: Annotated[
        bool, Field(description="Also give the replay ids (up to 51 per key).")
    ] = False,
) -> Annotated[CallToolResult, ReplayCountsOut]:
    state = state_of(ctx)
    org = state.org(organization)
    given = [x for x in (issue_ids, transactions, replay_ids, query) if x]
    if len(given) != 1:
        raise BadInput("Give exactly one of issue_ids, transactions, replay_ids or query.")
    kind: Kind
    keys: list[str]
    if query:
        kind, sentry_query, keys = "query", query, []
    else:
        kind, sentry_query, keys = build_query(issue_ids, transactions, replay_ids)
    projects = await state.scopes.project_filter(state.client, org, [project] if project else [])
    window = stats_period or "90d"
    counted = await _counted(state, org, kind, sentry_query, keys, projects, window)
    rows = _rows(keys or list(counted.counts), counted)
    ids_returned = counted.ids_returned
    within = f", projects {', '.join(projects)}" if projects and not project else ""
    lines = [f"Replay counts (organization {org}{within}, last {window}):"]
    lines += _lines(kind, rows, return_ids)
    if not ids_returned:
        lines.append(
            "This Sentry sent counts only, not replay ids (no returnIds, as in the seed API): "
            "list_replays cannot list the replays of an issue or transaction here."
        )
    where: dict[str, object] = {"organization": org}
    where.update({"project": project} if project else {})
    where.update({"stats_period": window} if window != "90d" else {})
    hint = next_call(kind, rows, ids_returned, where)
    if hint:
        lines.append(f"Next: {hint}")
    if not return_ids:
        for row in rows:
            row.replay_ids = None
    model = ReplayCountsOut(organization=org, kind=kind, counts=rows, ids_returned=ids_returned)
    return answer(state, "\n".join(lines), model)
