"""The demo data set and its recordings: deterministic, consistent, in Sentry's format."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest

from sentry_replays_mcp.server.demo import DemoSentry
from sentry_replays_mcp.server.demo.pages import ORIGIN
from sentry_replays_mcp.server.demo.recordings import event_seconds


@pytest.fixture(scope="module")
def demo() -> DemoSentry:
    return DemoSentry()


def crumbs(events: list[dict[str, Any]], category: str | None = None) -> list[dict[str, Any]]:
    out = [
        e["data"]["payload"] for e in events if e["type"] == 5 and e["data"]["tag"] == "breadcrumb"
    ]
    return [p for p in out if category is None or p["category"] == category]


def spans(events: list[dict[str, Any]], op_prefix: str = "") -> list[dict[str, Any]]:
    out = [
        e["data"]["payload"]
        for e in events
        if e["type"] == 5 and e["data"]["tag"] == "performanceSpan"
    ]
    return [p for p in out if p["op"].startswith(op_prefix)]


def all_events(demo: DemoSentry, replay_id: str) -> list[list[dict[str, Any]]]:
    replay = demo.replay(replay_id)
    return [demo.segment_events(replay_id, i) for i in range(replay.segment_count)]


def node_ids(node: dict[str, Any]) -> set[int]:
    ids = {node["id"]}
    for child in node.get("childNodes", []):
        ids |= node_ids(child)
    return ids


def test_ids_do_not_depend_on_now():
    first = DemoSentry(now=datetime(2026, 1, 5, 12, 0, tzinfo=UTC))
    second = DemoSentry(now=datetime(2026, 3, 9, 8, 30, tzinfo=UTC))
    assert [r.id for r in first.data.replays] == [r.id for r in second.data.replays]
    assert first.story_replay_id == second.story_replay_id
    a, b = first.replay(first.story_replay_id), second.replay(second.story_replay_id)
    assert (a.error_ids, a.urls, a.segment_count) == (b.error_ids, b.urls, b.segment_count)
    assert a.started_at != b.started_at
    shift = (b.started_at - a.started_at).total_seconds()
    ea, eb = first.segment_events(a.id, 3), second.segment_events(b.id, 3)
    assert len(ea) == len(eb)
    assert all(
        abs(event_seconds(y) - event_seconds(x) - shift) < 0.01 for x, y in zip(ea, eb, strict=True)
    )


def test_the_data_set_has_its_landmarks(demo):
    data = demo.data
    assert demo.organization == "acme" and demo.organization_id.isdigit()
    assert len(demo.projects) >= 3 and all(
        len(p.id) == 16 and p.id.isdigit() for p in demo.projects
    )
    assert len(data.replays) >= 150
    assert {r.environment for r in data.replays} == {"production", "staging"}
    assert {r.replay_type for r in data.replays} == {"session", "buffer"}
    assert {"Chrome", "Firefox", "Safari", "Edge"} <= {r.browser["name"] for r in data.replays}
    spread = max(r.started_at for r in data.replays) - min(r.started_at for r in data.replays)
    assert spread.days >= 12
    story = demo.replay(demo.story_replay_id)
    assert story.project.slug == "checkout" and story.environment == "production"
    assert 6 <= story.segment_count <= 12
    assert demo.archived_replay_id in data.deleted
    assert demo.replay(demo.empty_replay_id).segment_count == 0
    assert max(r.segment_count for r in data.replays) > 100
    per_issue = Counter(data.error_issue[e] for r in data.replays for e in set(r.error_ids))
    assert max(per_issue.values()) > 51


def test_story_recording_tells_the_story_in_order(demo):
    story = demo.replay(demo.story_replay_id)
    segments = all_events(demo, story.id)
    index = next(
        i
        for i, seg in enumerate(segments)
        if spans(seg, "resource.fetch")
        and any(s["data"].get("statusCode") == 500 for s in spans(seg, "resource.fetch"))
    )
    assert 0 < index < story.segment_count - 1
    seq = []
    for event in segments[index]:
        if event["type"] != 5:
            continue
        payload = event["data"]["payload"]
        if (
            payload.get("category") == "ui.click"
            and "button#pay-now.btn.btn-primary" in payload["message"]
        ):
            node = payload["data"]["node"]
            assert node["tagName"] == "button" and node["textContent"] == "Pay now"
            seq.append(("click", event_seconds(event)))
        elif payload.get("op") == "resource.fetch" and payload["description"].endswith(
            "/api/orders"
        ):
            assert payload["data"]["method"] == "POST" and payload["data"]["statusCode"] == 500
            assert 1.0 <= payload["endTimestamp"] - payload["startTimestamp"] <= 1.5
            seq.append(("fetch", event_seconds(event)))
        elif payload.get("category") == "console" and payload.get("level") == "error":
            assert payload["message"].startswith("TypeError: Cannot read properties of undefined")
            seq.append(("error", event_seconds(event)))
        elif payload.get("category") == "ui.slowClickDetected":
            data = payload["data"]
            assert data["endReason"] == "timeout" and data["timeAfterClickMs"] >= 7000
            assert data["clickCount"] >= 5 and data["node"]["tagName"] == "button"
            seq.append(("rage", event_seconds(event)))
    kinds = [k for k, _ in seq]
    assert kinds[:4] == ["click", "fetch", "error", "click"] and "rage" in kinds
    times = [t for _, t in seq]
    assert times == sorted(times) and times[-1] - times[0] < 15
    issue = demo.data.error_issue[story.error_ids[0]]
    assert issue == demo.story_issue_id
    assert story.rage_clicks and story.dead_clicks


def test_every_replay_summary_matches_its_recording(demo):
    vitals = set()
    for replay in demo.data.replays:
        if replay.segment_count == 0 or replay.platform != "javascript":
            continue
        segments = all_events(demo, replay.id)
        flat = [e for seg in segments for e in seg]
        assert [e["type"] for e in segments[0][:2]] == [4, 2]
        known = node_ids(segments[0][1]["data"]["node"])
        for e in flat:
            if e["type"] == 2:
                known |= node_ids(e["data"]["node"])
            elif e["type"] == 3 and e["data"]["source"] == 0:
                for add in e["data"]["adds"]:
                    known |= node_ids(add["node"])
        clicks = crumbs(flat, "ui.click")  # one per click, and one for a whole rage burst
        assert len(clicks) == len(replay.clicks)
        assert all(c["data"]["nodeId"] in known for c in clicks), replay.id
        slow = crumbs(flat, "ui.slowClickDetected")
        dead = [
            s
            for s in slow
            if s["data"]["endReason"] == "timeout"
            and s["data"]["node"]["tagName"] in ("a", "button", "input")
            and s["data"]["timeAfterClickMs"] >= 7000
        ]
        assert len(dead) == len(replay.dead_clicks)
        assert len([s for s in dead if s["data"]["clickCount"] >= 5]) == len(replay.rage_clicks)
        errors = [c for c in crumbs(flat, "console") if c["level"] == "error"]
        assert len(errors) == len(replay.error_ids)
        warnings = [c for c in crumbs(flat, "console") if c["level"] == "warning"]
        assert len(warnings) == len(replay.warning_ids)
        hrefs = [e["data"]["href"] for e in flat if e["type"] == 4]
        pushes = spans(flat, "navigation.push")
        navs = sorted(
            [(event_seconds(e), e["data"]["href"]) for e in flat if e["type"] == 4]
            + [(s["startTimestamp"], s["description"]) for s in pushes]
        )
        assert [u for _, u in navs] == replay.urls and len(hrefs) + len(pushes) == len(replay.urls)
        # each push is announced twice: the span (absolute URL) and the breadcrumb (its path)
        paths = [c["data"]["to"] for c in crumbs(flat, "navigation")]
        assert paths == [s["description"].removeprefix(ORIGIN) for s in pushes]
        start = replay.started_at.timestamp()
        for i, seg in enumerate(segments):
            lo, hi = replay.plan.bounds[i], replay.plan.bounds[i + 1]
            assert 5 <= hi - lo <= 60
            assert all(lo - 0.01 <= event_seconds(e) - start < hi for e in seg), (replay.id, i)
        vitals |= {s["op"] for s in spans(flat) if "paint" in s["op"] or s["op"] == "web-vital"}
    assert {"web-vital", "largest-contentful-paint"} <= vitals


def test_timestamp_units_per_event_type(demo):
    story = demo.replay(demo.story_replay_id)
    flat = [e for seg in all_events(demo, story.id) for e in seg]
    start = story.started_at.timestamp()
    for e in flat:
        payload = e["data"].get("payload") if e["type"] == 5 else None
        if e["type"] == 5 and (
            e["data"]["tag"] == "performanceSpan" or payload.get("category") == "replay.mutations"
        ):
            p = e["data"]["payload"]
            assert e["timestamp"] < 1e11 and abs(e["timestamp"] - start) < 3600
            assert p["startTimestamp"] < 1e11 and p["endTimestamp"] >= p["startTimestamp"]
        else:
            assert isinstance(e["timestamp"], int) and abs(e["timestamp"] / 1000 - start) < 3600
            if e["type"] == 5 and e["data"]["tag"] == "breadcrumb":
                p = e["data"]["payload"]
                assert isinstance(p["timestamp"], float) and abs(p["timestamp"] - start) < 3600
    inputs = [e for e in flat if e["type"] == 3 and e["data"]["source"] == 5]
    assert inputs and all(e["data"]["text"] == "***" for e in inputs)
    interactions = [e["data"] for e in flat if e["type"] == 3 and e["data"]["source"] == 2]
    assert any(d["type"] == 2 for d in interactions)
    ops = {s["op"] for s in spans(flat)}
    assert {"navigation.navigate", "navigation.push", "resource.fetch", "memory"} <= ops


def test_network_spans_include_failures_and_slow_requests(demo):
    statuses, durations = [], []
    for replay in demo.data.replays[:60]:
        for i in range(replay.segment_count):
            for s in spans(demo.segment_events(replay.id, i), "resource."):
                if s["op"] in ("resource.fetch", "resource.xhr"):
                    statuses.append(s["data"]["statusCode"])
                    durations.append(s["endTimestamp"] - s["startTimestamp"])
                    assert list(s["data"])[:2] == ["method", "statusCode"]
    assert any(code >= 500 for code in statuses) and any(400 <= c < 500 for c in statuses)
    assert max(durations) > 3
