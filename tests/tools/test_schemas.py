"""Published schemas are lean; validation still accepts what it did."""

import pytest
from mcp import Client

from sentry_replays_mcp.server.demo import DemoSentry
from sentry_replays_mcp.tools.kit.schemas import compact
from tests.conftest import text_of

pytestmark = pytest.mark.anyio


def test_titles_and_null_branches_go_properties_named_title_stay():
    schema = {
        "title": "Args",
        "type": "object",
        "properties": {
            "title": {"title": "Title", "type": "string"},
            "limit": {
                "anyOf": [{"type": "integer"}, {"type": "null"}],
                "default": None,
                "description": "How many",
                "title": "Limit",
            },
            "either": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
        },
        "$defs": {"Row": {"title": "Row", "properties": {"id": {"title": "Id", "type": "string"}}}},
    }
    assert compact(schema) == {
        "type": "object",
        "properties": {
            "title": {"type": "string"},
            "limit": {"type": "integer", "description": "How many"},
            "either": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
        },
        "$defs": {"Row": {"properties": {"id": {"type": "string"}}}},
    }


@pytest.fixture
def dialect() -> str:
    return "sentry"


async def test_an_explicit_null_argument_is_still_accepted(mcp_server, demo: DemoSentry):
    async with Client(mcp_server) as client:
        tool = next(t for t in (await client.list_tools()).tools if t.name == "list_replays")
        assert "anyOf" not in tool.input_schema["properties"]["cursor"]
        result = await client.call_tool("list_replays", {"limit": 2, "cursor": None, "query": None})
    assert not result.is_error, text_of(result)
