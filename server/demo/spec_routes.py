"""Routes of the `spec` dialect: exactly what the seed OpenAPI document describes.

Paths and camelCase shapes follow `sentry-replays.openapi.yaml`; sentry.io-only
paths (`replay-selectors/`, org-level replay details, project-level clicks) are
404 here. The seed has no notion of archived replays, so a deleted replay (and
the replay that is archived from the start) is simply gone: GET, segments,
clicks and viewers answer 404 (empty body) and DELETE of it answers 404 too.
`cursor` pages every list and `Link` headers are kept. Unknown replays answer
404 with an empty body; an unknown segment answers 404
`{"detail": "Replay recording segment not found."}`.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from . import logic, shapes
from .logic import candidates, find_replay, resolve_org, resolve_project
from .sentry_routes import ORG, PROJ, RID, click_actions, selector_rows_sorted
from .web import ApiError, Ctx, detail, empty, json_response


def _live(ctx: Ctx, raw_id: str, project: Any | None) -> Any:
    replay = find_replay(ctx, raw_id, project)
    if replay.id in ctx.demo.data.deleted:
        raise ApiError(404)
    return replay


async def list_replays(ctx: Ctx, org: str) -> Response:
    resolve_org(ctx, org)
    replays = logic.filter_query(ctx, candidates(ctx, include_archived=False))
    replays = logic.sort_replays(ctx, replays, spec=True)
    page, headers = ctx.page(replays)
    rows = [shapes.spec_replay(r, logic.dashed(r.id)) for r in page]
    return json_response({"data": rows}, headers=headers)


async def get_replay(ctx: Ctx, org: str, project: str, replay_id: str) -> Response:
    found = resolve_project(ctx, org, project)
    replay = _live(ctx, replay_id, found)
    return json_response({"data": shapes.spec_replay(replay, logic.dashed(replay.id))})


async def delete_replay(ctx: Ctx, org: str, project: str, replay_id: str) -> Response:
    found = resolve_project(ctx, org, project)
    ctx.require("project:write")
    rid = logic.parse_replay_id(replay_id)
    data = ctx.demo.data
    replay = data.by_id.get(rid) if rid else None
    if replay is None or replay.project.id != found.id or rid in data.deleted:
        raise ApiError(404)
    data.deleted.add(replay.id)
    return empty(204)


def _segment_owner(ctx: Ctx, org: str, project: str, replay_id: str) -> Any:
    found = resolve_project(ctx, org, project)
    rid = logic.parse_replay_id(replay_id)
    replay = ctx.demo.data.by_id.get(rid) if rid else None
    if replay is None or replay.project.id != found.id or replay.id in ctx.demo.data.deleted:
        return None
    return replay


async def segments(ctx: Ctx, org: str, project: str, replay_id: str) -> Response:
    replay = _segment_owner(ctx, org, project, replay_id)
    if replay is None:
        raise ApiError(404)
    page, headers = ctx.page(list(range(replay.segment_count)))
    return json_response([shapes.spec_segment(replay, i) for i in page], headers=headers)


async def segment(ctx: Ctx, org: str, project: str, replay_id: str, segment_id: str) -> Response:
    replay = _segment_owner(ctx, org, project, replay_id)
    number = int(segment_id)
    if replay is None or number >= replay.segment_count:
        raise detail(404, "Replay recording segment not found.")
    return json_response(shapes.spec_segment(replay, number))


async def selectors(ctx: Ctx, org: str) -> Response:
    resolve_org(ctx, org)
    page, headers = ctx.page(selector_rows_sorted(ctx))
    return json_response({"data": [shapes.spec_selector(r) for r in page]}, headers=headers)


async def clicks(ctx: Ctx, org: str, replay_id: str) -> Response:
    resolve_org(ctx, org)
    replay = _live(ctx, replay_id, None)
    page, headers = ctx.page(click_actions(ctx, replay))
    return json_response({"data": [shapes.spec_click(replay, a) for a in page]}, headers=headers)


async def viewed_by(ctx: Ctx, org: str, project: str, replay_id: str) -> Response:
    found = resolve_project(ctx, org, project)
    ctx.require("event:read")
    replay = _live(ctx, replay_id, found)
    return json_response({"data": [shapes.spec_viewer(m, at) for m, at in replay.viewers]})


async def replay_count(ctx: Ctx, org: str) -> Response:
    resolve_org(ctx, org)
    return json_response(logic.replay_counts(ctx, spec=True))


ROUTES: list[tuple[str, dict[str, Any]]] = [
    (rf"^{ORG}/replays/$", {"GET": list_replays}),
    (rf"^{ORG}/replays/selectors/$", {"GET": selectors}),
    (rf"^{ORG}/replays/{RID}/clicks/$", {"GET": clicks}),
    (rf"^{ORG}/replay-count/$", {"GET": replay_count}),
    (rf"^{PROJ}/replays/{RID}/$", {"GET": get_replay, "DELETE": delete_replay}),
    (rf"^{PROJ}/replays/{RID}/recording-segments/$", {"GET": segments}),
    (rf"^{PROJ}/replays/{RID}/recording-segments/(?P<segment_id>\d+)/$", {"GET": segment}),
    (rf"^{PROJ}/replays/{RID}/viewed-by/$", {"GET": viewed_by}),
]
