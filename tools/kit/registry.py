"""Tool definitions kept together (name, description, annotations, handler), and the SDK
tools built from them. Annotations are the single source of truth for safety:
read-only mode drops every tool that is not annotated read-only."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.tools import Tool
from mcp.types import ToolAnnotations
from pydantic import ValidationError

from sentry_replays_mcp.tools.kit.arguments import refused
from sentry_replays_mcp.tools.kit.causes import named_causes
from sentry_replays_mcp.tools.kit.errors import tool_errors
from sentry_replays_mcp.tools.kit.schemas import compact

READ = ToolAnnotations(
    read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=True
)
DESTRUCTIVE = ToolAnnotations(
    read_only_hint=False, destructive_hint=True, idempotent_hint=True, open_world_hint=True
)


@dataclass(frozen=True)
class ToolSpec:
    name: str
    title: str
    description: str
    annotations: ToolAnnotations
    handler: Callable[..., Any]

    @property
    def read_only(self) -> bool:
        return self.annotations.read_only_hint is True


class CheckedTool(Tool):
    """The SDK's tool, whose refused arguments are told as one sentence per argument (what
    was given and what the published schema allows) instead of the validator's dump."""

    async def run(
        self, arguments: dict[str, Any], context: Any, convert_result: bool = False
    ) -> Any:
        try:
            return await super().run(arguments, context, convert_result=convert_result)
        except ToolError as error:
            cause = error.__cause__
            if not (
                isinstance(cause, ValidationError)
                and cause.title == self.fn_metadata.arg_model.__name__
            ):
                raise
            sentence = refused(cause, arguments, self.parameters)
            raise ToolError(f"Error executing tool {self.name}: {sentence}") from cause


def define(
    registry: list[ToolSpec], *, title: str, description: str, annotations: ToolAnnotations = READ
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: wrap the handler's errors and add the tool to a group's registry."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        registry.append(
            ToolSpec(
                fn.__name__, title, description.strip(), annotations, tool_errors(named_causes(fn))
            )
        )
        return fn

    return decorate


def build_tools(specs: Sequence[ToolSpec], *, read_only: bool) -> list[Tool]:
    """The SDK's tools for these definitions (only the read-only ones in read-only mode),
    with lean published schemas."""
    tools = []
    for spec in specs:
        if read_only and not spec.read_only:
            continue
        tool = CheckedTool.from_function(
            spec.handler,
            name=spec.name,
            title=spec.title,
            description=spec.description,
            annotations=spec.annotations,
        )
        tool.parameters = compact(tool.parameters)
        if tool.fn_metadata.output_schema is not None:
            tool.fn_metadata.output_schema = compact(tool.fn_metadata.output_schema)
        tools.append(tool)
    return tools
