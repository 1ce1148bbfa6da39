"""MCP logging: the `logging` capability, `logging/setLevel`, and the notices of a request
(`tools/api/notices.py`) sent to the client as `notifications/message`.

What the client is told is what its user should know while a call runs (a retry after a rate
limit, a fall-back to the seed spec's path, a recording page not read whole), never the
server's own diagnostics: those stay on stderr (`logs.py`), since stdout is the protocol
channel on stdio.

Levels. A handshake-era client picks its level per session with `logging/setLevel`; until it
does, the server sends `info` and above (DEFAULT_LEVEL): every notice is about the call the
user is waiting for, a call sends a handful at most, and nothing is sent below `info`, so the
default shows the fall-back notice too, which `warning` would hide. A 2026-07-28 client opts in
per request (the `io.modelcontextprotocol/logLevel` key of `_meta`; without it nothing is
sent), and that level is used. Stateless HTTP keeps no session, so there every request gets
the default. Every text goes through the same scrubbing as the stderr log (no confirmation
code), after the Sentry token was redacted where the notice was made.
"""

from __future__ import annotations

import logging
from typing import Any, get_args

from mcp.server.connection import allowed_log_levels
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.mcpserver import MCPServer
from mcp.types import (
    EmptyResult,
    LoggingLevel,
    LoggingMessageNotification,
    LoggingMessageNotificationParams,
    SetLevelRequestParams,
)

from sentry_replays_mcp.server.logs import scrub
from sentry_replays_mcp.tools.api.notices import NoticeLevel, Sender, notices_to

LEVELS: tuple[LoggingLevel, ...] = get_args(LoggingLevel)  # debug ... emergency, ascending
DEFAULT_LEVEL: LoggingLevel = "info"
LOGGER_NAME = "sentry-replays"
MAX_CHARS = 500
_LEVEL_KEY = "sentry_replays_mcp.log_level"

log = logging.getLogger("sentry_replays_mcp")


def _session_state(ctx: ServerRequestContext[Any, Any]) -> dict[str, Any] | None:
    """The connection's scratch state (`Connection.state`, kept across its requests). The
    SDK hands request handlers the connection only through the session, privately."""
    connection = getattr(ctx.session, "_connection", None)
    state = getattr(connection, "state", None)
    return state if isinstance(state, dict) else None


async def set_level(
    ctx: ServerRequestContext[Any, Any], params: SetLevelRequestParams
) -> EmptyResult:
    """`logging/setLevel`: the lowest level this session is sent from now on. The SDK
    refuses a level outside the spec's eight (invalid params) before this runs."""
    state = _session_state(ctx)
    if state is not None:
        state[_LEVEL_KEY] = params.level
    log.debug("client log level set to %s", params.level)
    return EmptyResult()


def levels_for(ctx: ServerRequestContext[Any, Any]) -> frozenset[LoggingLevel]:
    """The levels this request's notices may be sent at."""
    allowed = allowed_log_levels(ctx.protocol_version, ctx.meta)
    if not allowed_log_levels(ctx.protocol_version, None):  # 2026-07-28 and later
        return allowed  # the request's own opt-in decides (none: nothing)
    state = _session_state(ctx) or {}
    floor = LEVELS.index(state.get(_LEVEL_KEY, DEFAULT_LEVEL))
    return frozenset(level for level in allowed if LEVELS.index(level) >= floor)


def sender_for(ctx: ServerRequestContext[Any, Any]) -> Sender:
    """What sends this request's notices: on the request's own stream, at the levels the
    client asked for, scrubbed."""
    levels = levels_for(ctx)
    request_id = ctx.request_id

    async def send(level: NoticeLevel, message: str) -> None:
        if level not in levels:
            return
        params = LoggingMessageNotificationParams(
            level=level, data=scrub(message, MAX_CHARS), logger=LOGGER_NAME
        )
        await ctx.session.send_notification(
            LoggingMessageNotification(params=params), related_request_id=request_id
        )

    return send


class ClientLogs:
    """Middleware: the notices of each request go to its client."""

    async def __call__(
        self, ctx: ServerRequestContext[Any, Any], call_next: CallNext
    ) -> HandlerResult:
        if ctx.request_id is None:  # a notification: nothing to answer, nowhere to tell
            return await call_next(ctx)
        with notices_to(sender_for(ctx)):
            return await call_next(ctx)


def enable_client_logs(server: MCPServer[Any]) -> None:
    """Declare the `logging` capability (the SDK derives it from a `logging/setLevel`
    handler, which only its low-level server registers) and send notices."""
    lowlevel = server._lowlevel_server  # the SDK's documented way to serve this method
    lowlevel.add_request_handler("logging/setLevel", SetLevelRequestParams, set_level)
    server.middleware.append(ClientLogs())
