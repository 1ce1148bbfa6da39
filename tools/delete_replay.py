"""delete_replay: a preview and a confirmation code first, the deletion only with that code
(and, when the client can ask its user, the user's yes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from mcp.server.elicitation import AcceptedElicitation, ElicitationResult
from mcp.server.mcpserver import Context, Elicit, Resolve
from mcp.types import CallToolResult
from pydantic import BaseModel, Field

from sentry_replays_mcp.tools.kit import text as r
from sentry_replays_mcp.tools.kit.answer import answer
from sentry_replays_mcp.tools.kit.errors import EXPLAINED
from sentry_replays_mcp.tools.kit.facts import first_url, user_of
from sentry_replays_mcp.tools.kit.params import Organization, Project, ReplayRef
from sentry_replays_mcp.tools.kit.registry import DESTRUCTIVE, ToolSpec, define
from sentry_replays_mcp.tools.kit.resolve import Target, resolve, target
from sentry_replays_mcp.tools.kit.state import ToolState, state_of

TOOLS: list[ToolSpec] = []

Confirm = Annotated[
    str | None,
    Field(
        description="The confirmation_code from a previous delete_replay call for this replay, "
        "given only after the user agreed. Without it nothing is deleted.",
        max_length=64,
    ),
]


class DeleteConsent(BaseModel):
    delete: bool = Field(description="Delete this replay permanently?")


class DeleteOutcome(BaseModel):
    replay_id: str
    organization: str
    project: str | None = None
    deleted: bool
    confirmation_code: str | None = None
    expires_in_seconds: int | None = None
    started_at: datetime | None = None
    user: str | None = None
    first_url: str | None = None
    already_archived: bool | None = None


def binding(where: Target) -> str:
    return f"{where.organization}|{where.project or ''}|{where.replay_id}"


@dataclass(frozen=True)
class CheckedCall:
    """The call's replay reference parsed and its code checked, once per call: the question
    to the user and the tool body both read this."""

    where: Target | None  # None when the reference was refused
    refused: Exception | None  # why the reference or the code was refused


def check_call(
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
        if confirm:
            state.codes.check(confirm, binding(where))
    except EXPLAINED as error:
        return CheckedCall(where, error)
    return CheckedCall(where, None)


async def ask_the_user(
    ctx: Context,
    call: Annotated[CheckedCall, Resolve(check_call)],
    confirm: str | None = None,
) -> DeleteConsent | Elicit[DeleteConsent]:
    """Ask the user, when the client can show a question and the code is valid."""
    capabilities = ctx.client_capabilities
    if not confirm or capabilities is None or capabilities.elicitation is None:
        return DeleteConsent(delete=bool(confirm))  # the code alone guards
    if call.refused is not None or call.where is None:
        return DeleteConsent(delete=False)  # the tool reports the refusal; no question
    return Elicit(
        f"Delete Sentry replay {call.where.replay_id} in organization "
        f"{call.where.organization}? Its recording will be gone for good.",
        DeleteConsent,
    )


def preview_line(outcome: DeleteOutcome, now: datetime) -> str:
    started = r.when(outcome.started_at, now)
    parts = [
        f"started {started}" if started else None,
        f"user {r.code(outcome.user, 120)}" if outcome.user else None,
        r.code(outcome.first_url, 120) if outcome.first_url else None,
    ]
    return "- " + (r.joined(parts, ", ") or "no details available")


async def _preview(state: ToolState, where: Target) -> CallToolResult:
    found = await resolve(state, where, need_project=False, read="always")
    assert found.replay is not None  # read="always" always reads it
    replay = found.replay
    outcome = DeleteOutcome(
        replay_id=where.replay_id,
        organization=where.organization,
        project=found.project,
        deleted=False,
        started_at=replay.started_at,
        user=user_of(replay),
        first_url=first_url(replay),
    )
    if found.archived:
        outcome.already_archived = True
        text = f"Replay {where.replay_id} is already deleted (archived). Nothing to do."
        return answer(state, text, outcome)
    outcome.confirmation_code = state.codes.issue(binding(where))
    outcome.expires_in_seconds = 600
    lines = [
        f"Not deleted yet. Replay {where.replay_id} in organization {where.organization}:",
        preview_line(outcome, state.now()),
        "Deleting removes its recording for good. Ask the user whether to delete it; only if "
        f'they agree, call delete_replay again with confirm="{outcome.confirmation_code}" '
        "(valid 10 minutes, for this replay only).",
    ]
    return answer(state, "\n".join(lines), outcome)


@define(
    TOOLS,
    title="Delete replay",
    annotations=DESTRUCTIVE,
    description="""
Delete a session replay for good (Sentry keeps only an archived stub). Two steps:
1. Call without confirm: nothing is deleted; you get a preview and a confirmation_code.
2. Ask the user. Only if they agree, call again with confirm=<that code> (valid 10 minutes,
   bound to this organization, project argument and replay).
A wrong, expired or other-replay code deletes nothing. Clients that can ask their user will
also be asked to confirm. Use get_replay first if you are unsure which replay it is.
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
        raise call.refused  # a bad reference, or a code not valid for this replay
    where = call.where
    assert where is not None  # check_call refuses when it cannot parse the reference
    if not confirm:
        return await _preview(state, where)
    outcome = DeleteOutcome(
        replay_id=where.replay_id, organization=where.organization, deleted=False
    )
    if not (isinstance(consent, AcceptedElicitation) and consent.data.delete):
        text = f"Not deleted: the user did not confirm deleting replay {where.replay_id}."
        return answer(state, text, outcome)
    found = await resolve(state, where)
    if found.archived:
        outcome.already_archived = True
        return answer(state, f"Replay {where.replay_id} was already deleted.", outcome)
    project_id = found.needed_project()
    await state.client.delete_replay(where.organization, project_id, where.replay_id)
    state.recent.forget(where.organization, where.replay_id)
    outcome.deleted = True
    outcome.project = project_id
    text = (
        f"Deleted replay {where.replay_id} (organization {where.organization}, project "
        f"{project_id}). Sentry now serves it as an archived stub with no data."
    )
    return answer(state, text, outcome)
