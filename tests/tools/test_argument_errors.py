"""Every constraint of every tool's published input schema, broken one at a time: the agent
gets one sentence naming the argument, what it gave and what is allowed, and nothing is
asked of Sentry. The cases are generated from the schemas the server lists, so a new
argument or constraint is covered without editing this file."""

from __future__ import annotations

import re
from typing import Any

import pytest
from mcp import Client

from sentry_replays_mcp.server.demo import DemoSentry
from sentry_replays_mcp.tools.kit.arguments import allowed_values
from tests.conftest import text_of
from tests.tool_calls import valid_calls

pytestmark = pytest.mark.anyio
WRONG_TYPE = {"string": [12345], "integer": "many", "number": "many", "array": 7, "boolean": "x"}


@pytest.fixture
def dialect() -> str:
    return "sentry"


def _branches(prop: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for b in prop.get("anyOf", [prop]) if b.get("type") != "null"]


def _valid(schema: dict[str, Any]) -> Any:
    """A value this schema accepts (for list items, beside the one that breaks a rule)."""
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "integer":
        return max(schema.get("minimum", 1), 1)
    if kind == "array":
        return [_valid(schema.get("items", {}))] * schema.get("minItems", 1)
    if schema.get("format") == "date-time":
        return "2026-11-25T10:00:00Z"
    return "14d" if schema.get("pattern") else "a"


def _not_matching(pattern: str) -> str:
    return next(v for v in ("3 days", "!", "") if not re.search(pattern, v))


def violations(schema: dict[str, Any]) -> list[tuple[str, Any, str]]:
    """(constraint, a value breaking only it, a word the sentence must hold) for one schema."""
    cases: list[tuple[str, Any, str]] = []
    branches = _branches(schema)
    kinds = {b.get("type") for b in branches}
    if all(WRONG_TYPE.get(k) is not None for k in kinds) and len(kinds) == 1:
        cases.append(("type", WRONG_TYPE[kinds.pop()], ""))
    elif kinds == {"string", "array"}:
        cases.append(("type", 7, "list"))
    for branch in branches:
        if "enum" in branch:
            cases.append(("enum", "no-such-value", str(branch["enum"][-1])))
        if "minimum" in branch:
            cases.append(("minimum", branch["minimum"] - 1, str(branch["minimum"])))
        if "maximum" in branch:
            cases.append(("maximum", branch["maximum"] + 1, str(branch["maximum"])))
        if branch.get("minLength", 0) > 0:
            cases.append(("minLength", "", str(branch["minLength"])))
        if "maxLength" in branch:
            cases.append(("maxLength", "a" * (branch["maxLength"] + 1), str(branch["maxLength"])))
        if "pattern" in branch:
            cases.append(("pattern", _not_matching(branch["pattern"]), branch["pattern"]))
        if branch.get("format") == "date-time":
            cases.append(("format", "yesterday", "ISO 8601"))
        if "maxItems" in branch:
            items = [_valid(branch.get("items", {}))] * (branch["maxItems"] + 1)
            cases.append(("maxItems", items, str(branch["maxItems"])))
        if branch.get("minItems", 0) > 0:
            cases.append(("minItems", [], str(branch["minItems"])))
        if branch.get("type") == "array" and isinstance(branch.get("items"), dict):
            for rule, value, word in violations(branch["items"]):
                cases.append((f"items.{rule}", [value], word))
    return cases


def _check(text: str, tool: str, name: str, word: str, required: bool) -> None:
    prefix = f"Error executing tool {tool}: "
    assert text.startswith(prefix), text
    sentence = text.removeprefix(prefix)
    assert "\n" not in sentence and "pydantic" not in sentence.lower(), sentence
    verb = "is required: " if required else "must be "
    assert sentence.startswith(f"{name} {verb}"), sentence
    assert sentence.count(" must be ") + sentence.count(" is required: ") == 1, sentence
    assert sentence.endswith("."), sentence
    assert word in sentence, (word, sentence)
    if not required:
        assert "; got `" in sentence, sentence


async def test_every_schema_constraint_is_refused_in_one_sentence(
    mcp_server, demo: DemoSentry
) -> None:
    base = valid_calls(demo)
    checked: list[str] = []
    async with Client(mcp_server) as client:
        tools = (await client.list_tools()).tools
        assert {t.name for t in tools} == set(base)
        for tool in tools:
            schema = tool.input_schema
            for name, prop in schema["properties"].items():
                for rule, value, word in violations(prop):
                    result = await client.call_tool(tool.name, {**base[tool.name], name: value})
                    assert result.is_error, (tool.name, name, rule, value)
                    _check(text_of(result), tool.name, name, word, required=False)
                    checked.append(f"{tool.name}.{name}.{rule}")
            for name in schema.get("required", []):
                arguments = {k: v for k, v in base[tool.name].items() if k != name}
                result = await client.call_tool(tool.name, arguments)
                assert result.is_error
                word = allowed_values(schema["properties"][name])
                _check(text_of(result), tool.name, name, word, required=True)
                checked.append(f"{tool.name}.{name}.required")
    assert demo.requests == [], "a refused argument must not reach Sentry"
    # every kind of constraint the tools publish was met at least once
    rules = {c.rsplit(".", 1)[1] for c in checked}
    assert {"type", "enum", "minimum", "maximum", "maxLength", "pattern", "required"} <= rules
    assert {"minLength", "format", "maxItems"} <= rules
    assert len(checked) > 60, len(checked)


async def test_several_bad_arguments_get_one_sentence_each(mcp_server, demo: DemoSentry):
    arguments = {"limit": 500, "stats_period": "3 days"}
    async with Client(mcp_server) as client:
        result = await client.call_tool("list_replays", arguments)
    text = text_of(result)
    assert result.is_error
    assert text == (
        "Error executing tool list_replays: stats_period must be text matching the pattern "
        '`^[1-9][0-9]{0,4}[smhdw]$` (e.g. `"24h"`, `"14d"`); got `"3 days"`. limit must be an '
        "integer from 1 to 100; got `500`."
    )
    assert demo.requests == []


def test_allowed_values_read_the_schema():
    assert allowed_values({"type": "integer", "minimum": 0}) == "an integer of at least 0"
    assert allowed_values({"enum": ["summary", "full"], "type": "string"}) == (
        'one of `"summary"`, `"full"`'
    )
    listed = {"type": "array", "maxItems": 25, "items": {"type": "integer", "minimum": 1}}
    assert allowed_values(listed) == "a list with at most 25 items, each an integer of at least 1"
    either = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
    assert allowed_values(either) == "text or a list of text values"
