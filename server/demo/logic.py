"""Replay selection shared by both dialects: lookups, filters, sorting, aggregates."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from . import query as q
from .data import Dataset, Project, Replay
from .web import ApiError, Ctx, detail

FIELDS = [
    "activity",
    "browser",
    "count_dead_clicks",
    "count_errors",
    "count_rage_clicks",
    "count_segments",
    "count_urls",
    "device",
    "dist",
    "duration",
    "environment",
    "error_ids",
    "finished_at",
    "id",
    "is_archived",
    "os",
    "platform",
    "project_id",
    "releases",
    "sdk",
    "started_at",
    "tags",
    "trace_ids",
    "segment_names",
    "urls",
    "user",
    "clicks",
    "info_ids",
    "warning_ids",
    "count_warnings",
    "count_infos",
    "has_viewed",
]

SortKey = Callable[[Replay], Any]
SORTS: dict[str, SortKey] = {
    "activity": lambda r: r.activity,
    "browser": lambda r: r.browser["name"],
    "browser.name": lambda r: r.browser["name"],
    "browser.version": lambda r: r.browser["version"],
    "count_dead_clicks": lambda r: len(r.dead_clicks),
    "count_errors": lambda r: len(r.error_ids),
    "count_infos": lambda r: len(r.info_ids),
    "count_rage_clicks": lambda r: len(r.rage_clicks),
    "count_urls": lambda r: len(r.urls),
    "count_screens": lambda r: len(r.urls),
    "count_warnings": lambda r: len(r.warning_ids),
    "device.brand": lambda r: r.device["brand"],
    "device.family": lambda r: r.device["family"],
    "device.model": lambda r: r.device["model"],
    "device.name": lambda r: r.device["name"],
    "dist": lambda r: None,
    "duration": lambda r: r.duration,
    "finished_at": lambda r: r.finished_at,
    "os": lambda r: r.os["name"],
    "os.name": lambda r: r.os["name"],
    "os.version": lambda r: r.os["version"],
    "platform": lambda r: r.platform,
    "project_id": lambda r: int(r.project.id),
    "sdk.name": lambda r: r.sdk["name"],
    "started_at": lambda r: r.started_at,
    "user.email": lambda r: r.user["email"],
    "user.id": lambda r: r.user["id"],
    "user.username": lambda r: r.user["username"],
}
CAMEL_SORTS = {
    "startedAt": "started_at",
    "finishedAt": "finished_at",
    "countErrors": "count_errors",
    "countUrls": "count_urls",
}


def parse_replay_id(raw: str) -> str | None:
    """32-hex of a path replay id (any case, dashed or not); None when unparsable."""
    try:
        return uuid.UUID(raw).hex
    except ValueError:
        return None


def dashed(replay_id: str) -> str:
    return str(uuid.UUID(replay_id))


def resolve_org(ctx: Ctx, org: str) -> None:
    data = ctx.demo.data
    if org not in (data.organization, data.organization_id):
        raise detail(404, "The requested resource does not exist")


def resolve_project(ctx: Ctx, org: str, project: str) -> Project:
    resolve_org(ctx, org)
    found = ctx.demo.data.project(project)
    if found is None:
        raise detail(404, "The requested resource does not exist")
    return found


def in_window(r: Replay, start: datetime, end: datetime) -> bool:
    return r.started_at <= end and r.finished_at >= start


def find_replay(ctx: Ctx, raw_id: str, project: Project | None) -> Replay:
    """A replay by path id within the request's window (404 empty otherwise)."""
    rid = parse_replay_id(raw_id)
    replay = ctx.demo.data.by_id.get(rid) if rid else None
    if replay is None or (project is not None and replay.project.id != project.id):
        raise ApiError(404)
    start, end = ctx.window()
    if not in_window(replay, start, end):
        raise ApiError(404)
    return replay


def project_ids(ctx: Ctx) -> set[str] | None:
    """The `project` / `projectSlug` filter; None means every project."""
    data = ctx.demo.data
    wanted = [v for v in ctx.getlist("project") if v != ""] + ctx.getlist("projectSlug")
    if not wanted or "-1" in wanted:
        return None
    ids = set()
    for key in wanted:
        project = data.project(key)
        if project is None:
            raise detail(403, "You do not have permission to perform this action.")
        ids.add(project.id)
    return ids


def environments(ctx: Ctx) -> set[str] | None:
    wanted = [e for e in ctx.getlist("environment") if e]
    if not wanted:
        return None
    known = {r.environment for r in ctx.demo.data.replays}
    if not any(e in known for e in wanted):
        raise detail(404, "The requested resource does not exist")
    return set(wanted)


def candidates(ctx: Ctx, include_archived: bool = True) -> list[Replay]:
    """Replays in the window, projects and environments the request selects."""
    data = ctx.demo.data
    start, end = ctx.window()
    pids, envs = project_ids(ctx), environments(ctx)
    out = []
    for r in data.replays:
        archived = r.id in data.deleted
        if archived and not include_archived:
            continue
        if not in_window(r, start, end) or (pids is not None and r.project.id not in pids):
            continue
        if envs is not None and (archived or r.environment not in envs):
            continue
        out.append(r)
    return out


def search_doc(data: Dataset, r: Replay) -> dict[str, Any]:
    base: dict[str, Any] = {"id": [r.id], "project_id": [r.project.id], "project": [r.project.slug]}
    if r.id in data.deleted:
        return base
    user = r.user
    base.update(
        {
            "activity": r.activity,
            "count_errors": len(r.error_ids),
            "count_warnings": len(r.warning_ids),
            "count_infos": len(r.info_ids),
            "count_segments": r.segment_count,
            "count_urls": len(r.urls),
            "count_dead_clicks": len(r.dead_clicks),
            "count_rage_clicks": len(r.rage_clicks),
            "duration": r.duration,
            "platform": [r.platform],
            "dist": [],
            "environment": [r.environment],
            "releases": [r.release],
            "urls": r.urls,
            "replay_type": [r.replay_type],
            "error_ids": r.error_ids,
            "trace_ids": r.trace_ids,
            "info_ids": r.info_ids,
            "warning_ids": r.warning_ids,
            "viewed_by_id": [m for m, _ in r.viewers],
            "user.id": [user["id"]],
            "user.email": [user["email"]],
            "user.username": [user["username"]],
            "user.ip": [user["ip"]],
            "clicks": [a.el for a in r.clicks],
            "dead": [a.el for a in r.dead_clicks],
            "rage": [a.el for a in r.rage_clicks],
            "tags": r.tags,
        }
    )
    for obj in ("browser", "os", "device", "sdk"):
        for key, value in getattr(r, obj).items():
            base[f"{obj}.{key}"] = [value]
    return base


def filter_query(ctx: Ctx, replays: list[Replay]) -> list[Replay]:
    try:
        node = q.parse(ctx.get("query"))
        data = ctx.demo.data
        return [r for r in replays if q.matches(node, search_doc(data, r))]
    except q.QueryError as exc:
        raise detail(400, str(exc)) from None


def sort_replays(ctx: Ctx, replays: list[Replay], spec: bool = False) -> list[Replay]:
    raw = ctx.get("sort") or ctx.get("sortBy") or ctx.get("orderBy") or "-started_at"
    desc = raw.startswith("-")
    name = raw.lstrip("-")
    if spec:
        name = CAMEL_SORTS.get(name, name)
    if name not in SORTS:
        raise detail(400, f"The field `{name}` is not a sortable field.")
    key = SORTS[name]
    deleted = ctx.demo.data.deleted
    ordered = sorted(replays, key=lambda r: r.id)
    present = [r for r in ordered if r.id not in deleted and key(r) is not None]
    chosen = {r.id for r in present}
    missing = [r for r in ordered if r.id not in chosen]
    present.sort(key=key, reverse=desc)
    return present + missing


def check_fields(ctx: Ctx) -> list[str] | None:
    fields = ctx.getlist("field")
    if not fields:
        return None
    bad = [f for f in fields if f not in FIELDS]
    if bad:
        raise ApiError(400, {"field": [f'"{b}" is not a valid choice.' for b in bad]})
    return fields


# -- aggregates ---------------------------------------------------------------------------------


def selector_rows(ctx: Ctx) -> list[dict[str, Any]]:
    """Dead/rage click counts per (project, selector) over the selected replays."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for r in candidates(ctx, include_archived=False):
        for action in r.clicks:
            el = action.el
            assert el is not None
            row = rows.setdefault(
                (r.project.id, el.selector),
                {"el": el, "project_id": r.project.id, "clicks": 0, "dead": 0, "rage": 0},
            )
            row["clicks"] += 1
        for action in r.dead_clicks:
            assert action.el is not None
            rows[(r.project.id, action.el.selector)]["dead"] += 1
            if action.info["count"] >= 5:
                rows[(r.project.id, action.el.selector)]["rage"] += 1
    return [row for row in rows.values() if row["dead"] or row["rage"]]


COUNT_LIMITS = {"issue.id": 25, "transaction": 25, "replay_id": 100}
# What `data_source` accepts (getsentry/sentry src/sentry/replays/usecases/replay_counts.py
# maps each to a dataset; the endpoint's default is `discover`).
COUNT_SOURCES = ("discover", "events", "search_issues", "spans", "transactions")
ERROR_SOURCES = ("discover", "events")  # the datasets that hold error events (and their issue)
# Per key: the check every value must pass, and the 400 detail when one does not.
COUNT_VALUE_CHECKS: dict[str, tuple[Callable[[str], bool], str]] = {
    "issue.id": (str.isdigit, "Invalid issue.id value: must be integers"),
    "replay_id": (
        lambda v: parse_replay_id(v) is not None,
        "Invalid replay_id value: must be UUIDs",
    ),
}
# Whether a replay counts for one value of the query's key, per dataset asked.
CountMatch = Callable[[Dataset, Replay, str], bool]


def _error_issue(data: Dataset, r: Replay, value: str) -> bool:
    return any(data.error_issue[e] == value for e in r.error_ids)


def _platform_issue(data: Dataset, r: Replay, value: str) -> bool:
    return value in data.occurrence_issues.get(r.id, ())


def _no_issue(data: Dataset, r: Replay, value: str) -> bool:
    return False


def _any_issue(data: Dataset, r: Replay, value: str) -> bool:
    return _error_issue(data, r, value) or _platform_issue(data, r, value)


def count_match(key: str, source: str, spec: bool) -> CountMatch:
    """Error issues live in the error datasets, issue-platform (performance) issues only in
    `search_issues`; the seed knows no data source, so there an issue id counts either way."""
    if key == "transaction":
        return lambda data, r, value: value in r.transactions
    if key == "replay_id":
        return lambda data, r, value: r.id == parse_replay_id(value)
    if spec:
        return _any_issue
    if source in ERROR_SOURCES:
        return _error_issue
    return _platform_issue if source == "search_issues" else _no_issue


MAX_COUNTED_IDS = 51


def replay_counts(ctx: Ctx, spec: bool = False) -> dict[str, Any]:
    """Replays per value of the one `issue.id` / `transaction` / `replay_id` list queried:
    counts capped at 51, or with `returnIds` (not in the seed) up to 51 ids per value."""
    term = _count_term(ctx, spec)
    data = ctx.demo.data
    replays = sorted(
        candidates(ctx, include_archived=False), key=lambda r: r.started_at, reverse=True
    )
    match = count_match(term.raw_key, ctx.get("data_source") or "discover", spec)
    hits: dict[str, list[str]] = {}
    for value in term.values:
        ids = [r.id for r in replays if match(data, r, value)]
        if ids:
            hits[value] = ids[:MAX_COUNTED_IDS]
    return_ids = (ctx.get("returnIds") or "").lower() in ("1", "true", "yes") and not spec
    if return_ids:
        return hits
    return {key: len(ids) for key, ids in hits.items()}


def _count_term(ctx: Ctx, spec: bool) -> q.Term:
    """The replay-count query's single list term, checked as Sentry checks it."""
    raw = ctx.get("query")
    if raw is None:
        raise ApiError(400, {"query": ["This field is required."]})
    source = ctx.get("data_source")
    if source is not None and not spec and source not in COUNT_SOURCES:
        raise ApiError(400, {"data_source": [f'"{source}" is not a valid choice.']})
    term = _single_count_term(raw)
    _check_count_values(term)
    return term


def _single_count_term(raw: str) -> q.Term:
    try:
        found = [t for t in q.terms(q.parse(raw)) if t.raw_key in COUNT_LIMITS]
    except q.QueryError as exc:
        raise detail(400, str(exc)) from None
    if not found:
        raise detail(400, "Must provide at least one issue.id, transaction, or replay_id")
    if len(found) > 1:
        raise detail(400, "Must provide only one of: issue.id, transaction, replay_id")
    return found[0]


def _check_count_values(term: q.Term) -> None:
    """Refuse a replay-count term that is no list, too long, or holds a malformed value."""
    if not term.is_list:
        raise detail(400, "Condition value must be a list of strings")
    if len(term.values) > COUNT_LIMITS[term.raw_key]:
        raise detail(400, "Too many values provided")
    if term.raw_key in COUNT_VALUE_CHECKS:
        valid, message = COUNT_VALUE_CHECKS[term.raw_key]
        if not all(valid(v) for v in term.values):
            raise detail(400, message)
