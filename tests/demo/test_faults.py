"""Fault injection, the request log, the control routes, the loopback server and the script."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx2
import pytest

from sentry_replays_mcp.server.demo import DEMO_ORG, DEMO_TOKEN, DemoSentry, serve_in_thread
from tests.demo.sentry_api import BASE, LIST
from tests.e2e.program import stop

AUTH = {"Authorization": f"Bearer {DEMO_TOKEN}"}
ROOT = Path(__file__).resolve().parents[2]
DEMO_PROGRAM = (sys.executable, "-m", "sentry_replays_mcp.server.demo")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def demo() -> DemoSentry:
    return DemoSentry()


@pytest.fixture
async def api(demo: DemoSentry) -> AsyncIterator[httpx2.AsyncClient]:
    transport = httpx2.ASGITransport(app=demo.app)
    async with httpx2.AsyncClient(transport=transport, base_url=BASE, headers=AUTH) as client:
        yield client


@pytest.mark.anyio
async def test_fault_status_body_headers_and_times(api, demo):
    fault = demo.faults.add(
        path=r"replays/$",
        status=503,
        body={"detail": "down"},
        headers={"Retry-After": "1"},
        times=2,
    )
    first, second, third = [await api.get(LIST) for _ in range(3)]
    assert first.status_code == second.status_code == 503 and third.status_code == 200
    assert first.json() == {"detail": "down"} and first.headers["retry-after"] == "1"
    assert "x-sentry-rate-limit-limit" not in first.headers, "a fault sends only its headers"
    assert fault.hits == 2
    assert [r.status for r in demo.requests] == [503, 503, 200]


@pytest.mark.anyio
async def test_fault_matching_by_method_and_content_types(api, demo):
    demo.faults.add(path=r"replays/[0-9a-f]{32}/$", method="DELETE", status=500, times=None)
    demo.faults.add(
        path=r"replay-count/$",
        status=502,
        body="<html>Bad gateway</html>",
        content_type="text/html",
    )
    rid = demo.story_replay_id
    assert (await api.get(f"projects/{DEMO_ORG}/checkout/replays/{rid}/")).status_code == 200
    for _ in range(2):
        assert (await api.delete(f"projects/{DEMO_ORG}/checkout/replays/{rid}/")).status_code == 500
    gateway = await api.get(f"organizations/{DEMO_ORG}/replay-count/")
    assert gateway.status_code == 502 and gateway.headers["content-type"].startswith("text/html")
    assert gateway.text == "<html>Bad gateway</html>"
    demo.faults.clear()
    assert (await api.delete(f"projects/{DEMO_ORG}/checkout/replays/{rid}/")).status_code == 204


@pytest.mark.anyio
async def test_faults_apply_before_auth_and_are_logged(demo):
    demo.faults.add(
        path="replays/", status=429, body='"Too many requests"', content_type="application/json"
    )
    transport = httpx2.ASGITransport(app=demo.app)
    async with httpx2.AsyncClient(transport=transport, base_url=BASE) as anon:
        faked = await anon.get(LIST)
        real = await anon.get(LIST)
    assert faked.status_code == 429 and faked.json() == "Too many requests"
    assert real.status_code == 401
    assert [(r.status, r.authenticated) for r in demo.requests] == [(429, False), (401, False)]


@pytest.mark.anyio
async def test_delay_holds_the_response(api, demo):
    demo.faults.add(path="replays/$", status=200, body={"data": []}, delay=0.3)
    started = time.monotonic()
    response = await api.get(LIST)
    assert response.json() == {"data": []} and time.monotonic() - started >= 0.3


@pytest.mark.anyio
async def test_request_log_keeps_raw_path_and_query_never_the_token(api, demo):
    await api.get(f"{LIST}?query=user.email%3Aa%40b.c&per_page=2")
    await api.get(f"organizations/{DEMO_ORG}/replays/%7Bbad%7D/")
    first, second = demo.requests
    assert first.method == "GET" and first.path == f"/api/0/{LIST}"
    assert first.query == "query=user.email%3Aa%40b.c&per_page=2"
    assert first.status == 200 and first.authenticated is True
    assert second.path == f"/api/0/organizations/{DEMO_ORG}/replays/%7Bbad%7D/"
    assert second.status == 404
    everything = repr(demo.requests) + json.dumps([r.as_dict() for r in demo.requests])
    assert DEMO_TOKEN not in everything and demo.readonly_token not in everything
    demo.reset()
    assert demo.requests == [] and len(demo.faults) == 0


def test_loopback_server_slow_body_and_control_routes(demo):
    with serve_in_thread(demo) as base_url:
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/api/0/")
        origin = base_url[: -len("/api/0/")]
        with httpx2.Client(base_url=base_url, headers=AUTH, timeout=5) as client:
            assert client.get(LIST, params={"per_page": 1}).status_code == 200
            control = httpx2.Client(base_url=origin, timeout=5)
            assert control.post("/__demo__/faults", json={"path": "x"}).status_code == 401
            made = client.post(
                f"{origin}/__demo__/faults",
                json={
                    "path": "replays/$",
                    "status": 200,
                    "body": json.dumps({"data": []}),
                    "content_type": "application/json",
                    "chunks": 4,
                    "chunk_delay": 0.15,
                },
            )
            assert made.status_code == 201 and made.json()["chunks"] == 4
            started = time.monotonic()
            slow = client.get(LIST)
            assert slow.json() == {"data": []} and time.monotonic() - started >= 0.5
            client.post(
                f"{origin}/__demo__/faults",
                json={"path": "replays/$", "chunks": 2, "chunk_delay": 1.0, "times": None},
            )
            with pytest.raises(httpx2.ReadTimeout):
                client.get(LIST, timeout=httpx2.Timeout(5, read=0.3))
            assert client.delete(f"{origin}/__demo__/faults").status_code == 204
            logged = client.get(f"{origin}/__demo__/requests").json()
            assert logged[0]["path"] == f"/api/0/{LIST}" and logged[0]["query"] == "per_page=1"
            assert DEMO_TOKEN not in json.dumps(logged)
            assert client.post(f"{origin}/__demo__/reset").status_code == 204
            assert demo.requests == []
            control.close()
        port = int(origin.rsplit(":", 1)[1])
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass


def _first_line(proc: subprocess.Popen[str], timeout: float) -> str:
    box: list[str] = []
    reader = threading.Thread(target=lambda: box.append(proc.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(timeout)
    assert box, "the console script printed nothing in time"
    return box[0]


def test_console_script_prints_json_then_serves():
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    cmd = [*DEMO_PROGRAM, "--port", "0", "--token", "t0ken-for-test"]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        info = json.loads(_first_line(proc, 20))
        assert info["token"] == "t0ken-for-test" and info["organization"] == "acme"
        assert info["dialect"] == "sentry" and len(info["projects"]) >= 3
        assert info["base_url"].startswith("http://127.0.0.1:") and info["base_url"].endswith(
            "/api/0/"
        )
        assert not info["base_url"].startswith("http://127.0.0.1:0/")
        url = info["base_url"] + LIST
        with httpx2.Client(timeout=5) as client:
            ok = client.get(url, headers={"Authorization": "Bearer t0ken-for-test"})
            assert ok.status_code == 200 and ok.json()["data"]
            assert client.get(url).status_code == 401
    finally:
        stop(proc, 10)
    assert proc.returncode is not None


def test_console_script_refuses_a_public_host():
    cmd = [*DEMO_PROGRAM, "--port", "0", "--host", "0.0.0.0"]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert done.returncode == 2 and done.stdout == "" and "--allow-remote" in done.stderr
