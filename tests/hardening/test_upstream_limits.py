"""The limits on what Sentry (or whatever answers instead) sends, and on what a result holds:
the bounded decoder against the standard one, its depth, row and object caps, rows that are
not replays, a query too long to send (a project list of 20,000), and the result budget over
structured content in UTF-8 bytes."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client
from pydantic import BaseModel

from sentry_replays_mcp.server.app import build_server
from sentry_replays_mcp.server.config import Settings
from sentry_replays_mcp.server.demo import DemoSentry
from sentry_replays_mcp.tools.api import decoding
from sentry_replays_mcp.tools.api.decoding import (
    MAX_DEPTH,
    MEMBER_CAP,
    ROW_CAP,
    Unreadable,
    decode_bounded,
    decode_large,
    decode_small,
    rows_total,
    without_lone_surrogates,
)
from sentry_replays_mcp.tools.api.errors import UpstreamError
from sentry_replays_mcp.tools.api.lenient import LIST_CAP
from sentry_replays_mcp.tools.api.models import Replay, ReplayCounts, parse_list
from sentry_replays_mcp.tools.kit.answer import CUT_NOTE, answer
from tests.hardening.watch import BUDGET, SECRET_TOKEN, all_text, call, watching

DOCUMENTS: list[Any] = [
    {"data": [{"id": "a" * 32, "n": -1.5e-3, "ok": True, "no": False, "none": None}]},
    [1, 0, -0, 12.5, 1e300, -7, [], {}, [[]], {"a": {"b": [1, {"c": "d"}]}}],
    {"text": 'quote " backslash \\ slash / \b\f\n\r\t \u0000 \u00e9 \U0001f600 \ud800'},
    "a bare string",
    12345,
    None,
    {"": {"": [""]}},
    [-1, -0.5, 1e400, -1e400],
]


@pytest.mark.parametrize("document", DOCUMENTS)
def test_the_large_body_decoders_read_what_the_standard_one_reads(document):
    """(the fast one drops lone surrogates, which the sanitiser would remove anyway)"""
    raw = json.dumps(document).encode()
    assert decode_bounded(raw) == json.loads(raw) == decode_small(raw)
    assert decode_large(raw) == json.loads(without_lone_surrogates(raw))
    spaced = json.dumps(document, indent=3).encode()
    assert decode_bounded(spaced) == json.loads(spaced)
    assert decode_large(spaced) == json.loads(without_lone_surrogates(spaced))


@pytest.mark.parametrize(
    "raw",
    [b"[1, 2", b"[1, 2]]", b'{"a" 1}', b"[01]", b"nul", b'["\x01"]', b"\xff", b"", b"[,]", b"-x"],
)
def test_malformed_bodies_are_refused_by_both_decoders(raw):
    """(and NaN and the infinities, which the standard decoder reads, are read by both)"""
    assert str(decode_large(b"[NaN, Infinity, -Infinity]")) == "[nan, inf, -inf]"
    for decode in (decode_small, decode_large, decode_bounded):
        with pytest.raises(Unreadable):
            decode(raw)


def test_nesting_is_refused_beyond_the_depth_limit_at_any_size():
    fine = b"[" * MAX_DEPTH + b"]" * MAX_DEPTH
    assert decode_large(fine) == json.loads(fine)
    for levels in (MAX_DEPTH + 1, 100_000):
        deep = b"[" * levels + b"]" * levels
        with pytest.raises(Unreadable, match="nested more than"):
            decode_large(deep)
    with pytest.raises(Unreadable, match="nested more than"):
        decode_small(b"[" * 50_000 + b"]" * 50_000)  # the standard decoder's recursion


def test_rows_past_the_cap_are_counted_not_kept():
    raw = b'{"data":[' + b",".join([b'{"id":1}'] * (ROW_CAP * 3)) + b"]}"
    for decode in (decode_small, decode_large, decode_bounded):
        rows = decode(raw)["data"]
        assert len(rows) == ROW_CAP and rows_total(rows) == ROW_CAP * 3


def test_members_and_list_items_past_their_caps_are_not_kept():
    wide = decode_large(json.dumps({f"k{i}": [i] for i in range(MEMBER_CAP * 5)}).encode())
    assert len(wide) == MEMBER_CAP and wide["k0"] == [0]
    counts = ReplayCounts.parse({"data": {str(i): 3 for i in range(LIST_CAP * 50)}})
    assert len(counts.counts) == LIST_CAP
    replay = Replay.model_validate(
        {
            "id": "a" * 32,
            "urls": ["/x"] * (LIST_CAP * 50),
            "tags": {str(i): [] for i in range(LIST_CAP * 50)},
        }
    )
    assert len(replay.urls) == LIST_CAP and len(replay.tags) == LIST_CAP


def test_objects_past_the_cap_are_read_but_not_kept(monkeypatch):
    monkeypatch.setattr(decoding, "NODE_CAP", 10)
    for decode in (decode_large, decode_bounded):
        found = decode(json.dumps([[[i]] for i in range(50)]).encode())
        assert len(found) == 50  # the rows themselves (in the list) ...
        assert sum(1 for row in found if row) < 10  # ... most of them empty once the cap is hit


def test_rows_that_are_not_replays_are_said_to_be_so():
    body = decode_large(b'{"data":[' + b",".join([b"{}"] * 333_333) + b"]}")
    with pytest.raises(UpstreamError, match="Sentry sent 333,333 rows that are not replays"):
        parse_list(Replay, body)
    rows, skipped = parse_list(Replay, {"data": [{"id": "a" * 32}, {}, {"x": 1}]})
    assert len(rows) == 1 and skipped == 2


async def _call_with_many_projects(tool: str, arguments: dict[str, Any]) -> tuple[str, bool]:
    demo = DemoSentry(dialect="sentry", token=SECRET_TOKEN)
    settings = Settings(token=SECRET_TOKEN, url="http://demo.invalid", organization="acme")
    server = build_server(settings, transport=httpx2.ASGITransport(app=demo.app))
    async with Client(server) as client:
        result = await call(client, tool, arguments)
    assert not [r for r in demo.requests if "replay" in r.path], "a request was sent"
    return all_text(result), result.is_error


@pytest.mark.parametrize(
    "tool,arguments",
    [
        ("list_replays", {}),
        ("list_replays", {"detail": "full", "limit": 100}),
        ("list_selectors", {}),
    ],
)
def test_a_project_list_of_20000_is_refused_in_one_sentence(tool, arguments):
    projects = [str(4505321021243393 + i) for i in range(20_000)]
    with watching() as seen:
        arguments = {**arguments, "project": projects}
        text, is_error = anyio.run(_call_with_many_projects, tool, arguments)
    assert not seen.leaks
    assert is_error, text[:300]
    assert "unexpectedly" not in text and "\n" not in text.strip(), text[:300]
    assert "pass fewer projects" in text and "Nothing was sent" in text, text[:300]


class Page(BaseModel):
    rows: list[str]
    note: str


def test_structured_content_is_cut_to_the_budget_in_utf8_bytes():
    state: Any = SimpleNamespace(demo=False)
    model = Page(rows=["名前" * 50] * 2_000, note='"' * 30_000)  # 300 bytes a row, 2x in JSON
    result = answer(state, "2,000 rows.\n" + "\n".join(["名前"] * 20_000), model)
    text = all_text(result)
    structured = json.dumps(result.structured_content, ensure_ascii=False)
    assert len(text.encode()) + len(structured.encode()) <= BUDGET
    assert text.startswith(CUT_NOTE) and "ask for fewer items" in text
    assert 10 < len(result.structured_content["rows"]) < 2_000  # cut, not emptied


def test_every_string_of_the_structured_content_is_sanitised():
    state: Any = SimpleNamespace(demo=False)
    model = Page(rows=["Ja\U000e0041ne\u200b", "\ud800x"], note="a\u3164b\nc")
    result = answer(state, "J\u2800ane", model)
    assert result.structured_content == {"rows": ["Jane", "x"], "note": "ab c"}
    assert all_text(result) == "Jane"
