"""A refused argument of a prompt, resource or completion, told as the tools tell it: one
sentence, as a protocol error (invalid params), before any request."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from mcp import MCPError
from mcp.types import INVALID_PARAMS

from sentry_replays_mcp.tools.api.errors import SentryError
from sentry_replays_mcp.tools.kit.errors import BadInput


@contextmanager
def refusal() -> Iterator[None]:
    """Turn the tools' argument errors raised inside into one-sentence protocol errors."""
    try:
        yield
    except (BadInput, SentryError) as error:
        raise MCPError(code=INVALID_PARAMS, message=error.message) from None
