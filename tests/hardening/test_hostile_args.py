"""Hostile arguments, generated from every tool's published input schema and beyond it: wrong
types, huge strings, unicode, and path tricks ('..', '%2e%2e', '/', '?', '#', NUL, absolute
URLs). Whatever arrives, the answer is a tool result (never a protocol crash or an internal
failure), every upstream request is on the route table with canonical path segments, and no
DELETE is ever sent without the confirmation code issued for that very replay.

Each tool runs against the demo Sentry in both dialects (in process), through the SDK's
in-memory client, driven from hypothesis through a blocking portal so that one MCP session
serves every example.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import Any

import httpx2
import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mcp import Client
from mcp.types import CallToolResult

from sentry_replays_mcp.server.app import build_server
from sentry_replays_mcp.server.config import Settings
from sentry_replays_mcp.server.demo import DemoSentry
from tests.hardening.watch import (
    BUDGET,
    PROJECT,
    SECRET_TOKEN,
    Watch,
    all_text,
    deletes,
    note_exception,
    note_result,
    off_route,
    result_size,
    route_of,
    watched,
)
from tests.tool_calls import TOOL_NAMES

EXAMPLES_PER_DIALECT = 75  # per tool: 150 in all
HEX = "7e07485f12f9416b8b1426260799b51f"
EXAMPLES: Counter[str] = Counter()


@pytest.fixture
def watch() -> Iterator[Watch]:
    yield from watched()


pytestmark = pytest.mark.usefixtures("watch")


@dataclass
class Harness:
    portal: BlockingPortal
    client: Client
    demo: DemoSentry
    schemas: dict[str, dict[str, Any]]

    def call(self, tool: str, arguments: dict[str, Any]) -> CallToolResult:
        """One tool call in the portal's event loop; the result goes to the watch."""
        try:
            result = self.portal.call(self.client.call_tool, tool, arguments)
        except BaseException as exc:
            note_exception(exc)
            raise
        note_result(result)
        return result


@pytest.fixture(scope="module", params=["sentry", "spec"])
def harness(request: pytest.FixtureRequest) -> Iterator[Harness]:
    """One MCP session on our server, which talks to a demo Sentry of that dialect."""
    demo = DemoSentry(dialect=request.param, token=SECRET_TOKEN)
    settings_ = Settings(token=SECRET_TOKEN, url="http://demo.invalid", organization="acme")
    server = build_server(settings_, transport=httpx2.ASGITransport(app=demo.app))
    with (
        start_blocking_portal(backend="asyncio") as portal,
        portal.wrap_async_context_manager(Client(server)) as client,
    ):
        tools = portal.call(client.list_tools).tools
        yield Harness(portal, client, demo, {t.name: t.input_schema for t in tools})


# -- strategies ------------------------------------------------------------------------------

TRICKS = [
    "..", "../..", "./", "%2e%2e", "%2E%2E%2F", "..%2f", "%2f", "%2F", "/", "//", "\\", "..\\..",
    "?", "?x=1", "#", "#frag", "\x00", "%00", " ", "\t", "\n", "\r\n", "", "-", "_", ".",
    "http://evil.example/", "https://evil.example/api/0/organizations/acme/replays/",
    "//evil.example/api/0/", "file:///etc/passwd", "javascript:alert(1)", "ftp://x/",
    "acme/../other", "acme%2f..%2fother", "acme/", "/acme", "acme?x=1", "acme#x", "acme\x00",
    "{org}", "{replay}", "{0}", "%s%s%n", "ａｃｍｅ", "ac\u200bme", "acme\u202e", "ACME", "-acme",
    "acme-", "0", "-1", "1e9", "99999999999999999999999", "checkout/../web-frontend",
    "../../api/0/projects/acme/checkout/replays/" + HEX + "/",
    HEX + "/..", HEX + "/../..", HEX + "?x=1", HEX + "#x", HEX + "%2f..", HEX + "/clicks/",
    HEX.upper(), f"{HEX[:8]}-{HEX[8:12]}-{HEX[12:16]}-{HEX[16:20]}-{HEX[20:]}",
    HEX[:31], HEX + "0", HEX[:31] + "g", HEX + "\x00",
    f"https://acme.sentry.io/replays/{HEX}/", f"https://acme.sentry.io/replays/../{HEX}/",
    f"https://sentry.io/organizations/..%2f/replays/{HEX}/",
    f"https://sentry.io/organizations/acme%2f..%2fx/replays/{HEX}/",
    f"https://evil.example/organizations/acme/replays/{HEX}/?next=http://evil.example",
    f"http://127.0.0.1:1/organizations/acme/replays/{HEX}/",
    "issue.id:[1] OR 1=1", "'; DROP TABLE replays; --", "<script>alert(1)</script>",
    "\x1b[31mred\x1b[0m", "\u202eevil", "😀" * 10,
]  # fmt: skip
HUGE = ["A" * 100_000, "é" * 50_000, "😀" * 30_000, "/.." * 20_000, "%2e" * 30_000]
JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**18, max_value=10**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
)
JUNK = st.recursive(
    JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


def hostile() -> st.SearchStrategy[Any]:
    tricks = st.sampled_from(TRICKS)
    return st.one_of(
        tricks,
        st.sampled_from(HUGE),
        JUNK,
        st.text(min_size=1, max_size=80),
        st.lists(tricks, min_size=1, max_size=4),
    )


def known_valid(name: str, demo: DemoSentry) -> st.SearchStrategy[Any]:
    """Values that pass validation, so that requests are made."""
    replays = [demo.story_replay_id, demo.archived_replay_id, demo.empty_replay_id, HEX]
    pick = {
        "replay_id": st.sampled_from(replays)
        | st.from_regex(r"[0-9a-fA-F]{32}", fullmatch=True)
        | st.sampled_from(replays).map(lambda r: f"https://acme.sentry.io/replays/{r}/"),
        "organization": st.sampled_from(["acme", demo.organization_id, "other-org"]),
        "project": st.sampled_from([PROJECT, "web-frontend", demo.projects[0].id, "nope"]),
        "segment_id": st.integers(min_value=0, max_value=12),
        "issue_ids": st.lists(st.sampled_from([int(i) for i in demo.issue_ids]), max_size=3),
        "replay_ids": st.lists(st.sampled_from(replays), min_size=1, max_size=3),
        "transactions": st.lists(st.sampled_from(["/checkout", "/cart", '"/a"]']), max_size=2),
        "cursor": st.sampled_from(["0:5:0", "0:100:0", "1:0:1"]),
        "around": st.sampled_from(["2:05", "+0:30", "125", "1:02:05"]),
    }
    return pick.get(name, st.nothing())


def from_schema(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values the published schema allows (as far as JSON Schema says)."""
    if "anyOf" in schema:
        return st.one_of([from_schema(s) for s in schema["anyOf"]])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "string":
        if "pattern" in schema:
            return st.from_regex(schema["pattern"])
        if schema.get("format") == "date-time":
            return st.datetimes(timezones=st.just(UTC)).map(lambda d: d.isoformat())
        return st.text(max_size=min(schema.get("maxLength", 60), 60))
    if kind == "integer":
        return st.integers(schema.get("minimum"), schema.get("maximum"))
    if kind == "array":
        items = from_schema(schema.get("items", {}))
        return st.lists(items, max_size=min(schema.get("maxItems", 4), 4))
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    return JUNK


def mutated(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A valid value with a trick glued on either side."""
    return st.builds(
        lambda v, trick, before: (trick + str(v)) if before else (str(v) + trick),
        valid,
        st.sampled_from(TRICKS),
        st.booleans(),
    )


def valid_for(name: str, schema: dict[str, Any], demo: DemoSentry) -> st.SearchStrategy[Any]:
    known = known_valid(name, demo)
    return known if known is not st.nothing() else from_schema(schema)


def hostile_for(name: str, schema: dict[str, Any], demo: DemoSentry) -> st.SearchStrategy[Any]:
    """Anything but what the schema allows, or a valid value with a trick glued on."""
    return st.one_of(hostile(), mutated(valid_for(name, schema, demo)), from_schema(schema))


EXTRA_KEYS = ["consent", "ctx", "confirm", "__proto__", "_meta", "arguments", "x" * 300, "ＩＤ"]


def arguments(tool: str, schema: dict[str, Any], demo: DemoSentry) -> st.SearchStrategy[Any]:
    """A valid call (required arguments, some optional ones) with zero to three arguments
    replaced by hostile values, dropped, or added beyond the schema."""
    props = schema.get("properties", {})
    required = set(schema.get("required", []))
    valid = st.fixed_dictionaries(
        {k: valid_for(k, p, demo) for k, p in props.items() if k in required},
        optional={k: valid_for(k, p, demo) for k, p in props.items() if k not in required},
    )
    names = sorted(props)
    change = st.one_of(
        st.sampled_from(names).flatmap(
            lambda k: st.tuples(st.just(k), hostile_for(k, props[k], demo))
        ),
        st.tuples(st.sampled_from(EXTRA_KEYS), hostile() | JUNK),
        st.tuples(st.sampled_from(names), st.just(DROP)),
    )

    def apply(base: dict[str, Any], changes: list[tuple[str, Any]]) -> dict[str, Any]:
        out = dict(base)
        for key, value in changes:
            if value is DROP:
                out.pop(key, None)
            else:
                out[key] = value
        return out

    return st.builds(apply, valid, st.lists(change, max_size=3))


DROP = object()


# -- the invariants --------------------------------------------------------------------------


def check(harness: Harness, tool: str, args: dict[str, Any]) -> None:
    harness.demo.requests.clear()
    result = harness.call(tool, args)
    EXAMPLES[tool] += 1
    assert isinstance(result, CallToolResult)
    text = all_text(result)
    assert text, result
    assert "Traceback" not in text and "failed unexpectedly" not in text, (args, text)
    if not result.is_error:
        assert result.structured_content is not None, text
    assert result_size(result) <= BUDGET, (args, result_size(result))
    records = list(harness.demo.requests)
    assert not off_route(records), (args, off_route(records))
    assert not deletes(records), (args, records)
    for record in records:
        assert "%" not in record.path and "/../" not in record.path, (args, record)


@pytest.mark.parametrize("tool", TOOL_NAMES)
def test_any_arguments_give_a_result_and_stay_on_the_route_table(harness: Harness, tool: str):
    schema = harness.schemas[tool]
    harness.demo.reset()
    before = EXAMPLES[tool]

    @settings(
        max_examples=EXAMPLES_PER_DIALECT,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )
    @given(args=arguments(tool, schema, harness.demo))
    def run(args: dict[str, Any]) -> None:
        check(harness, tool, args)

    run()
    harness.demo.reset()
    assert EXAMPLES[tool] - before >= EXAMPLES_PER_DIALECT, "hypothesis ran fewer examples"


def test_the_route_table_check_catches_tricks():
    """The checker itself: canonical paths pass, tricks do not."""
    from sentry_replays_mcp.server.demo import RequestRecord

    def record(path: str, method: str = "GET") -> RequestRecord:
        return RequestRecord(method, path, "", 200, True)

    assert route_of(record("/api/0/organizations/acme/replays/")) == "list_replays"
    assert route_of(record(f"/api/0/projects/acme/checkout/replays/{HEX}/", "DELETE"))
    for bad in (
        "/api/0/organizations/%2e%2e/replays/",
        "/api/0/organizations/acme/../replays/",
        "/api/0/organizations/acme/replays/x?y/",
        "/api/0/projects/acme/checkout/replays/{HEX}/",
        "/api/0/organizations/acme/replays/" + HEX + "/events/",
        "/api/1/organizations/acme/replays/",
    ):
        assert route_of(record(bad)) is None, bad
    assert route_of(record("/api/0/organizations/acme/replays/", "DELETE")) is None


# -- delete safety ---------------------------------------------------------------------------


def _flip(code: str, index: int) -> str:
    expires, _, signature = code.partition("-")
    i = index % len(signature)
    other = "0" if signature[i] != "0" else "1"
    return f"{expires}-{signature[:i]}{other}{signature[i + 1 :]}"


def _wrong_codes(code: str) -> st.SearchStrategy[str]:
    expires, _, signature = code.partition("-")
    later = f"{int(expires, 16) + 3600:x}-{signature}"
    return st.one_of(
        st.integers(0, 63).map(lambda i: _flip(code, i)),
        st.just(later),
        st.just(code[:-1]),
        st.just(code + "0"),
        st.just(signature),
        st.just(f"{expires}-"),
        st.just(code.replace("-", "")),
        st.from_regex(r"[0-9a-f]{8}-[0-9a-f]{12}", fullmatch=True),
        st.text(min_size=1, max_size=64),
        st.sampled_from([t for t in TRICKS if t.strip()]),
    )


def test_no_delete_without_the_code_for_that_replay(harness: Harness):
    """Random codes, codes one character off, expired-looking codes, and the right code for
    another replay, project argument or organization: none deletes anything."""
    demo = harness.demo
    demo.reset()
    story = demo.story_replay_id
    other = next(r.id for r in demo.data.replays if r.id != story and r.project.slug == PROJECT)
    preview = harness.call("delete_replay", {"replay_id": story})
    assert not preview.is_error, all_text(preview)
    code = preview.structured_content["confirmation_code"]
    archived = set(demo.data.deleted)  # the demo's own archived replay
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{8}-[0-9a-f]{12}", code), code

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        confirm=_wrong_codes(code) | st.just(code),
        target=st.sampled_from(
            [
                {"replay_id": story},
                {"replay_id": other},
                {"replay_id": story, "project": PROJECT},
                {"replay_id": story, "organization": demo.organization_id},
                {"replay_id": f"https://acme.sentry.io/replays/{other}/"},
            ]
        ),
    )
    def run(confirm: str, target: dict[str, Any]) -> None:
        if confirm == code and target == {"replay_id": story}:
            return  # the one valid combination: the positive control below
        demo.requests.clear()
        result = harness.call("delete_replay", {**target, "confirm": confirm})
        EXAMPLES["delete_replay (codes)"] += 1
        text = all_text(result)
        if result.is_error:  # our refusal, or the schema's (a code is at most 64 characters)
            assert (
                "Nothing was deleted" in text
                or "confirm must be text of at most 64 characters" in text
            ), text
        else:  # a confirm the SDK reads as no value at all ("", "null"): a preview
            assert result.structured_content["deleted"] is False, (confirm, text)
        assert not deletes(demo.requests), (target, confirm)
        assert demo.data.deleted == archived

    run()
    # The positive control: the code deletes that replay, once.
    demo.requests.clear()
    done = harness.call("delete_replay", {"replay_id": story, "confirm": code})
    assert not done.is_error and done.structured_content["deleted"] is True, all_text(done)
    assert len(deletes(demo.requests)) == 1
    demo.reset()
