"""Finding a replay, and the project that replay-scoped endpoints need, from what the caller
gave: a replay id or URL, maybe an organization, maybe a project."""

from __future__ import annotations

from dataclasses import dataclass

from sentry_replays_mcp.tools.api import ids
from sentry_replays_mcp.tools.api.errors import NotFound
from sentry_replays_mcp.tools.api.models import Replay
from sentry_replays_mcp.tools.context import ToolState
from sentry_replays_mcp.tools.params import parse_replay_ref

LOOKUP_WINDOW = "90d"


@dataclass(frozen=True)
class Target:
    organization: str
    replay_id: str
    project: str | None  # only as the caller gave it, validated


def target(
    state: ToolState, replay_ref: str, organization: str | None, project: str | None
) -> Target:
    ref = parse_replay_ref(replay_ref)
    return Target(
        state.org(organization, ref.organization),
        ref.replay_id,
        ids.project(project) if project else None,
    )


async def find_replay(state: ToolState, where: Target, *, fresh: bool = False) -> Replay:
    """The replay itself. sentry.io answers at organization level; a server that follows the
    seed only at project level, so without a project the replay is found in the org-wide list."""
    recent = None if fresh else state.recent.get(where.organization, where.replay_id)
    if recent is not None:
        return recent
    replay = await _fetch_replay(state, where)
    state.recent.put(where.organization, replay)
    return replay


async def _fetch_replay(state: ToolState, where: Target) -> Replay:
    hint = where.project or state.project_or_default(None)
    try:
        return await state.client.get_replay(where.organization, where.replay_id, project=hint)
    except NotFound:
        if where.project is not None:
            raise
        page = await state.client.list_replays(
            where.organization,
            query=f"id:{where.replay_id}",
            stats_period=LOOKUP_WINDOW,
            per_page=5,
        )
        for replay in page.items:
            if replay.id == where.replay_id:
                return replay
        raise


async def project_for(state: ToolState, where: Target) -> tuple[str, Replay | None]:
    """The project for a project-level path: the caller's, else the replay's own, else
    SENTRY_PROJECT. Also returns the replay when it had to be fetched."""
    if where.project is not None:
        return where.project, None
    replay = await find_replay(state, where)
    project = replay.project_id or state.project_or_default(None)
    if not project:
        raise NotFound(
            f"Replay {where.replay_id} does not say which project it belongs to; pass project."
        )
    return ids.project(project), replay
