"""Three replicas behind a real HAProxy, as a team would run them: any replica answers any call.

Three processes of the program (`--transport streamable-http --stateless`, one shared
SENTRY_MCP_SECRET), all reading one demo Sentry process, behind HAProxy (round robin, no
stickiness, health checks on /readyz, retries only for connections that failed). The real
MCP client talks to the balancer; HAProxy names the replica of each answer in a header and
logs every request with the replica it went to.

Without haproxy these tests skip, unless REQUIRE_HAPROXY=1 (as in CI), which makes that a
failure.
"""

from __future__ import annotations

import signal
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from sentry_replays_mcp.server.demo import DemoSentry
from tests.deploy.cluster import REPLICA_HEADER, Cluster, cluster, haproxy_or_skip
from tests.tool_calls import TOOL_NAMES, valid_calls
from tests.waiting import until

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(240)]

CLIENTS = 6  # concurrent clients during the kill
READS = (
    ("list_replays", {"limit": 3}),
    ("list_selectors", {"limit": 3}),
    ("list_replay_viewers", None),  # about the story replay
)


@pytest.fixture(autouse=True)
def needs_haproxy() -> None:
    haproxy_or_skip()


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    haproxy_or_skip()  # set up before the autouse fixture above: the same rule here
    with cluster(tmp_path_factory.mktemp("balancer")) as running:
        yield running


class Answers:
    """Which replica answered each tools/call, read from the balancer's header."""

    def __init__(self) -> None:
        self.by_tool: list[tuple[str, str | None]] = []

    async def __call__(self, response: httpx2.Response) -> None:
        body = response.request.content if response.request.method == "POST" else b""
        if b'"tools/call"' in body:
            tool = body.split(b'"name":"', 1)[1].split(b'"', 1)[0].decode()
            self.by_tool.append((tool, response.headers.get(REPLICA_HEADER)))

    def replicas_of(self, tool: str) -> list[str | None]:
        return [replica for name, replica in self.by_tool if name == tool]


@asynccontextmanager
async def client_at(
    url: str, answers: Answers | None = None, keep_alive: bool = True
) -> AsyncIterator[Client]:
    hooks = {"response": [answers]} if answers else {}
    limits = httpx2.Limits() if keep_alive else httpx2.Limits(max_keepalive_connections=0)
    timeout = httpx2.Timeout(10, read=60)
    async with (
        httpx2.AsyncClient(timeout=timeout, event_hooks=hooks, limits=limits) as http,
        Client(streamable_http_client(url, http_client=http)) as client,
    ):
        yield client


def text_of(result: Any) -> str:
    return "".join(getattr(c, "text", "") for c in result.content)


def deletable_replays() -> list[str]:
    """Web replays of the demo other than the ones other calls read (the demo is
    deterministic: the demo process serves the same ones)."""
    demo = DemoSentry()
    kept = {demo.story_replay_id, demo.archived_replay_id, demo.empty_replay_id}
    return [r.id for r in demo.data.replays if r.platform == "javascript" and r.id not in kept]


async def test_every_tool_answers_through_the_balancer_from_every_replica(team: Cluster):
    answers = Answers()
    with anyio.fail_after(120):
        async with client_at(team.balancer.endpoint, answers) as client:
            listed = await client.list_tools()
            results = {
                name: await client.call_tool(name, arguments)
                for name, arguments in valid_calls(DemoSentry()).items()
            }
    assert {tool.name for tool in listed.tools} == set(TOOL_NAMES)
    failed = {name: text_of(r)[:300] for name, r in results.items() if r.is_error}
    assert not failed, failed
    assert results["get_replay"].structured_content["id"] == DemoSentry().story_replay_id
    # round robin, no stickiness: one client's calls are spread over all three replicas
    assert {replica for _, replica in answers.by_tool} == {"r1", "r2", "r3"}


def deletes_logged(team: Cluster, replay: str) -> list[str]:
    """The replicas (r1, r2, ...) whose log shows the DELETE of `replay` sent to Sentry."""
    return [
        f"r{i}"
        for i, running in enumerate(team.replicas, start=1)
        if any("DELETE" in line and replay in line for line in running.stderr_lines)
    ]


async def test_a_delete_previewed_on_one_replica_is_confirmed_on_another(team: Cluster):
    first, second = deletable_replays()[:2]
    one, two = team.replicas[0], team.replicas[1]
    with anyio.fail_after(60):
        # straight to the replicas: the preview on r1, the confirmation on r2
        async with client_at(one.endpoint) as client:
            preview = await client.call_tool("delete_replay", {"replay_id": first})
        code = preview.structured_content["confirmation_code"]
        async with client_at(two.endpoint) as client:
            done = await client.call_tool("delete_replay", {"replay_id": first, "confirm": code})
        # through the balancer: round robin sends the two calls to two replicas
        answers = Answers()
        async with client_at(team.balancer.endpoint, answers) as client:
            shown = await client.call_tool("delete_replay", {"replay_id": second})
            again = await client.call_tool(
                "delete_replay",
                {"replay_id": second, "confirm": shown.structured_content["confirmation_code"]},
            )
            after = await client.call_tool("get_replay", {"replay_id": second})
    assert done.structured_content["deleted"] is True, text_of(done)
    assert deletes_logged(team, first) == ["r2"]
    assert not again.is_error and again.structured_content["deleted"] is True, text_of(again)
    previewed_on, confirmed_on = answers.replicas_of("delete_replay")
    assert previewed_on != confirmed_on and deletes_logged(team, second) == [confirmed_on]
    assert "archived" in text_of(after).lower() or after.is_error, text_of(after)


class Load:
    """CLIENTS clients calling read tools through the balancer without pause, each one call
    at a time; what each call came to."""

    def __init__(self, team: Cluster) -> None:
        self.team = team
        self.story = DemoSentry().story_replay_id
        self.answers = [Answers() for _ in range(CLIENTS)]
        # (ok, replica that answered, began after HAProxy saw r2 down, what went wrong)
        self.outcomes: list[tuple[bool, str | None, bool, str]] = []
        self.broken_outside_calls: list[str] = []
        self.down = anyio.Event()
        self.after_down = 0

    def served(self) -> Counter[str | None]:
        return Counter(replica for a in self.answers for _, replica in a.by_tool)

    def record(self, ok: bool, replica: str | None, began_down: bool, why: str = "") -> None:
        self.outcomes.append((ok, replica, began_down, why))
        self.after_down += began_down

    async def worker(self, index: int) -> None:
        """A broken connection ends the client (with the call it was making, counted as
        failed); a new client carries on."""
        mine, turn, heard = self.answers[index], 0, 0
        for _ in range(100):
            calling, began_down = False, False
            try:
                async with client_at(self.team.balancer.endpoint, mine, NEW_CONNECTIONS) as client:
                    while self.after_down < AFTER_DOWN and turn < 10_000:
                        name, arguments = READS[(index + turn) % len(READS)]
                        turn, calling, began_down = turn + 1, True, self.down.is_set()
                        heard = len(mine.by_tool)
                        result = await client.call_tool(
                            name, arguments or {"replay_id": self.story}
                        )
                        calling = False
                        replica = mine.by_tool[-1][1] if mine.by_tool else None
                        self.record(not result.is_error, replica, began_down, text_of(result))
                    return
            except Exception as error:
                if calling:  # the replica that sent the answer's headers, if any came
                    replica = mine.by_tool[-1][1] if len(mine.by_tool) > heard else None
                    self.record(False, replica, began_down, repr(error)[:300])
                else:
                    self.broken_outside_calls.append(repr(error)[:300])


AFTER_DOWN = 60  # calls made after HAProxy saw the killed replica down
# Each request of the load on a connection of its own: when a replica dies under a request
# that came on a kept-alive client connection, HAProxy closes that connection without an
# answer and without a log line (so that a browser would retry); on a new connection it
# answers 502 and logs it, which is what lets the test count the requests the replica had.
NEW_CONNECTIONS = False


async def test_a_killed_replica_fails_only_the_calls_it_was_answering(tmp_path: Path):
    """Once each replica has answered some calls, r2 is killed (SIGKILL) mid-load; the load
    goes on until HAProxy's checks see r2 down and AFTER_DOWN more calls were made."""
    with cluster(tmp_path, killed=frozenset({1})) as team:
        load, balancer = Load(team), team.balancer
        sent_when_down: list[int] = []

        async def killer() -> None:
            assert await until(lambda: min(load.served()[f"r{i}"] for i in (1, 2, 3)) >= 5, 60)
            team.replicas[1].proc.send_signal(signal.SIGKILL)
            assert await until(lambda: balancer.states().get("r2") == "DOWN", 30)
            sent_when_down.append(balancer.sent_to("r2"))
            load.down.set()

        with anyio.fail_after(180):
            async with anyio.create_task_group() as group:
                group.start_soon(killer)
                for index in range(CLIENTS):
                    group.start_soon(load.worker, index)
        unanswered, sent = balancer.unanswered("r2"), balancer.sent_to("r2")
        log = "".join(balancer.lines)

    failed = [o for o in load.outcomes if not o[0]]
    after = [o for o in load.outcomes if o[2]]
    assert not load.broken_outside_calls, load.broken_outside_calls
    # A failed call is one r2 was answering: its answer's headers came from r2 before r2 died
    # (HAProxy adds the replica's name to them), or, when none came, HAProxy logged a request
    # to r2 that got no full answer. At most one call per client was in flight.
    assert all(replica in ("r2", None) for _, replica, *_ in failed), (failed, log)
    headless = [o for o in failed if o[1] is None]
    assert len(headless) <= len(unanswered), (failed, unanswered, log)
    assert len(failed) <= CLIENTS and len(unanswered) <= CLIENTS, (failed, unanswered, log)
    assert load.served()["r2"] >= 5, "r2 answered nothing before it was killed"
    # once the checks saw it down, no request went to r2, and every call was answered
    assert sent == sent_when_down[0], log
    assert len(after) >= AFTER_DOWN and all(ok and r in ("r1", "r3") for ok, r, *_ in after)
