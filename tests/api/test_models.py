"""Lenient models read both dialects: sentry.io's snake_case and the seed's camelCase."""

from datetime import UTC, datetime

from sentry_replays_mcp.tools.api.models import (
    ClickedNode,
    Replay,
    ReplayCounts,
    Selector,
    parse_list,
    parse_segment_page,
    parse_viewers,
)

SNAKE = {
    "id": "7e07485f12f9416b8b1426260799b51f",
    "project_id": 4505321021243392,
    "started_at": "2026-08-01T10:00:00+00:00",
    "finished_at": "2026-08-01T10:09:36+00:00",
    "duration": 576,
    "count_errors": 1,
    "count_segments": 12,
    "count_rage_clicks": 1,
    "is_archived": False,
    "urls": ["https://app.example.com/checkout", None],
    "tags": {"browser.name": ["Chrome"], "plan": "pro"},
    "user": {"id": 42, "email": "a@b.c", "display_name": "a@b.c", "geo": {"city": None}},
    "browser": {"name": "Chrome", "version": "127"},
    "device": {"model_id": "iPhone15,2"},
    "unknown_field": {"anything": True},
}
CAMEL = {
    "id": "7E07485F-12F9-416B-8B14-26260799B51F",
    "title": "Checkout",
    "projectId": "11",
    "startedAt": "2026-08-01T10:00:00Z",
    "finishedAt": "2026-08-01T10:09:36Z",
    "duration": 576,
    "countErrors": 1,
    "countSegments": 12,
    "countUrls": 3,
    "user": {"id": "42", "name": "Ada", "email": "a@b.c", "ip_address": "10.0.0.1"},
}
ARCHIVED = {
    "id": "0" * 32,
    "project_id": "1",
    "is_archived": True,
    "tags": [],
    "urls": None,
    "duration": None,
    "count_errors": None,
    "started_at": None,
    "error_ids": [],
    "user": {"id": "Archived Replay", "display_name": "Archived Replay"},
}


def test_snake_case_replay():
    replay = Replay.model_validate(SNAKE)
    assert replay.project_id == "4505321021243392"
    assert replay.duration == 576 and replay.count_rage_clicks == 1
    assert replay.started_at == datetime(2026, 8, 1, 10, tzinfo=UTC)
    assert replay.urls == ["https://app.example.com/checkout"]
    assert replay.tags == {"browser.name": ["Chrome"], "plan": ["pro"]}
    assert replay.user.id == "42" and replay.user.label == "a@b.c"
    assert replay.device.model == "iPhone15,2"
    assert not replay.archived


def test_camel_case_replay_from_the_seed():
    replay = Replay.model_validate(CAMEL)
    assert replay.id == "7e07485f12f9416b8b1426260799b51f"
    assert replay.project_id == "11" and replay.count_urls == 3 and replay.count_errors == 1
    assert replay.finished_at == datetime(2026, 8, 1, 10, 9, 36, tzinfo=UTC)
    assert replay.user.label == "Ada" and replay.user.ip == "10.0.0.1"


def test_archived_stub_is_recognised():
    replay = Replay.model_validate(ARCHIVED)
    assert replay.archived
    assert replay.tags == {} and replay.urls == [] and replay.duration is None


def test_garbage_in_optional_fields_is_tolerated():
    replay = Replay.model_validate(
        {
            "id": "a" * 32,
            "started_at": "not a date",
            "count_errors": "many",
            "user": "bob",
            "tags": "x",
            "browser": None,
            "clicks": [1, {"click.tag": "button"}],
        }
    )
    assert replay.started_at is None and replay.count_errors is None
    assert replay.user.label is None and replay.tags == {}
    assert replay.clicks == [{"click.tag": "button"}]


def test_list_parsing_skips_unreadable_rows():
    rows, skipped = parse_list(Replay, {"data": [SNAKE, "junk", {"no_id": 1}, CAMEL]})
    assert [r.id for r in rows] == [SNAKE["id"], SNAKE["id"]]
    assert skipped == 2


def test_selectors_in_both_dialects():
    real = Selector.model_validate(
        {
            "dom_element": "button#pay",
            "count_dead_clicks": 3,
            "count_rage_clicks": 1,
            "project_id": 7,
            "element": {"tag": "button", "class": ["btn"], "aria_label": ""},
        }
    )
    seed = Selector.model_validate(
        {"dom_element": "button#pay", "count": 4, "dead_click_count": 3, "rage_click_count": 1}
    )
    assert (
        (real.count_dead_clicks, real.count_rage_clicks)
        == (3, 1)
        == (seed.count_dead_clicks, seed.count_rage_clicks)
    )
    assert real.element is not None and real.element.classes == ["btn"]
    assert seed.count == 4 and real.project_id == "7"


def test_clicked_node_timestamps_iso_or_epoch():
    iso = ClickedNode.model_validate({"node_id": 5, "timestamp": "2024-02-08T15:52:25+00:00"})
    unix = ClickedNode.model_validate({"node_id": 5, "timestamp": 1707407545})
    millis = ClickedNode.model_validate({"node_id": 5, "timestamp": 1707407545000})
    assert iso.timestamp == unix.timestamp == millis.timestamp


def test_viewers_in_every_envelope():
    user = {"id": "1", "name": "Ada", "email": "ada@example.com", "avatarUrl": "x"}
    assert [v.label for v in parse_viewers({"data": {"viewed_by": [user]}})] == ["Ada"]
    seed = parse_viewers(
        {"data": [{"id": "2", "name": "Bo", "dateViewed": "2026-01-01T00:00:00Z"}]}
    )
    assert seed[0].label == "Bo" and seed[0].date_viewed is not None
    assert parse_viewers([user])[0].email == "ada@example.com"
    assert parse_viewers({"data": {"viewed_by": []}}) == []


def test_segments_as_event_arrays_or_metadata():
    events = parse_segment_page([[{"type": 4, "timestamp": 1}, "junk"], []], first_segment_id=100)
    assert [s.segment_id for s in events] == [100, 101]
    assert events[0].events == [{"type": 4, "timestamp": 1}] and events[0].skipped_events == 1
    assert events[1].events == []
    meta = parse_segment_page(
        [{"id": 9, "replayId": "A" * 32, "segmentId": 3, "dateAdded": "2024-01-15T22:23:15Z"}], 0
    )
    assert meta[0].segment_id == 3 and meta[0].events is None
    assert meta[0].meta is not None and meta[0].meta.replay_id == "a" * 32


def test_replay_counts_bare_map_enveloped_and_with_ids():
    counts = ReplayCounts.parse({"123": 51, "456": 2})
    assert counts.counts == {"123": 51, "456": 2}
    assert ReplayCounts.parse({"data": {"1": 3}}).counts == {"1": 3}
    with_ids = ReplayCounts.parse({"123": ["A" * 32, "b" * 32]})
    assert with_ids.counts == {"123": 2} and with_ids.replay_ids["123"] == ["a" * 32, "b" * 32]
    assert ReplayCounts.parse({}).counts == {}
