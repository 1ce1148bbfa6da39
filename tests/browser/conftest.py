"""Browser fixtures: a headless Chromium (skipped without one, unless REQUIRE_BROWSER=1 as in
CI, which makes a missing browser a failure), and the host page's bridge to the real server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.bridge import Bridge, running_bridge
from tests.browser.cdp import Browser
from tests.browser.chromium import find_chromium, launch
from tests.browser.hosted import HEIGHT, WIDTH, Hosted
from tests.required import unavailable

BROWSER_MISSING = "no Chromium on PATH (Debian: apt-get install chromium)"


@pytest.fixture(scope="session")
def chromium() -> str:
    """The Chromium binary; without one the browser tests skip, or fail when REQUIRE_BROWSER=1."""
    found = find_chromium()
    if found is None:
        unavailable("REQUIRE_BROWSER", BROWSER_MISSING)
    return found


@pytest.fixture(scope="module")
def bridge(chromium: str) -> Iterator[Bridge]:
    with running_bridge() as running:
        yield running


@pytest.fixture
def browser(chromium: str) -> Iterator[Browser]:
    with launch(chromium, WIDTH, HEIGHT) as running:
        yield running


@pytest.fixture
def hosted(browser: Browser, bridge: Bridge) -> Hosted:
    return Hosted(browser, bridge)
