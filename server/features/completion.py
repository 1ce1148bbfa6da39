"""Argument completion (`completion/complete`) for the prompts' and resource templates'
arguments: `organization` (the token's organizations), `project` (the organization's
projects) and `replay_id` / `replay` (the organization's newest replays), each a prefix match.

The organization is the request context's `organization` argument when the client sent one
(and it is a valid slug), else the server's default. Each list is fetched once per
(kind, organization) and kept COMPLETION_TTL seconds; completions that arrive while it is
being fetched share that one request. When Sentry cannot list organizations, the default
organization is still offered.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from mcp.types import (
    CompleteRequestParams,
    CompleteResult,
    Completion,
    PromptReference,
    ResourceTemplateReference,
)

from sentry_replays_mcp.tools.api import directory, ids
from sentry_replays_mcp.tools.api.errors import SentryError
from sentry_replays_mcp.tools.kit.errors import BadInput
from sentry_replays_mcp.tools.kit.state import ToolState

from .flights import SharedFetches

log = logging.getLogger("sentry_replays_mcp.completion")
COMPLETION_TTL = 45.0
MAX_VALUES = 100  # the spec's limit per completion
RECENT_REPLAYS = 100
Listing = tuple[list[str], bool]  # values, and whether they are all Sentry has
KINDS = {
    "organization": "organizations",
    "project": "projects",
    "replay_id": "replays",
    "replay": "replays",
}


class Completer:
    """Completes the arguments named in KINDS on the given prompts and resource templates."""

    def __init__(self, prompts: set[str], templates: set[str]) -> None:
        self._prompts = prompts
        self._templates = templates
        self.cache: SharedFetches[Listing] = SharedFetches(COMPLETION_TTL)

    def _ours(self, ref: Any) -> bool:
        if isinstance(ref, PromptReference):
            return ref.name in self._prompts
        return isinstance(ref, ResourceTemplateReference) and ref.uri in self._templates

    async def complete(self, state: ToolState, params: CompleteRequestParams) -> CompleteResult:
        kind = KINDS.get(params.argument.name)
        if kind is None or not self._ours(params.ref):
            return CompleteResult(completion=Completion(values=[], total=0, has_more=False))
        try:
            reach = state.scopes.key  # the allow-lists of this call's caller
        except BadInput:  # a signed-in caller who may reach nothing is offered nothing
            return CompleteResult(completion=Completion(values=[], total=0, has_more=False))
        given = (params.context.arguments if params.context else None) or {}
        org = _organization(state, given.get("organization"))
        candidates, whole = await self._candidates(state, kind, org, reach)
        prefix = params.argument.value.strip().lower()
        matched = [v for v in candidates if v.lower().startswith(prefix)]
        # When Sentry had more than the one page read, there may be more matches than counted.
        return CompleteResult(
            completion=Completion(
                values=matched[:MAX_VALUES],
                total=len(matched) if whole else None,
                has_more=len(matched) > MAX_VALUES or not whole,
            )
        )

    async def _candidates(
        self, state: ToolState, kind: str, org: str | None, reach: Hashable
    ) -> Listing:
        """The values to match, and whether they are all there are (one page was read).
        Lists are kept per allow-lists (`reach`): callers with other lists share none."""
        if kind == "organizations":
            found = await self._fetched(kind, None, reach, lambda: _organizations(state))
            return found or ([org] if org else [], True)
        if org is None:
            return [], True
        fetch = _projects if kind == "projects" else _replays
        return await self._fetched(kind, org, reach, lambda: fetch(state, org)) or ([], True)

    async def _fetched(
        self,
        kind: str,
        org: str | None,
        reach: Hashable,
        fetch: Callable[[], Awaitable[Listing]],
    ) -> Listing | None:
        async def logged() -> Listing:
            try:
                return await fetch()
            except SentryError as error:
                log.info("completion could not list %s: %s", kind, error.kind)
                raise

        return await self.cache.get((kind, org, reach), logged)


def _organization(state: ToolState, given: str | None) -> str | None:
    """The context's organization when valid, else the server's default."""
    for value in (given, state.organization, state.scopes.sole_org()):
        if value:
            try:
                org = ids.organization(value)
            except SentryError:
                continue
            if not state.scopes.orgs or org.lower() in state.scopes.orgs:  # --allow-org
                return org
    return None


def _valid(values: list[str | None], check: Callable[[str], str]) -> list[str]:
    """The values that are what they claim to be (Sentry's answers are untrusted: only a
    well-formed slug or id is offered), without repeats."""
    kept = []
    for value in values:
        try:
            kept.append(check(value or ""))
        except SentryError:
            continue
    return list(dict.fromkeys(kept))


async def _organizations(state: ToolState) -> Listing:
    rows, whole = await directory.organizations(state.client)
    found = _valid([row.slug for row in rows], ids.organization)
    if state.scopes.orgs:  # --allow-org: offer only the allowed ones
        found = [org for org in found if org.lower() in state.scopes.orgs]
    return found, whole


async def _projects(state: ToolState, org: str) -> Listing:
    rows, whole = await directory.projects(state.client, org)
    if state.scopes.limits_projects:  # --allow-project: offer only the allowed ones
        allowed = await state.scopes.allowed(state.client, org)
        rows = [row for row in rows if allowed.has(row.slug or "") or allowed.has(row.id or "")]
    return _valid([row.slug for row in rows], ids.project), whole


async def _replays(state: ToolState, org: str) -> Listing:
    projects = await state.scopes.project_filter(state.client, org, ())  # --allow-project
    page = await state.client.list_replays(
        org, projects=projects, per_page=RECENT_REPLAYS, sort="-started_at"
    )
    rows, _ = await state.scopes.keep(state.client, org, page.items, lambda r: r.project_id)
    return _valid([replay.id for replay in rows], ids.replay), page.next_cursor is None
