"""Fixtures of the OAuth tests: the test identity provider on a loopback port, and a token
verifier for it whose clock the test moves (so that no test waits for the key-refresh
pacing)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from sentry_replays_mcp.server.demo import DemoSentry
from sentry_replays_mcp.server.oauth import OAuthSettings
from sentry_replays_mcp.server.oauth.verifier import IssuerVerifier
from tests.oauth.idp import CLIENT_ID, CLIENT_SECRET, IdentityProvider, running_idp

AUDIENCE = "https://replays.example.com/mcp"


class Clock:
    """A monotonic clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def idp() -> Iterator[IdentityProvider]:
    with running_idp() as provider:
        yield provider


@pytest.fixture
def clock() -> Clock:
    return Clock()


def verifier_for(
    idp: IdentityProvider, clock: Clock, *, introspect: bool = True, audience: str = AUDIENCE
) -> IssuerVerifier:
    settings = OAuthSettings(
        issuer=idp.issuer,
        audience=audience,
        client_id=CLIENT_ID if introspect else None,
        client_secret=CLIENT_SECRET if introspect else None,
    )
    return IssuerVerifier(settings, clock=clock)


@pytest.fixture
def verifier(idp: IdentityProvider, clock: Clock) -> IssuerVerifier:
    idp.up = True
    return verifier_for(idp, clock)


@pytest.fixture
def sentry(sentry_demo: DemoSentry) -> Iterator[DemoSentry]:
    """The demo Sentry with its data and request log as new, before and after the test."""
    sentry_demo.reset()
    yield sentry_demo
    sentry_demo.reset()


@pytest.fixture
def oauth_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="sentry_replays_mcp.oauth")
    return caplog
