"""The real program over stdio survives a storm of upstream faults: every one is an error
with its sentence, the same session answers after each, and its stderr (at DEBUG) holds no
token and no traceback."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client

from sentry_replays_mcp.server.demo import DemoSentry, serve_in_thread
from tests.e2e.program import ROOT
from tests.hardening.fault_cases import CASES, inject, run_all
from tests.hardening.watch import (
    SECRET_TOKEN,
    Watch,
    all_text,
    call,
    deletes,
    off_route,
    watched,
)
from tests.tool_calls import valid_calls

pytestmark = pytest.mark.anyio


@pytest.fixture
def watch() -> Iterator[Watch]:
    yield from watched()


# -- the real program ------------------------------------------------------------------------

STORM = ["401", "403", "500", "502", "429 reset in 60 s", "malformed JSON", "truncated JSON",
         "50 MB body", "HTML page"]  # fmt: skip


async def test_the_program_survives_a_storm_of_faults(tmp_path: Path, watch: Watch):
    """The real program over stdio, logging at DEBUG: every fault is an error, the same session
    answers after each, and its stderr holds no token and no traceback."""
    demo = DemoSentry(dialect="sentry", token=SECRET_TOKEN)
    by_name = {c.name: c for c in CASES}
    tools = ("list_replays", "get_replay", "summarize_replay", "count_replays")
    calls = {name: valid_calls(demo)[name] for name in tools}
    errlog_path = tmp_path / "stderr.txt"
    with serve_in_thread(demo) as url, errlog_path.open("w+") as errlog:
        params = StdioServerParameters(
            command=sys.executable,
            args=["-m", "sentry_replays_mcp.server", "--timeout", "120", "--log-level", "DEBUG"],
            cwd=str(ROOT),
            env={"SENTRY_AUTH_TOKEN": SECRET_TOKEN, "SENTRY_URL": url, "SENTRY_ORG": "acme"},
        )
        with anyio.fail_after(100):
            async with Client(stdio_client(params, errlog=errlog)) as client:
                for name in STORM:
                    case = by_name[name]
                    demo.reset()
                    assert case.fault is not None
                    inject(demo, r".*", case.fault)
                    outcomes = await run_all(dict.fromkeys(calls, client), calls, case.seconds)
                    for tool, outcome in outcomes.items():
                        assert outcome.is_error, (name, tool, outcome.text)
                        assert all(re.search(p, outcome.text) for p in case.expect), (
                            name,
                            tool,
                            outcome.text,
                        )
                    demo.faults.clear()
                    ok = await call(client, "list_replays", {"limit": 2})
                    assert not ok.is_error, (name, all_text(ok))
                assert not deletes(demo.requests) and not off_route(demo.requests)
        errlog.seek(0)
        stderr = errlog.read()
    watch.output("server stderr", stderr)
    assert "DEBUG" in stderr, "the server did not log at DEBUG"
    assert "Traceback" not in stderr, stderr[-3000:]
