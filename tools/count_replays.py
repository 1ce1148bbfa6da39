"""count_replays: how many replays an issue, a transaction or a set of replay ids has."""

from __future__ import annotations

from typing import Annotated, Literal

from mcp.server.mcpserver import Context
from mcp.types import CallToolResult
from pydantic import BaseModel, Field

from sentry_replays_mcp.tools.api import ids
from sentry_replays_mcp.tools.kit import text as r
from sentry_replays_mcp.tools.kit.answer import answer
from sentry_replays_mcp.tools.kit.errors import BadInput
from sentry_replays_mcp.tools.kit.params import Organization, Query, StatsPeriod
from sentry_replays_mcp.tools.kit.registry import ToolSpec, define
from sentry_replays_mcp.tools.kit.state import state_of

TOOLS: list[ToolSpec] = []
CAP = 51  # Sentry stops counting at 51: "50+"
Kind = Literal["issue", "transaction", "replay", "query"]


class Count(BaseModel):
    key: str
    count: int
    at_least: bool = Field(False, description="True when Sentry stopped counting (50+).")


class ReplayCountsOut(BaseModel):
    organization: str
    kind: Kind
    counts: list[Count]


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
    if count >= CAP:
        return "50+ replays"
    return "no replays" if count == 0 else r.plural(count, "replay")


@define(
    TOOLS,
    title="Count replays",
    description="""
Count the replays linked to Sentry issues, transactions or replay ids, to see whether there
are recordings of a problem before looking for them. Give exactly one of issue_ids (numeric
issue ids, up to 25), transactions (transaction names such as '/checkout', up to 25) or
replay_ids (up to 100; each existing replay counts 1). A raw Sentry query in list syntax
(e.g. 'issue.id:[123,456]') is accepted instead. Sentry stops counting at 50+.

Next: list_replays to find the replays themselves.
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
    counts = await state.client.count_replays(
        org,
        query=sentry_query,
        projects=[project] if project else [],
        stats_period=stats_period,
    )
    found = {
        k.replace("-", "").lower() if kind == "replay" else k: v for k, v in counts.counts.items()
    }
    keys = keys or list(found)
    rows = [
        Count(key=r.clean(k, 200), count=found.get(k, 0), at_least=found.get(k, 0) >= CAP)
        for k in keys[:100]
    ]
    label = {"issue": "issue", "transaction": "transaction", "replay": "replay", "query": ""}[kind]
    window = f"last {stats_period}" if stats_period else "last 90d"
    lines = [f"Replay counts (organization {org}, {window}):"]
    for row in rows:
        name = r.code(row.key, 200) if kind in ("transaction", "query") else row.key
        lines.append(f"- {label + ' ' if label else ''}{name}: {shown(row.count)}")
    if not rows:
        lines.append("- no replays match")
    if any(row.count for row in rows):
        lines.append("Next: list_replays to find these replays.")
    return answer(
        state, "\n".join(lines), ReplayCountsOut(organization=org, kind=kind, counts=rows)
    )
