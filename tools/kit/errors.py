"""Tool-level errors, and the one place where any failure becomes a tool error the agent can
act on.

Sentry's errors (`tools.api.errors`) say what Sentry answered; these say what was wrong with
the call itself, before or instead of a request.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

from mcp.server.mcpserver.exceptions import ToolError

from sentry_replays_mcp.tools.api.errors import SentryError

log = logging.getLogger("sentry_replays_mcp.tools")
P = ParamSpec("P")
R = TypeVar("R")


class BadInput(Exception):
    """A tool argument was refused; nothing was asked of Sentry. `message` is the sentence
    shown to the agent."""

    kind = "bad_input"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ProjectUnknown(BadInput):
    """A project-level endpoint is needed, and neither the caller, the replay nor the server's
    default project says which project the replay is in."""

    kind = "project_unknown"

    def __init__(self, replay_id: str) -> None:
        super().__init__(
            f"Replay {replay_id} does not say which project it belongs to: pass project "
            "(slug or id)."
        )


EXPLAINED = (SentryError, BadInput)
"""The errors whose message is meant for the agent."""


def tool_errors(fn: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Turn our typed errors into `ToolError` (an isError result with our sentence).

    Anything unexpected is logged with its traceback on stderr and reported without
    internals; the SDK's own argument validation errors pass through untouched.
    """

    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await fn(*args, **kwargs)
        except ToolError:
            raise
        except EXPLAINED as error:
            log.info("%s failed: %s", fn.__name__, error.kind)
            raise ToolError(error.message) from None
        except Exception:
            log.exception("%s crashed", fn.__name__)
            raise ToolError(
                f"{fn.__name__} failed unexpectedly; the server log has the details. "
                "Try again, or report it if it persists."
            ) from None

    return wrapper
