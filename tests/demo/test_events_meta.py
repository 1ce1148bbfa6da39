"""The demo's `replays-events-meta/` endpoint: a replay's linked error events (sentry dialect)."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import httpx2
import pytest

from sentry_replays_mcp.server.demo import DEMO_READONLY_TOKEN, DEMO_TOKEN, DemoSentry
from tests.demo.sentry_api import BASE, LINK

pytestmark = pytest.mark.anyio
URL = "organizations/acme/replays-events-meta/"
COLUMNS = {"error.type", "error.value", "id", "issue.id", "issue", "timestamp", "title"}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def sentry() -> DemoSentry:
    return DemoSentry()


async def client_for(demo: DemoSentry, token: str | None) -> httpx2.AsyncClient:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    transport = httpx2.ASGITransport(app=demo.app)
    return httpx2.AsyncClient(transport=transport, base_url=BASE, headers=headers)


@pytest.fixture
async def api(sentry: DemoSentry) -> AsyncIterator[httpx2.AsyncClient]:
    async with await client_for(sentry, DEMO_TOKEN) as client:
        yield client


async def rows(api: httpx2.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    """Every row, following `Link` rel=next."""
    response = await api.get(URL, params={"statsPeriod": "90d", "project": "-1", **params})
    out = []
    for _ in range(50):
        assert response.status_code == 200, response.text
        out.extend(response.json()["data"])
        nxt = {rel: (url, ok) for url, rel, ok, _ in LINK.findall(response.headers["link"])}
        if nxt["next"][1] != "true":
            return out
        response = await api.get(nxt["next"][0])
    raise AssertionError("pagination did not end")


def console_errors(demo: DemoSentry, replay_id: str) -> list[float]:
    """Payload timestamps (seconds) of the console errors in the replay's recording."""
    found = []
    for number in range(demo.replay(replay_id).segment_count):
        for event in demo.segment_events(replay_id, number):
            payload = event["data"].get("payload", {}) if event["type"] == 5 else {}
            if payload.get("category") == "console" and payload.get("level") == "error":
                found.append(payload["timestamp"])
    return found


async def test_story_replay_errors_match_its_recording(
    api: httpx2.AsyncClient, sentry: DemoSentry
) -> None:
    story = sentry.replay(sentry.story_replay_id)
    found = await rows(api, query=f"replayId:{story.id}")
    assert [r["id"] for r in found] == story.error_ids and len(found) == 2
    for row in found:
        assert set(row) >= COLUMNS
        assert row["error.type"] == ["TypeError"]
        assert row["error.value"] == ["Cannot read properties of undefined (reading 'total')"]
        assert row["title"] == "TypeError: Cannot read properties of undefined (reading 'total')"
        assert row["issue.id"] == int(sentry.story_issue_id)
        assert re.fullmatch(r"CHECKOUT-[0-9A-Z]+", row["issue"])
        assert row["project.name"] == "checkout"
    stamps = [datetime.fromisoformat(r["timestamp"]).timestamp() for r in found]
    assert stamps == pytest.approx(console_errors(sentry, story.id), abs=0.001)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", found[0]["timestamp"])


async def test_by_event_ids(api: httpx2.AsyncClient, sentry: DemoSentry) -> None:
    story = sentry.replay(sentry.story_replay_id)
    first, second = story.error_ids
    assert [r["id"] for r in await rows(api, query=f"id:[{first},{second}]")] == [first, second]
    dashed = str(uuid.UUID(second))
    assert [r["id"] for r in await rows(api, query=f"id:{dashed}")] == [second]
    assert await rows(api, query=f"id:[{uuid.uuid4().hex}]") == []
    assert await rows(api, query="id:[not-an-id]") == []
    assert await rows(api, query=f"replayId:[{uuid.UUID(story.id)!s}]") != []
    assert await rows(api, query=f"release:x id:{first}") == []  # unknown keys match nothing


async def test_every_replay_error_is_an_event(api: httpx2.AsyncClient, sentry: DemoSentry) -> None:
    found = await rows(api, per_page="37")
    expected = {e: r for r in sentry.data.replays for e in r.error_ids}
    assert len(found) == len(expected) > 100
    assert {r["id"] for r in found} == set(expected)
    for row in found:
        replay = expected[row["id"]]
        assert str(row["issue.id"]) == sentry.data.error_issue[row["id"]]
        assert row["project.name"] == replay.project.slug
        at = datetime.fromisoformat(row["timestamp"])
        assert replay.started_at <= at <= replay.finished_at
    stamps = [r["timestamp"] for r in found]
    assert stamps == sorted(stamps)
    newest = await api.get(URL, params={"sort": "-timestamp", "per_page": "1"})
    assert newest.json()["data"][0]["timestamp"] == max(stamps)


async def test_paging_window_and_projects(api: httpx2.AsyncClient, sentry: DemoSentry) -> None:
    story = sentry.replay(sentry.story_replay_id)
    page = await api.get(URL, params={"per_page": "5"})
    assert len(page.json()["data"]) == 5
    assert 'rel="next"; results="true"; cursor="0:5:0"' in page.headers["link"]
    assert (await api.get(URL, params={"per_page": "101"})).status_code == 400
    assert await rows(api, query=f"replayId:{story.id}", statsPeriod="1h") == []
    checkout = sentry.data.project("checkout")
    assert checkout is not None
    only = await rows(api, project=checkout.id)
    assert only and {r["project.name"] for r in only} == {"checkout"}
    assert len(await rows(api, project="web-frontend", query=f"replayId:{story.id}")) == 0
    assert (await api.get(URL, params={"project": "999"})).status_code == 403


async def test_shape_fields_and_errors(api: httpx2.AsyncClient, sentry: DemoSentry) -> None:
    response = await api.get(URL, params={"field": ["id", "nonsense"], "per_page": "1"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"data", "meta"}
    assert set(body["data"][0]) >= COLUMNS and set(body["meta"]["fields"]) >= COLUMNS
    assert body["meta"]["fields"]["issue.id"] == "integer"
    bad = await api.get(URL, params={"query": "id:[a,"})
    assert bad.status_code == 400 and "detail" in bad.json()
    assert (await api.get("organizations/nope/replays-events-meta/")).status_code == 404


async def test_needs_event_read(sentry: DemoSentry) -> None:
    async with await client_for(sentry, DEMO_READONLY_TOKEN) as readonly:
        response = await readonly.get(URL)
        assert response.status_code == 403
        assert response.json() == {"detail": "You do not have permission to perform this action."}
    async with await client_for(sentry, None) as anonymous:
        assert (await anonymous.get(URL)).status_code == 401


async def test_archived_replay_errors_are_still_found(
    api: httpx2.AsyncClient, sentry: DemoSentry
) -> None:
    archived = sentry.replay(sentry.archived_replay_id)
    found = await rows(api, query=f"replayId:{archived.id}")
    assert [r["id"] for r in found] == archived.error_ids


async def test_long_replay_errors() -> None:
    demo = DemoSentry()
    rid = demo.add_long_replay(60, 600_000)
    replay = demo.replay(rid)
    async with await client_for(demo, DEMO_TOKEN) as api:
        found = await rows(api, query=f"replayId:{rid}")
    assert [r["id"] for r in found] == replay.error_ids and found
    stamps = [datetime.fromisoformat(r["timestamp"]).timestamp() for r in found]
    assert stamps == pytest.approx(console_errors(demo, rid), abs=0.001)


async def test_spec_dialect_has_no_such_path() -> None:
    demo = DemoSentry(dialect="spec")
    async with await client_for(demo, DEMO_TOKEN) as api:
        response = await api.get(URL, params={"query": f"replayId:{demo.story_replay_id}"})
    assert response.status_code == 404 and response.content == b""
