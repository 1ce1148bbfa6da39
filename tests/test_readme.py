"""What the README shows an agent's output to be is what the demo prints, so it cannot drift.

The inspector recipe and its printed output are checked in `test_inspector.py`, which runs
the command as written."""

from __future__ import annotations

import pytest
from mcp import Client

from sentry_replays_mcp.server.app import build_server
from sentry_replays_mcp.server.config import Settings
from sentry_replays_mcp.server.demo import DemoSentry
from tests.conftest import text_of
from tests.readme import README, blocks, excerpt_problems, section

pytestmark = pytest.mark.anyio


async def test_the_summarize_replay_excerpts_are_what_the_demo_prints():
    """The web example (the checkout story) and the mobile one (the Android replay)."""
    web, mobile = blocks(section("What happened in a session: `summarize_replay`"))
    demo = DemoSentry()
    (android,) = [r.id for r in demo.data.replays if r.platform == "android"]
    async with Client(build_server(Settings(demo=True))) as client:  # what --demo serves
        for shown, replay in ((web, demo.story_replay_id), (mobile, android)):
            result = await client.call_tool("summarize_replay", {"replay_id": replay})
            actual = text_of(result).splitlines()
            problems = excerpt_problems(shown.splitlines(), actual)
            assert not problems, "\n".join([*problems, "the demo prints:", *actual])


def test_the_excerpt_check_catches_drift():
    actual = ["a", "b", "c long line", "d"]
    assert not excerpt_problems(["a", "…", "c long…", "d"], actual)
    assert excerpt_problems(["a", "c long line"], actual)  # not consecutive without a `…`
    assert excerpt_problems(["d", "…", "a"], actual)  # order
    assert excerpt_problems(["## Timeline (23 moments)"], ["## Timeline (22 moments)"])


def test_every_npx_command_pins_the_inspector_and_answers_yes():
    from tests.e2e.program import INSPECTOR_PACKAGE

    text = README.read_text()
    mentions = [line for line in text.splitlines() if "npx" in line]
    assert mentions
    for line in mentions:
        assert f"npx -y {INSPECTOR_PACKAGE}" in line, line
