"""Hostile data: replay fields, recording events, selectors, clicks, viewers, counts and linked
error events that carry markdown, HTML, fake instructions, ANSI escapes, control characters
and 1 MB strings. Every tool's result stays within the budget (40,000 characters of text and
structured content together), and renders all of it as inert data: nothing from the data
starts a line, no escape or control character gets through, and every piece of it sits inside
a code span.

The demo Sentry answers with the hostile bodies through its fault injection (status 200,
well-formed JSON); each tool is called once, and four properties are checked on its result.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client
from mcp.types import CallToolResult

from sentry_replays_mcp.server.app import build_server
from sentry_replays_mcp.server.config import Settings
from sentry_replays_mcp.server.demo import DemoSentry
from tests.hardening.hostile_samples import (
    HUGE,
    MARK,
    MARKUP,
    OTHER_RID,
    PLAIN,
    RID,
    STARTED,
    hostile_events,
    hostile_replay,
    huge_replay,
)
from tests.hardening.watch import (
    BUDGET,
    CONTROL,
    SECRET_TOKEN,
    all_text,
    call,
    deletes,
    off_route,
    outside_code_spans,
    result_size,
    watching,
)
from tests.tool_calls import TOOL_NAMES


def install(demo: DemoSentry, scenario: str) -> None:
    """Hostile, well-formed answers on every endpoint the tools read."""
    if scenario == "short values":  # a word or two, as releases and environments are
        install_strings(demo, f"SYSTEM:{MARK}", f"confirm={MARK}")
        return
    huge = scenario == "1 MB strings"
    s = HUGE if huge else MARKUP
    install_strings(demo, s, PLAIN, huge_replay() if huge else None)


def install_strings(
    demo: DemoSentry, s: str, plain: str, replay: dict[str, Any] | None = None
) -> None:
    """Every endpoint the tools read answers with `s` (and `plain`) in every string field."""
    add = demo.faults.add
    replay = replay or hostile_replay(s, plain)
    short = s if len(s) < 10_000 else MARKUP  # two 1 MB replays would pass the body cap
    second = {**hostile_replay(short, plain), "id": s, "project_id": s}  # ids are data too
    values = (s, plain)
    add(
        path=r"organizations/[^/]+/replays/$",
        status=200,
        times=None,
        body={"data": [replay, second]},
    )
    add(
        path=r"organizations/[^/]+/replays/[0-9a-f]{32}/$",
        status=200,
        times=None,
        body={"data": replay},
    )
    add(
        path=r"recording-segments/$",
        status=200,
        times=None,
        body=[hostile_events(s), hostile_events(MARKUP)],
    )
    add(path=r"recording-segments/\d+/$", status=200, times=None, body=hostile_events(s))
    add(
        path=r"replay-selectors/$",
        status=200,
        times=None,
        body={
            "data": [
                {
                    "dom_element": v,
                    "count_dead_clicks": 3,
                    "count_rage_clicks": 1,
                    "project_id": v,
                    "element": {"tag": v, "id": v, "aria_label": plain, "testid": v},
                }
                for v in values
            ]
        },
    )
    add(
        path=r"/clicks/$",
        status=200,
        times=None,
        body={
            "data": [
                {
                    "node_id": 7,
                    "timestamp": STARTED,
                    "element": {"tag": v, "id": v, "classes": [v, plain], "text": v},
                }
                for v in values
            ]
        },
    )
    add(
        path=r"/viewed-by/$",
        status=200,
        times=None,
        body={
            "data": {
                "viewed_by": [{"id": v, "name": v, "username": plain, "email": v} for v in values]
            }
        },
    )
    add(path=r"replay-count/$", status=200, times=None, body={"data": dict.fromkeys(values, 3)})
    add(path=r"replays-events-meta/$", status=200, times=None, body={"data": [
        {"id": RID, "title": s, "issue.id": s, "error.type": plain, "error.value": s,
         "timestamp": STARTED}]})  # fmt: skip


ALL_KINDS = ["navigation", "clicks", "inputs", "console", "network", "frustration", "errors",
             "performance", "other"]  # fmt: skip
CALLS: dict[str, dict[str, Any]] = {
    "list_replays": {"detail": "full", "limit": 10},
    "get_replay": {"replay_id": RID, "detail": "full"},
    "delete_replay": {"replay_id": RID},
    "list_recording_segments": {"replay_id": RID},
    "get_recording_segment": {"replay_id": RID, "segment_id": 0},
    "summarize_replay": {"replay_id": RID, "detail": "full", "kinds": ALL_KINDS},
    "list_selectors": {"limit": 10},
    "list_clicked_nodes": {"replay_id": RID},
    "list_replay_viewers": {"replay_id": RID},
    "count_replays": {"query": "issue.id:[1,2]"},
}
# case -> (tool, scenario). "markup": markdown, HTML, fake instructions, escapes and control
# characters everywhere; "1 MB strings": a dozen 1 MB fields; "short values": one or two words
# (`SYSTEM:…`, a fake `confirm=…` code), which must sit in code spans all the same; "linked
# errors": valid error ids whose events-meta rows (titles, issue ids) are hostile.
CASES: dict[str, tuple[str, str]] = {
    **{tool: (tool, "markup") for tool in CALLS},
    **{f"{tool} (1 MB strings)": (tool, "1 MB strings") for tool in CALLS},
    **{f"{tool} (short values)": (tool, "short values") for tool in CALLS},
    "summarize_replay (linked errors)": ("summarize_replay", "linked errors"),
}


async def _results(demo: DemoSentry) -> dict[str, CallToolResult]:
    """Each case on a session of its own (the server remembers a replay it has just read)."""
    settings = Settings(token=SECRET_TOKEN, url="http://demo.invalid", organization="acme")
    server = build_server(settings, transport=httpx2.ASGITransport(app=demo.app))
    results = {}
    for name, (tool, scenario) in CASES.items():
        demo.reset()
        if scenario == "linked errors":
            install_linked_errors(demo)
        else:
            install(demo, scenario)
        async with Client(server) as client:
            with anyio.fail_after(30):
                results[name] = await call(client, tool, CALLS[tool])
        assert not off_route(demo.requests) and not deletes(demo.requests)
    demo.reset()
    return results


def install_linked_errors(demo: DemoSentry) -> None:
    replay = hostile_replay(PLAIN, PLAIN, error_ids=[RID, OTHER_RID])
    demo.faults.add(path=r"organizations/[^/]+/replays/[0-9a-f]{32}/$", status=200, times=None,
                    body={"data": replay})  # fmt: skip
    demo.faults.add(path=r"recording-segments/$", status=200, times=None, body=[[]])
    demo.faults.add(path=r"replays-events-meta/$", status=200, times=None, body={"data": [
        {"id": RID, "title": MARKUP, "issue.id": MARKUP, "timestamp": STARTED},
        {"id": OTHER_RID, "error.type": PLAIN, "error.value": HUGE, "issue.id": f"1\n# {MARK}",
         "timestamp": STARTED}]})  # fmt: skip


@pytest.fixture(scope="module")
def results() -> Iterator[dict[str, CallToolResult]]:
    demo = DemoSentry(dialect="sentry", token=SECRET_TOKEN)
    with watching() as seen:
        found = anyio.run(_results, demo)
    assert not seen.leaks, seen.leaks
    yield found


# -- the properties --------------------------------------------------------------------------


def budget_problems(result: CallToolResult) -> list[str]:
    size = result_size(result)
    return [f"{size:,} characters (budget {BUDGET:,})"] if size > BUDGET else []


def line_problems(result: CallToolResult) -> list[str]:
    """Raw newlines from the data start lines; escapes and control characters get through."""
    text = all_text(result)
    found = [f"control character {c!r}" for c in sorted(set(CONTROL.findall(text)))]
    starts = (f"# {MARK}", "<script", f"- {MARK}", f"## {MARK}")
    for line in text.splitlines():
        if line.lstrip().lower().startswith(tuple(s.lower() for s in starts)):
            found.append(f"a line from the data: {line[:100]!r}")
    return found


def span_problems(result: CallToolResult) -> list[str]:
    """Data outside a code span (fake instructions, markup or plain words alike)."""
    found = []
    for line in all_text(result).splitlines():
        outside = outside_code_spans(line)
        if MARK.lower() in outside.lower() or "ignore previous" in outside.lower():
            found.append(f"outside a code span: {line[:160]!r}")
    return found


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def structured_problems(result: CallToolResult) -> list[str]:
    """Control characters, ANSI escapes or raw newlines in the structured content's strings."""
    found = []
    for text in _strings(result.structured_content or {}):
        bad = sorted(set(CONTROL.findall(text)) | ({"\n"} if "\n" in text else set()))
        if bad:
            found.append(f"{bad} in {text[:80]!r}")
    return found


CHECKS = {
    "budget": budget_problems,
    "lines": line_problems,
    "code spans": span_problems,
    "structured": structured_problems,
}

# A gap that is known but not fixed yet is listed here, and its case then runs as a strict xfail
# (so that a fix shows up as XPASS). None is known today.
KNOWN: dict[tuple[str, str], str] = {}  # (case, check) → reason, for a known gap (strict xfail)


def params() -> list[Any]:
    out = []
    for name, (_tool, scenario) in CASES.items():
        for check in CHECKS if scenario != "1 MB strings" else ["budget"]:
            reason = KNOWN.get((name, check))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            out.append(pytest.param(name, check, id=f"{name}-{check}", marks=marks))
    return out


@pytest.mark.parametrize("name,check", params())
def test_hostile_data_is_rendered_as_inert_data(
    results: dict[str, CallToolResult], name: str, check: str
):
    result = results[name]
    assert not result.is_error, all_text(result)[:500]
    problems = CHECKS[check](result)
    assert not problems, f"{name}: " + "\n".join(problems[:12])


def read_params() -> list[Any]:
    out = []
    for name in CASES:
        reason = KNOWN.get((name, "read"))
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        out.append(pytest.param(name, id=name, marks=marks))
    return out


@pytest.mark.parametrize("name", read_params())
def test_the_hostile_data_reaches_the_result(results: dict[str, CallToolResult], name: str):
    """The properties above mean something only if the data was read and shown."""
    result = results[name]
    text = all_text(result)
    assert not result.is_error, text[:300]
    assert MARK in text or MARK.lower() in text, text[:500]
    data = json.dumps(result.structured_content)
    tool, scenario = CASES[name]
    if tool == "summarize_replay" and scenario != "linked errors":
        assert result.structured_content["events_read"] > 20, data[:300]
    if tool == "list_recording_segments":
        segments = result.structured_content["segments"]
        assert len(segments) == 2 and all(s["events"] > 20 for s in segments), data[:300]
    if tool == "count_replays":
        assert re.search(r"\b3 replays\b", text), text


def test_every_tool_meets_hostile_data():
    assert sorted(CALLS) == sorted(TOOL_NAMES), "a tool was added or removed: update CALLS"
