"""The demo Sentry, `sentry` dialect: answers like sentry.io's replay endpoints."""

from __future__ import annotations

from datetime import datetime

import httpx2
import pytest

from sentry_replays_mcp.server.demo import DEMO_ORG
from tests.demo.sentry_api import BASE, HEX, LIST, links, story_project, walk

pytestmark = pytest.mark.anyio


# -- list ---------------------------------------------------------------------------------------


async def test_list_answers_snake_case_replays_with_link_and_rate_headers(api, sentry):
    response = await api.get(LIST, params={"per_page": 5})
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["data"] and len(body["data"]) == 5
    replay = body["data"][0]
    assert HEX.match(replay["id"]) and isinstance(replay["project_id"], str)
    for key in (
        "started_at",
        "finished_at",
        "count_errors",
        "count_segments",
        "count_rage_clicks",
        "error_ids",
        "trace_ids",
        "urls",
        "user",
        "browser",
        "os",
        "device",
        "sdk",
        "is_archived",
        "replay_type",
        "has_viewed",
        "activity",
        "clicks",
        "releases",
    ):
        assert key in replay, key
    assert not any(ch.isupper() for key in replay for ch in key)
    assert set(replay["user"]) >= {"id", "username", "email", "ip", "display_name", "geo"}
    datetime.fromisoformat(replay["started_at"])
    assert replay["started_at"].endswith("+00:00")
    previous, nxt = links(response)["previous"], links(response)["next"]
    assert previous[1:] == (False, "0:0:1") and nxt[1:] == (True, "0:5:0")
    assert nxt[0] == f"{BASE}{LIST}?per_page=5&cursor=0:5:0"
    for name in ("Limit", "Remaining", "Reset", "ConcurrentLimit", "ConcurrentRemaining"):
        assert int(response.headers[f"X-Sentry-Rate-Limit-{name}"]) >= 0
    starts = [r["started_at"] for r in body["data"]]
    assert starts == sorted(starts, reverse=True), "default sort is -started_at"


async def test_auth_is_required(sentry):
    transport = httpx2.ASGITransport(app=sentry.app)
    async with httpx2.AsyncClient(transport=transport, base_url=BASE) as anon:
        missing = await anon.get(LIST)
        wrong = await anon.get(LIST, headers={"Authorization": "Bearer nope"})
    assert missing.status_code == 401
    assert missing.json() == {"detail": "Authentication credentials were not provided."}
    assert wrong.status_code == 401 and wrong.json() == {"detail": "Invalid token"}
    assert "X-Sentry-Rate-Limit-Limit" in wrong.headers


async def test_paging_walks_every_replay_once(api, sentry):
    pages = await walk(api, LIST, {"per_page": 37, "statsPeriod": "90d"})
    ids = [r["id"] for page in pages for r in page["data"]]
    assert len(ids) == len(set(ids)) == len(sentry.data.replays) >= 150
    assert [len(p["data"]) for p in pages][:-1] == [37] * (len(pages) - 1)
    assert sentry.archived_replay_id in ids


async def test_archived_rows_are_listed_as_stubs(api, sentry):
    response = await api.get(LIST, params={"query": f"id:{sentry.archived_replay_id}"})
    (stub,) = response.json()["data"]
    assert stub["is_archived"] is True and stub["user"]["display_name"] == "Archived Replay"
    assert stub["tags"] == [] and stub["error_ids"] == [] and stub["count_errors"] is None


@pytest.mark.parametrize(
    ("sort", "key"),
    [("duration", "duration"), ("-count_errors", "count_errors"), ("started_at", "started_at")],
)
async def test_sort(api, sort, key):
    rows = (await api.get(LIST, params={"sort": sort, "per_page": 100})).json()["data"]
    values = [r[key] for r in rows if r[key] is not None]
    assert values == sorted(values, reverse=sort.startswith("-")) and len(set(values)) > 1


async def test_query_filters(api, sentry):
    story = sentry.replay(sentry.story_replay_id)
    email = story.user["email"]
    by_email = (await api.get(LIST, params={"query": f"user.email:{email}"})).json()["data"]
    assert by_email and all(r["user"]["email"] == email for r in by_email)
    assert story.id in {r["id"] for r in by_email}
    rage = (await api.get(LIST, params={"query": "count_rage_clicks:>0"})).json()["data"]
    assert rage and all(r["count_rage_clicks"] > 0 for r in rage)
    not_prod = (await api.get(LIST, params={"query": "!environment:production"})).json()["data"]
    live = [r for r in not_prod if not r["is_archived"]]
    assert live and all(r["environment"] != "production" for r in live)
    combined = "browser.name:[Chrome,Firefox] duration:>2m urls:*checkout*"
    rows = (await api.get(LIST, params={"query": combined})).json()["data"]
    assert rows and all(r["browser"]["name"] in ("Chrome", "Firefox") for r in rows)
    assert all(r["duration"] > 120 and any("checkout" in u for u in r["urls"]) for r in rows)
    dead = await api.get(LIST, params={"query": 'rage.selector:"button#pay-now"'})
    assert story.id in {r["id"] for r in dead.json()["data"]}
    by_error = await api.get(LIST, params={"query": f"error_id:{story.error_ids[0]}"})
    assert [r["id"] for r in by_error.json()["data"]] == [story.id]
    either = "(environment:staging OR count_errors:>=2) AND !browser:Safari"
    rows = (await api.get(LIST, params={"query": either})).json()["data"]
    assert rows and all(r["browser"]["name"] != "Safari" for r in rows if not r["is_archived"])


async def test_filters_by_project_environment_and_period(api, sentry):
    checkout = next(p for p in sentry.projects if p.slug == "checkout")
    rows = (await api.get(LIST, params={"project": checkout.id})).json()["data"]
    assert rows and {r["project_id"] for r in rows} == {checkout.id}
    same = (await api.get(LIST, params={"project": "checkout"})).json()["data"]
    assert [r["id"] for r in same] == [r["id"] for r in rows]
    staging = (await api.get(LIST, params={"environment": "staging"})).json()["data"]
    assert staging and {r["environment"] for r in staging} == {"staging"}
    day = (await api.get(LIST, params={"statsPeriod": "24h"})).json()["data"]
    assert 0 < len(day) < len(sentry.data.replays)
    assert sentry.story_replay_id in {r["id"] for r in day}


async def test_field_limits_the_keys(api):
    rows = (await api.get(LIST, params=[("field", "id"), ("field", "count_errors")])).json()
    assert all(set(r) == {"id", "count_errors"} for r in rows["data"])


@pytest.mark.parametrize(
    ("params", "body"),
    [
        ({"field": "replay_type"}, {"field": ['"replay_type" is not a valid choice.']}),
        ({"field": "ota_updates"}, {"field": ['"ota_updates" is not a valid choice.']}),
        ({"sort": "-startedAt"}, {"detail": "The field `startedAt` is not a sortable field."}),
        ({"per_page": "101"}, {"detail": "Invalid per_page value. Must be between 1 and 100."}),
        ({"per_page": "0"}, {"detail": "Invalid per_page value. Must be between 1 and 100."}),
        ({"cursor": "garbage"}, {"detail": "Invalid cursor parameter."}),
        ({"statsPeriod": "2 days"}, {"detail": "Invalid statsPeriod"}),
        ({"query": "count_errors:>abc"}, {"detail": "Could not parse value for `count_errors`"}),
        ({"query": "user.email:>a"}, {"detail": "Invalid operator specified for `user.email`"}),
    ],
)
async def test_bad_parameters_are_400(api, params, body):
    response = await api.get(LIST, params=params)
    assert response.status_code == 400 and response.json() == body


async def test_unknown_org_and_project(api, sentry):
    response = await api.get("organizations/globex/replays/")
    assert response.status_code == 404
    assert response.json() == {"detail": "The requested resource does not exist"}
    path = f"projects/{DEMO_ORG}/nope/replays/{sentry.story_replay_id}/"
    assert (await api.get(path)).json() == {"detail": "The requested resource does not exist"}


# -- details and delete ----------------------------------------------------------------------


async def test_details_by_hex_and_dashed_id(api, sentry):
    rid = sentry.story_replay_id
    dashed = f"{rid[:8]}-{rid[8:12]}-{rid[12:16]}-{rid[16:20]}-{rid[20:]}".upper()
    for path in (
        f"{LIST}{rid}/",
        f"{LIST}{dashed}/",
        f"projects/{DEMO_ORG}/checkout/replays/{rid}/",
    ):
        response = await api.get(path)
        assert response.status_code == 200, path
        assert response.json()["data"]["id"] == rid
    replay = (await api.get(f"{LIST}{rid}/")).json()["data"]
    assert replay["count_rage_clicks"] >= 1 and replay["count_errors"] == len(replay["error_ids"])
    assert replay["project_id"] == sentry.replay(rid).project.id


@pytest.mark.parametrize("rid", ["0123456789abcdef0123456789abcdef", "not-a-uuid", "selectors"])
async def test_unknown_replay_is_404_with_empty_body(api, rid):
    response = await api.get(f"{LIST}{rid}/")
    assert response.status_code == 404 and response.content == b""


async def test_replay_outside_the_window_or_project_is_404(api, sentry):
    old = min(sentry.data.replays, key=lambda r: r.started_at)
    assert (await api.get(f"{LIST}{old.id}/", params={"statsPeriod": "1h"})).status_code == 404
    other = next(p.slug for p in sentry.projects if p.slug != story_project(sentry))
    response = await api.get(f"projects/{DEMO_ORG}/{other}/replays/{sentry.story_replay_id}/")
    assert response.status_code == 404 and response.content == b""


async def test_delete_then_archived_stub_then_404(api, sentry):
    rid = sentry.story_replay_id
    path = f"projects/{DEMO_ORG}/checkout/replays/{rid}/"
    first = await api.delete(path)
    assert first.status_code == 204 and first.content == b""
    stub = (await api.get(f"{LIST}{rid}/")).json()["data"]
    assert stub["is_archived"] is True and stub["user"]["id"] == "Archived Replay"
    assert stub["count_segments"] is None and stub["urls"] is None and stub["has_viewed"] is False
    segments = await api.get(f"{path}recording-segments/")
    assert segments.status_code == 200 and segments.json() == []
    second = await api.delete(path)
    assert second.status_code == 404 and second.content == b""
    unknown = await api.delete(f"projects/{DEMO_ORG}/checkout/replays/{'ab' * 16}/")
    assert unknown.status_code == 204
    sentry.reset()
    assert (await api.get(f"{LIST}{rid}/")).json()["data"]["is_archived"] is False


async def test_readonly_token_is_refused_delete_and_viewers(api, sentry):
    headers = {"Authorization": f"Bearer {sentry.readonly_token}"}
    path = f"projects/{DEMO_ORG}/checkout/replays/{sentry.story_replay_id}/"
    forbidden = {"detail": "You do not have permission to perform this action."}
    deleted = await api.delete(path, headers=headers)
    assert deleted.status_code == 403 and deleted.json() == forbidden
    viewers = await api.get(f"{path}viewed-by/", headers=headers)
    assert viewers.status_code == 403 and viewers.json() == forbidden
    assert (await api.get(LIST, headers=headers)).status_code == 200


# -- recordings -------------------------------------------------------------------------------


async def test_segments_are_arrays_of_events_and_page_past_100(api, sentry):
    long = sentry.replay(sentry.long_replay_id)
    assert long.segment_count > 100
    path = f"projects/{DEMO_ORG}/{long.project.id}/replays/{long.id}/recording-segments/"
    pages = await walk(api, path, {})
    assert [len(p) for p in pages] == [100, long.segment_count - 100]
    segments = [segment for page in pages for segment in page]
    assert all(isinstance(s, list) and s and all("type" in e for e in s) for s in segments)
    first = segments[0]
    assert [e["type"] for e in first[:2]] == [4, 2] and first[0]["data"]["href"].startswith("https")
    small = await api.get(path, params={"per_page": 3, "cursor": "0:3:0"})
    assert len(small.json()) == 3 and links(small)["previous"][1:] == (True, "0:0:1")
    too_many = await api.get(path, params={"per_page": 500})
    assert too_many.status_code == 400


async def test_segments_of_archived_empty_and_unknown_replays(api, sentry):
    for rid in (sentry.archived_replay_id, sentry.empty_replay_id, "ab" * 16):
        replay = sentry.data.by_id.get(rid)
        project = replay.project.slug if replay else "checkout"
        path = f"projects/{DEMO_ORG}/{project}/replays/{rid}/recording-segments/"
        response = await api.get(path)
        assert response.status_code == 200 and response.json() == [], rid


async def test_one_segment_metadata_and_download(api, sentry):
    rid = sentry.story_replay_id
    path = f"projects/{DEMO_ORG}/checkout/replays/{rid}/recording-segments/2/"
    meta = (await api.get(path)).json()
    assert set(meta) == {"data"} and set(meta["data"]) == {
        "replayId",
        "segmentId",
        "projectId",
        "dateAdded",
    }
    assert meta["data"]["replayId"] == rid and meta["data"]["segmentId"] == 2
    download = await api.get(path, params={"download": "true"})
    assert download.status_code == 200
    assert download.headers["content-disposition"].startswith("attachment; filename=")
    events = download.json()
    assert isinstance(events, list) and events == sentry.segment_events(rid, 2)
    missing = await api.get(path.replace("/2/", "/99/"))
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Replay recording segment not found."}
