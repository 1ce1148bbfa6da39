"""Phase 1 of `benchmarks.compare`: `tools/list` and the size of each task's result."""

from __future__ import annotations

from typing import Any

from benchmarks import tasks as T
from benchmarks.common import BY_NAME, timed_call
from benchmarks.summarize_long_replay import BenchError


async def tool_listings(clients: dict[str, Any]) -> dict[str, Any]:
    """Each side's tool definitions as the SDK client received them, with their sizes."""
    out: dict[str, Any] = {}
    for name, client in clients.items():
        listing = await client.list_tools()
        tools = [t.model_dump(by_alias=True, exclude_none=True, mode="json") for t in listing.tools]
        out[name] = {"raw": tools, **T.tool_sizes(tools)}
    return out


def check_peer(tools: dict[str, Any], scenario: T.Scenario) -> None:
    """Print the peer's tools/list and fail when a task's tool or argument is not in it."""
    peer_tools = {t["name"]: t for t in tools["peer"]["raw"]}
    print("The peer's tools/list (name: arguments; * = required):")
    for tool in peer_tools.values():
        schema = tool.get("inputSchema", {})
        required = set(schema.get("required", []))
        names = [p + ("*" if p in required else "") for p in schema.get("properties", {})]
        print(f"  {tool['name']}: {', '.join(names)}")
    problems = T.check_peer_tools(peer_tools, scenario.tasks)
    if problems:
        raise BenchError("; ".join(problems))


async def result_sizes(clients: dict[str, Any], scenario: T.Scenario) -> dict[str, Any]:
    """Sizes of the first call of each task (it also warms caches up)."""
    out: dict[str, Any] = {}
    for task in scenario.tasks:
        out[task.key] = {}
        for name, client in clients.items():
            call = BY_NAME[name].call(task)
            _, result = await timed_call(client, call)
            size = T.size_of(result)
            if task.key == "list":
                for field, text in (
                    ("ids_in_text", T.text_of(result)),
                    ("ids_in_structured", T.compact(result.structured_content or {})),
                ):
                    size[field] = len(T.ids_present(text, scenario.list_ids))
            out[task.key][name] = size
            if size["is_error"]:
                raise BenchError(f"{name} {call.tool}: {T.text_of(result)[:300]}")
        if task.key == "list":
            out["list"]["expected_ids"] = len(scenario.list_ids)
    return out


def add_what_ifs(tools: dict[str, Any]) -> None:
    """Each side's tools/list sizes under changes that keep every description."""
    for listing in tools.values():
        listing["what_ifs"] = T.what_ifs(listing["raw"])
