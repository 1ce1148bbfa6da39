"""Fixtures of the demo Sentry's own tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx2
import pytest

from sentry_replays_mcp.server.demo import DEMO_TOKEN, DemoSentry
from tests.demo.sentry_api import BASE


@pytest.fixture
def sentry() -> DemoSentry:
    return DemoSentry()


@pytest.fixture
async def api(sentry: DemoSentry) -> AsyncIterator[httpx2.AsyncClient]:
    """The `sentry` dialect's API, as the demo token sees it."""
    transport = httpx2.ASGITransport(app=sentry.app)
    headers = {"Authorization": f"Bearer {DEMO_TOKEN}"}
    async with httpx2.AsyncClient(transport=transport, base_url=BASE, headers=headers) as client:
        yield client
