"""Refused arguments in plain words: one sentence per argument, naming it, what was given
and what its published schema allows, instead of the validator's dump.

The allowed values are read from the tool's input schema (the one clients are shown), so
the sentence and the schema cannot drift apart.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from sentry_replays_mcp.tools.kit import text as r

_NAMES = {
    "string": "text",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
}


def refused(error: ValidationError, arguments: dict[str, Any], schema: dict[str, Any]) -> str:
    """The sentences for every argument `error` names, in the order the schema lists them."""
    properties = schema.get("properties", {})
    named = {str(e["loc"][0]) for e in error.errors() if e.get("loc")}
    order = [name for name in properties if name in named] + sorted(named - set(properties))
    return " ".join(
        _sentence(name, properties.get(name), name in arguments, arguments.get(name))
        for name in order
    )


def _sentence(name: str, prop: dict[str, Any] | None, given: bool, value: Any) -> str:
    if prop is None:
        return f"{name} is not an argument of this tool; got {_shown(value)}."
    allowed = allowed_values(prop)
    if not given:
        return f"{name} is required: {allowed}."
    return f"{name} must be {allowed}; got {_shown(value)}."


def _shown(value: Any) -> str:
    try:
        written = json.dumps(value, ensure_ascii=False, default=str)
    except ValueError:  # pragma: no cover - arguments arrive as JSON
        written = repr(value)
    return r.code(written, 60)


def allowed_values(prop: dict[str, Any]) -> str:
    """'an integer from 1 to 100', 'one of `summary`, `full`', … for one schema."""
    branches = [b for b in prop.get("anyOf", [prop]) if b.get("type") != "null"]
    described = [_one(branch) for branch in branches] or ["null"]
    text = " or ".join(described)
    examples = prop.get("examples")
    if examples:
        text += " (e.g. " + ", ".join(r.code(json.dumps(e)) for e in examples[:3]) + ")"
    return text


def _one(schema: dict[str, Any]) -> str:
    if "enum" in schema:
        return "one of " + ", ".join(r.code(json.dumps(v)) for v in schema["enum"])
    kind = schema.get("type")
    if kind == "array":
        return _array(schema)
    if kind in ("integer", "number"):
        return _NAMES[kind] + _range(schema.get("minimum"), schema.get("maximum"), "")
    if kind == "string":
        return _string(schema)
    return _NAMES.get(str(kind), f"a value of the published schema ({kind})")


def _range(low: Any, high: Any, unit: str) -> str:
    if low is not None and high is not None:
        return f" from {low} to {high}{unit}"
    if low is not None:
        return f" of at least {low}{unit}"
    if high is not None:
        return f" of at most {high}{unit}"
    return ""


def _string(schema: dict[str, Any]) -> str:
    if schema.get("format") == "date-time":
        text = "an ISO 8601 date-time such as `2026-11-25T14:00:00Z`"
    else:
        text = "text"
        low = schema.get("minLength")
        low = None if low in (None, 0) else low
        length = _range(low, schema.get("maxLength"), " characters")
        text += length.replace(" from ", " of ", 1)
    pattern = schema.get("pattern")
    if pattern:
        text += f" matching the pattern {r.code(pattern)}"
    return text


def _array(schema: dict[str, Any]) -> str:
    low = schema.get("minItems")
    high = schema.get("maxItems")
    count = _range(low, high, " items").replace(" of ", " with ", 1).replace(" from ", " of ")
    items = schema.get("items")
    each = _one(items) if isinstance(items, dict) and items else None
    if each == "text":
        return f"a list of text values{count}"
    return f"a list{count}" + (f", each {each}" if each else "")
