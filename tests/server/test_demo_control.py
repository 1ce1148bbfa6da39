"""The demo's control routes (fault injection, request log, reset) on a loopback port: only
for requests addressed to this machine, and fault paths are literal text, never a regex a
caller could make take exponential time."""

from __future__ import annotations

import anyio
import httpx2
import pytest

from sentry_replays_mcp.server.demo import DemoSentry, serve_in_thread
from sentry_replays_mcp.server.demo.app import DEMO_ORG

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def served():
    demo = DemoSentry()
    with serve_in_thread(demo) as base_url:
        yield demo, base_url[: -len("/api/0/")]


@pytest.fixture
def control(served):
    demo, origin = served
    demo.reset()
    headers = {"Authorization": f"Bearer {demo.token}"}
    with httpx2.Client(base_url=origin, headers=headers, timeout=10) as http:
        yield demo, http
    demo.reset()


@pytest.mark.parametrize(
    "headers,status",
    [
        ({"Host": "evil.example.com"}, 421),
        ({"Host": "evil.example.com:80"}, 421),
        ({"Host": "127.0.0.1.evil.example.com"}, 421),
        ({"Origin": "http://evil.example.com"}, 403),
    ],
)
def test_a_foreign_host_or_origin_cannot_inject_faults(control, headers, status):
    demo, http = control
    routes = [
        ("POST", "/__demo__/faults"),
        ("POST", "/__demo__/reset"),
        ("GET", "/__demo__/requests"),
        ("DELETE", "/__demo__/faults"),
    ]
    for method, path in routes:
        answer = http.request(method, path, json={"path": "replays/$"}, headers=headers)
        assert answer.status_code == status, (method, path, answer.text)
    assert len(demo.faults) == 0
    made = http.post("/__demo__/faults", json={"path": "replays/$", "status": 503})
    assert made.status_code == 201, "the loopback name still works"
    made = http.post(
        "/__demo__/faults", json={"path": "x"}, headers={"Origin": "http://localhost:5173"}
    )
    assert made.status_code == 201, "a loopback origin is no foreign page"


@pytest.mark.parametrize(
    "path", ["^(a+)+$", "(a|a)*b", "replays/[0-9a-f]{32}/$", ".*", "a\\d", "x" * 501, 7, None]
)
def test_a_fault_path_with_regex_syntax_is_refused(control, path):
    demo, http = control
    answer = http.post("/__demo__/faults", json={"path": path, "status": 500})
    assert answer.status_code == 400 and "literal text" in answer.json()["detail"]
    assert len(demo.faults) == 0


def test_a_literal_fault_path_matches_as_text(control):
    demo, http = control
    headers = {"Authorization": f"Bearer {demo.token}"}
    # "." is a dot, not any character: the fault names the path exactly
    made = http.post("/__demo__/faults", json={"path": f"^organizations/{DEMO_ORG}/replays/$",
                                              "status": 418, "times": None})  # fmt: skip
    assert made.status_code == 201, made.text
    http.post("/__demo__/faults", json={"path": "a.b", "status": 419, "times": None})
    hit = http.get(f"/api/0/organizations/{DEMO_ORG}/replays/", headers=headers)
    missed = http.get(f"/api/0/organizations/{DEMO_ORG}/replays-events-meta/", headers=headers)
    other = http.get("/api/0/organizations/aXb/replays/x/", headers=headers)
    assert hit.status_code == 418 and missed.status_code != 418 and other.status_code != 419


async def test_a_long_path_against_the_faults_answers_at_once(control):
    """The pattern that would backtrack exponentially as a regex is refused; the same request
    path then answers, bounded in time."""
    demo, http = control
    assert http.post("/__demo__/faults", json={"path": "^(a+)+$"}).status_code == 400
    http.post("/__demo__/faults", json={"path": "a" * 40, "status": 500, "times": None})
    url = str(http.base_url) + "/api/0/" + "a" * 40 + "!"
    with anyio.fail_after(10):
        async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {demo.token}"}) as h:
            answer = await h.get(url)
    assert answer.status_code == 500
