"""delete_replay: a preview and a confirmation code first, the deletion only with that code
(and, when the client can ask its user, the user's yes).

Sentry answers 204 to a DELETE whatever project its path names and deletes in the background
(getsentry/sentry src/sentry/replays/endpoints/project_replay_details.py): a path naming the
wrong project deletes nothing, silently. So before the DELETE the replay is read and the
project is checked to hold it, and after it the replay is read again: "deleted" is said only
when it reads as archived (or no longer reads at all).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from mcp.server.elicitation import AcceptedElicitation, ElicitationResult
from mcp.server.mcpserver import Context, Elicit, Resolve
from mcp.types import CallToolResult
from pydantic import BaseModel, Field

from sentry_replays_mcp.tools.api import ids
from sentry_replays_mcp.tools.api.errors import NotFound, SentryError
from sentry_replays_mcp.tools.api.models import Replay
from sentry_replays_mcp.tools.kit import text as r
from sentry_replays_mcp.tools.kit.answer import answer
from sentry_replays_mcp.tools.kit.errors import EXPLAINED, BadInput, ProjectUnknown
from sentry_replays_mcp.tools.kit.facts import first_url, user_of
from sentry_replays_mcp.tools.kit.params import Organization, Project, ReplayRef
from sentry_replays_mcp.tools.kit.registry import DESTRUCTIVE, ToolSpec, define
from sentry_replays_mcp.tools.kit.resolve import LOOKUP_WINDOW, Target, resolve, target
from sentry_replays_mcp.tools.kit.state import ToolState, state_of

TOOLS: list[ToolSpec] = []
log = logging.getLogger("sentry_replays_mcp.delete")
ReadsAs = Literal["archived", "not found", "live", "unknown"]

Confirm = Annotated[
    str | None,
    Field(
        description="The confirmation_code from a previous delete_replay call for this replay, "
        "exactly as given, and only after the user agreed. Without it nothing is deleted.",
        max_length=64,
    ),
]


class DeleteConsent(BaseModel):
    delete: bool = Field(description="Delete this replay permanently?")


class DeleteOutcome(BaseModel):
    replay_id: str
    organization: str
    project: str | None = None
    deleted: bool  # true only when the replay reads as deleted afterwards
    accepted: bool | None = None  # Sentry accepted the DELETE (it finishes in the background)
    reads_as: ReadsAs | None = None  # what reading the replay after the DELETE showed
    confirmation_code: str | None = None
    expires_in_seconds: int | None = None
    started_at: datetime | None = None
    user: str | None = None
    first_url: str | None = None
    already_archived: bool | None = None


def binding(where: Target, state: ToolState) -> str:
    """What a confirmation code is issued for: this replay, and the signed-in caller who
    previewed it (a code confirms nothing for another caller)."""
    caller = state.identity()
    base = f"{where.organization}|{where.project or ''}|{where.replay_id}"
    return f"{base}|{caller}" if caller else base


@dataclass(frozen=True)
class CheckedCall:
    """The call checked once: the reference parsed, the code checked, the replay read and its
    project checked. The question to the user and the tool body both read this."""

    where: Target | None  # None when the reference was refused
    refused: Exception | None  # why the call was refused
    replay: Replay | None = None
    project: str | None = None  # the project the DELETE names: it holds the replay
    owner: str | None = None  # the project id the replay names, when it names one


async def check_call(
    ctx: Context,
    replay_id: str,
    organization: str | None = None,
    project: str | None = None,
    confirm: str | None = None,
) -> CheckedCall:
    state = state_of(ctx)
    try:
        where = target(state, replay_id, organization, project)
    except EXPLAINED as error:
        return CheckedCall(None, error)
    try:
        await state.scopes.check_project(state.client, where.organization, where.project)
        if confirm:
            state.codes.check(confirm, binding(where, state), bool(state.identity()))
        replay = await _read(state, where)
        if replay.archived:
            return CheckedCall(where, None, replay)
        owner = _own_project(replay)
        return CheckedCall(where, None, replay, await _holding(state, where, owner), owner)
    except EXPLAINED as error:
        return CheckedCall(where, error)


async def _read(state: ToolState, where: Target) -> Replay:
    """The replay as Sentry has it now (never from the last minute's cache), wherever it is
    (not only in the project named), to learn its own project."""
    anywhere = Target(where.organization, where.replay_id, None)
    try:
        found = await resolve(state, anywhere, need_project=False, read="fresh")
    except NotFound:
        raise BadInput(
            f"Replay {where.replay_id} was deleted already or is not found in organization "
            f"{where.organization} (Sentry answered 404). Nothing was deleted. Check the id "
            "and organization with list_replays."
        ) from None
    assert found.replay is not None  # read="fresh" always reads it
    return found.replay


def _own_project(replay: Replay) -> str | None:
    if not replay.project_id:
        return None
    try:
        return ids.project(replay.project_id)
    except SentryError:
        return None


async def _holding(state: ToolState, where: Target, owner: str | None) -> str:
    """The project the DELETE will name, checked to hold the replay: the caller's project,
    else the replay's own, else the server's default (as for every tool)."""
    named = where.project or owner or state.project_or_default(None)
    if named is None:
        raise ProjectUnknown(where.replay_id)
    if named == owner:
        return named
    if owner is None or not named.isdigit():  # a slug, or a replay that names no project
        page = await state.client.list_replays(
            where.organization,
            projects=[named],
            query=f"id:{where.replay_id}",
            stats_period=LOOKUP_WINDOW,
            per_page=5,
        )
        if any(row.id == where.replay_id for row in page.items):
            return named
    if owner is None:
        raise BadInput(
            f"Sentry does not list replay {where.replay_id} in project {r.ident(named)}, and "
            "the replay does not say which project it belongs to. Nothing was deleted. Pass "
            "the project that holds it."
        )
    raise BadInput(
        f"Replay {where.replay_id} belongs to project {owner}, not to project "
        f"{r.ident(named)}. Nothing was deleted (Sentry would accept a deletion naming the "
        f"wrong project and delete nothing). Call delete_replay with project='{owner}' for a "
        "preview and a code for that project."
    )


def _project_label(call: CheckedCall) -> str:
    project = r.data(call.project or "?")
    return f"{project} (id {call.owner})" if call.owner and call.owner != call.project else project


def question(call: CheckedCall, now: datetime) -> str:
    """What the user is asked: enough to tell which session they approve."""
    assert call.where is not None and call.replay is not None
    replay = call.replay
    user, url = user_of(replay), first_url(replay)
    started = r.when(replay.started_at, now)
    return (
        f"Delete Sentry replay {call.where.replay_id} for good? "
        f"User: {r.code(user, 120) if user else 'unknown'}. "
        f"First page: {r.code(url, 200) if url else 'unknown'}. "
        f"Started: {started or 'unknown'}. "
        f"Project: {_project_label(call)}. Organization: {call.where.organization}. "
        "Its recording will be gone for good."
    )


async def ask_the_user(
    ctx: Context,
    call: Annotated[CheckedCall, Resolve(check_call)],
    confirm: str | None = None,
) -> DeleteConsent | Elicit[DeleteConsent]:
    """Ask the user, when the client can show a question and the call is valid."""
    capabilities = ctx.client_capabilities
    if not confirm or capabilities is None or capabilities.elicitation is None:
        return DeleteConsent(delete=bool(confirm))  # the code alone guards
    if call.refused is not None or call.replay is None or call.replay.archived:
        return DeleteConsent(delete=False)  # the tool reports why; no question
    return Elicit(question(call, state_of(ctx).now()), DeleteConsent)


def preview_line(outcome: DeleteOutcome, now: datetime) -> str:
    started = r.when(outcome.started_at, now)
    parts = [
        f"started {started}" if started else None,
        f"user {r.code(outcome.user, 120)}" if outcome.user else None,
        f"first page {r.code(outcome.first_url, 120)}" if outcome.first_url else None,
    ]
    return "- " + (r.joined(parts, ", ") or "no details available")


def _preview(state: ToolState, call: CheckedCall) -> CallToolResult:
    where, replay = call.where, call.replay
    assert where is not None and replay is not None
    outcome = DeleteOutcome(
        replay_id=where.replay_id,
        organization=where.organization,
        project=call.project,
        deleted=False,
        started_at=replay.started_at,
        user=user_of(replay),
        first_url=first_url(replay),
    )
    if replay.archived:
        outcome.already_archived = True
        text = f"Replay {where.replay_id} is already deleted (archived). Nothing to do."
        return answer(state, text, outcome)
    outcome.confirmation_code = state.codes.issue(binding(where, state))
    outcome.expires_in_seconds = 600
    lines = [
        f"Not deleted yet. Replay {where.replay_id} in project {_project_label(call)} of "
        f"organization {where.organization}:",
        preview_line(outcome, state.now()),
        "Deleting removes its recording for good. Ask the user whether to delete it; only if "
        f'they agree, call delete_replay again with confirm="{outcome.confirmation_code}" '
        "(valid 10 minutes, once, for this replay only).",
    ]
    return answer(state, "\n".join(lines), outcome)


async def _reads_as(state: ToolState, where: Target) -> ReadsAs:
    """What the replay reads as now (after the DELETE)."""
    try:
        replay = await _read(state, where)
    except BadInput:
        return "not found"
    except SentryError:
        return "unknown"
    return "archived" if replay.archived else "live"


AFTER: dict[ReadsAs, str] = {
    "archived": "and the replay now reads as archived (Sentry keeps a stub with no data).",
    "not found": "and Sentry no longer finds the replay.",
    "live": "but the replay still reads as live: Sentry deletes in the background, so this "
    "can take a while. Check later with get_replay (it shows the replay as archived once "
    "deleted); do not call delete_replay again for it.",
    "unknown": "and deletes it in the background; reading the replay afterwards failed, so "
    "whether it is archived yet is unknown. Check later with get_replay.",
}


async def _delete(state: ToolState, call: CheckedCall, confirm: str) -> CallToolResult:
    where = call.where
    assert where is not None and call.project is not None
    await state.codes.claim(  # spent from here on, whatever happens
        confirm, binding(where, state), bool(state.identity())
    )
    outcome = DeleteOutcome(
        replay_id=where.replay_id,
        organization=where.organization,
        project=call.project,
        deleted=False,
    )
    subject = (
        f"replay {where.replay_id} (organization {where.organization}, project {call.project})"
    )
    log.warning(  # an audit line: shown at the default log level
        "%s deletes replay %s (organization %s, project %s)",
        state.caller(),
        where.replay_id,
        where.organization,
        call.project,
    )
    try:
        await state.client.delete_replay(where.organization, call.project, where.replay_id)
    except NotFound:
        outcome.accepted = False
        text = (
            f"Not deleted now: {subject} was deleted already or is not found (Sentry answered "
            "404 to the deletion), for instance by the same confirmation on another server "
            "process. Repeating a confirmed deletion is harmless: nothing more was deleted."
        )
        return answer(state, text, outcome)
    except SentryError as error:  # it may have reached Sentry: never sent again with this code
        error.message += (
            " The confirmation code is spent: check with get_replay, and call delete_replay "
            "without confirm for a new code if the replay is still there."
        )
        raise
    state.recent.forget(where.organization, where.replay_id)
    outcome.accepted = True
    outcome.reads_as = await _reads_as(state, where)
    outcome.deleted = outcome.reads_as in ("archived", "not found")
    start = "Deleted" if outcome.deleted else "Not confirmed deleted yet"
    text = f"{start}: Sentry accepted the deletion of {subject}, {AFTER[outcome.reads_as]}"
    return answer(state, text, outcome)


@define(
    TOOLS,
    title="Delete replay",
    annotations=DESTRUCTIVE,
    description="""
Delete a session replay for good (Sentry keeps only an archived stub). Two steps:
1. Call without confirm: nothing is deleted; you get a preview and a confirmation_code.
2. Ask the user. Only if they agree, call again with confirm=<that code> (valid 10 minutes,
   once, bound to this organization, project argument and replay).
A wrong, expired, used or other-replay code deletes nothing; so does a project that does not
hold the replay (you are told which project does). Clients that can ask their user will also
be asked to confirm. The answer says whether the replay reads as archived afterwards.
""",
)
async def delete_replay(
    ctx: Context,
    call: Annotated[CheckedCall, Resolve(check_call)],
    consent: Annotated[ElicitationResult[DeleteConsent], Resolve(ask_the_user)],
    replay_id: ReplayRef,
    organization: Organization = None,
    project: Project = None,
    confirm: Confirm = None,
) -> Annotated[CallToolResult, DeleteOutcome]:
    state = state_of(ctx)
    if call.refused is not None:
        raise call.refused  # a bad reference or code, an unknown replay, the wrong project
    if not confirm or (call.replay is not None and call.replay.archived):
        return _preview(state, call)
    where = call.where
    assert where is not None  # check_call refuses when it cannot parse the reference
    if not (isinstance(consent, AcceptedElicitation) and consent.data.delete):
        text = f"Not deleted: the user did not confirm deleting replay {where.replay_id}."
        outcome = DeleteOutcome(
            replay_id=where.replay_id, organization=where.organization, deleted=False
        )
        return answer(state, text, outcome)
    return await _delete(state, call, confirm)
