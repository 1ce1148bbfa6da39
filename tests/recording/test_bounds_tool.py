"""What an agent reads when a replay's recording is crafted: `summarize_replay` answers, and
says in one sentence where the page could not be read, never "failed unexpectedly".

The demo Sentry serves the crafted page (a fault on the segment list) through httpx2's ASGI
transport to the real server, called through the MCP client.
"""

from __future__ import annotations

import anyio
import httpx2
import pytest
from mcp import Client

from sentry_replays_mcp.server.app import build_server
from sentry_replays_mcp.server.config import Settings
from sentry_replays_mcp.server.demo import DemoSentry

pytestmark = pytest.mark.anyio

CLICK = (
    b'{"type":5,"timestamp":1764000000000,"data":{"tag":"breadcrumb","payload":'
    b'{"timestamp":1764000000.0,"type":"default","category":"ui.click",'
    b'"message":"button#pay"}}}'
)
PAGES = {
    "deep": b"[[" + CLICK + b',{"type":5,"timestamp":1,"data":' + b"[" * 100_000
    + b"]" * 100_000 + b"}]]",
    "rows": b"[[" + CLICK + b"," + b",".join([b"{}"] * 300_000) + b"]]",
    "broken": b"[[" + CLICK + b',{"type":5,"timestamp":1,"data":{"a":}}]]',
}  # fmt: skip


async def summary(page: bytes) -> tuple[bool, str]:
    demo = DemoSentry()
    demo.faults.add(path=r"recording-segments/$", status=200, times=None, body=page)
    settings = Settings(token=demo.token, url="http://demo.invalid", organization="acme")
    server = build_server(settings, transport=httpx2.ASGITransport(app=demo.app))
    async with Client(server) as client:
        with anyio.fail_after(60):
            result = await client.call_tool("summarize_replay", {"replay_id": demo.story_replay_id})
    text = "".join(getattr(part, "text", "") for part in result.content)
    return bool(result.is_error), text


async def test_nesting_past_the_limit_is_said_in_one_sentence():
    failed, text = await summary(PAGES["deep"])
    assert not failed, text
    assert "unexpectedly" not in text and "RecursionError" not in text
    assert "this recording page is malformed at byte " in text
    assert "an event is nested deeper than the decoder allows" in text
    assert "1 malformed events skipped" in text


async def test_a_flood_of_empty_rows_is_counted_in_the_summary():
    failed, text = await summary(PAGES["rows"])
    assert not failed, text
    assert "300000 malformed events skipped" in text


async def test_invalid_json_in_an_event_names_its_byte():
    failed, text = await summary(PAGES["broken"])
    assert not failed, text
    assert "this recording page is malformed at byte " in text
    assert "an event is not valid JSON" in text
