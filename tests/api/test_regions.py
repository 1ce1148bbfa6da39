"""Regions: calls for an organization go to its region host, read once from
`links.regionUrl` of the organization's details (as getsentry/sentry-mcp does in
packages/mcp-core/src/internal/tool-helpers/resolve-region-url.ts), and never to a host
outside sentry.io (or the demo's own `demo.invalid`).

The demo serves `acme-eu` in a second region at `http://de.demo.invalid`; its request log
keeps the host each request reached. Through httpx2's ASGI transport every host reaches the
demo, so a request to a foreign host would show in the log: its absence is the proof that
the token was not sent there.
"""

from __future__ import annotations

import httpx2
import pytest
from mcp import Client

from sentry_replays_mcp.server.demo import DemoSentry
from sentry_replays_mcp.tools.api.client import SentryClient
from sentry_replays_mcp.tools.api.region_hosts import region_root
from tests.conftest import FAST_RETRY, build_for, text_of

pytestmark = pytest.mark.anyio
REGION_HOST = "de.demo.invalid"
DETAILS = r"^organizations/acme-eu/$"


def hosts(demo: DemoSentry, part: str) -> list[str]:
    return [r.host for r in demo.requests if part in r.path]


@pytest.mark.parametrize("dialect", ["sentry"])
async def test_calls_for_an_organization_reach_its_region_host(demo: DemoSentry):
    org = demo.region_organization
    async with Client(build_for(demo)) as client:
        listed = await client.call_tool("list_replays", {"organization": org, "limit": 3})
        replay_id = listed.structured_content["replays"][0]["id"]
        got = await client.call_tool("get_replay", {"organization": org, "replay_id": replay_id})
        home = await client.call_tool("list_replays", {"limit": 3})
    assert not listed.is_error and not got.is_error and not home.is_error, text_of(got)
    assert replay_id in {r.id for r in demo.region_data.replays}
    # the details are read once, on the configured host; every call for acme-eu goes to
    # its region host; acme stays on the configured host
    assert [r.host for r in demo.requests if r.path.endswith(f"/{org}/")] == ["demo.invalid"]
    assert set(hosts(demo, f"/{org}/replays/")) == {REGION_HOST}
    assert set(hosts(demo, "/acme/")) == {"demo.invalid"}
    assert len(hosts(demo, f"/{org}/replays/")) >= 2


@pytest.mark.parametrize("dialect", ["sentry"])
async def test_the_region_host_holds_only_its_own_organization(demo: DemoSentry):
    headers = {"Authorization": f"Bearer {demo.token}"}
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=demo.app), headers=headers
    ) as http:
        foreign = await http.get(f"http://{REGION_HOST}/api/0/organizations/acme/replays/")
        own = await http.get(f"http://{REGION_HOST}/api/0/organizations/acme-eu/")
        proxied = await http.get("http://demo.invalid/api/0/organizations/acme-eu/replays/")
    assert foreign.status_code == 404
    assert own.json()["links"]["regionUrl"] == f"http://{REGION_HOST}"
    assert proxied.status_code == 200 and proxied.json()["data"]


HOSTILE = [
    "http://evil.example",
    "https://evil.example",
    "http://de.demo.invalid@evil.example",
    "http://evil.example/.demo.invalid",
    "http://demo.invalid.evil.example",
    "https://de.sentry.io",  # a real region, but not the demo's: refused from the demo
    "javascript:alert(1)",
    "",
    None,
    42,
]


@pytest.mark.parametrize("dialect", ["sentry"])
@pytest.mark.parametrize("region_url", HOSTILE)
async def test_a_hostile_region_url_does_not_take_the_token_away(
    demo: DemoSentry, region_url: object
):
    body = {"id": "2276", "slug": "acme-eu", "links": {"regionUrl": region_url}}
    demo.faults.add(path=DETAILS, status=200, body=body, times=None)
    async with Client(build_for(demo)) as client:
        result = await client.call_tool("list_replays", {"organization": "acme-eu", "limit": 2})
        again = await client.call_tool("list_replays", {"organization": "acme-eu", "limit": 2})
    assert not result.is_error and not again.is_error, text_of(result)
    assert {r.host for r in demo.requests} == {"demo.invalid"}
    assert len(hosts(demo, "/organizations/acme-eu/")) == 3  # details once, then two lists


@pytest.mark.parametrize("dialect", ["sentry"])
async def test_a_failed_read_of_the_region_falls_back_to_the_configured_url(demo: DemoSentry):
    demo.faults.add(path=DETAILS, status=503, body={"detail": "down"}, times=None)
    async with SentryClient(
        url="http://demo.invalid", token=demo.token, retry=FAST_RETRY,
        transport=httpx2.ASGITransport(app=demo.app),
    ) as client:  # fmt: skip
        page = await client.list_replays("acme-eu", per_page=2)
        await client.list_replays("acme-eu", per_page=2)
    assert page.items and client.region_roots == {"acme-eu": None}
    assert set(hosts(demo, "/replays/")) == {"demo.invalid"}
    assert len(hosts(demo, "/organizations/acme-eu/")) == FAST_RETRY.attempts + 2  # read once


@pytest.mark.parametrize("dialect", ["sentry"])
async def test_on_sentry_io_the_region_of_each_organization_is_used(demo: DemoSentry):
    body = {"id": "2276", "slug": "acme-eu", "links": {"regionUrl": "https://de.sentry.io"}}
    demo.faults.add(path=DETAILS, status=200, body=body, times=None)
    async with SentryClient(
        url="https://sentry.io", token=demo.token, retry=FAST_RETRY,
        transport=httpx2.ASGITransport(app=demo.app),
    ) as client:  # fmt: skip
        await client.list_replays("acme-eu", per_page=2)
    assert client.region_roots == {"acme-eu": "https://de.sentry.io/api/0/"}
    assert hosts(demo, "/organizations/acme-eu/replays/") == ["de.sentry.io"]


async def test_a_self_hosted_sentry_is_used_as_given(client: SentryClient, demo: DemoSentry):
    await client.list_replays(demo.organization, per_page=2)
    assert client.region_roots == {}
    assert not [r for r in demo.requests if r.path.rstrip("/").endswith(demo.organization)]


@pytest.mark.parametrize(
    ("region_url", "base", "root"),
    [
        ("https://de.sentry.io", "https://sentry.io/api/0/", "https://de.sentry.io/api/0/"),
        ("https://US.sentry.io/", "https://acme.sentry.io/api/0/", "https://us.sentry.io/api/0/"),
        ("https://sentry.io", "https://sentry.io/api/0/", None),  # the same host
        ("http://de.sentry.io", "https://sentry.io/api/0/", None),  # not https
        ("https://de.sentry.io:8443", "https://sentry.io/api/0/", None),
        ("https://de.sentry.io/api/0/x", "https://sentry.io/api/0/", None),
        ("https://evilsentry.io", "https://sentry.io/api/0/", None),
        ("https://de.sentry.io.evil.example", "https://sentry.io/api/0/", None),
        ("https://sentry.io@evil.example", "https://sentry.io/api/0/", None),
        ("https://x@de.sentry.io", "https://sentry.io/api/0/", None),
        ("https://evil.example#.sentry.io", "https://sentry.io/api/0/", None),
        ("https://evil.example\\.sentry.io", "https://sentry.io/api/0/", None),
        ("https://de.sentry.io", "https://sentry.acme.example/api/0/", None),  # self-hosted
        ("http://de.demo.invalid", "http://demo.invalid/api/0/", "http://de.demo.invalid/api/0/"),
        ("http://de.demo.invalid", "http://127.0.0.1:8000/api/0/", None),
    ],
)
def test_which_region_urls_are_followed(region_url: str, base: str, root: str | None):
    assert region_root(region_url, base) == root
