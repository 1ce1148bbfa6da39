"""Leaner published schemas: what pydantic generates, less what says nothing to a model.

- `title` keywords (pydantic derives them from the names: "Replay Id" for `replay_id`);
- `anyOf: [X, {"type": "null"}]` with `default: null` becomes X: an optional argument is one
  that is not required, and results leave empty fields out instead of sending null.

Only the advertised schemas change; arguments and results are still validated by the
pydantic models they came from, which accept null as before.
"""

from __future__ import annotations

from typing import Any

_SCHEMA_MAPS = ("properties", "$defs", "definitions", "patternProperties")
_SCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
_SCHEMA_ONE = ("items", "additionalProperties", "not", "contains")


def compact(schema: Any) -> Any:
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "title":
            continue
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: compact(sub) for name, sub in value.items()}
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            out[key] = [compact(sub) for sub in value]
        elif key in _SCHEMA_ONE:
            out[key] = compact(value)
        else:
            out[key] = value
    return _drop_null_branch(out)


def _drop_null_branch(schema: dict[str, Any]) -> dict[str, Any]:
    branches = schema.get("anyOf")
    if not isinstance(branches, list) or len(branches) != 2 or schema.get("default") is not None:
        return schema
    kept = [b for b in branches if b != {"type": "null"}]
    if len(kept) != 1 or not isinstance(kept[0], dict):
        return schema
    merged = {k: v for k, v in schema.items() if k not in ("anyOf", "default")}
    return {**kept[0], **merged}
