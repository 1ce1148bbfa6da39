"""The real program on stdio, SSE and streamable HTTP, with the SDK's client in both protocol
eras: the same nine tools, the same answers, the same guarded delete."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client, ClientSession, StdioServerParameters
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client
from mcp.types import ElicitResult

from tests.conftest import text_of
from tests.e2e.program import ALL_TOOLS, ROOT, Running, running_server

pytestmark = pytest.mark.anyio

ERAS = {"auto": "2026-07-28", "legacy": "2025-11-25"}
TRANSPORTS = ["stdio", "sse", "streamable-http"]


@pytest.fixture(scope="module")
def http_servers() -> Iterator[dict[str, Running]]:
    """One demo server per HTTP transport, shared by this module's tests."""
    with ExitStack() as stack:
        yield {t: stack.enter_context(running_server(t)) for t in ("sse", "streamable-http")}


def connect(transport: str, servers: dict[str, Running], **options: Any) -> Client:
    if transport == "stdio":
        params = StdioServerParameters(
            command=sys.executable,
            args=["-m", "sentry_replays_mcp.server", "--demo"],
            cwd=str(ROOT),
        )
        return Client(params, **options)
    if transport == "sse":
        return Client(sse_client(servers["sse"].endpoint), **options)
    return Client(servers["streamable-http"].endpoint, **options)


@pytest.mark.parametrize("mode", list(ERAS))
@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_the_same_tools_and_answers_on_every_transport_and_era(
    transport: str, mode: str, http_servers: dict[str, Running]
):
    questions: list[str] = []

    async def agree(_context: Any, params: Any) -> ElicitResult:
        questions.append(params.message)
        return ElicitResult(action="accept", content={"delete": True})

    with anyio.fail_after(30):
        async with connect(transport, http_servers, mode=mode, elicitation_callback=agree) as c:
            assert c.protocol_version == ERAS[mode]
            tools = {t.name for t in (await c.list_tools()).tools}

            page1 = await c.call_tool("list_replays", {"limit": 3})
            assert not page1.is_error, text_of(page1)
            cursor = page1.structured_content["next_cursor"]
            page2 = await c.call_tool("list_replays", {"limit": 3, "cursor": cursor})
            assert not page2.is_error, text_of(page2)

            first = page1.structured_content["replays"][0]["id"]
            details = await c.call_tool("get_replay", {"replay_id": first})
            counted = await c.call_tool("count_replays", {"transactions": ["/checkout"]})

            victim = page2.structured_content["replays"][0]["id"]
            preview = await c.call_tool("delete_replay", {"replay_id": victim})
            assert not preview.is_error, text_of(preview)
            assert questions == [], "the preview must not ask the user anything"
            code = preview.structured_content["confirmation_code"]
            deleted = await c.call_tool("delete_replay", {"replay_id": victim, "confirm": code})
            after = await c.call_tool("get_replay", {"replay_id": victim})

    assert tools == ALL_TOOLS

    assert text_of(page1).startswith("_Demo data")
    assert page1.structured_content["organization"] == "acme"
    ids1 = [r["id"] for r in page1.structured_content["replays"]]
    ids2 = [r["id"] for r in page2.structured_content["replays"]]
    assert len(ids1) == len(ids2) == 3
    assert set(ids1).isdisjoint(ids2), "the cursor must lead to the next page"
    assert all(i in text_of(page1) for i in ids1)

    assert not details.is_error, text_of(details)
    assert details.structured_content["id"] == first and first in text_of(details)

    assert not counted.is_error, text_of(counted)
    (row,) = counted.structured_content["counts"]
    assert row["key"] == "/checkout" and row["count"] > 0
    assert "/checkout" in text_of(counted)

    assert preview.structured_content["deleted"] is False
    assert code and code in text_of(preview)
    assert not deleted.is_error, text_of(deleted)
    assert deleted.structured_content["deleted"] is True
    assert len(questions) == 1 and victim in questions[0], "the user must be asked once"
    assert after.structured_content["archived"] is True


async def test_low_level_session_over_streamable_http(http_servers: dict[str, Running]):
    url = http_servers["streamable-http"].endpoint
    with anyio.fail_after(30):
        async with (
            httpx2.AsyncClient(timeout=httpx2.Timeout(10, read=30)) as http,
            streamable_http_client(url, http_client=http) as (read, write),
            ClientSession(read, write) as session,
        ):
            init = await session.initialize()
            tools = (await session.list_tools()).tools
            listed = await session.call_tool("list_replays", {"limit": 2})
    assert init.protocol_version == "2025-11-25"
    assert init.server_info.name == "sentry-replays"
    assert {t.name for t in tools} == ALL_TOOLS
    assert not listed.is_error, text_of(listed)
    assert len(listed.structured_content["replays"]) == 2
    assert text_of(listed).startswith("_Demo data")
