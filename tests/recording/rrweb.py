"""Builders of recorded events in the shapes SDKs send (reference §6): rrweb's outer timestamp
and breadcrumbs in milliseconds, breadcrumb payloads and performance spans in seconds."""

from __future__ import annotations

from typing import Any

T0 = 1_764_000_000_000.0  # ms


def crumb(at_ms: float, category: str, **payload: Any) -> dict[str, Any]:
    body = {"timestamp": at_ms / 1000, "type": "default", "category": category, **payload}
    return {"type": 5, "timestamp": at_ms, "data": {"tag": "breadcrumb", "payload": body}}


def span(start_ms: float, end_ms: float, op: str, description: str = "", **data: Any) -> dict:
    payload = {
        "op": op,
        "description": description,
        "startTimestamp": start_ms / 1000,
        "endTimestamp": end_ms / 1000,
        "data": data,
    }
    return {"type": 5, "timestamp": start_ms / 1000,
            "data": {"tag": "performanceSpan", "payload": payload}}  # fmt: skip


def slow_click(
    at_ms: float, tag: str = "button", waited: int = 7500, clicks: int = 1, reason: str = "timeout"
) -> dict[str, Any]:
    node = {"id": 5, "tagName": tag, "textContent": "Pay now", "attributes": {}}
    data = {"timeAfterClickMs": waited, "endReason": reason, "clickCount": clicks, "node": node}
    return crumb(at_ms, "ui.slowClickDetected", message="form > button#pay-now", data=data)
