"""Upstream faults, for every tool: each one is an isError result with the sentence that says
what to do, within a bounded time and a bounded number of upstream attempts (with the real
retry policy); the next call on the same session succeeds once the fault clears; no DELETE is
sent without a valid code, and at most one with it. (The real program under a storm of them:
`test_fault_storm.py`.)

Every tool (and delete_replay with a valid code) talks to its own demo Sentry on a loopback
port, so that timeouts and refused connections are real and each tool's upstream attempts can
be counted; the tools of one fault run at once, on MCP sessions that live for the whole module
(a fault that broke a session would fail the next case). Every test runs under the secret
watch: logging at DEBUG (httpx2 and httpcore2 included), results and exceptions are scanned
for the token.
"""

from __future__ import annotations

import functools
import re
import socket
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, ExitStack
from dataclasses import dataclass
from typing import Any

import anyio
import pytest
from mcp import Client

from sentry_replays_mcp.server.app import build_server
from sentry_replays_mcp.server.config import Settings
from sentry_replays_mcp.server.demo import DemoSentry, serve_in_thread
from sentry_replays_mcp.server.demo.faults import RequestRecord
from tests.hardening.fault_cases import (
    CASES,
    HTML_PAGE,
    LONG,
    SHORT,
    Case,
    Outcome,
    inject,
    run_all,
    tool_of,
)
from tests.hardening.watch import (
    SECRET_TOKEN,
    Watch,
    all_text,
    call,
    deletes,
    fresh_replays,
    off_route,
    project_of,
    serving,
    watched,
)
from tests.tool_calls import TOOL_NAMES, valid_calls
from tests.waiting import until

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("watch")]

DELETE_ROW = "delete_replay+code"  # delete_replay with a valid confirmation code
ROWS = (*TOOL_NAMES, DELETE_ROW)


@pytest.fixture
def watch() -> Iterator[Watch]:
    yield from watched()


@dataclass
class Upstream:
    demo: DemoSentry
    url: str


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    """One event loop for the module, so that the MCP sessions below outlive a test."""
    return "asyncio"


@pytest.fixture(scope="module")
def upstreams() -> Iterator[dict[str, Upstream]]:
    """One demo Sentry per row, each on its own loopback port."""
    demos = [DemoSentry(dialect="sentry", token=SECRET_TOKEN) for _ in ROWS]
    with serving(demos) as urls:
        yield {row: Upstream(demo, url) for row, demo, url in zip(ROWS, demos, urls, strict=True)}


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@functools.cache
def server_for(url: str, timeout: float = LONG):  # type: ignore[no-untyped-def]
    """Our server for that upstream (built once: each `Client` session gets its own lifespan)."""
    settings = Settings(token=SECRET_TOKEN, url=url, organization="acme", timeout=timeout)
    return build_server(settings)


@dataclass
class Sessions:
    clients: dict[tuple[str, str], Client]  # (setting, row) -> an open MCP session
    refused_port: int  # nothing listens there, except while a test brings Sentry back


@pytest.fixture(scope="module")
async def sessions(upstreams: dict[str, Upstream]) -> AsyncIterator[Sessions]:
    """An MCP session per row for each server setting: a long timeout, a short one, and a
    Sentry URL where nothing listens. Each case reuses them, so a session that a fault broke
    would fail the next case."""
    port = closed_port()
    urls = {
        "normal": lambda row: (upstreams[row].url, LONG),
        "short timeout": lambda row: (upstreams[row].url, SHORT),
        "refused": lambda row: (f"http://127.0.0.1:{port}", LONG),
    }
    async with AsyncExitStack() as stack:
        clients = {}
        for setting, where in urls.items():
            for row in ROWS:
                clients[setting, row] = await stack.enter_async_context(
                    Client(server_for(*where(row)))
                )
        yield Sessions(clients, port)


@pytest.fixture(scope="module")
def replays(upstreams: dict[str, Upstream]) -> Iterator[str]:
    """A replay no session has read yet, for each test (see `fresh_replays`)."""
    return fresh_replays(upstreams["list_replays"].demo)


async def arguments_for(row: str, client: Client, demo: DemoSentry, replay: str) -> dict[str, Any]:
    """The row's valid call; for DELETE_ROW, a preview first, whose code the call carries."""
    if row != DELETE_ROW:
        return valid_calls(demo, replay)[row]
    target = {"replay_id": replay, "project": project_of(demo, replay)}
    preview = await call(client, "delete_replay", target)
    assert not preview.is_error, all_text(preview)
    return {**target, "confirm": preview.structured_content["confirmation_code"]}


def most_tries(records: list[RequestRecord]) -> int:
    """Attempts of the most-tried GET path."""
    return max(Counter(r.path for r in records if r.method == "GET").values(), default=0)


async def until_logged(demo: DemoSentry, attempts: int, delete: bool) -> None:
    """Wait (bounded) until the demo has logged the attempts expected of a right answer.

    A request is logged when the demo reads it; when the tool gave up first (a timeout), that
    can be after the tool answered. A right answer's attempts are then all there; a wrong one's
    are counted as they stand when the bound runs out (or more, if it made more)."""

    def logged() -> bool:
        records = list(demo.requests)
        return most_tries(records) >= attempts and (not delete or bool(deletes(records)))

    await until(logged)


def problems_with(case: Case, row: str, outcome: Outcome, demo: DemoSentry | None) -> list[str]:
    found = []
    expect = case.expect
    where = f"{row} under {case.name}"
    if expect:
        if not outcome.is_error:
            found.append(f"{where}: not an error: {outcome.text[:300]!r}")
        found += [f"{where}: {p!r} not in {outcome.text!r}" for p in expect
                  if not re.search(p, outcome.text)]  # fmt: skip
        if "Traceback" in outcome.text or "unexpectedly" in outcome.text:
            found.append(f"{where}: an internal failure leaked: {outcome.text!r}")
        if len(outcome.text.splitlines()) != 1:
            found.append(f"{where}: not one line: {outcome.text!r}")
    elif outcome.is_error:
        found.append(f"{where}: did not recover within the call: {outcome.text!r}")
    if outcome.seconds > case.seconds:
        found.append(f"{where}: took {outcome.seconds:.2f} s (bound {case.seconds} s)")
    if demo is None:
        return found
    records = list(demo.requests)
    found += [f"{where}: off the route table: {r}" for r in off_route(records)]
    sent_deletes = len(deletes(records))
    if sent_deletes != (1 if row == DELETE_ROW and case.recovers else 0):
        found.append(f"{where}: {sent_deletes} DELETE requests")
    if case.attempts is not None and row != DELETE_ROW:
        most = most_tries(records)
        if most != case.attempts:
            found.append(f"{where}: {most} attempts of one path, expected {case.attempts}")
    return found


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_every_tool_fails_cleanly_then_recovers(
    case: Case,
    upstreams: dict[str, Upstream],
    sessions: Sessions,
    replays: Iterator[str],
    watch: Watch,
):
    refused = case.fault is None
    setting = "refused" if refused else "short timeout" if case.timeout == SHORT else "normal"
    rows = [r for r in ROWS if not (refused and r == DELETE_ROW)]
    for upstream in upstreams.values():
        upstream.demo.reset()
    clients = {row: sessions.clients[setting, row] for row in rows}
    replay = next(replays)
    args = {
        row: await arguments_for(row, clients[row], upstreams[row].demo, replay) for row in rows
    }
    for row in rows:
        demo = upstreams[row].demo
        demo.requests.clear()
        if case.fault is not None:
            inject(demo, r".*", case.fault)

    outcomes = await run_all(clients, args, case.seconds + 5)

    problems = []
    for row in rows:
        demo = None if refused else upstreams[row].demo
        if demo is not None:
            # delete_replay reads the replay before its DELETE: under a fault that read fails
            # and no DELETE is sent; once the upstream recovers, exactly one is.
            await until_logged(demo, case.attempts or 1, row == DELETE_ROW and case.recovers)
        problems += problems_with(case, row, outcomes[row], demo)
        if demo is not None:
            watch.requests(demo)

    # The fault clears (for "refused": Sentry comes up on that port); the same sessions answer.
    for up in upstreams.values():
        up.demo.faults.clear()
        up.demo.requests.clear()
    with ExitStack() as back:
        if refused:
            demo = upstreams["list_replays"].demo
            back.enter_context(serve_in_thread(demo, port=sessions.refused_port))
        again = await run_all(clients, args, 15)
    for row in rows:
        outcome = again[row]
        if row == DELETE_ROW and (outcomes[row].structured or {}).get("deleted"):
            if "already used" not in outcome.text:  # deleted in the first run: code spent
                problems.append(f"{row} after {case.name}: a spent code: {outcome.text!r}")
            continue
        if outcome.is_error:
            problems.append(f"{row} after {case.name}: still failing: {outcome.text!r}")
        elif row == DELETE_ROW and not (outcome.structured or {}).get("deleted"):
            problems.append(f"{row} after {case.name}: not deleted: {outcome.text!r}")
    for upstream in upstreams.values():
        upstream.demo.reset()
    assert not problems, "\n".join(problems)


# -- a fault on each tool's own endpoint only ------------------------------------------------

ENDPOINTS = {
    "list_replays": r"organizations/[^/]+/replays/$",
    "get_replay": r"organizations/[^/]+/replays/[0-9a-f]{32}/$",
    "delete_replay": r"organizations/[^/]+/replays/[0-9a-f]{32}/$",
    "list_recording_segments": r"recording-segments/$",
    "get_recording_segment": r"recording-segments/\d+/$",
    "summarize_replay": r"recording-segments/$",
    "list_selectors": r"replay-selectors/$",
    "list_clicked_nodes": r"/clicks/$",
    "list_replay_viewers": r"/viewed-by/$",
    "count_replays": r"replay-count/$",
    DELETE_ROW: r"projects/[^/]+/[^/]+/replays/[0-9a-f]{32}/$",
}
ENDPOINT_FAULTS = {
    "500": ({"status": 500}, ("HTTP 500", "try again")),
    "truncated JSON": (
        {"status": 200, "body": '[[{"type": 4, "timestamp": 1, "data": {"href": "/a"}}], [{"ty',
         "content_type": "application/json"},
        ("malformed or truncated JSON",),
    ),
    "HTML page": (
        {"status": 200, "body": HTML_PAGE, "content_type": "text/html"},
        ("HTML page instead of JSON",),
    ),
}  # fmt: skip
# Recording pages are read as raw bytes, event by event: a truncated page may also be reported
# honestly as skipped malformed events instead of failing the whole summary.
HONEST_NOTE = r"\d+ malformed events? skipped"


def endpoint_params() -> list[Any]:
    params = []
    for row in ROWS:
        for name in ENDPOINT_FAULTS:
            params.append(pytest.param(row, name, id=f"{row}-{name}"))
    return params


@pytest.mark.parametrize("row,fault_name", endpoint_params())
async def test_a_fault_on_the_tools_own_endpoint(
    row: str,
    fault_name: str,
    upstreams: dict[str, Upstream],
    sessions: Sessions,
    replays: Iterator[str],
    watch: Watch,
):
    fault, expect = ENDPOINT_FAULTS[fault_name]
    up = upstreams[row]
    up.demo.reset()
    client = sessions.clients["normal", row]
    try:
        args = await arguments_for(row, client, up.demo, next(replays))
        up.demo.requests.clear()
        method = "DELETE" if row == DELETE_ROW else "GET"
        inject(up.demo, ENDPOINTS[row], fault, method=method)
        with anyio.fail_after(10):
            result = await call(client, tool_of(row), args)
        text = all_text(result)
        hit = [r for r in up.demo.requests if re.search(ENDPOINTS[row], r.path)]
        assert hit, f"the fault's endpoint was never asked: {list(up.demo.requests)}"
        honest = fault_name == "truncated JSON" and re.search(HONEST_NOTE, text)
        if not honest:
            assert result.is_error, text
            assert all(re.search(p, text) for p in expect), text
        assert not off_route(up.demo.requests)
        assert len(deletes(up.demo.requests)) == (1 if row == DELETE_ROW else 0)
        up.demo.faults.clear()
        if row == DELETE_ROW:  # the failed DELETE spent its code: a new preview, a new code
            assert "code is spent" in text, text
            args = await arguments_for(row, client, up.demo, args["replay_id"])
        again = await call(client, tool_of(row), args)
        assert not again.is_error, all_text(again)
    finally:
        up.demo.reset()


# -- bounded time, whatever the upstream does ------------------------------------------------


async def test_a_body_that_drips_in_is_cut_off(upstreams: dict[str, Upstream]):
    up = upstreams["list_replays"]
    up.demo.reset()
    up.demo.faults.add(
        path=r".*",
        status=200,
        body='{"data": []}' + " " * 28,
        content_type="application/json",
        chunks=40,
        chunk_delay=1.5,  # 60 s in all; each chunk well within the 5 s timeout
        times=None,
    )
    try:
        async with Client(server_for(up.url, timeout=SHORT)) as client:
            with anyio.fail_after(30):  # far from the 60 s the whole body takes
                result = await call(client, "list_replays", {"limit": 5})
        assert result.is_error and "did not answer" in all_text(result)
    finally:
        up.demo.reset()
