"""Hostile upstream bodies, as the bytes a proxy, a self-hosted instance or a man in the middle
could send: millions of `{}` rows, 1 MB strings, nesting 100,000 deep, invisible characters and
lone surrogates, `"`-heavy fields that double in JSON. Each is a few MB: enough that decoding
it takes a while, so that another session can be served meanwhile (see
test_hostile_upstream.py), and under the 16 MB a body may have."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from tests.hardening.hostile_samples import MARKUP, PLAIN, RID, hostile_replay, huge_replay

ROWS = 1_333_333  # `{}` rows in 4 MB, as in the attack (333,333 in 1 MB)
PADDING = 500_000  # `{}` rows after the rows that matter: the body takes a while to read
QUOTES = '"名' * 150  # 300 characters, 750 bytes in JSON (\" and 3 bytes a character)
# Invisible characters, lone surrogates (JSON escapes of them) and bidirectional overrides
TRICKS = "J\U000e0053\U000e0059\u034fa\u3164\u2800n\ufe0f\U000e0100\u200be\u00ad\u061c\u202e"


def empty_rows(count: int) -> bytes:
    return b",".join([b"{}"] * count)


def list_body(rows: list[dict[str, Any]], padding: int = PADDING) -> bytes:
    """`{"data": [rows..., {} × padding]}`."""
    head = b",".join(json.dumps(row).encode() for row in rows)
    return b'{"data":[' + head + (b"," if rows and padding else b"") + empty_rows(padding) + b"]}"


def deep(levels: int) -> bytes:
    return b"[" * levels + b"]" * levels


def tricky_replay() -> dict[str, Any]:
    replay = hostile_replay(TRICKS + MARKUP, TRICKS)
    replay["user"]["display_name"] = TRICKS + "\ud800\udfff\udc00"  # lone surrogates (escaped)
    replay["releases"] = [TRICKS + "\ud834", "1.0\U000e0041"]
    return replay


def quote_heavy_replay() -> dict[str, Any]:
    """Every list and string as long as the tools show, made of `"`: 2 bytes each in JSON."""
    replay = hostile_replay(QUOTES, QUOTES)
    replay["urls"] = [QUOTES + str(i) for i in range(500)]
    replay["releases"] = [QUOTES + str(i) for i in range(50)]
    replay["tags"] = {QUOTES[:60] + str(i): [QUOTES] * 10 for i in range(200)}
    replay["error_ids"] = [f"{i:032x}" for i in range(300)]
    replay["trace_ids"] = [f"{i:032x}" for i in range(300)]
    return replay


@dataclass(frozen=True)
class Case:
    tool: str
    arguments: dict[str, Any]
    path: str  # the demo's fault path (regex)
    body: bytes
    says: str | None  # the one sentence expected (a part of it), or None for a result


def cases() -> dict[str, Case]:
    lists = r"organizations/[^/]+/replays/$"
    one = r"organizations/[^/]+/replays/[0-9a-f]{32}/$"
    full = {"detail": "full", "limit": 10}
    detail = {"replay_id": RID, "detail": "full"}
    return {
        "{} rows": Case("list_replays", full, lists, list_body([], ROWS),
                        f"Sentry sent {ROWS:,} rows that are not replays"),
        "1 MB strings": Case("list_replays", full, lists,
                             list_body([huge_replay()], 400_000), None),
        "deep nesting": Case("list_replays", full, lists,
                             list_body([], PADDING)[:-2] + b"," + deep(100_000) + b"]}",
                             "nested more than 100 levels deep"),
        "Unicode tricks": Case("list_replays", full, lists, list_body([tricky_replay()]), None),
        "oversized structured content": Case(
            "get_replay", detail, one,
            b'{"data":' + json.dumps(quote_heavy_replay()).encode() + b',"padding":['
            + empty_rows(PADDING) + b"]}", None),
        "rows that are not replays": Case("list_replays", full, lists,
                                          list_body([{"name": PLAIN}] * 200_000, 0),
                                          "Sentry sent 200,000 rows that are not replays"),
    }  # fmt: skip
