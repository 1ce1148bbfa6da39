"""What some tests need from the machine (the MCP inspector through npm, HAProxy, the MCP
conformance suite, Chromium): without it they skip, unless CI demands it with
`REQUIRE_<NAME>=1` (`.ci/run` sets each), where a missing part is a failure."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def required(flag: str) -> bool:
    return os.environ.get(flag, "").strip() == "1"


def unavailable(flag: str, reason: str) -> NoReturn:
    """Skip for `reason`, or fail when `flag` is set to 1."""
    if required(flag):
        pytest.fail(f"{reason} ({flag}=1, so this is a failure, not a skip)")
    pytest.skip(reason)
