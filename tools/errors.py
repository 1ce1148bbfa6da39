"""The one place where failures become tool errors the agent can act on."""

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
        except SentryError as error:
            log.info("%s failed: %s", fn.__name__, error.kind)
            raise ToolError(error.message) from None
        except Exception:
            log.exception("%s crashed", fn.__name__)
            raise ToolError(
                f"{fn.__name__} failed unexpectedly; the server log has the details. "
                "Try again, or report it if it persists."
            ) from None

    return wrapper
