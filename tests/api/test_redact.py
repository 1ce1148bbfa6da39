"""An upstream that echoes the token back, in any letter case or simple encoding, never gets
it into an error message."""

from __future__ import annotations

import base64
from urllib.parse import quote

import pytest

from sentry_replays_mcp.server.demo import DemoSentry
from sentry_replays_mcp.tools.api.client import SentryClient
from sentry_replays_mcp.tools.api.errors import SentryError
from sentry_replays_mcp.tools.api.redact import redact
from tests.conftest import FAST_RETRY

pytestmark = pytest.mark.anyio
LIST = r"organizations/[^/]+/replays/$"


def echoes(token: str) -> dict[str, str]:
    return {
        "as sent": token,
        "lower case": token.lower(),
        "upper case": token.upper(),
        "percent-encoded": quote(f"Bearer {token}", safe=""),
        "percent-encoded, lower hex": quote(token + "/+", safe="").lower(),
        "base64": base64.b64encode(token.encode()).decode(),
        "hex": token.encode().hex().upper(),
    }


def test_every_echo_is_redacted():
    token = "sntryu_Demo/Token+With=Mixed_Case_0123456789"
    for name, echo in echoes(token).items():
        text = redact(f"header was {echo!r}, refused", [token])
        assert "[redacted]" in text, name
        for form in echoes(token).values():
            assert form.lower() not in text.lower(), (name, text)
    assert redact("nothing to hide here", [token]) == "nothing to hide here"
    assert redact("short tok", ["tok"]) == "short tok", "too short to hide safely"


@pytest.mark.parametrize("status", [400, 403, 404, 500])
@pytest.mark.parametrize("how", list(echoes(DemoSentry().token)))
async def test_an_upstream_echo_in_any_case_never_reaches_the_message(
    demo: DemoSentry, base_url: str, status: int, how: str
):
    echoed = echoes(demo.token)[how]
    demo.faults.add(path=LIST, status=status, times=None, body={"detail": f"Bad auth {echoed}"})
    async with SentryClient(url=base_url, token=demo.token, retry=FAST_RETRY, timeout=5) as c:
        with pytest.raises(SentryError) as caught:
            await c.list_replays(demo.organization)
    message = caught.value.message
    assert echoed.lower() not in message.lower() and demo.token.lower() not in message.lower()
    if status in (400, 403):  # the sentences that quote Sentry
        assert "[redacted]" in message, message
