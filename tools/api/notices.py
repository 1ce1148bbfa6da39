"""Notices for the person behind the MCP client, told while a call runs: a retry after a rate
limit, a fall-back to the seed spec's path, a recording page that could not be read whole.

The code that notices something has no MCP context (this package never imports mcp), so the
server puts a sender into a context variable around each request (`notices_to`) and the code
below calls `notify`. Without a sender, nothing is sent. A notice never fails the call it is
about, and its text never holds a secret it was given (`redact`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Literal

from sentry_replays_mcp.tools.api.redact import redact

NoticeLevel = Literal["info", "notice", "warning", "error"]
Sender = Callable[[NoticeLevel, str], Awaitable[None]]

log = logging.getLogger("sentry_replays_mcp.api")
_SENDER: ContextVar[Sender | None] = ContextVar("sentry_replays_mcp_notices", default=None)


@contextmanager
def notices_to(sender: Sender) -> Iterator[None]:
    """Send the notices of the code run inside this block (and of its child tasks)."""
    token = _SENDER.set(sender)
    try:
        yield
    finally:
        _SENDER.reset(token)


async def notify(level: NoticeLevel, message: str, secrets: Iterable[str] = ()) -> None:
    """Tell the client `message` at `level`, if a sender is set; never raises (a client gone
    or a broken stream loses the notice, not the call)."""
    sender = _SENDER.get()
    if sender is None:
        return
    try:
        await sender(level, redact(message, secrets))
    except Exception:  # a notice is best effort; cancellation still propagates
        log.debug("a notice to the client was not delivered", exc_info=True)
