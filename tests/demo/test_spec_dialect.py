"""The demo Sentry, `spec` dialect: answers exactly as the seed OpenAPI document describes."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx2
import pytest

from sentry_replays_mcp.server.demo import DEMO_ORG, DEMO_TOKEN, DemoSentry
from tests.demo.sentry_api import BASE

pytestmark = pytest.mark.anyio
DASHED = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
REPLAY_KEYS = {
    "id",
    "title",
    "projectId",
    "duration",
    "countErrors",
    "countSegments",
    "countUrls",
    "startedAt",
    "finishedAt",
    "platform",
    "environment",
    "urls",
    "user",
    "browser",
    "os",
    "device",
    "tags",
}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def spec() -> DemoSentry:
    return DemoSentry(dialect="spec")


@pytest.fixture
async def api(spec: DemoSentry) -> AsyncIterator[httpx2.AsyncClient]:
    transport = httpx2.ASGITransport(app=spec.app)
    headers = {"Authorization": f"Bearer {DEMO_TOKEN}"}
    async with httpx2.AsyncClient(transport=transport, base_url=BASE, headers=headers) as client:
        yield client


def replay_path(spec: DemoSentry, suffix: str = "") -> str:
    story = spec.replay(spec.story_replay_id)
    return f"projects/{DEMO_ORG}/{story.project.slug}/replays/{story.id}/{suffix}"


async def test_list_is_camel_case_with_dashed_ids(api, spec):
    response = await api.get(f"organizations/{DEMO_ORG}/replays/", params={"per_page": 10})
    assert response.status_code == 200 and 'rel="next"; results="true"' in response.headers["link"]
    rows = response.json()["data"]
    assert len(rows) == 10 and all(set(r) == REPLAY_KEYS for r in rows)
    assert all(DASHED.match(r["id"]) for r in rows)
    assert set(rows[0]["user"]) == {"id", "name", "email", "ip_address"}
    everything = await api.get(f"organizations/{DEMO_ORG}/replays/", params={"per_page": 100})
    second = await api.get(f"organizations/{DEMO_ORG}/replays/", params={"cursor": "0:100:0"})
    ids = {r["id"].replace("-", "") for r in everything.json()["data"] + second.json()["data"]}
    assert len(ids) == len(spec.data.replays) - 1 and spec.archived_replay_id not in ids
    by_camel = await api.get(f"organizations/{DEMO_ORG}/replays/", params={"sort": "-countErrors"})
    counts = [r["countErrors"] for r in by_camel.json()["data"]]
    assert counts == sorted(counts, reverse=True)


async def test_retrieve_and_delete_at_project_level(api, spec):
    path = replay_path(spec)
    replay = (await api.get(path)).json()["data"]
    assert set(replay) == REPLAY_KEYS and replay["id"].replace("-", "") == spec.story_replay_id
    assert replay["countErrors"] >= 1 and replay["countSegments"] >= 6
    assert (await api.delete(path)).status_code == 204
    gone = await api.get(path)
    assert gone.status_code == 404 and gone.content == b""
    assert (await api.delete(path)).status_code == 404
    readonly = {"Authorization": f"Bearer {spec.readonly_token}"}
    spec.reset()
    assert (await api.delete(path, headers=readonly)).status_code == 403


async def test_segments_are_metadata_rows(api, spec):
    rows = (await api.get(replay_path(spec, "recording-segments/"))).json()
    assert isinstance(rows, list) and len(rows) == spec.replay(spec.story_replay_id).segment_count
    assert all(set(r) == {"id", "replayId", "segmentId", "dateAdded"} for r in rows)
    assert [r["segmentId"] for r in rows] == list(range(len(rows)))
    one = (await api.get(replay_path(spec, "recording-segments/1/"))).json()
    assert one == rows[1]
    missing = await api.get(replay_path(spec, "recording-segments/77/"))
    assert missing.status_code == 404


async def test_selectors_clicks_viewers_and_counts(api, spec):
    selectors = (await api.get(f"organizations/{DEMO_ORG}/replays/selectors/")).json()["data"]
    assert selectors and all(
        set(s) == {"dom_element", "count", "dead_click_count", "rage_click_count"}
        for s in selectors
    )
    clicks = await api.get(f"organizations/{DEMO_ORG}/replays/{spec.story_replay_id}/clicks/")
    rows = clicks.json()["data"]
    assert rows and set(rows[0]) == {"node_id", "timestamp", "element"}
    assert set(rows[0]["element"]) == {"tag", "id", "class", "text"}
    assert any(r["element"]["text"] == "Pay now" for r in rows)
    viewers = (await api.get(replay_path(spec, "viewed-by/"))).json()["data"]
    assert viewers and set(viewers[0]) == {"id", "name", "email", "dateViewed"}
    counts = await api.get(
        f"organizations/{DEMO_ORG}/replay-count/",
        params={"query": f"issue.id:[{spec.story_issue_id}]"},
    )
    body = counts.json()
    assert list(body) == [spec.story_issue_id] and isinstance(body[spec.story_issue_id], int)


async def test_sentry_only_paths_are_404_here(api, spec):
    rid = spec.story_replay_id
    for path in (
        f"organizations/{DEMO_ORG}/replay-selectors/",
        f"organizations/{DEMO_ORG}/replays/{rid}/",
        replay_path(spec, "clicks/"),
    ):
        response = await api.get(path)
        assert response.status_code == 404, path


async def test_auth_is_the_same(spec):
    transport = httpx2.ASGITransport(app=spec.app)
    async with httpx2.AsyncClient(transport=transport, base_url=BASE) as anon:
        response = await anon.get(f"organizations/{DEMO_ORG}/replays/")
    assert response.status_code == 401
