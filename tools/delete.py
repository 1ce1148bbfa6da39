"""delete_replay: a preview and a confirmation code first, the deletion only with that code
(and, when the client can ask its user, the user's yes)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from mcp.server.elicitation import AcceptedElicitation, ElicitationResult
from mcp.server.mcpserver import Context, Elicit, Resolve
from mcp.types import CallToolResult
from pydantic import BaseModel, Field

from sentry_replays_mcp.tools import render as r
from sentry_replays_mcp.tools.api.errors import BadInput, SentryError
from sentry_replays_mcp.tools.context import ToolState, state_of
from sentry_replays_mcp.tools.lookup import Target, find_replay, target
from sentry_replays_mcp.tools.output import answer
from sentry_replays_mcp.tools.params import Organization, Project, ReplayRef
from sentry_replays_mcp.tools.registry import DESTRUCTIVE, ToolSpec, define

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


def _where(ctx: Context, replay_id: str, organization: str | None, project: str | None) -> Target:
    return target(state_of(ctx), replay_id, organization, project)


async def ask_the_user(
    ctx: Context,
    replay_id: str,
    organization: str | None = None,
    project: str | None = None,
    confirm: str | None = None,
) -> DeleteConsent | Elicit[DeleteConsent]:
    """Ask the user, when the client can show a question and the code is valid."""
    capabilities = ctx.client_capabilities
    if not confirm or capabilities is None or capabilities.elicitation is None:
        return DeleteConsent(delete=bool(confirm))  # the code alone guards
    try:
        where = _where(ctx, replay_id, organization, project)
        state_of(ctx).codes.check(confirm, binding(where))
    except (BadInput, SentryError):
        return DeleteConsent(delete=False)  # the tool reports the bad code; no question
    return Elicit(
        f"Delete Sentry replay {where.replay_id} in organization {where.organization}? "
        "Its recording will be gone for good.",
        DeleteConsent,
    )


def preview_line(outcome: DeleteOutcome) -> str:
    started = r.when(outcome.started_at)
    parts = [
        f"started {started}" if started else None,
        f"user {r.code(outcome.user, 120)}" if outcome.user else None,
        r.code(outcome.first_url, 120) if outcome.first_url else None,
    ]
    return "- " + (r.joined(parts, ", ") or "no details available")


async def _preview(state: ToolState, where: Target) -> CallToolResult:
    replay = await find_replay(state, where)
    outcome = DeleteOutcome(
        replay_id=where.replay_id,
        organization=where.organization,
        project=where.project or replay.project_id,
        deleted=False,
        started_at=replay.started_at,
        user=r.clean(replay.user.label, 120) if replay.user.label else None,
        first_url=r.clean(replay.urls[0], 300) if replay.urls else None,
    )
    if replay.archived:
        outcome.already_archived = True
        text = f"Replay {where.replay_id} is already deleted (archived). Nothing to do."
        return answer(text, outcome, demo=state.demo)
    outcome.confirmation_code = state.codes.issue(binding(where))
    outcome.expires_in_seconds = 600
    lines = [
        f"Not deleted yet. Replay {where.replay_id} in organization {where.organization}:",
        preview_line(outcome),
        "Deleting removes its recording for good. Ask the user whether to delete it; only if "
        f'they agree, call delete_replay again with confirm="{outcome.confirmation_code}" '
        "(valid 10 minutes, for this replay only).",
    ]
    return answer("\n".join(lines), outcome, demo=state.demo)


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
    consent: Annotated[ElicitationResult[DeleteConsent], Resolve(ask_the_user)],
    replay_id: ReplayRef,
    organization: Organization = None,
    project: Project = None,
    confirm: Confirm = None,
) -> Annotated[CallToolResult, DeleteOutcome]:
    state = state_of(ctx)
    where = _where(ctx, replay_id, organization, project)
    if not confirm:
        return await _preview(state, where)
    state.codes.check(confirm, binding(where))
    outcome = DeleteOutcome(
        replay_id=where.replay_id, organization=where.organization, deleted=False
    )
    if not (isinstance(consent, AcceptedElicitation) and consent.data.delete):
        text = f"Not deleted: the user did not confirm deleting replay {where.replay_id}."
        return answer(text, outcome, demo=state.demo)
    project_id = where.project
    if project_id is None:
        replay = await find_replay(state, where)
        if replay.archived:
            outcome.already_archived = True
            return answer(
                f"Replay {where.replay_id} was already deleted.", outcome, demo=state.demo
            )
        project_id = replay.project_id or state.project_or_default(None)
        if not project_id:
            raise BadInput("Cannot tell which project this replay is in: pass project.")
    await state.client.delete_replay(where.organization, project_id, where.replay_id)
    state.recent.forget(where.organization, where.replay_id)
    outcome.deleted = True
    outcome.project = project_id
    text = (
        f"Deleted replay {where.replay_id} (organization {where.organization}, project "
        f"{project_id}). Sentry now serves it as an archived stub with no data."
    )
    return answer(text, outcome, demo=state.demo)
