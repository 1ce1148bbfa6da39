"""A replay's linked error events, with what Sentry tells about them; each joins the digest's
timeline as an `error_event` moment (summarize_replay, and the replay view's timeline)."""

from __future__ import annotations

from sentry_replays_mcp.tools import recording as ev
from sentry_replays_mcp.tools.api.errors import SentryError
from sentry_replays_mcp.tools.api.models import Replay
from sentry_replays_mcp.tools.kit import text as r
from sentry_replays_mcp.tools.kit.replay_story import LinkedError
from sentry_replays_mcp.tools.kit.state import ToolState
from sentry_replays_mcp.tools.recording import Digest

MAX_LINKED = 50


async def linked_errors(
    state: ToolState, org: str, replay: Replay, digest: Digest
) -> tuple[list[LinkedError], str | None]:
    """The replay's error events with what the API tells about them; they join the timeline."""
    ids = replay.error_ids[:MAX_LINKED]
    if not ids:
        return [], None
    try:
        found = {e.id: e for e in await state.client.list_error_events(org, ids)}
    except SentryError as error:
        note = f"details unavailable ({error.kind.replace('_', ' ')}); ids only"
        return [LinkedError(id=i) for i in ids], note
    out = []
    origin = digest.origin_ms
    for event_id in ids:
        row = found.get(event_id)
        if row is None:
            out.append(LinkedError(id=event_id))
            continue
        title = row.title or r.joined([row.error_type, row.error_value], ": ") or None
        at = row.timestamp.timestamp() * 1000 if row.timestamp else None
        if at is not None:
            digest.keep(ev.Event(at, ev.ERROR_EVENT, event_id, title or "", ref=row.issue_id or ""))
        out.append(
            LinkedError(
                id=event_id,
                title=r.clean(title, 300) if title else None,
                issue_id=row.issue_id,
                offset_ms=int(at - origin) if at is not None and origin is not None else None,
            )
        )
    return out, None
