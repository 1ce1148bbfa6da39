"""The demo Sentry, `sentry` dialect: clicks, selectors, viewers and replay counts."""

from __future__ import annotations

from datetime import datetime

import pytest

from sentry_replays_mcp.server.demo import DEMO_ORG
from tests.demo.sentry_api import LIST, links

pytestmark = pytest.mark.anyio


# -- interactions, viewers, counts ----------------------------------------------------------


async def test_clicks_are_node_ids_with_ascending_timestamps(api, sentry):
    story = sentry.replay(sentry.story_replay_id)
    path = f"projects/{DEMO_ORG}/checkout/replays/{story.id}/clicks/"
    rows = (await api.get(path)).json()["data"]
    assert len(rows) == len(story.clicks) >= 5
    assert all(set(r) == {"node_id", "timestamp"} and isinstance(r["node_id"], int) for r in rows)
    stamps = [datetime.fromisoformat(r["timestamp"]) for r in rows]
    assert stamps == sorted(stamps)
    pay = (await api.get(path, params={"query": "click.id:pay-now"})).json()["data"]
    pay_ids = {a.el.node_id for a in story.clicks if a.el.elem_id == "pay-now"}
    assert pay and {r["node_id"] for r in pay} == pay_ids
    first = await api.get(path, params={"per_page": 2})
    assert len(first.json()["data"]) == 2 and links(first)["next"][1] is True


async def test_selectors_aggregate_dead_and_rage_clicks(api):
    response = await api.get(f"organizations/{DEMO_ORG}/replay-selectors/")
    rows = response.json()["data"]
    assert rows and "link" in response.headers
    row = rows[0]
    assert set(row) == {
        "dom_element",
        "count_dead_clicks",
        "count_rage_clicks",
        "project_id",
        "element",
    }
    assert set(row["element"]) == {
        "alt",
        "aria_label",
        "class",
        "component_name",
        "id",
        "role",
        "tag",
        "testid",
        "title",
    }
    dead = [r["count_dead_clicks"] for r in rows]
    assert dead == sorted(dead, reverse=True)
    rage = await api.get(
        f"organizations/{DEMO_ORG}/replay-selectors/", params={"sort": "-count_rage_clicks"}
    )
    top = rage.json()["data"][0]
    assert top["count_rage_clicks"] >= 1
    assert any(
        r["dom_element"].startswith("button#pay-now.btn.btn-primary") for r in rage.json()["data"]
    )


async def test_viewers(api, sentry):
    story = sentry.replay(sentry.story_replay_id)
    body = (await api.get(f"projects/{DEMO_ORG}/checkout/replays/{story.id}/viewed-by/")).json()
    users = body["data"]["viewed_by"]
    assert users and {"id", "name", "email", "avatarUrl", "dateJoined", "type"} <= set(users[0])
    unknown = await api.get(f"projects/{DEMO_ORG}/checkout/replays/{'ab' * 16}/viewed-by/")
    assert unknown.status_code == 404 and unknown.content == b""


async def test_replay_count_caps_at_51_and_omits_zeroes(api, sentry):
    ids = ",".join(sentry.issue_ids)
    path = f"organizations/{DEMO_ORG}/replay-count/"
    counts = (
        await api.get(
            path,
            params={
                "query": f"issue.id:[{ids},999]",
                "project": "-1",
                "statsPeriod": "90d",
                "data_source": "events",
            },
        )
    ).json()
    assert counts and "999" not in counts and max(counts.values()) == 51
    assert all(0 < n <= 51 for n in counts.values())
    story_issue = sentry.story_issue_id
    with_ids = (
        await api.get(path, params={"query": f"issue.id:[{story_issue}]", "returnIds": "true"})
    ).json()
    assert sentry.story_replay_id in with_ids[story_issue]
    assert len(with_ids[story_issue]) == counts[story_issue]
    by_tx = (await api.get(path, params={"query": 'transaction:["/checkout","/nowhere"]'})).json()
    assert list(by_tx) == ["/checkout"]
    by_id = (await api.get(path, params={"query": f"replay_id:[{sentry.story_replay_id}]"})).json()
    assert by_id == {sentry.story_replay_id: 1}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("issue.id:1", "Condition value must be a list of strings"),
        (
            "issue.id:[1] transaction:[/a]",
            "Must provide only one of: issue.id, transaction, replay_id",
        ),
        ("browser:Chrome", "Must provide at least one issue.id, transaction, or replay_id"),
        ("issue.id:[" + ",".join(str(i) for i in range(26)) + "]", "Too many values provided"),
    ],
)
async def test_replay_count_rejects_bad_queries(api, query, message):
    response = await api.get(f"organizations/{DEMO_ORG}/replay-count/", params={"query": query})
    assert response.status_code == 400 and response.json() == {"detail": message}


async def test_seed_only_paths_are_404_empty(api, sentry):
    for path in (f"{LIST}selectors/", f"{LIST}{sentry.story_replay_id}/clicks/"):
        response = await api.get(path)
        assert response.status_code == 404 and response.content == b"", path
