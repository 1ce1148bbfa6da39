"""Logs at DEBUG hold no confirmation code, session id or message body (the SDK's SSE
transport logs every message it receives and sends at DEBUG)."""

from __future__ import annotations

import logging

import anyio
import pytest
from mcp import Client
from mcp.client.sse import sse_client

from sentry_replays_mcp.server.logs import HIDDEN_CODE, ProtocolLogFilter
from tests.conftest import text_of
from tests.e2e.program import KNOWN_REPLAY, running_server

pytestmark = pytest.mark.anyio


def record(name: str, level: int, message: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, message, args, None)


def test_transport_records_below_warning_are_dropped_and_codes_hidden():
    keep = ProtocolLogFilter().filter
    code = "6b0d7e00-bda7-1b6196c0-b2ddebdffe39"
    assert not keep(record("mcp.server.sse", logging.DEBUG, "Received JSON: %s", code))
    assert not keep(record("mcp.server.streamable_http_manager", logging.INFO, "session 1"))
    assert not keep(record("sse_starlette.sse", logging.DEBUG, "chunk: %s", code))
    assert keep(record("mcp.server.sse", logging.WARNING, "Invalid Host header"))
    hidden = record("mcp.server.mcpserver.server", logging.INFO, "Tool failed: %r", code)
    assert keep(hidden) and code not in hidden.getMessage() and HIDDEN_CODE in hidden.getMessage()
    uuid = "cbbda838-9eee-4da3-b0c1-e7feeaf5b7a7"  # a replay id with dashes is no code
    assert keep(plain := record("x", logging.INFO, "replay %s", uuid))
    assert uuid in plain.getMessage()


async def test_sse_at_debug_logs_no_code_and_no_body():
    with running_server("sse", "--log-level", "DEBUG") as running:
        with anyio.fail_after(60):
            async with Client(sse_client(running.endpoint)) as client:
                preview = await client.call_tool("delete_replay", {"replay_id": KNOWN_REPLAY})
                code = preview.structured_content["confirmation_code"]
                done = await client.call_tool(
                    "delete_replay", {"replay_id": KNOWN_REPLAY, "confirm": code}
                )
                again = await client.call_tool(
                    "delete_replay", {"replay_id": KNOWN_REPLAY, "confirm": code}
                )
    stderr = running.stderr()
    assert not done.is_error and done.structured_content["accepted"] is True, text_of(done)
    assert again.is_error  # a failed call is logged by the SDK, with its message
    assert "DEBUG" in stderr, "the server logged at DEBUG"
    assert code not in stderr and code.split("-")[-1] not in stderr
    marks = ("Received JSON", "jsonrpc", "confirmation_code", "session ID", "session disconnected")
    for body_mark in marks:
        assert body_mark not in stderr, body_mark
