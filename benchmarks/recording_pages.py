"""Segment-list pages of the worst shapes, for `recording_worst_case.py`: whole pages as
bytes, each made of one kind of event (or of what is not an event at all)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

MB = 1 << 20
T0 = 1_764_000_000_000


def compact(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def fill(unit: Callable[[int], bytes], size: int) -> bytes:
    parts, total, n = [], 4, 0
    while total < size:
        part = unit(n)
        parts.append(part)
        total += len(part) + 1
        n += 1
    return b"[[" + b",".join(parts) + b"]]"


def normal(n: int) -> bytes:
    """A browser session's mix: mouse moves and mutations, clicks, requests (SDK shapes)."""
    at = T0 + n * 10
    kind = n % 20
    if kind == 0:
        crumb = {"timestamp": at / 1000, "type": "default", "category": "ui.click"}
        crumb |= {"message": "div#app > button#checkout", "data": {"nodeId": 12}}
        return compact(
            {"type": 5, "timestamp": at, "data": {"tag": "breadcrumb", "payload": crumb}}
        )
    if kind == 1:
        span = {"op": "resource.fetch", "description": f"https://shop.example/api/items/{n}"}
        span |= {"startTimestamp": at / 1000, "endTimestamp": at / 1000 + 0.2}
        span["data"] = {"method": "GET", "statusCode": 200, "response": {"size": 900}}
        return compact(
            {"type": 5, "timestamp": at, "data": {"tag": "performanceSpan", "payload": span}}
        )
    if kind == 2:
        node = {
            "type": 2,
            "tagName": "div",
            "attributes": {"class": "row"},
            "childNodes": [],
            "id": n,
        }
        adds = [{"parentId": 5, "nextId": None, "node": node}]
        data = {"source": 0, "texts": [], "attributes": [], "removes": [], "adds": adds}
        return compact({"type": 3, "timestamp": at, "data": data})
    moves = [{"x": n % 800, "y": n % 600, "id": 7, "timeOffset": -50}]
    return compact({"type": 3, "timestamp": at, "data": {"source": 1, "positions": moves}})


def tiny(n: int) -> bytes:
    return b'{"type":5,"timestamp":%d,"data":{"tag":"x"}}' % (T0 + n)


def malformed(n: int) -> bytes:
    return b'{"type":5,"timestamp":%d,"data":{"tag":"breadcrumb","payload":{"a":1,}}}' % (T0 + n)


def shapes(size: int) -> Iterator[tuple[str, bytes]]:
    yield "(a) normal events", fill(normal, size)
    yield "(b) tiny type-5 events", fill(tiny, size)
    yield "(c) malformed type-5 events", fill(malformed, size)
    yield "(d) `{}` rows", fill(lambda n: b"{}", size)
    depth = (size - 40) // 2
    yield (
        "(e) deep nesting",
        b'[[{"type":5,"timestamp":1,"data":' + b"[" * depth + b"]" * depth + b"}]]",
    )
    text = b"x" * (size - 120)
    yield (
        "(f) one huge string",
        (
            b'[[{"type":5,"timestamp":1,"data":{"tag":"breadcrumb","payload":'
            b'{"category":"console","message":"' + text + b'"}}}]]'
        ),
    )
