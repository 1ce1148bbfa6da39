"""An agent framework (the OpenAI Agents SDK, `openai-agents`) consuming the real program, with
no LLM and no network: its MCP clients list and call the tools over stdio and streamable HTTP,
and a whole agent run goes through the Runner with a scripted stand-in for the model."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any

import anyio
import pytest
from agents import Agent, FunctionTool, RunConfig, Runner
from agents.items import ModelResponse
from agents.mcp import MCPServer, MCPServerStdio, MCPServerStreamableHttp
from agents.models.interface import Model
from agents.usage import Usage
from openai.types.responses import (
    ResponseFunctionToolCall,
    ResponseOutputMessage,
    ResponseOutputText,
)

from tests.conftest import text_of
from tests.e2e.program import ALL_TOOLS, KNOWN_REPLAY, ROOT, Running, running_server

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def http_server() -> Iterator[Running]:
    with running_server("streamable-http") as server:
        yield server


def stdio_server() -> MCPServerStdio:
    return MCPServerStdio(
        params={
            "command": sys.executable,
            "args": ["-m", "sentry_replays_mcp.server", "--demo"],
            "cwd": str(ROOT),
        },
        name="sentry-replays",
        client_session_timeout_seconds=30,
    )


def http_client(server: Running) -> MCPServerStreamableHttp:
    return MCPServerStreamableHttp(
        params={"url": server.endpoint, "timeout": 10},
        name="sentry-replays",
        client_session_timeout_seconds=30,
    )


@pytest.mark.parametrize("transport", ["stdio", "streamable-http"])
async def test_the_framework_lists_and_calls_the_tools(transport: str, http_server: Running):
    mcp: MCPServer = stdio_server() if transport == "stdio" else http_client(http_server)
    with anyio.fail_after(30):
        async with mcp:
            tools = await mcp.list_tools()
            result = await mcp.call_tool("list_replays", {"limit": 2})
    assert {t.name for t in tools} == ALL_TOOLS
    assert not result.is_error, text_of(result)
    replays = result.structured_content["replays"]
    assert len(replays) == 2
    assert all(r["id"] in text_of(result) for r in replays)


class ScriptedModel(Model):
    """Stands in for the LLM: first asks for get_replay on the known replay, then answers with
    what the tool returned. Records what the Runner offered it."""

    def __init__(self) -> None:
        self.offered: list[FunctionTool] = []
        self.tool_output: Any = None

    async def get_response(self, system_instructions, input, model_settings, tools, *_a, **_k):  # type: ignore[no-untyped-def]
        if not self.offered:
            self.offered = [t for t in tools if isinstance(t, FunctionTool)]
            call = ResponseFunctionToolCall(
                type="function_call",
                id="fc_1",
                call_id="call_1",
                name="get_replay",
                arguments=json.dumps({"replay_id": KNOWN_REPLAY}),
                status="completed",
            )
            return ModelResponse(output=[call], usage=Usage(), response_id=None)
        (self.tool_output,) = [
            item["output"]
            for item in input
            if isinstance(item, dict) and item.get("type") == "function_call_output"
        ]
        answer = ResponseOutputMessage(
            type="message",
            id="msg_1",
            role="assistant",
            status="completed",
            content=[ResponseOutputText(type="output_text", text="done", annotations=[])],
        )
        return ModelResponse(output=[answer], usage=Usage(), response_id=None)

    def stream_response(self, *_a: Any, **_k: Any) -> Any:
        raise NotImplementedError


async def test_an_agent_run_uses_the_tools_without_an_llm(http_server: Running):
    model = ScriptedModel()
    with anyio.fail_after(30):
        async with http_client(http_server) as mcp:
            agent = Agent(
                name="replays",
                instructions="Help with replays.",
                model=model,
                mcp_servers=[mcp],
                mcp_config={"convert_schemas_to_strict": True},  # OpenAI's strict tool mode
            )
            result = await Runner.run(
                agent,
                "What happened in the checkout replay?",
                max_turns=3,
                run_config=RunConfig(tracing_disabled=True),
            )
    assert result.final_output == "done"
    assert {t.name for t in model.offered} == ALL_TOOLS
    not_strict = [t.name for t in model.offered if not t.strict_json_schema]
    assert not_strict == [], "these input schemas cannot be used in OpenAI's strict mode"
    text = json.dumps(model.tool_output, ensure_ascii=False)  # what the model reads
    assert f"Replay {KNOWN_REPLAY} (organization acme" in text
