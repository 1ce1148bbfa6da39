"""What an agent reads: one golden text per tool, against the demo Sentry with a fixed clock.

A change to any tool's wording shows up here as a diff of `golden/<tool>.md`. After a
deliberate change, rewrite them with `UPDATE_GOLDEN=1 pytest tests/tools/test_golden.py` and
review the diff. The only thing normalised is delete_replay's confirmation code, which is
signed with a secret made at start-up.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx2
import pytest
from mcp import Client

from sentry_replays_mcp.server.app import build_server
from sentry_replays_mcp.server.config import Settings
from sentry_replays_mcp.server.demo import DemoSentry
from tests.conftest import DEMO_HOST_URL, text_of
from tests.tool_calls import TOOL_NAMES, valid_calls

pytestmark = pytest.mark.anyio
GOLDEN = Path(__file__).parent / "golden"
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
CODE = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{8}-[0-9a-f]{12}\b")
NEEDS_PROJECT = (
    "list_recording_segments",
    "get_recording_segment",
    "summarize_replay",
    "list_replay_viewers",
    "delete_replay",
)


@pytest.fixture(scope="module")
def fixed_demo() -> DemoSentry:
    return DemoSentry(now=NOW)


@pytest.fixture
async def client(fixed_demo: DemoSentry) -> AsyncIterator[Client]:
    fixed_demo.reset()
    settings = Settings(token=fixed_demo.token, url=DEMO_HOST_URL, organization="acme")
    server = build_server(
        settings, transport=httpx2.ASGITransport(app=fixed_demo.app), clock=lambda: NOW
    )
    async with Client(server) as connected:
        yield connected
    fixed_demo.reset()


def matches_golden(name: str, text: str) -> None:
    path = GOLDEN / f"{name}.md"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden output for {name}: run with UPDATE_GOLDEN=1 and review it"
    assert text == path.read_text(encoding="utf-8")


MOBILE = {"android": "summarize_replay_android", "cocoa": "summarize_replay_ios"}


def test_every_tool_has_one_golden_output():
    expected = [*TOOL_NAMES, "unknown_project", *MOBILE.values()]
    assert sorted(p.stem for p in GOLDEN.glob("*.md")) == sorted(expected)


@pytest.mark.parametrize("tool", TOOL_NAMES)
async def test_golden_text(client: Client, fixed_demo: DemoSentry, tool: str):
    result = await client.call_tool(tool, valid_calls(fixed_demo)[tool])
    assert not result.is_error, text_of(result)
    matches_golden(tool, CODE.sub("<code>", text_of(result)) + "\n")


@pytest.mark.parametrize("platform", sorted(MOBILE))
async def test_golden_mobile_summary(client: Client, fixed_demo: DemoSentry, platform: str):
    """The demo's Android and iOS replays as summarize_replay tells them."""
    (replay,) = [r.id for r in fixed_demo.data.replays if r.platform == platform]
    result = await client.call_tool(
        "summarize_replay", valid_calls(fixed_demo, replay)["summarize_replay"]
    )
    assert not result.is_error, text_of(result)
    matches_golden(MOBILE[platform], text_of(result) + "\n")


async def test_golden_unknown_project(client: Client, fixed_demo: DemoSentry):
    """A replay whose details do not say its project, and no project anywhere else: every tool
    that needs one refuses in the same sentence, having asked Sentry for nothing else."""
    story = fixed_demo.story_replay_id
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=fixed_demo.app)) as http:
        url = f"{DEMO_HOST_URL}/api/0/organizations/acme/replays/{story}/"
        got = await http.get(url, headers={"Authorization": f"Bearer {fixed_demo.token}"})
    body = got.json()
    del body["data"]["project_id"]
    fixed_demo.faults.add(
        path=f"organizations/acme/replays/{story}/$", status=200, body=body, times=None
    )
    sections = []
    for tool in NEEDS_PROJECT:
        args = dict(valid_calls(fixed_demo)[tool])  # delete_replay: the preview refuses already
        result = await client.call_tool(tool, args)
        assert result.is_error, f"{tool}: {text_of(result)}"
        sections.append(f"## {tool}\n{text_of(result)}\n")
    asked = {json.dumps([r.method, r.path]) for r in fixed_demo.requests}
    assert all("/recording-segments/" not in a and "/viewed-by/" not in a for a in asked)
    assert all(r.method == "GET" for r in fixed_demo.requests)
    matches_golden("unknown_project", "\n".join(sections))
