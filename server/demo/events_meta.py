"""`GET /organizations/{org}/replays-events-meta/` (sentry dialect only): linked error events.

sentry.io answers with Discover rows for a fixed column list whatever `field` says:
`error.type`, `error.value`, `id`, `issue.id`, `issue`, `timestamp`, `title` (plus
`project.name`, an automatic field), under `{"data": [...], "meta": {...}}`, paged by
`per_page` / `cursor` with a `Link` header.

Every console error in a replay's plan is one error event: its id is in the replay's
`error_ids`, its issue is `Dataset.error_issue[id]`, and its `timestamp` is the
replay's `started_at` plus the console breadcrumb's offset, with milliseconds, so it
matches the recording. Events outlive their replay: an archived replay's errors are
still found. `query` takes `id:[...]`, `replayId:<id>` / `replayId:[...]` (also
`replay_id` / `replay.id`), `issue.id`, `issue`, `project`, `!`, AND / OR; any other
key matches nothing (a tag no error has). Rows are sorted by `timestamp`
(`sort=-timestamp` reverses). Needs the `event:read` scope.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.responses import Response

from . import logic
from . import query as q
from .catalog import APPS, ISSUES, Issue
from .data import Dataset, Replay
from .web import Ctx, detail, json_response

COLUMNS = ["error.type", "error.value", "id", "issue.id", "issue", "timestamp", "title"]
FIELD_TYPES = {
    "error.type": "array",
    "error.value": "array",
    "id": "string",
    "issue.id": "integer",
    "issue": "string",
    "timestamp": "date",
    "title": "string",
    "project.name": "string",
}
REPLAY_KEYS = {"replayId", "replay_id", "replay.id"}
ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # as in Sentry short ids (no I, O)


@dataclass(frozen=True)
class ErrorEvent:
    id: str
    replay: Replay
    issue: Issue
    at: datetime

    @property
    def row(self) -> dict[str, Any]:
        kind, _, value = self.issue.title.partition(": ")
        return {
            "error.type": [kind],
            "error.value": [value or self.issue.title],
            "id": self.id,
            "issue.id": int(self.issue.id),
            "issue": short_id(self.issue),
            "timestamp": self.at.astimezone(UTC).isoformat(timespec="milliseconds"),
            "title": self.issue.title,
            "project.name": self.replay.project.slug,
        }


def short_id(issue: Issue) -> str:
    """The issue's short id, e.g. `CHECKOUT-3F`: its home project's slug and a counter."""
    slug = next((app for app, pages in APPS.items() if issue.page in pages), "web-frontend")
    number = int(issue.id) % 1000 + 100
    digits = ""
    while number:
        number, rest = divmod(number, len(ALPHABET))
        digits = ALPHABET[rest] + digits
    return f"{slug.upper()}-{digits}"


def error_events(data: Dataset) -> list[ErrorEvent]:
    """Every error event of every replay (archived ones too), in no particular order."""
    by_id = {issue.id: issue for issue in ISSUES}
    out = []
    for replay in data.replays:
        for action in replay.plan.console("error"):
            eid = action.info.get("event_id")
            if eid is None:
                continue
            at = replay.started_at + timedelta(seconds=action.t)
            out.append(ErrorEvent(eid, replay, by_id[data.error_issue[eid]], at))
    return out


def _ids(values: list[str]) -> set[str]:
    out = set()
    for value in values:
        try:
            out.add(uuid.UUID(value).hex)
        except ValueError:
            continue
    return out


def _term_matches(term: q.Term, event: ErrorEvent) -> bool:
    key = term.raw_key
    if key == "id":
        return event.id in _ids(term.values)
    if key in REPLAY_KEYS:
        return event.replay.id in _ids(term.values)
    if key == "issue.id":
        return event.issue.id in term.values
    if key == "issue":
        return short_id(event.issue) in term.values
    if key in ("project", "project.name"):
        return event.replay.project.slug in term.values
    if key in ("project.id", "project_id"):
        return event.replay.project.id in term.values
    if key == "title":
        return event.issue.title in term.values
    return False


def _matches(node: q.Node | None, event: ErrorEvent) -> bool:
    if node is None:
        return True
    if isinstance(node, q.Group):
        results = (_matches(item, event) for item in node.items)
        return all(results) if node.kind == "and" else any(results)
    hit = _term_matches(node, event)
    return not hit if node.negated else hit


def select(ctx: Ctx) -> list[ErrorEvent]:
    """The error events the request's query, window, projects and environments select."""
    try:
        node = q.parse(ctx.get("query"))
    except q.QueryError as exc:
        raise detail(400, str(exc)) from None
    sort = ctx.get("sort") or "timestamp"
    if sort.lstrip("-") not in ("timestamp", "id"):
        raise detail(400, f"Invalid sort field: {sort.lstrip('-')}")
    start, end = ctx.window()
    pids, envs = logic.project_ids(ctx), logic.environments(ctx)
    rows = [
        e
        for e in error_events(ctx.demo.data)
        if start <= e.at <= end
        and (pids is None or e.replay.project.id in pids)
        and (envs is None or e.replay.environment in envs)
        and _matches(node, e)
    ]
    name = sort.lstrip("-")
    rows.sort(key=lambda e: (e.at, e.id) if name == "timestamp" else (e.id, e.at))
    if sort.startswith("-"):
        rows.reverse()
    return rows


async def replays_events_meta(ctx: Ctx, org: str) -> Response:
    logic.resolve_org(ctx, org)
    ctx.require("event:read")
    page, headers = ctx.page(select(ctx))
    meta = {
        "fields": dict(FIELD_TYPES),
        "units": dict.fromkeys(FIELD_TYPES),
        "isMetricsData": False,
        "isMetricsExtractedData": False,
        "tips": {"query": None, "columns": None},
        "datasetReason": "unchanged",
        "dataset": "discover",
    }
    return json_response({"data": [e.row for e in page], "meta": meta}, headers=headers)
