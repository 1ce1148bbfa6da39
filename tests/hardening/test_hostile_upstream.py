"""Hostile upstream bodies stall no session and end in one sentence or a result within budget.

The demo Sentry, on a loopback port of its own thread, answers one session's call with a
hostile body (hostile_bodies.py): millions of `{}` rows, 1 MB strings, nesting 100,000 deep,
invisible characters, `"`-heavy fields, rows that are not replays. Once the server has read
the body (its request log line), a second session asks for `tools/list`; that answer must come
while the hostile call is still running (an ordering of events, not a time: a server that
decoded the body on its event loop would answer `tools/list` only afterwards); but for the
nesting 100,000 deep, which the decoder finds in milliseconds, before the question may be
asked, only that `tools/list` is answered. The hostile
call then ends in one sentence saying what Sentry sent, or in a result within the budget
(characters and UTF-8 bytes) holding no invisible character. The process's peak memory
during the call stays within a generous bound (the latency figures are in
benchmarks/hostile_upstream.py).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest
from mcp import Client
from mcp.types import CallToolResult

from sentry_replays_mcp.server.app import build_server
from sentry_replays_mcp.server.config import Settings
from sentry_replays_mcp.server.demo import DemoSentry
from sentry_replays_mcp.tools.kit.answer import CUT_NOTE
from tests.hardening.hostile_bodies import Case, cases
from tests.hardening.test_invisible_characters import FORBIDDEN
from tests.hardening.watch import (
    BUDGET,
    SECRET_TOKEN,
    all_text,
    call,
    result_size,
    serving,
    watching,
)
from tests.waiting import until

CASES = cases()
BODY_CAP = 16_000_000
MEMORY_BOUND = 8 * BODY_CAP  # peak growth during one hostile call, bytes


class BodyRead(logging.Handler):
    """Notes the transport's log line for an answered request (written once the body is
    read, before it is decoded)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def _status(field: str) -> int | None:
    """A `/proc/self/status` figure in bytes (Linux), else None."""
    status = Path("/proc/self/status")
    if not status.exists():
        return None
    found = re.search(rf"^{field}:\s+(\d+) kB", status.read_text(), re.M)
    return int(found.group(1)) * 1024 if found else None


def _reset_peak() -> bool:
    """Start a new peak-RSS measurement (Linux: writing 5 to clear_refs resets VmHWM)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


async def run_beside(url: str, case: Case) -> tuple[list[str], CallToolResult]:
    """The hostile call on one session, `tools/list` on another once the body was read; the
    order in which the two ended, and the hostile call's result."""
    settings = Settings(token=SECRET_TOKEN, url=url, organization="acme", timeout=60)
    server = build_server(settings)
    seen = BodyRead()
    api = logging.getLogger("sentry_replays_mcp.api")
    api.addHandler(seen)
    ended: list[str] = []
    outcome: list[CallToolResult] = []
    try:
        async with Client(server) as hostile, Client(server) as other:
            await other.list_tools()  # the second session is up before the hostile call

            async def hostile_call() -> None:
                outcome.append(await call(hostile, case.tool, case.arguments))
                ended.append("hostile call")

            with anyio.fail_after(120):
                async with anyio.create_task_group() as group:
                    group.start_soon(hostile_call)
                    assert await until(lambda: any("-> 200" in s for s in seen.lines), 60)
                    tools = await other.list_tools()
                    assert len(tools.tools) >= 9
                    ended.append("tools/list")
    finally:
        api.removeHandler(seen)
    return ended, outcome[0]


@pytest.fixture(scope="module")
def upstream() -> Iterator[tuple[DemoSentry, str]]:
    demo = DemoSentry(dialect="sentry", token=SECRET_TOKEN)
    with serving([demo]) as urls:
        yield demo, urls[0]


@pytest.mark.parametrize("name", list(CASES))
def test_a_hostile_body_stalls_no_other_session(upstream, name):
    demo, url = upstream
    case = CASES[name]
    assert len(case.body) < BODY_CAP
    demo.reset()
    demo.faults.add(path=case.path, status=200, times=None, body=case.body,
                    content_type="application/json")  # fmt: skip
    before = _status("VmRSS")
    measured = _reset_peak() and before is not None
    with watching() as watch:
        ended, result = anyio.run(run_beside, url, case)
    assert not watch.leaks
    if name == "deep nesting":  # found in milliseconds, maybe before the question is asked
        assert ended[-1] == "tools/list" or ended == ["tools/list", "hostile call"], ended
    else:
        assert ended == ["tools/list", "hostile call"], f"{name}: {ended}"
    text = all_text(result)
    assert "unexpectedly" not in text and "Traceback" not in text, text[:300]
    if case.says is not None:
        assert result.is_error, text[:300]
        assert case.says in text, text[:300]
        assert text.count(". ") <= 3 and "\n" not in text.strip(), text  # a sentence or two
    else:
        assert not result.is_error, text[:300]
        structured = json.dumps(result.structured_content, ensure_ascii=False)
        assert result_size(result) <= BUDGET
        assert len(text.encode()) + len(structured.encode()) <= BUDGET  # in UTF-8 bytes too
        assert not FORBIDDEN & set(text.replace("\n", "") + structured)
        assert "replay" in text and len(structured) > 500, text[:300]  # the data was shown
        if name == "oversized structured content":  # 45 KB of it, in UTF-8: cut, and said
            assert CUT_NOTE in text, text[:300]
    peak = _status("VmHWM")
    if measured and peak is not None and before is not None:
        assert peak - before <= MEMORY_BOUND, f"{name}: peak grew {(peak - before) >> 20} MB"
