"""Every error class, retries and path validation, through the demo Sentry's fault injection
on a real loopback port."""

from __future__ import annotations

import socket
import time

import anyio
import pytest

from sentry_replays_mcp.server.demo import DemoSentry
from sentry_replays_mcp.tools.api.client import SentryClient
from sentry_replays_mcp.tools.api.errors import (
    AuthenticationFailed,
    InvalidArgument,
    InvalidRequest,
    NotFound,
    PermissionDenied,
    RateLimited,
    SentryError,
    UpstreamError,
)
from tests.conftest import FAST_RETRY

pytestmark = pytest.mark.anyio
LIST = r"organizations/[^/]+/replays/$"


@pytest.fixture
def dialect() -> str:
    return "sentry"


def api_requests(demo: DemoSentry) -> list:
    return [r for r in demo.requests if "/api/0/" in r.path]


def assert_clean(error: SentryError, token: str) -> None:
    assert token not in str(error) and token not in repr(error)
    assert error.message.strip() and "Traceback" not in error.message


async def test_wrong_token_is_an_authentication_error(demo: DemoSentry, base_url: str):
    token = "sntryu_wrong_" + "0" * 40
    async with SentryClient(url=base_url, token=token, retry=FAST_RETRY) as client:
        with pytest.raises(AuthenticationFailed, match="Sentry rejected the token") as caught:
            await client.list_replays(demo.organization)
    assert_clean(caught.value, token)
    assert len(api_requests(demo)) == 1, "a 401 is not retried"
    assert caught.value.message.endswith("invalid or expired."), "one sentence, without a hint"
    assert "SENTRY_" not in caught.value.message, "the api does not name the program's settings"


async def test_missing_scope_names_the_scope(demo: DemoSentry, base_url: str):
    async with SentryClient(url=base_url, token=demo.readonly_token, retry=FAST_RETRY) as client:
        with pytest.raises(PermissionDenied, match="project:write") as caught:
            await client.delete_replay(demo.organization, "checkout", demo.story_replay_id)
    assert caught.value.scope == "project:write"
    assert_clean(caught.value, demo.readonly_token)


async def test_unknown_organization(client: SentryClient, demo: DemoSentry):
    with pytest.raises(NotFound, match="organization or project"):
        await client.list_replays("no-such-org")


async def test_sentry_400_detail_is_passed_on(client: SentryClient, demo: DemoSentry):
    with pytest.raises(InvalidRequest, match="not a sortable field"):
        await client.list_replays(demo.organization, sort="-nonsense")


async def test_rate_limit_waits_for_the_reset_then_succeeds(client: SentryClient, demo: DemoSentry):
    reset = str(int(time.time()) + 1)
    demo.faults.add(
        path=LIST,
        status=429,
        headers={"X-Sentry-Rate-Limit-Reset": reset},
        body={"detail": "You are attempting to use this endpoint too frequently."},
    )
    with anyio.fail_after(30):  # a hang guard: the reset is a second away
        page = await client.list_replays(demo.organization)
    assert page.items
    assert len(api_requests(demo)) == 2


async def test_long_rate_limit_is_reported_not_slept(client: SentryClient, demo: DemoSentry):
    reset = str(int(time.time()) + 60)
    demo.faults.add(path=LIST, status=429, headers={"X-Sentry-Rate-Limit-Reset": reset}, times=None)
    with anyio.fail_after(30):  # far from the 60 s a sleeping client would take
        with pytest.raises(RateLimited, match=r"Retry in (5\d|60) seconds") as caught:
            await client.list_replays(demo.organization)
    assert 50 <= caught.value.retry_after <= 60
    assert len(api_requests(demo)) == 1


async def test_rate_limit_without_headers(client: SentryClient, demo: DemoSentry):
    demo.faults.add(path=LIST, status=429, body="Too many requests", times=None)
    with anyio.fail_after(30), pytest.raises(RateLimited, match="Retry in 2 seconds"):
        await client.list_replays(demo.organization)


async def test_retry_after_header_is_honoured(client: SentryClient, demo: DemoSentry):
    demo.faults.add(path=LIST, status=429, headers={"Retry-After": "0"})
    assert (await client.list_replays(demo.organization)).items
    assert len(api_requests(demo)) == 2


@pytest.mark.parametrize("status", [502, 503, 504])
async def test_gateway_errors_are_retried_once_they_clear(client, demo, status):
    demo.faults.add(path=LIST, status=status, times=2)
    assert (await client.list_replays(demo.organization)).items
    assert len(api_requests(demo)) == 3


async def test_retries_are_bounded(client: SentryClient, demo: DemoSentry):
    demo.faults.add(path=LIST, status=503, times=None)
    with pytest.raises(UpstreamError, match="HTTP 503"):
        await client.list_replays(demo.organization)
    assert len(api_requests(demo)) == FAST_RETRY.attempts


async def test_internal_error_is_not_retried(client: SentryClient, demo: DemoSentry):
    demo.faults.add(path=LIST, status=500, body={"detail": "Internal Error", "errorId": "abc"})
    with pytest.raises(UpstreamError, match="HTTP 500") as caught:
        await client.list_replays(demo.organization)
    assert caught.value.status == 500 and len(api_requests(demo)) == 1


async def test_delete_is_never_retried_blindly(client: SentryClient, demo: DemoSentry):
    demo.faults.add(path=r"replays/[0-9a-f]{32}/$", method="DELETE", status=503, times=None)
    with pytest.raises(UpstreamError, match="HTTP 503"):
        await client.delete_replay(demo.organization, "checkout", demo.story_replay_id)
    deletes = [r for r in demo.requests if r.method == "DELETE"]
    assert len(deletes) == 1


async def test_timeout(demo: DemoSentry, base_url: str):
    demo.faults.add(path=LIST, delay=60.0)
    async with SentryClient(url=base_url, token=demo.token, timeout=0.5, retry=FAST_RETRY) as c:
        started = time.monotonic()
        with pytest.raises(UpstreamError, match=r"did not answer within 0\.5 s"):
            await c.list_replays(demo.organization)
    assert time.monotonic() - started < 30, "waited for the answer instead of timing out"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_connection_refused_is_retried_then_explained():
    url = f"http://127.0.0.1:{closed_port()}/api/0/"
    async with SentryClient(url=url, token="t0ken", retry=FAST_RETRY) as client:
        with anyio.fail_after(5), pytest.raises(UpstreamError, match="Could not connect") as caught:
            await client.list_replays("acme")
    assert caught.value.not_sent and caught.value.message.endswith("(ConnectError).")
    assert "SENTRY_" not in caught.value.message


HINTS = {
    "bad_token": "Renew the token.",
    "not_sentry": "Check the address.",
    "unreachable": "Check the network.",
}


async def test_a_hint_is_appended_to_the_sentence_of_its_situation(demo: DemoSentry, base_url: str):
    demo.faults.add(path=LIST, status=200, body="<html>login</html>", content_type="text/html")
    async with SentryClient(url=base_url, token=demo.token, hints=HINTS) as client:
        with pytest.raises(UpstreamError) as not_sentry:
            await client.list_replays(demo.organization)
    async with SentryClient(url=base_url, token="sntryu_wrong", hints=HINTS) as client:
        with pytest.raises(AuthenticationFailed) as bad_token:
            await client.list_replays(demo.organization)
    url = f"http://127.0.0.1:{closed_port()}/api/0/"
    async with SentryClient(url=url, token="t0ken", retry=FAST_RETRY, hints=HINTS) as client:
        with anyio.fail_after(5), pytest.raises(UpstreamError) as unreachable:
            await client.list_replays("acme")
    assert not_sentry.value.message.endswith("when asked to list replays. Check the address.")
    assert bad_token.value.message.endswith("invalid or expired. Renew the token.")
    assert unreachable.value.message.endswith("(ConnectError). Check the network.")


@pytest.mark.parametrize(
    "body,content_type,message",
    [
        ('{"data": [', "application/json", "malformed or truncated JSON"),
        ("not json at all", "application/json", "malformed or truncated JSON"),
        ("<html><body>502 Bad Gateway</body></html>", "text/html", "HTML page"),
    ],
)
async def test_bodies_that_are_not_json(client, demo, body, content_type, message):
    demo.faults.add(path=LIST, status=200, body=body, content_type=content_type)
    with pytest.raises(UpstreamError, match=message):
        await client.list_replays(demo.organization)


async def test_oversized_body_is_refused(demo: DemoSentry, base_url: str):
    demo.faults.add(
        path=LIST,
        status=200,
        body=b"[" + b"0," * 1_000_000 + b"0]",
        content_type="application/json",
    )
    async with SentryClient(url=base_url, token=demo.token, max_body_bytes=1_000_000) as client:
        with pytest.raises(UpstreamError, match="larger than 1 MB"):
            await client.list_replays(demo.organization)


async def test_count_asks_again_with_events_when_discover_is_refused(
    client: SentryClient, demo: DemoSentry
):
    # getsentry/sentry organization_replay_count.py validates discover | search_issues; the
    # published schema of 2026-08 lists events | search_issues | spans instead.
    demo.faults.add(
        path=r"replay-count/$",
        status=400,
        body={"data_source": ['"discover" is not a valid choice.']},
    )
    counts = await client.count_replays(
        demo.organization, query=f"replay_id:[{demo.story_replay_id}]"
    )
    assert counts.counts
    queries = [r.query for r in demo.requests if "replay-count" in r.path]
    assert "data_source=discover" in queries[0] and "data_source=events" in queries[1]


async def test_concurrency_is_capped(demo: DemoSentry, base_url: str):
    demo.faults.add(path=LIST, status=200, body={"data": []}, delay=0.3, times=None)
    async with SentryClient(url=base_url, token=demo.token, max_concurrency=2) as client:
        started = time.monotonic()
        async with anyio.create_task_group() as group:
            for _ in range(6):
                group.start_soon(client.list_replays, demo.organization)
        elapsed = time.monotonic() - started
    assert elapsed >= 0.85, f"6 calls of 0.3 s through 2 slots took {elapsed:.2f} s"


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.get_replay("acme", "../../etc/passwd"),
        lambda c: c.get_replay("acme/..", "7e07485f12f9416b8b1426260799b51f"),
        lambda c: c.delete_replay("acme", "%2f", "7e07485f12f9416b8b1426260799b51f"),
        lambda c: c.delete_replay("acme", "checkout", "7e07485f12f9416b8b1426260799b51"),
        lambda c: c.get_recording_segment(
            "acme", "checkout", "7e07485f12f9416b8b1426260799b51f", -1
        ),
        lambda c: c.list_replay_viewers("acme", " checkout", "7e07485f12f9416b8b1426260799b51f"),
        lambda c: c.list_replays("acme", stats_period="forever"),
        lambda c: c.list_replays("acme", per_page=1000),
        lambda c: c.list_replays("acme", cursor="0:0:0 evil"),
        lambda c: c.list_replays("acme", projects=["../x"]),
        lambda c: c.list_clicked_nodes("acme", "7e07485f12f9416b8b1426260799b51f?x=1"),
        lambda c: c.count_replays("acme", query=" "),
    ],
)
async def test_bad_input_makes_no_request(client: SentryClient, demo: DemoSentry, call):
    with pytest.raises(InvalidArgument):
        await call(client)
    assert demo.requests == []


async def test_clicks_without_a_project_against_sentry(client: SentryClient, demo: DemoSentry):
    # sentry.io's clicks route is project-level; without a project only the seed's org-level
    # route can be built, and sentry.io answers it with a 404.
    with pytest.raises(NotFound):
        await client.list_clicked_nodes(demo.organization, demo.story_replay_id)
