"""Routes of the `sentry` dialect: how sentry.io's replay endpoints answer.

Paths are relative to `/api/0/`. The seed spec's invented paths fall through:
`organizations/{org}/replays/selectors/` reaches replay details with the id
"selectors" (404, empty body) and `organizations/{org}/replays/{id}/clicks/`
matches nothing (404, empty body), as on sentry.io.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from . import logic, second_region, shapes
from . import query as q
from .events_meta import replays_events_meta
from .logic import candidates, find_replay, resolve_org, resolve_project
from .project_list import organization_projects
from .web import ApiError, Ctx, detail, empty, json_response

ORG = r"organizations/(?P<org>[^/]+)"
PROJ = r"projects/(?P<org>[^/]+)/(?P<project>[^/]+)"
RID = r"(?P<replay_id>[\w-]+)"


def _replay_json(ctx: Ctx, replay: Any, fields: list[str] | None) -> dict[str, Any]:
    if replay.id in ctx.demo.data.deleted:
        obj = shapes.archived_replay(replay)
    else:
        obj = shapes.sentry_replay(replay, ctx.caller.member_id)
    return shapes.only(obj, fields)


async def list_replays(ctx: Ctx, org: str) -> Response:
    resolve_org(ctx, org)
    fields = logic.check_fields(ctx)
    replays = logic.sort_replays(ctx, logic.filter_query(ctx, candidates(ctx)))
    page, headers = ctx.page(replays)
    return json_response({"data": [_replay_json(ctx, r, fields) for r in page]}, headers=headers)


async def org_replay(ctx: Ctx, org: str, replay_id: str) -> Response:
    resolve_org(ctx, org)
    fields = logic.check_fields(ctx)
    replay = find_replay(ctx, replay_id, None)
    return json_response({"data": _replay_json(ctx, replay, fields)})


async def project_replay(ctx: Ctx, org: str, project: str, replay_id: str) -> Response:
    found = resolve_project(ctx, org, project)
    fields = logic.check_fields(ctx)
    replay = find_replay(ctx, replay_id, found)
    return json_response({"data": _replay_json(ctx, replay, fields)})


async def delete_replay(ctx: Ctx, org: str, project: str, replay_id: str) -> Response:
    found = resolve_project(ctx, org, project)
    ctx.require("project:write")
    rid = logic.parse_replay_id(replay_id)
    if rid is None:
        raise ApiError(404)
    data = ctx.demo.data
    replay = data.by_id.get(rid)
    if replay is not None and replay.project.id == found.id:
        if rid in data.deleted:
            raise ApiError(404)
        data.deleted.add(rid)
    return empty(204)


def _live_replay(ctx: Ctx, project: Any, replay_id: str) -> Any | None:
    """The replay if it exists in `project` and is not archived (no window check)."""
    rid = logic.parse_replay_id(replay_id)
    replay = ctx.demo.data.by_id.get(rid) if rid else None
    if replay is None or replay.project.id != project.id or replay.id in ctx.demo.data.deleted:
        return None
    return replay


def _listed_replay(ctx: Ctx, org: str, project: str, replay_id: str) -> Any | None:
    """For the replay's lists (segments, clicks): 404 for an unparsable id; None (an empty
    list) for a replay that is unknown, elsewhere or archived."""
    found = resolve_project(ctx, org, project)
    if logic.parse_replay_id(replay_id) is None:
        raise ApiError(404)
    return _live_replay(ctx, found, replay_id)


async def segments(ctx: Ctx, org: str, project: str, replay_id: str) -> Response:
    replay = _listed_replay(ctx, org, project, replay_id)
    ids = list(range(replay.segment_count)) if replay else []
    page, headers = ctx.page(ids)
    cached = ctx.demo.page_bytes(replay, page[0], len(page)) if replay and page else None
    if cached is not None:
        return Response(cached, headers=headers, media_type="application/json")
    parts = [ctx.demo.segment_bytes(replay, i) for i in page] if replay else []
    body = b"[" + b",".join(parts) + b"]"
    return Response(body, headers=headers, media_type="application/json")


async def segment(ctx: Ctx, org: str, project: str, replay_id: str, segment_id: str) -> Response:
    found = resolve_project(ctx, org, project)
    replay = _live_replay(ctx, found, replay_id)
    number = int(segment_id)
    if replay is None or number >= replay.segment_count:
        raise detail(404, "Replay recording segment not found.")
    if ctx.has("download"):
        filename = f"{replay.project.id}_{replay.id}_{number}.json"
        headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
        return Response(
            ctx.demo.segment_bytes(replay, number), headers=headers, media_type="application/json"
        )
    return json_response({"data": shapes.segment_meta(replay, number)})


def click_actions(ctx: Ctx, replay: Any) -> list[Any]:
    """The replay's clicks, filtered by the click keys of `query` (terms OR-ed)."""
    try:
        found = q.terms(q.parse(ctx.get("query")))
    except q.QueryError as exc:
        raise detail(400, str(exc)) from None
    rows = list(replay.clicks)
    if found:
        rows = [a for a in rows if any(q.matches(t, {"clicks": [a.el]}) for t in found)]
    return rows


async def clicks(ctx: Ctx, org: str, project: str, replay_id: str) -> Response:
    replay = _listed_replay(ctx, org, project, replay_id)
    rows = click_actions(ctx, replay) if replay else []
    page, headers = ctx.page(rows)
    data = [shapes.click_row(replay, a) for a in page] if replay else []
    return json_response({"data": data}, headers=headers)


async def viewed_by(ctx: Ctx, org: str, project: str, replay_id: str) -> Response:
    found = resolve_project(ctx, org, project)
    ctx.require("event:read")
    replay = find_replay(ctx, replay_id, found)
    if replay.id in ctx.demo.data.deleted:
        return json_response({"data": {"viewed_by": []}})
    now = ctx.demo.now
    users = [shapes.member_user(mid, now) for mid, _ in replay.viewers]
    return json_response({"data": {"viewed_by": users}})


SELECTOR_SORTS = {"count_dead_clicks": "dead", "count_rage_clicks": "rage"}


def selector_rows_sorted(ctx: Ctx, default: str = "-count_dead_clicks") -> list[dict[str, Any]]:
    raw = ctx.get("sort") or ctx.get("sortBy") or ctx.get("orderBy") or default
    name = raw.lstrip("-")
    if name not in SELECTOR_SORTS:
        raise detail(400, f"The field `{name}` is not a sortable field.")
    rows = logic.selector_rows(ctx)
    try:
        node = q.parse(ctx.get("query"))
    except q.QueryError as exc:
        raise detail(400, str(exc)) from None
    rows = [
        r
        for r in rows
        if q.matches(node, {"count_dead_clicks": r["dead"], "count_rage_clicks": r["rage"]})
    ]
    rows.sort(key=lambda r: (r["el"].selector, r["project_id"]))
    rows.sort(key=lambda r: r[SELECTOR_SORTS[name]], reverse=raw.startswith("-"))
    return rows


async def selectors(ctx: Ctx, org: str) -> Response:
    resolve_org(ctx, org)
    page, headers = ctx.page(selector_rows_sorted(ctx))
    return json_response({"data": [shapes.sentry_selector(r) for r in page]}, headers=headers)


async def organization(ctx: Ctx, org: str) -> Response:
    resolve_org(ctx, org)
    return json_response(second_region.organization_json(ctx.demo, ctx.request))


async def organizations(ctx: Ctx) -> Response:
    """The token's organizations (src/sentry/api/endpoints/organization_index.py, serialized
    by src/sentry/api/serializers/models/organization.py; trimmed to the keys read)."""
    rows = [
        {"id": data.organization_id, "slug": data.organization, "name": name}
        for data, name in ((ctx.demo.data, "Acme"), (ctx.demo.region_data, "Acme EU"))
    ]
    page, headers = ctx.page(rows)
    return json_response(page, headers=headers)


async def replay_count(ctx: Ctx, org: str) -> Response:
    resolve_org(ctx, org)
    return json_response(logic.replay_counts(ctx))


ROUTES: list[tuple[str, dict[str, Any]]] = [
    (r"^organizations/$", {"GET": organizations}),
    (rf"^{ORG}/$", {"GET": organization}),
    (rf"^{ORG}/projects/$", {"GET": organization_projects}),
    (rf"^{ORG}/replays/$", {"GET": list_replays}),
    (rf"^{ORG}/replays/{RID}/$", {"GET": org_replay}),
    (rf"^{ORG}/replay-selectors/$", {"GET": selectors}),
    (rf"^{ORG}/replay-count/$", {"GET": replay_count}),
    (rf"^{ORG}/replays-events-meta/$", {"GET": replays_events_meta}),
    (rf"^{PROJ}/replays/{RID}/$", {"GET": project_replay, "DELETE": delete_replay}),
    (rf"^{PROJ}/replays/{RID}/recording-segments/$", {"GET": segments}),
    (rf"^{PROJ}/replays/{RID}/recording-segments/(?P<segment_id>\d+)/$", {"GET": segment}),
    (rf"^{PROJ}/replays/{RID}/clicks/$", {"GET": clicks}),
    (rf"^{PROJ}/replays/{RID}/viewed-by/$", {"GET": viewed_by}),
]
