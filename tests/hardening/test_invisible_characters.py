"""No invisible character from Sentry data reaches the agent, through any tool.

Strings are made from every code point that shows nothing (each control, format, surrogate,
line or paragraph separator, tag character, variation selector and blank filler, and every
97th private-use and unassigned one), 200 at a time, hidden inside the word "Jane". The demo
Sentry serves them in every string field each tool reads (the hostile-data endpoints); each
chunk goes to one tool, round robin, so every tool meets several chunks. Neither the text nor
any string (or key) of the structured content may hold one of them, and the name must reach the
result (as "Jan" at least, once its hidden characters are gone and spaces, which some of them
become, are ignored), so that the data was read.
"""

from __future__ import annotations

import json
import sys
import unicodedata
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
from sentry_replays_mcp.tools.kit.text import INVISIBLE_CATEGORIES
from tests.hardening.test_hostile_data import CALLS, install_strings
from tests.hardening.watch import SECRET_TOKEN, all_text, call, deletes, watching
from tests.tool_calls import TOOL_NAMES

FILLERS = {0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x200B, 0x2800,
           0x3164, 0xFEFF, 0xFFA0}  # fmt: skip
RANGES = [(0xE0000, 0xE007F), (0xE0100, 0xE01EF), (0xFE00, 0xFE0F), (0x180B, 0x180F)]
SAMPLED = {"Co", "Cn"}  # about a million code points: every 97th is sent
CHUNK = 200


def invisible() -> list[int]:
    found = []
    for cp in range(sys.maxunicode + 1):
        category = unicodedata.category(chr(cp))
        special = cp in FILLERS or any(low <= cp <= high for low, high in RANGES)
        sampled = category not in SAMPLED or cp % 97 == 0
        if special or (category in INVISIBLE_CATEGORIES and sampled):
            found.append(cp)
    return found


INVISIBLE = invisible()
FORBIDDEN = frozenset(chr(cp) for cp in INVISIBLE)


def hidden_in_jane(chunk: list[int]) -> str:
    half = len(chunk) // 2
    chars = [chr(cp) for cp in chunk]
    return "J" + "".join(chars[:half]) + "an" + "".join(chars[half:]) + "e"


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


def chunks() -> list[tuple[str, list[int]]]:
    """(tool, code points) pairs covering every code point above once."""
    tools = list(CALLS)
    parts = [INVISIBLE[i : i + CHUNK] for i in range(0, len(INVISIBLE), CHUNK)]
    return [(tools[n % len(tools)], part) for n, part in enumerate(parts)]


async def _results(demo: DemoSentry) -> list[tuple[str, CallToolResult]]:
    settings = Settings(token=SECRET_TOKEN, url="http://demo.invalid", organization="acme")
    server = build_server(settings, transport=httpx2.ASGITransport(app=demo.app))
    results = []
    for tool, part in chunks():
        demo.reset()
        install_strings(demo, hidden_in_jane(part), hidden_in_jane(part[::-1]))
        async with Client(server) as client:
            with anyio.fail_after(30):
                results.append((tool, await call(client, tool, CALLS[tool])))
        assert not deletes(demo.requests)
    demo.reset()
    return results


@pytest.fixture(scope="module")
def results() -> list[tuple[str, CallToolResult]]:
    demo = DemoSentry(dialect="sentry", token=SECRET_TOKEN)
    with watching() as seen:
        found = anyio.run(_results, demo)
    assert not seen.leaks, seen.leaks
    return found


def test_every_invisible_code_point_is_sent_and_every_tool_meets_them(results):
    assert len(INVISIBLE) > 12_000
    assert {tool for tool, _ in results} == set(TOOL_NAMES)


def test_no_invisible_character_reaches_the_agent(results):
    problems = []
    for tool, result in results:
        text = all_text(result)
        assert not result.is_error, f"{tool}: {text[:300]}"
        # the text's own line breaks are ours; a string of the structured content has none
        strings = [text.replace("\n", ""), *_strings(result.structured_content or {})]
        found = sorted({f"U+{ord(c):04X}" for s in strings for c in s if c in FORBIDDEN})
        if found:
            problems.append(f"{tool}: {found[:10]}")
        data = json.dumps(result.structured_content, ensure_ascii=False)
        assert "Jan" in "".join((text + data).split()), f"{tool} did not show it: {text[:300]}"
    assert not problems, "\n".join(problems)
