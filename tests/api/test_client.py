"""Every operation of the client against the demo Sentry on a real loopback port, answering
like sentry.io and like the seed spec."""

from __future__ import annotations

import pytest

from sentry_replays_mcp.server.demo import DemoSentry
from sentry_replays_mcp.tools.api.client import SentryClient
from sentry_replays_mcp.tools.api.errors import NotFound
from sentry_replays_mcp.tools.api.models import Replay
from sentry_replays_mcp.tools.api.segment_models import meta_rows, read_meta
from sentry_replays_mcp.tools.recording.segment_scan import read_segments

pytestmark = pytest.mark.anyio


async def all_replays(client: SentryClient, org: str) -> list[Replay]:
    replays: list[Replay] = []
    cursor = None
    for _ in range(20):  # bounded walk
        page = await client.list_replays(org, per_page=100, cursor=cursor, stats_period="90d")
        replays += page.items
        cursor = page.next_cursor
        if cursor is None:
            break
    return replays


def project_of(demo: DemoSentry, replay: Replay) -> str:
    assert replay.project_id, "replays carry their project id"
    return replay.project_id


async def test_list_replays_pages_through_every_replay(client: SentryClient, demo: DemoSentry):
    first = await client.list_replays(demo.organization, per_page=20)
    assert len(first.items) == 20 and first.next_cursor is not None
    second = await client.list_replays(demo.organization, per_page=20, cursor=first.next_cursor)
    assert {r.id for r in first.items}.isdisjoint({r.id for r in second.items})
    everything = await all_replays(client, demo.organization)
    ids = [r.id for r in everything]
    assert len(ids) >= 150 and len(set(ids)) == len(ids)
    assert all(len(i) == 32 and i == i.lower() for i in ids)
    live = [r for r in everything if not r.archived]
    assert all(r.started_at is not None and r.duration is not None for r in live)
    assert any(r.archived for r in everything) == (demo.dialect == "sentry")


async def test_list_replays_sends_filters(client: SentryClient, demo: DemoSentry):
    project = demo.projects[0]
    page = await client.list_replays(
        demo.organization, projects=[project.id], environments=["production"], per_page=100
    )
    assert page.items and all(r.project_id == project.id for r in page.items)
    assert all(r.environment == "production" for r in page.items)
    logged = demo.requests[-1]
    assert f"project={project.id}" in logged.query and "environment=production" in logged.query


async def test_get_replay_by_hex_or_dashed_uuid(client: SentryClient, demo: DemoSentry):
    story = demo.story_replay_id
    dashed = f"{story[:8]}-{story[8:12]}-{story[12:16]}-{story[16:20]}-{story[20:]}".upper()
    project = "checkout"
    by_hex = await client.get_replay(demo.organization, story, project=project)
    by_dashed = await client.get_replay(demo.organization, dashed, project=project)
    assert by_hex.id == by_dashed.id == story
    assert by_hex.count_errors and by_hex.count_errors >= 1
    assert by_hex.started_at is not None and by_hex.finished_at is not None
    assert any("checkout" in url for url in by_hex.urls)


async def test_get_replay_remembers_which_route_answered(client: SentryClient, demo: DemoSentry):
    await client.get_replay(demo.organization, demo.story_replay_id, project="checkout")
    expected = "organizations" if demo.dialect == "sentry" else "projects"
    assert client.route_choices["get_replay"].startswith(expected)
    before = len(demo.requests)
    await client.get_replay(demo.organization, demo.story_replay_id, project="checkout")
    assert len(demo.requests) == before + 1, "a remembered route needs one request, not two"


async def test_unknown_replay_is_not_found(client: SentryClient, demo: DemoSentry):
    with pytest.raises(NotFound, match="replay 0123456789abcdef0123456789abcdef"):
        await client.get_replay(
            demo.organization, "0123456789abcdef0123456789abcdef", project="checkout"
        )


async def test_delete_then_the_replay_is_archived_or_gone(client: SentryClient, demo: DemoSentry):
    replay = (await client.list_replays(demo.organization, per_page=5, sort="-started_at")).items[0]
    project = project_of(demo, replay)
    await client.delete_replay(demo.organization, project, replay.id)
    assert demo.requests[-1].method == "DELETE" and demo.requests[-1].status == 204
    if demo.dialect == "sentry":
        archived = await client.get_replay(demo.organization, replay.id)
        assert archived.archived and archived.duration is None
    else:
        with pytest.raises(NotFound):
            await client.get_replay(demo.organization, replay.id, project=project)


async def test_recording_segments_page_by_page(client: SentryClient, demo: DemoSentry):
    everything = await all_replays(client, demo.organization)
    longest = max(everything, key=lambda r: r.count_segments or 0)
    assert longest.count_segments and longest.count_segments > 100
    project = project_of(demo, longest)
    first = await client.recording_page(demo.organization, project, longest.id)
    assert first.first_segment == 0 and first.next_cursor and first.next_segment == 100
    second = await client.recording_page(
        demo.organization, project, longest.id, cursor=first.next_cursor
    )
    assert second.first_segment == 100
    one = read_segments(first.body, first.first_segment)
    if demo.dialect == "sentry":
        assert one.count == 100 and not one.metadata
        assert [n for n, _ in one.summaries] == list(range(100))
        assert one.summaries[0][1].mix["page load"] >= 1  # Meta first
    else:
        rows = meta_rows(one.metadata, first.first_segment)
        assert [s.segment_id for s in rows] == list(range(100))
        assert all(s.meta is not None and s.meta.date_added for s in rows)


async def test_one_segment_metadata_and_download(client: SentryClient, demo: DemoSentry):
    described = await client.get_recording_segment(
        demo.organization, "checkout", demo.story_replay_id, 0
    )
    meta = await read_meta(described.body)
    assert not described.is_events and meta is not None and meta.segment_id == 0
    assert meta.replay_id == demo.story_replay_id
    if demo.dialect == "sentry":
        raw = await client.get_recording_segment(
            demo.organization, "checkout", demo.story_replay_id, "1", download=True
        )
        assert raw.is_events and raw.segment_id == 1
        read = read_segments(raw.body, 1, one=True)
        assert read.count == 1 and read.summaries[0][1].events > 0
        with pytest.raises(NotFound, match="segment 9999"):
            await client.get_recording_segment(
                demo.organization, "checkout", demo.story_replay_id, 9999
            )


async def test_selectors_with_dead_and_rage_counts(client: SentryClient, demo: DemoSentry):
    page = await client.list_selectors(demo.organization, per_page=10)
    assert page.items and all(s.dom_element for s in page.items)
    assert any((s.count_dead_clicks or 0) > 0 for s in page.items)
    assert any((s.count_rage_clicks or 0) > 0 for s in page.items)
    expected = "replay-selectors" if demo.dialect == "sentry" else "replays/selectors"
    assert expected in client.route_choices["list_selectors"]


async def test_clicked_nodes(client: SentryClient, demo: DemoSentry):
    page = await client.list_clicked_nodes(
        demo.organization, demo.story_replay_id, project="checkout"
    )
    assert page.items and all(c.node_id is not None and c.timestamp for c in page.items)
    stamps = [c.timestamp for c in page.items]
    assert stamps == sorted(stamps)  # type: ignore[type-var]


async def test_clicked_nodes_without_a_project_use_the_seed_route(
    spec_demo: DemoSentry, spec_url: str
):
    spec_demo.reset()
    async with SentryClient(url=spec_url, token=spec_demo.token) as client:
        page = await client.list_clicked_nodes(spec_demo.organization, spec_demo.story_replay_id)
    assert page.items and "organizations/" in client.route_choices["list_clicked_nodes"]


async def test_viewers(client: SentryClient, demo: DemoSentry):
    everything = await all_replays(client, demo.organization)
    seen = [r for r in everything if r.has_viewed] or everything
    found = []
    for replay in seen[:10]:
        found += await client.list_replay_viewers(
            demo.organization, project_of(demo, replay), replay.id
        )
    assert found and all(v.label for v in found)


async def test_counts_by_issue_are_capped_at_51(client: SentryClient, demo: DemoSentry):
    story = await client.get_replay(demo.organization, demo.story_replay_id, project="checkout")
    issues = sorted(demo.issue_ids)
    counts = await client.count_replays(demo.organization, query=f"issue.id:[{','.join(issues)}]")
    assert counts.counts and max(counts.counts.values()) == 51
    assert all(0 < n <= 51 for n in counts.counts.values())
    by_replay = await client.count_replays(demo.organization, query=f"replay_id:[{story.id}]")
    assert by_replay.counts == {story.id: 1}
