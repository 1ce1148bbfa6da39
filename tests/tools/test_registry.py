"""Invariants over every registered tool, and a reviewed snapshot of each public definition.

After a reviewed change, regenerate: UPDATE_SNAPSHOTS=1 pytest tests/tools/test_registry.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from mcp import Client

from sentry_replays_mcp.server.demo import DemoSentry
from tests.conftest import build_for
from tests.tool_calls import READ_ONLY_TOOL_NAMES, TOOL_NAMES

pytestmark = pytest.mark.anyio
SNAPSHOTS = Path(__file__).parent / "snapshots"


@pytest.fixture
def dialect() -> str:
    return "sentry"


async def listed(demo: DemoSentry, **overrides: object) -> list:
    async with Client(build_for(demo, **overrides)) as client:
        return (await client.list_tools()).tools


async def test_the_tools(demo: DemoSentry):
    """The registry is the public interface: every name in `TOOL_NAMES`, in that order."""
    assert tuple(t.name for t in await listed(demo)) == TOOL_NAMES


async def test_every_hint_is_explicit_and_consistent(demo: DemoSentry):
    for tool in await listed(demo):
        a = tool.annotations
        hints = (a.read_only_hint, a.destructive_hint, a.idempotent_hint, a.open_world_hint)
        assert None not in hints, tool.name
        assert not (a.read_only_hint and a.destructive_hint), tool.name
        assert a.destructive_hint == (tool.name == "delete_replay"), tool.name


async def test_descriptions_say_when_and_what_next(demo: DemoSentry):
    for tool in await listed(demo):
        description = tool.description or ""
        assert 150 <= len(description) <= 1500, (tool.name, len(description))
        assert tool.title
        for name, prop in tool.input_schema["properties"].items():
            assert prop.get("description") or "$ref" in prop, (tool.name, name)


async def test_schemas_are_flat_objects_with_output_schemas(demo: DemoSentry):
    for tool in await listed(demo):
        schema = tool.input_schema
        assert schema["type"] == "object", tool.name
        assert not {"anyOf", "oneOf", "allOf"} & set(schema), tool.name
        assert tool.output_schema and tool.output_schema["type"] == "object", tool.name


async def test_read_only_mode_hides_exactly_the_mutating_tools(demo: DemoSentry):
    everything = await listed(demo)
    read_only = {t.name for t in await listed(demo, read_only=True)}
    assert read_only == {t.name for t in everything if t.annotations.read_only_hint}
    assert read_only == set(READ_ONLY_TOOL_NAMES)


async def test_definitions_match_their_reviewed_snapshots(demo: DemoSentry):
    tools = await listed(demo)
    update = os.environ.get("UPDATE_SNAPSHOTS") == "1"
    drift = []
    for tool in tools:
        public = tool.model_dump(mode="json", by_alias=True, exclude_none=True)
        path = SNAPSHOTS / f"{tool.name}.json"
        rendered = json.dumps(public, indent=2, sort_keys=True) + "\n"
        if update:
            path.write_text(rendered)
        elif not path.exists() or path.read_text() != rendered:
            drift.append(tool.name)
    assert not drift, f"unreviewed change to {drift}: review, then UPDATE_SNAPSHOTS=1"
    names = {p.stem for p in SNAPSHOTS.glob("*.json")}
    assert names == {t.name for t in tools}, "a snapshot without a tool, or the reverse"


def test_readme_lists_every_tool():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    table = {line.split("`")[1] for line in readme.splitlines() if line.startswith("| `")}
    assert set(TOOL_NAMES) <= table, f"missing from the README: {set(TOOL_NAMES) - table}"
