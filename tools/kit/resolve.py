"""One replay reference → the organization, the replay id, the project and, when it was read,
the replay itself: decided here once for every tool.

The caller gives a replay id or URL, maybe an organization, maybe a project. Replay-scoped
endpoints are project-level on Sentry, so the project comes from the caller, else the replay,
else the server's default; when none says, `ProjectUnknown`. An archived (deleted) replay has
no data: it resolves with `archived` set (and never fails for want of a project), and each tool
says what that means for it.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal, TypeVar
from urllib.parse import urlsplit

from sentry_replays_mcp.tools.api import ids
from sentry_replays_mcp.tools.api.errors import NotFound, SentryError
from sentry_replays_mcp.tools.api.models import Replay
from sentry_replays_mcp.tools.kit.concurrently import concurrently
from sentry_replays_mcp.tools.kit.errors import BadInput, ProjectUnknown
from sentry_replays_mcp.tools.kit.state import ToolState

LOOKUP_WINDOW = "90d"
_URL_PATH = re.compile(r"/(?:organizations/(?P<org>[^/]+)/)?(?:explore/)?replays/(?P<id>[^/]+)/?$")
_REGION_HOSTS = {"us", "de", "www", "app"}
Read = Literal["always", "fresh", "if_needed", "if_possible"]
T = TypeVar("T")


@dataclass(frozen=True)
class Target:
    """What the caller named, checked, before any request."""

    organization: str
    replay_id: str
    project: str | None  # only as the caller gave it


@dataclass(frozen=True)
class ResolvedReplay:
    organization: str
    replay_id: str
    project: str | None  # None only when not needed, or for an archived stub without one
    replay: Replay | None  # when it was read

    @property
    def archived(self) -> bool:
        return self.replay is not None and self.replay.archived

    def needed_project(self) -> str:
        """The project, for a project-level endpoint."""
        if self.project is None:
            raise ProjectUnknown(self.replay_id)
        return self.project


def parse_replay_ref(value: str) -> tuple[str, str | None]:
    """A replay id, or a Sentry replay URL → (replay id, the URL's organization or None)."""
    if "://" not in value:
        return ids.replay(value), None
    parts = urlsplit(value)
    match = _URL_PATH.search(parts.path)
    if parts.scheme not in ("http", "https") or not match:
        raise BadInput(
            "Invalid replay URL: expected https://<org>.sentry.io/replays/<id>/ or "
            "https://sentry.io/organizations/<org>/replays/<id>/."
        )
    organization = match.group("org")
    host = (parts.hostname or "").lower()
    if organization is None and host.endswith(".sentry.io"):
        subdomain = host.removesuffix(".sentry.io")
        if "." not in subdomain and subdomain not in _REGION_HOSTS:
            organization = subdomain
    return ids.replay(match.group("id")), ids.organization(organization) if organization else None


def target(state: ToolState, ref: str, organization: str | None, project: str | None) -> Target:
    """The caller's reference checked, with no request made: a bad one is refused here."""
    replay_id, from_url = parse_replay_ref(ref)
    named = ids.project(project) if project else None
    state.scopes.precheck(named)
    return Target(state.org(organization, from_url), replay_id, named)


async def resolve(
    state: ToolState,
    ref: str | Target,
    organization: str | None = None,
    project: str | None = None,
    *,
    need_project: bool = True,
    read: Read = "if_needed",
) -> ResolvedReplay:
    """The replay the caller means, and its project.

    `read` says when the replay itself is read: "always" (from the last minute's cache),
    "fresh" (never from the cache), "if_needed" (only to learn the project), "if_possible"
    (always tried; a failure matters only when the project had to come from it).
    """
    where = ref if isinstance(ref, Target) else target(state, ref, organization, project)
    if state.scopes.limits_projects:  # the replay's own project is checked: always read it
        await state.scopes.check_project(state.client, where.organization, where.project)
        read = "always" if read in ("if_needed", "if_possible") else read
    replay = await _read(state, where, need_project=need_project, read=read)
    chosen = where.project or _own_project(replay) or state.project_or_default(None)
    if need_project and not chosen and not (replay is not None and replay.archived):
        raise ProjectUnknown(where.replay_id)
    return ResolvedReplay(where.organization, where.replay_id, chosen, replay)


def _own_project(replay: Replay | None) -> str | None:
    """The project the replay names, if it is one (it comes from Sentry: never trusted)."""
    if replay is None or not replay.project_id:
        return None
    try:
        return ids.project(replay.project_id)
    except SentryError:
        return None


async def resolve_with(
    state: ToolState,
    ref: str,
    organization: str | None,
    project: str | None,
    request: Callable[[ResolvedReplay], Awaitable[T]],
) -> tuple[ResolvedReplay, T | None]:
    """`resolve(read="if_possible")`, then `request` for it; when the caller named the
    project, both at once. `request` is not made for an archived replay."""
    where = target(state, ref, organization, project)
    scoped = state.scopes.limits_projects  # the replay is checked before `request`
    if scoped or where.project is None or state.recent.get(where.organization, where.replay_id):
        found = await resolve(state, where, read="if_possible")
        return found, None if found.archived else await request(found)
    known = ResolvedReplay(where.organization, where.replay_id, where.project, None)
    found, answer = await concurrently(
        lambda: resolve(state, where, read="if_possible"), lambda: request(known)
    )
    return found, None if found.archived else answer


async def _read(
    state: ToolState, where: Target, *, need_project: bool, read: Read
) -> Replay | None:
    if read == "if_needed" and (where.project or not need_project):
        return None
    try:
        return await _replay(state, where, fresh=read == "fresh")
    except SentryError:
        if read == "if_possible" and where.project is not None:
            return None  # the project is known; the replay only adds its start time
        raise


async def _replay(state: ToolState, where: Target, *, fresh: bool) -> Replay:
    recent = None if fresh else state.recent.get(where.organization, where.replay_id)
    if recent is not None:
        await state.scopes.check_replay(state.client, where.organization, recent)
        return recent
    replay = await _fetch_replay(state, where)
    state.recent.put(where.organization, replay)
    await state.scopes.check_replay(state.client, where.organization, replay)
    return replay


async def _fetch_replay(state: ToolState, where: Target) -> Replay:
    """sentry.io answers at organization level; a server that follows the seed only at
    project level, so without a project the replay is found in the org-wide list."""
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
