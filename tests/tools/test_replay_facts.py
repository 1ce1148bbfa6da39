"""What get_replay and list_replays say about a replay's client, release, linked errors and
counts: each fact once, in plain words, and nothing the data does not hold."""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client

from sentry_replays_mcp.server.app import INSTRUCTIONS
from sentry_replays_mcp.server.demo import DemoSentry
from sentry_replays_mcp.tools.kit.facts import replay_link
from tests.conftest import text_of

pytestmark = pytest.mark.anyio
HEX = "7e07485f12f9416b8b1426260799b51f"
LIST = r"organizations/[^/]+/replays/$"
DETAILS = rf"replays/{HEX}/$"
EVENTS = r"replays-events-meta/$"


@pytest.fixture
def dialect() -> str:
    return "sentry"


def replay(**fields: Any) -> dict[str, Any]:
    """A replay as sentry.io sends it (getsentry/sentry src/sentry/replays/post_process.py,
    OAS `getOrganizationReplay`), with `fields` replaced."""
    row = {
        "id": HEX,
        "project_id": "4505321021243392",
        "started_at": "2026-11-30T10:00:00+00:00",
        "finished_at": "2026-11-30T10:09:36+00:00",
        "duration": 576,
        "count_errors": 0,
        "count_rage_clicks": 0,
        "count_dead_clicks": 0,
        "count_segments": 3,
        "urls": ["https://app.example.com/checkout"],
        "error_ids": [],
        "trace_ids": [],
        "tags": {},
        "user": {"id": "42", "display_name": "a@b.c", "email": "a@b.c"},
        "browser": {"name": "Chrome", "version": "128.0.6613"},
        "os": {"name": "Mac OS X", "version": "14.6"},
        "device": {"name": None, "brand": "Apple", "model": "Mac", "family": "Mac"},
        "sdk": {"name": "sentry.javascript.react", "version": "8.30.0"},
        "environment": "production",
        "platform": "javascript",
        "releases": [],
        "is_archived": False,
        "replay_type": "session",
    }
    return {**row, **fields}


# Mobile replays: no browser; the platform is the SDK's (android, cocoa); the device and
# OS come from the app's contexts (getsentry/sentry-java sentry-android-replay
# ReplayIntegration / sentry-cocoa SentrySessionReplay send them as a replay event).
ANDROID = replay(
    platform="android",
    browser={"name": None, "version": None},
    os={"name": "Android", "version": "14"},
    device={
        "name": "Samsung SM-S918B",
        "brand": "Samsung",
        "model": "SM-S918B",
        "family": "Samsung SM-S918B",
    },
    sdk={"name": "sentry.java.android", "version": "7.14.0"},
    urls=[],
)
IOS = replay(
    platform="cocoa",
    browser={"name": None, "version": None},
    os={"name": "iOS", "version": "17.5.1"},
    device={"name": "iPhone", "brand": "Apple", "model": "iPhone15,2", "family": "iOS"},
    sdk={"name": "sentry.cocoa", "version": "8.36.0"},
    urls=[],
)


def _client_line(text: str) -> str:
    return next(line for line in text.splitlines() if line.startswith("- Client: "))


async def _get(server: Any, demo: DemoSentry, body: dict[str, Any]) -> str:
    demo.faults.add(path=DETAILS, status=200, body={"data": body}, times=None)
    async with Client(server) as client:
        result = await client.call_tool("get_replay", {"replay_id": HEX})
    assert not result.is_error, text_of(result)
    return text_of(result)


async def test_a_desktop_client_is_said_once_without_stray_code_spans(mcp_server, demo):
    line = _client_line(await _get(mcp_server, demo, replay()))
    assert line == "- Client: `Chrome 128.0.6613` on `Mac OS X 14.6`, `Apple Mac`"


@pytest.mark.parametrize(
    "body,expected",
    [
        (ANDROID, "- Client: Android app on `Android 14`, `Samsung SM-S918B`"),
        (IOS, "- Client: iOS app on `iOS 17.5.1`, `Apple iPhone iPhone15,2`"),
        (
            replay(device={"family": "Mac"}),
            "- Client: `Chrome 128.0.6613` on `Mac OS X 14.6`, `Mac`",
        ),
    ],
)
async def test_a_mobile_client_names_its_platform_device_and_os(mcp_server, demo, body, expected):
    text = await _get(mcp_server, demo, body)
    assert _client_line(text) == expected
    assert text.count("SM-S918B") == (1 if body is ANDROID else 0)


async def test_mobile_rows_in_the_list_show_device_and_os(mcp_server, demo):
    rows = [ANDROID, {**IOS, "id": "1" * 32}, {**replay(), "id": "2" * 32}]
    demo.faults.add(path=LIST, status=200, body={"data": rows})
    async with Client(mcp_server) as client:
        result = await client.call_tool("list_replays", {})
    lines = text_of(result).splitlines()
    assert next(x for x in lines if x.startswith(HEX)).endswith(",`Samsung SM-S918B`/`Android`")
    assert next(x for x in lines if x.startswith("1" * 32)).endswith(
        ",`Apple iPhone iPhone15,2`/`iOS`"
    )
    assert next(x for x in lines if x.startswith("2" * 32)).endswith(",`Chrome`/`Mac OS X`")
    assert "field=device" in demo.requests[-1].query and "field=platform" in demo.requests[-1].query


async def test_unknown_counts_in_rows_are_not_zero(mcp_server, demo):
    row = replay(count_errors=1, count_rage_clicks=None, count_dead_clicks=None)
    demo.faults.add(path=LIST, status=200, body={"data": [row]})
    async with Client(mcp_server) as client:
        text = text_of(await client.call_tool("list_replays", {}))
    assert ",1/–/–," in text and "/?" not in text
    assert "– means Sentry did not send this count: it is unknown, not zero." in text


async def test_the_release_is_read_from_the_tags_when_the_field_is_empty(mcp_server, demo):
    body = replay(releases=[], tags={"release": ["shop@2.0.1"]})
    text = await _get(mcp_server, demo, body)
    assert "release `shop@2.0.1`" in text.split("## ", 2)[1]  # in the summary, not only the tags


async def test_linked_errors_name_their_issue_and_title(mcp_server, demo: DemoSentry):
    async with Client(mcp_server) as client:
        result = await client.call_tool("get_replay", {"replay_id": demo.story_replay_id})
    text = text_of(result)
    errors = text.split("## Linked errors", 1)[1].splitlines()[1:3]
    assert all(line.startswith("- issue ") and "(id " in line for line in errors), errors
    assert all("`TypeError" in line and " · event " in line for line in errors), errors
    linked = result.structured_content["linked_errors"]
    assert {e["event_id"] for e in linked} == set(result.structured_content["error_ids"])
    assert all(e["issue_id"] and e["title"] for e in linked)


async def test_linked_errors_without_their_details_are_said_so(mcp_server, demo: DemoSentry):
    demo.faults.add(path=EVENTS, status=403, body={"detail": "no"}, times=None)
    async with Client(mcp_server) as client:
        result = await client.call_tool("get_replay", {"replay_id": demo.story_replay_id})
    text = text_of(result)
    assert not result.is_error, text
    assert "(Sentry did not tell these events' issues and titles.)" in text
    assert all(f"- event {e}" in text for e in result.structured_content["error_ids"])


async def test_the_replay_links_to_sentry_and_points_to_summarize_replay(mcp_server, demo):
    async with Client(mcp_server) as client:
        result = await client.call_tool("get_replay", {"replay_id": demo.story_replay_id})
    text = text_of(result)
    link = f"http://demo.invalid/organizations/{demo.organization}/replays/{demo.story_replay_id}/"
    assert f"Open in Sentry: {link}" in text and result.structured_content["url"] == link
    next_hint = f"Next: summarize_replay with replay_id {demo.story_replay_id}"
    assert text.splitlines()[-1].startswith(next_hint)
    tools = {t.name: t for t in (await _tools(mcp_server))}
    assert "summarize_replay" in tools["get_replay"].description
    assert "summarize_replay" in INSTRUCTIONS


async def _tools(server: Any) -> list[Any]:
    async with Client(server) as client:
        return list((await client.list_tools()).tools)


@pytest.mark.parametrize(
    "api,expected",
    [
        ("https://sentry.io/api/0/", f"https://acme.sentry.io/replays/{HEX}/"),
        ("https://us.sentry.io/api/0/", f"https://acme.sentry.io/replays/{HEX}/"),
        (
            "https://sentry.example.com/api/0/",
            f"https://sentry.example.com/organizations/acme/replays/{HEX}/",
        ),
        (
            "https://example.com/sentry/api/0/",
            f"https://example.com/sentry/organizations/acme/replays/{HEX}/",
        ),
    ],
)
def test_replay_links(api: str, expected: str) -> None:
    assert replay_link(api, "acme", HEX) == expected
