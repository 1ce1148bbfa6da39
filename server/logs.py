"""Logging on stderr, with what must not be logged kept out even at DEBUG.

The MCP SDK's HTTP transports log session ids and whole messages below WARNING (the SSE
transport, and sse_starlette under it, log every body received and sent at DEBUG: tool
arguments and results, confirmation codes included). Their records below WARNING are
dropped, and any text shaped like a confirmation code is replaced in every record that
remains.
"""

from __future__ import annotations

import logging
import os
import re
import sys

from sentry_replays_mcp.tools.kit.confirm import CODE_SHAPE
from sentry_replays_mcp.tools.kit.text import clean

# Loggers that write session ids or message bodies below WARNING.
TRANSPORT_LOGGERS = (
    "mcp.server.sse",
    "mcp.server.streamable_http",  # and streamable_http_manager
    "mcp.server.runner",
    "sse_starlette",  # the SSE response: every chunk it sends, at DEBUG
)
# ... and one line of the SSE transport that goes to the root logger.
TRANSPORT_FILES = (os.path.join("mcp", "server", "sse.py"),)
_CODE = re.compile(rf"(?<![0-9a-f-]){CODE_SHAPE.pattern}(?![0-9a-f-])")
HIDDEN_CODE = "[confirmation code]"


def scrub(text: str, limit: int = 500) -> str:
    """`text` as one visible line of at most `limit` characters, with every confirmation
    code hidden (for what is sent to the client)."""
    return clean(_CODE.sub(HIDDEN_CODE, text), limit)


class ProtocolLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING and (
            record.name.startswith(TRANSPORT_LOGGERS) or record.pathname.endswith(TRANSPORT_FILES)
        ):
            return False
        message = record.getMessage()
        if _CODE.search(message):
            record.msg, record.args = _CODE.sub(HIDDEN_CODE, message), None
        return True


def configure_logging(level: str) -> None:
    """Log records at `level` and above on stderr (stdout is the protocol channel on stdio)."""
    logging.basicConfig(
        stream=sys.stderr, level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for handler in logging.getLogger().handlers:
        handler.addFilter(ProtocolLogFilter())
