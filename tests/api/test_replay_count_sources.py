"""The demo's replay-count, asked directly: `returnIds` and `data_source` as in
getsentry/sentry src/sentry/replays/endpoints/organization_replay_count.py (the query's one
list term, `data_source` validated, 400 as a field map) and
src/sentry/replays/usecases/replay_counts.py (error events through `discover`/`events`,
issue-platform occurrences only through `search_issues`, at most 51 per key), and the
replay list's `id:[…]` query; the seed spec's replay-count knows neither parameter."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx2
import pytest

from sentry_replays_mcp.server.demo import DemoSentry

pytestmark = pytest.mark.anyio


@pytest.fixture
async def api(demo: DemoSentry) -> AsyncIterator[httpx2.AsyncClient]:
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=demo.app),
        base_url=f"http://demo.invalid/api/0/organizations/{demo.organization}/",
        headers={"Authorization": f"Bearer {demo.token}"},
    ) as client:
        yield client


async def count(api: httpx2.AsyncClient, issues: list[str], **params: str) -> httpx2.Response:
    query = {"query": f"issue.id:[{','.join(issues)}]", "statsPeriod": "90d", **params}
    return await api.get("replay-count/", params=query)


async def test_each_data_source_finds_its_own_kind_of_issue(api, demo: DemoSentry):
    perf, error = demo.performance_issue_id, demo.story_issue_id
    by_source = {
        source: (await count(api, [perf, error], data_source=source, returnIds="true")).json()
        for source in ("discover", "events", "search_issues")
    }
    if demo.dialect == "spec":  # no data_source, no returnIds: counts of either kind
        assert all(set(found) == {perf, error} for found in by_source.values())
        assert all(isinstance(n, int) for found in by_source.values() for n in found.values())
        return
    assert list(by_source["discover"]) == [error] == list(by_source["events"])
    assert list(by_source["search_issues"]) == [perf]
    ids = by_source["search_issues"][perf]
    assert ids and all(len(i) == 32 for i in ids)
    default = (await count(api, [perf, error])).json()  # discover is the default
    assert list(default) == [error]


async def test_returned_ids_list_the_same_replays(api, demo: DemoSentry):
    perf = demo.performance_issue_id
    found = (await count(api, [perf], data_source="search_issues", returnIds="true")).json()
    if demo.dialect == "spec":
        pytest.skip("the seed's replay-count returns counts only")
    ids = found[perf]
    listed = await api.get(
        "replays/", params={"query": f"id:[{','.join(ids)}]", "statsPeriod": "90d"}
    )
    assert sorted(row["id"] for row in listed.json()["data"]) == sorted(ids)
    counted = (await count(api, [perf], data_source="search_issues")).json()
    assert counted == {perf: len(ids)}


async def test_an_unknown_data_source_is_a_field_error(api, demo: DemoSentry):
    refused = await count(api, [demo.story_issue_id], data_source="logs")
    if demo.dialect == "spec":
        assert refused.status_code == 200
        return
    assert refused.status_code == 400
    assert refused.json() == {"data_source": ['"logs" is not a valid choice.']}
