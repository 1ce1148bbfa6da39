"""The MCP server over the demo Sentry with a fixed clock, for the prompt, resource and
completion tests; and the two protocol eras the SDK client can speak."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx2

from sentry_replays_mcp.server.app import build_server
from sentry_replays_mcp.server.config import Settings
from sentry_replays_mcp.server.demo import DemoSentry
from tests.conftest import DEMO_HOST_URL

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
ERAS = {"auto": "2026-07-28", "legacy": "2025-11-25"}


def server_for(demo: DemoSentry, **overrides: Any) -> Any:
    """Our server talking to `demo` in process, with "now" fixed at NOW."""
    values: dict[str, Any] = {"organization": demo.organization, **overrides}
    settings = Settings(token=demo.token, url=DEMO_HOST_URL, **values)
    return build_server(settings, transport=httpx2.ASGITransport(app=demo.app), clock=lambda: NOW)


def upstream(demo: DemoSentry) -> list[str]:
    """The paths the demo Sentry was asked for, in order."""
    return [r.path for r in demo.requests]
