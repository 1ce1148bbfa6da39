"""What the server offers beyond tools: prompts, `sentry-replay://` resources and argument
completion. `install(server, ...)` adds them to a server built on `FeatureServer`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mcp import MCPError
from mcp.server.lowlevel.helper_types import ReadResourceContents
from mcp.server.mcpserver import Context, MCPServer
from mcp.types import (
    INVALID_PARAMS,
    CompleteRequestParams,
    CompleteResult,
    GetPromptResult,
    InputRequiredResult,
)
from mcp.types import Resource as ListedResource

from sentry_replays_mcp.tools.api import ids
from sentry_replays_mcp.tools.api.errors import SentryError
from sentry_replays_mcp.tools.kit.state import ToolState

from .completion import Completer
from .prompts import PROMPTS
from .resources import JSON, MARKDOWN, RECENT_URI, TEMPLATES, Reading

__all__ = ["FeatureServer", "install"]


class FeatureServer(MCPServer[ToolState]):
    """The SDK's server, except that a replay resource's structured facts go out as a second
    content item, and the default organization's newest replays are listed as a resource."""

    listed_organization: str | None = None
    completer: Completer | None = None

    async def read_resource(
        self, uri: Any, context: Context[ToolState, Any] | None = None
    ) -> Iterable[ReadResourceContents] | InputRequiredResult:
        found = await super().read_resource(uri, context)
        if isinstance(found, InputRequiredResult):
            return found
        out = []
        for item in found:
            out.append(item)
            if isinstance(item.content, Reading) and item.content.facts is not None:
                out.append(ReadResourceContents(content=item.content.facts, mime_type=JSON))
        return out

    async def get_prompt(
        self,
        name: str,
        arguments: dict[str, Any] | None = None,
        context: Context[ToolState, Any] | None = None,
    ) -> GetPromptResult | InputRequiredResult:
        """The SDK's, except that an unknown prompt or a missing argument is one sentence as
        invalid params (the SDK reports them as a bare ValueError)."""
        prompt = self._prompt_manager.get_prompt(name)
        if prompt is None:
            known = ", ".join(p.name for p in self._prompt_manager.list_prompts())
            raise MCPError(
                INVALID_PARAMS, f"Unknown prompt {name[:60]!r}: the prompts are {known}."
            )
        missing = [
            a.name for a in prompt.arguments or [] if a.required and a.name not in (arguments or {})
        ]
        if missing:
            raise MCPError(INVALID_PARAMS, f"Prompt {name} needs {' and '.join(missing)}.")
        return await super().get_prompt(name, arguments, context)

    async def list_resources(self) -> list[ListedResource]:
        listed = await super().list_resources()
        org = self.listed_organization
        if org is None:
            return listed
        template = TEMPLATES[0]
        return [
            *listed,
            ListedResource(
                uri=RECENT_URI.format(organization=org),
                name=f"recent_replays_{org}",
                title=f"Newest replays of {org}",
                description=template["description"],
                mime_type=MARKDOWN,
            ),
        ]


def install(server: FeatureServer, organization: str | None) -> None:
    """Add the prompts, resource templates and completion handler; `organization` (the
    default one) is listed by resources/list."""
    for prompt in PROMPTS:
        server.add_prompt(prompt)
    for template in TEMPLATES:
        server.resource(
            template["uri"],
            name=template["name"],
            title=template["title"],
            description=template["description"],
            mime_type=MARKDOWN,
        )(template["fn"])
    try:
        server.listed_organization = ids.organization(organization) if organization else None
    except SentryError:  # a malformed default is refused by the tools; nothing to list
        server.listed_organization = None
    completer = Completer({p.name for p in PROMPTS}, {t["uri"] for t in TEMPLATES})

    async def complete(ctx: Any, params: CompleteRequestParams) -> CompleteResult:
        return await completer.complete(state_of_request(ctx), params)

    # The SDK's `completion()` decorator does not pass the request context, which holds the
    # shared Sentry client; the handler is registered on the low-level server instead.
    server._lowlevel_server.add_request_handler(
        "completion/complete", CompleteRequestParams, complete
    )
    server.completer = completer


def state_of_request(ctx: Any) -> ToolState:
    found = ctx.lifespan_context
    if not isinstance(found, ToolState):  # pragma: no cover - a wiring mistake
        raise RuntimeError("the server's lifespan did not provide a ToolState")
    return found
