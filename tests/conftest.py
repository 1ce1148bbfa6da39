"""Shared fixtures: the demo Sentry in both dialects, in process and on a loopback port."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from sentry_replays_mcp.server.demo import DemoSentry, serve_in_thread
from sentry_replays_mcp.tools.api.client import SentryClient
from sentry_replays_mcp.tools.api.transport import RetryPolicy

FAST_RETRY = RetryPolicy(attempts=3, backoff=0.01, max_backoff=0.05, max_rate_limit_wait=1.0)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def sentry_demo() -> Iterator[DemoSentry]:
    yield DemoSentry(dialect="sentry")


@pytest.fixture(scope="session")
def spec_demo() -> Iterator[DemoSentry]:
    yield DemoSentry(dialect="spec")


@pytest.fixture(scope="session")
def sentry_url(sentry_demo: DemoSentry) -> Iterator[str]:
    with serve_in_thread(sentry_demo) as url:
        yield url


@pytest.fixture(scope="session")
def spec_url(spec_demo: DemoSentry) -> Iterator[str]:
    with serve_in_thread(spec_demo) as url:
        yield url


@pytest.fixture(params=["sentry", "spec"])
def dialect(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def demo(dialect: str, request: pytest.FixtureRequest) -> Iterator[DemoSentry]:
    """The demo Sentry of the current dialect, reset before and after each test."""
    server: DemoSentry = request.getfixturevalue(f"{dialect}_demo")
    server.reset()
    yield server
    server.reset()


@pytest.fixture
def base_url(dialect: str, request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"{dialect}_url"))


@pytest.fixture
async def client(demo: DemoSentry, base_url: str) -> AsyncIterator[SentryClient]:
    async with SentryClient(url=base_url, token=demo.token, retry=FAST_RETRY, timeout=5) as c:
        yield c


# -- MCP server fixtures ---------------------------------------------------------------------

DEMO_HOST_URL = "http://demo.invalid"


def build_for(demo: DemoSentry, **overrides: object):  # type: ignore[no-untyped-def]
    """Our MCP server, talking to `demo` in process through httpx2's ASGI transport."""
    import httpx2

    from sentry_replays_mcp.server.app import build_server
    from sentry_replays_mcp.server.config import Settings

    settings = Settings(
        token=demo.token, url=DEMO_HOST_URL, organization=demo.organization, **overrides
    )  # type: ignore[arg-type]
    return build_server(settings, transport=httpx2.ASGITransport(app=demo.app))


@pytest.fixture
def mcp_server(demo: DemoSentry):  # type: ignore[no-untyped-def]
    return build_for(demo)


def text_of(result) -> str:  # type: ignore[no-untyped-def]
    assert result.content and result.content[0].type == "text"
    return str(result.content[0].text)
