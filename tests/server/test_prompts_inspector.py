"""Prompts and resources through the real MCP inspector CLI (npm, pinned; it has no
completion method, which test_completion.py covers over the SDK and raw HTTP), against the
program on stdio with --demo. Skips without npm unless REQUIRE_INSPECTOR=1."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.program import (
    INSPECTOR_PACKAGE,
    INSTALL_TIMEOUT,
    KNOWN_REPLAY,
    ensure_inspector,
    run_and_wait,
)
from tests.readme import blocks, command_line, section

pytestmark = pytest.mark.timeout(INSTALL_TIMEOUT + 120)
TARGET = [str(Path(sys.executable).parent / "sentry-replays-mcp"), "--demo"]


@pytest.fixture(scope="module")
def inspector() -> Path:
    return ensure_inspector()


def inspect(inspector: Path, *options: str, ok: bool = True) -> Any:
    result = run_and_wait([str(inspector), "--cli", *TARGET, *options], timeout=60)
    if not ok:
        assert result.returncode != 0
        return result.stdout + result.stderr
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return json.loads(result.stdout)


def test_the_prompts_are_listed_and_rendered(inspector: Path):
    listed = inspect(inspector, "--method", "prompts/list")
    assert [p["name"] for p in listed["prompts"]] == [
        "investigate_issue",
        "triage_frustration",
        "explain_replay",
    ]
    url = f"https://acme.sentry.io/replays/{KNOWN_REPLAY}/"
    got = inspect(
        inspector,
        *("--method", "prompts/get", "--prompt-name", "explain_replay"),
        *("--prompt-args", f"replay={url}"),
    )
    text = got["messages"][0]["content"]["text"]
    assert text.startswith(f"Explain session replay {KNOWN_REPLAY} (organization `acme`).")
    assert f'summarize_replay with replay_id="{KNOWN_REPLAY}"' in text


def test_a_bad_prompt_argument_is_the_one_sentence(inspector: Path):
    printed = inspect(
        inspector,
        *("--method", "prompts/get", "--prompt-name", "investigate_issue"),
        *("--prompt-args", "issue_id=WEB-1A"),
        ok=False,
    )
    assert "MCP error -32602: Invalid issue_id 'WEB-1A': use the numeric issue id" in printed


def test_the_resources_are_listed_and_read(inspector: Path):
    templates = inspect(inspector, "--method", "resources/templates/list")
    assert [t["uriTemplate"] for t in templates["resourceTemplates"]] == [
        "sentry-replay://{organization}/recent",
        "sentry-replay://{organization}/{replay_id}",
    ]
    listed = inspect(inspector, "--method", "resources/list")
    assert [r["uri"] for r in listed["resources"]] == ["sentry-replay://acme/recent"]
    uri = f"sentry-replay://acme/{KNOWN_REPLAY}"
    read = inspect(inspector, "--method", "resources/read", "--uri", uri)
    assert [c["mimeType"] for c in read["contents"]] == ["text/markdown", "application/json"]
    assert read["contents"][0]["text"].startswith("_Demo data")
    assert f"# What happened in replay {KNOWN_REPLAY}" in read["contents"][0]["text"]
    assert json.loads(read["contents"][1]["text"])["replay_id"] == KNOWN_REPLAY
    recent = inspect(
        inspector, "--method", "resources/read", "--uri", "sentry-replay://acme/recent"
    )
    assert "replays (organization acme" in recent["contents"][0]["text"]


def test_the_readme_recipe_prints_what_the_readme_shows(inspector: Path):
    text = section("Prompts, resources and completion")
    recipe = command_line(blocks(text, "sh")[0])
    assert recipe[:4] == ["npx", "-y", INSPECTOR_PACKAGE, "--cli"], recipe
    assert recipe[4:6] == [".venv/bin/sentry-replays-mcp", "--demo"], recipe
    printed = inspect(inspector, *recipe[6:])
    assert printed == json.loads(blocks(text, "json")[0])
