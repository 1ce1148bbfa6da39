"""Stateless streamable HTTP (`--stateless`): the SDK's client in both protocol eras makes its
calls with no session; what needs a back channel (delete_replay's question to the user) falls
back to the confirmation code or travels in the request itself, and progress still arrives.
Real processes on 127.0.0.1."""

from __future__ import annotations

import json
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client, MCPError
from mcp.client.streamable_http import streamable_http_client
from mcp.types import ElicitResult

from tests.conftest import text_of
from tests.e2e.program import KNOWN_REPLAY, Running, running_server
from tests.server.fleet import OTHER_SECRET, a_live_replay, demo_sentry, server

pytestmark = pytest.mark.anyio

ERAS = {"auto": "2026-07-28", "legacy": "2025-11-25"}


@pytest.fixture
def stateless() -> Any:
    with running_server("streamable-http", "--stateless") as running:
        yield running


def recording_client(running: Running, headers: list[dict[str, str]], **options: Any) -> Client:
    """The SDK's client on an httpx2 client of our own that notes every answer's headers."""

    async def note(response: httpx2.Response) -> None:
        headers.append({k.lower(): v for k, v in response.headers.items()})

    http = httpx2.AsyncClient(timeout=httpx2.Timeout(30, read=120))
    http.event_hooks["response"].append(note)
    return Client(streamable_http_client(running.endpoint, http_client=http), **options)


@pytest.mark.parametrize("mode", list(ERAS))
async def test_the_sdk_client_calls_tools_without_a_session(mode: str, stateless: Running):
    headers: list[dict[str, str]] = []
    progress: list[tuple[float, float | None, str | None]] = []
    questions: list[str] = []

    async def agree(_context: Any, params: Any) -> ElicitResult:
        questions.append(params.message)
        return ElicitResult(action="accept", content={"delete": True})

    async def on_progress(done: float, total: float | None, message: str | None) -> None:
        progress.append((done, total, message))

    with anyio.fail_after(60):
        client = recording_client(stateless, headers, mode=mode, elicitation_callback=agree)
        async with client as c:
            assert c.protocol_version == ERAS[mode]
            page = await c.call_tool("list_replays", {"limit": 3})
            assert not page.is_error, text_of(page)
            summary = await c.call_tool(
                "summarize_replay", {"replay_id": KNOWN_REPLAY}, progress_callback=on_progress
            )
            assert not summary.is_error, text_of(summary)

            rows = page.structured_content["replays"]
            victim = rows[1]["id"]
            preview = await c.call_tool("delete_replay", {"replay_id": victim})
            code = preview.structured_content["confirmation_code"]
            deleted = await c.call_tool("delete_replay", {"replay_id": victim, "confirm": code})
            assert not deleted.is_error, text_of(deleted)
            assert deleted.structured_content["deleted"] is True, text_of(deleted)

    assert headers and not any("mcp-session-id" in h for h in headers), "a session was made"
    assert progress and progress[-1][0] == progress[-1][1], progress  # "read 9 of 9 segments"
    if mode == "auto":
        # 2026-07-28 asks in the answer to the call and takes the reply in the next request
        assert len(questions) == 1 and victim in questions[0]
    else:
        # 2025-11-25 would ask on a back channel that stateless HTTP does not have: the code
        # alone guards, and nothing waits for a question that cannot be asked
        assert questions == []


async def test_a_question_asked_by_one_process_is_answered_on_another():
    """A 2026-07-28 client's answer to delete_replay's question arrives as a new request with
    the state the server sealed: under one SENTRY_MCP_SECRET any process can open it. The
    client's transport sends every request that carries such state to the other process."""
    with anyio.fail_after(120), demo_sentry() as sentry:
        with server(sentry) as first, server(sentry) as second:
            victim = await a_live_replay(first)
            deleted, sent_to = await delete_with_a_split_question(first, second, victim)
            assert not isinstance(deleted, Exception), deleted
            assert deleted.structured_content["deleted"] is True, text_of(deleted)
            assert sent_to == [first.port, first.port, second.port]

        with server(sentry) as first, server(sentry, secret=OTHER_SECRET) as second:
            victim = await a_live_replay(first)
            refused, _ = await delete_with_a_split_question(first, second, victim)
            assert isinstance(refused, MCPError), refused
            assert "Invalid or expired requestState" in str(refused)
            intact = await first_call(first, "get_replay", {"replay_id": victim})
            assert intact.structured_content["archived"] is False


class SplitTransport(httpx2.AsyncBaseTransport):
    """Sends a tools/call that carries `requestState` to `other`'s port, the rest to
    `first`'s, and notes the port of every tools/call."""

    def __init__(self, first: Running, other: Running) -> None:
        self._inner = httpx2.AsyncHTTPTransport()
        self._first, self._other = first.port, other.port
        self.sent_to: list[int] = []

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        body = request.content
        message = json.loads(body) if body else {}
        if message.get("method") == "tools/call":
            port = self._other if "requestState" in message.get("params", {}) else self._first
            self.sent_to.append(port)
            request.url = request.url.copy_with(port=port)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


async def delete_with_a_split_question(
    first: Running, second: Running, victim: str
) -> tuple[Any, list[int]]:
    async def agree(_context: Any, _params: Any) -> ElicitResult:
        return ElicitResult(action="accept", content={"delete": True})

    split = SplitTransport(first, second)
    http = httpx2.AsyncClient(transport=split, timeout=httpx2.Timeout(30, read=120))
    stream = streamable_http_client(first.endpoint, http_client=http)
    async with Client(stream, elicitation_callback=agree) as c:
        preview = await c.call_tool("delete_replay", {"replay_id": victim})
        code = preview.structured_content["confirmation_code"]
        try:
            result: Any = await c.call_tool("delete_replay", {"replay_id": victim, "confirm": code})
        except MCPError as error:
            result = error
    return result, split.sent_to


async def first_call(running: Running, tool: str, arguments: dict[str, Any]) -> Any:
    async with Client(streamable_http_client(running.endpoint)) as c:
        return await c.call_tool(tool, arguments)


async def test_a_replay_deleted_through_another_process_is_never_served_from_a_cache():
    """A stateless server keeps no "read in the last minute" cache: after a deletion through
    another process, its next summary reads the replay from Sentry and says it is deleted."""
    with (
        anyio.fail_after(120),
        demo_sentry() as sentry,
        server(sentry) as first,
        server(sentry) as second,
    ):
        victim = await a_live_replay(second)
        before = await first_call(second, "summarize_replay", {"replay_id": victim})
        assert before.structured_content["archived"] is False, text_of(before)
        preview = await first_call(first, "delete_replay", {"replay_id": victim})
        code = preview.structured_content["confirmation_code"]
        arguments = {"replay_id": victim, "confirm": code}
        deleted = await first_call(first, "delete_replay", arguments)
        assert deleted.structured_content["deleted"] is True, text_of(deleted)

        after = await first_call(second, "summarize_replay", {"replay_id": victim})
        assert after.structured_content["archived"] is True, text_of(after)
        segments = await first_call(second, "list_recording_segments", {"replay_id": victim})
        assert "was deleted (archived)" in text_of(segments)
