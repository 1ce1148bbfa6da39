"""MCP logging through the real `mcp.Client(server)`: the `logging` capability, `logging/setLevel`
per session, and the notices a user should see (a retry after a rate limit, a fall-back to the
seed spec's path, a recording page not read whole) arriving as `notifications/message`, never
with the token or a confirmation code in them.

The demo Sentry (through httpx2's ASGI transport) is made to rate limit with its fault
injection: a 429 with `Retry-After: 0` once, then the real answer.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from mcp import Client, ClientSession, MCPError
from mcp.types import LoggingMessageNotificationParams

from sentry_replays_mcp.server.client_logs import DEFAULT_LEVEL, LOGGER_NAME
from sentry_replays_mcp.server.demo import DemoSentry
from sentry_replays_mcp.server.logs import HIDDEN_CODE, scrub
from sentry_replays_mcp.tools.api.notices import notices_to, notify
from tests.conftest import build_for, text_of

pytestmark = [pytest.mark.anyio, pytest.mark.filterwarnings("ignore::mcp.MCPDeprecationWarning")]

LIST = r"organizations/[^/]+/replays/$"
RATE_LIMITED = "Sentry is rate limiting requests to list replays; retrying in"
BROKEN_PAGE = b'[[{"type":5,"timestamp":1,"data":{"a":}}],[{"type":4,"timestamp":2,"data":{}}]]'


class Heard:
    """The client's logging callback: every notification it was sent."""

    def __init__(self) -> None:
        self.messages: list[LoggingMessageNotificationParams] = []

    async def __call__(self, params: LoggingMessageNotificationParams) -> None:
        self.messages.append(params)

    def at(self, level: str) -> list[str]:
        return [str(m.data) for m in self.messages if m.level == level]


@pytest.fixture
def sentry(sentry_demo: DemoSentry) -> Any:
    sentry_demo.reset()
    yield sentry_demo
    sentry_demo.reset()


@pytest.fixture
def seed(spec_demo: DemoSentry) -> Any:
    spec_demo.reset()
    yield spec_demo
    spec_demo.reset()


def rate_limit_once(demo: DemoSentry) -> None:
    demo.faults.add(path=LIST, status=429, headers={"Retry-After": "0"})


def rate_limited(demo: DemoSentry) -> int:
    return sum(1 for r in demo.requests if r.status == 429)


async def test_a_rate_limited_call_warns_the_client_until_it_asks_for_errors_only(sentry):
    heard = Heard()
    async with Client(build_for(sentry), mode="legacy", logging_callback=heard) as client:
        assert client.server_capabilities.logging is not None
        rate_limit_once(sentry)
        first = await client.call_tool("list_replays", {"limit": 2})
        assert not first.is_error, text_of(first)
        assert len(heard.at("warning")) == 1 and heard.at("warning")[0].startswith(RATE_LIMITED)
        assert "(attempt 2 of 3)" in heard.at("warning")[0]
        assert heard.messages[0].logger == LOGGER_NAME

        assert await client.set_logging_level("error") is not None
        rate_limit_once(sentry)
        second = await client.call_tool("list_replays", {"limit": 2})
    assert not second.is_error, text_of(second)
    assert rate_limited(sentry) == 2, "the second call was rate limited and retried too"
    assert len(heard.messages) == 1, "at 'error', the second warning is not sent"
    assert all(sentry.token not in str(m.data) for m in heard.messages)


async def test_the_level_is_per_session(sentry):
    quiet, chatty = Heard(), Heard()
    server = build_for(sentry)
    async with (
        Client(server, mode="legacy", logging_callback=quiet) as first,
        Client(server, mode="legacy", logging_callback=chatty) as second,
    ):
        await first.set_logging_level("critical")
        rate_limit_once(sentry)
        await first.call_tool("list_replays", {"limit": 1})
        rate_limit_once(sentry)
        await second.call_tool("list_replays", {"limit": 1})
    assert rate_limited(sentry) == 2
    assert quiet.messages == []
    assert len(chatty.at("warning")) == 1


async def test_an_invalid_level_is_an_error_and_changes_nothing(sentry):
    from mcp.types import SetLevelRequest, SetLevelRequestParams

    heard = Heard()
    async with Client(build_for(sentry), mode="legacy", logging_callback=heard) as client:
        await client.set_logging_level("error")
        # The client would refuse "loud" itself: send it as a raw request.
        bad = SetLevelRequest(params=SetLevelRequestParams.model_construct(level="loud"))
        with pytest.raises(MCPError) as refused:
            await client.session.send_request(bad, dict)  # type: ignore[arg-type]
        rate_limit_once(sentry)
        result = await client.call_tool("list_replays", {"limit": 1})
    assert refused.value.code == -32602  # invalid params
    assert not result.is_error and rate_limited(sentry) == 1
    assert heard.messages == [], "the session stays at 'error'"


async def test_the_fall_back_to_the_seed_path_is_told_at_the_default_level(seed):
    assert DEFAULT_LEVEL == "info"
    heard, quiet = Heard(), Heard()
    async with Client(build_for(seed), mode="legacy", logging_callback=heard) as client:
        first = await client.call_tool("list_selectors", {"limit": 5})
        again = await client.call_tool("list_selectors", {"limit": 5})
    assert not first.is_error and not again.is_error, text_of(first)
    told = heard.at("info")
    assert len(told) == 1, "told once: the path that answered is remembered"
    assert "no sentry.io path to list selectors (HTTP 404)" in told[0]
    assert "seed spec's path answered" in told[0]

    async with Client(build_for(seed), mode="legacy", logging_callback=quiet) as client:
        await client.set_logging_level("warning")
        await client.call_tool("list_selectors", {"limit": 5})
    assert quiet.messages == []


async def test_a_recording_page_not_read_whole_is_a_warning(sentry):
    sentry.faults.add(path=r"recording-segments/$", status=200, body=BROKEN_PAGE)
    heard = Heard()
    async with Client(build_for(sentry), mode="legacy", logging_callback=heard) as client:
        result = await client.call_tool("summarize_replay", {"replay_id": sentry.story_replay_id})
    assert not result.is_error, text_of(result)
    warned = heard.at("warning")
    assert warned == [
        f"Replay {sentry.story_replay_id}: the recording page from segment 0 could not be read "
        "whole; 1 malformed event skipped."
    ]


async def test_a_2026_client_hears_only_what_it_opted_into(sentry):
    opted, silent = Heard(), Heard()
    async with Client(build_for(sentry), logging_callback=opted, log_level="warning") as client:
        assert client.protocol_version == "2026-07-28"
        rate_limit_once(sentry)
        await client.call_tool("list_replays", {"limit": 1})
    async with Client(build_for(sentry), logging_callback=silent) as client:
        rate_limit_once(sentry)
        await client.call_tool("list_replays", {"limit": 1})
    assert rate_limited(sentry) == 2
    assert len(opted.at("warning")) == 1 and opted.at("warning")[0].startswith(RATE_LIMITED)
    assert silent.messages == [], "no opt-in on the request: nothing is sent"


async def test_a_notice_never_carries_the_token_or_a_confirmation_code():
    token = "sntrys_0123456789abcdef0123456789abcdef"
    code = "6b0d7e00-bda7-1b6196c0-b2ddebdffe39"
    sent: list[tuple[str, str]] = []

    async def sender(level: str, message: str) -> None:
        sent.append((level, scrub(message)))

    await notify("warning", "nobody listens")  # no sender: nothing happens, nothing raises
    with notices_to(sender):
        await notify("warning", f"token {token} and code {code}\x1b[31m", secrets=[token])
    assert sent == [("warning", f"token [redacted] and code {HIDDEN_CODE}")]


async def test_a_failing_sender_does_not_fail_the_call():
    async def broken(level: str, message: str) -> None:
        raise ConnectionError("the client went away")

    with notices_to(broken):
        await notify("warning", "still fine")  # must not raise


@asynccontextmanager
async def http_session(
    sentry: DemoSentry, heard: Heard, *, stateless: bool = False
) -> AsyncIterator[ClientSession]:
    """A handshake-era session with the program's own HTTP app, in process (httpx2's ASGI
    transport), initialised; log notices go to `heard`."""
    import httpx2
    from mcp.client.streamable_http import streamable_http_client

    from sentry_replays_mcp.server.config import Settings
    from sentry_replays_mcp.server.http import http_app

    server = build_for(sentry, stateless=stateless)
    app = http_app(server, Settings(transport="streamable-http", stateless=stateless))
    base = "http://127.0.0.1:8000"
    async with (
        server.session_manager.run(),
        httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url=base) as http,
        streamable_http_client(f"{base}/mcp", http_client=http) as (read, write),
        ClientSession(read, write, logging_callback=heard) as session,
    ):
        await session.initialize()
        yield session


async def test_over_streamable_http_the_warning_rides_the_calls_stream(sentry):
    """The program's own HTTP app (in process, through httpx2's ASGI transport), a
    handshake-era session: the notice arrives on the POST's SSE stream, before the result."""
    heard = Heard()
    async with http_session(sentry, heard) as session:
        rate_limit_once(sentry)
        first = await session.call_tool("list_replays", {"limit": 1})
        told = list(heard.messages)
        await session.set_logging_level("error")
        rate_limit_once(sentry)
        await session.call_tool("list_replays", {"limit": 1})
    assert not first.is_error
    assert [m.level for m in told] == ["warning"], "told by the time the result arrived"
    assert str(told[0].data).startswith(RATE_LIMITED)
    assert rate_limited(sentry) == 2 and len(heard.messages) == 1


async def test_a_server_error_retried_is_told_as_info(sentry):
    sentry.faults.add(path=LIST, status=503)
    heard = Heard()
    async with Client(build_for(sentry), mode="legacy", logging_callback=heard) as client:
        result = await client.call_tool("list_replays", {"limit": 1})
    assert not result.is_error, text_of(result)
    (told,) = heard.at("info")
    assert told.startswith("Sentry failed to list replays (unreachable or a server error); ")
    assert heard.at("warning") == []


async def test_a_recording_longer_than_the_page_cap_is_a_warning(sentry):
    from sentry_replays_mcp.tools.kit.reading import MAX_PAGES

    sentry.faults.add(
        path=r"recording-segments/$",
        status=200,
        times=None,
        body=[[{"type": 4, "timestamp": 1, "data": {"href": "https://x/"}}]],
        headers={"Link": '<http://x/?cursor=0:1:0>; rel="next"; results="true"; cursor="0:1:0"'},
    )
    heard = Heard()
    async with Client(build_for(sentry), mode="legacy", logging_callback=heard) as client:
        result = await client.call_tool("summarize_replay", {"replay_id": sentry.story_replay_id})
    assert not result.is_error, text_of(result)
    pages = sum(1 for r in sentry.requests if r.path.endswith("recording-segments/"))
    assert pages == MAX_PAGES
    assert heard.at("warning") == [
        f"Replay {sentry.story_replay_id}: its recording has more than {MAX_PAGES} pages of "
        f"segments; only the first {MAX_PAGES} were read."
    ]


async def test_no_tool_call_tells_the_token_even_when_sentry_echoes_it(sentry):
    """Every tool, its first request rate limited with a body that repeats the token (as a
    proxy may): each call warns the client, and no notice holds the token."""
    from tests.tool_calls import valid_calls

    heard = Heard()
    echo = {"detail": f"Too many requests for Authorization: Bearer {sentry.token}"}
    async with Client(build_for(sentry), mode="legacy", logging_callback=heard) as client:
        for tool, arguments in valid_calls(sentry).items():
            before = len(heard.messages)
            sentry.faults.add(path=".", status=429, headers={"Retry-After": "0"}, body=echo)
            result = await client.call_tool(tool, arguments)
            assert not result.is_error, f"{tool}: {text_of(result)}"
            assert len(heard.at("warning")) > 0 and len(heard.messages) > before, tool
    assert all(sentry.token not in str(m.data) for m in heard.messages)
    assert all("Bearer" not in str(m.data) for m in heard.messages)


async def test_stateless_http_sends_notices_at_the_default_level_and_keeps_no_level(sentry):
    """Without sessions, a level set by one request cannot apply to the next: setLevel is
    accepted, and every call's notices go out at the default level, in the call's stream."""
    heard = Heard()
    async with http_session(sentry, heard, stateless=True) as session:
        await session.set_logging_level("error")
        rate_limit_once(sentry)
        result = await session.call_tool("list_replays", {"limit": 1})
    assert not result.is_error
    assert rate_limited(sentry) == 1
    assert len(heard.at("warning")) == 1 and heard.at("warning")[0].startswith(RATE_LIMITED)
