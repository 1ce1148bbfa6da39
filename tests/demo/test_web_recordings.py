"""The demo's browser recordings, read through the demo API, shaped as the browser SDK writes them.

Fixtures follow getsentry/sentry-javascript:
  packages/replay-internal/src/util/createBreadcrumb.ts (timestamp, type, then the crumb),
  packages/replay-internal/src/coreHandlers/util/addBreadcrumbEvent.ts (outer ms),
  packages/replay-internal/src/util/createPerformanceSpans.ts (spans in seconds),
  packages/replay-internal/src/coreHandlers/handleHistory.ts (navigation.push, absolute URL),
  packages/browser/src/integrations/breadcrumbs.ts (navigation crumb with paths; console),
  packages/replay-internal/src/coreHandlers/handleDom.ts and util/getAttributesToRecord.ts,
  packages/replay-internal/src/coreHandlers/handleClick.ts (ui.slowClickDetected),
  packages/replay-internal/src/coreHandlers/util/networkUtils.ts and fetchUtils.ts,
  packages/replay-internal/src/util/handleRecordingEmit.ts (`createOptionsEvent`),
  packages/replay-internal/src/replay.ts (`_onMutationHandler`, `_createCustomBreadcrumb`).
"""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from sentry_replays_mcp.server.demo import DEMO_ORG, DemoSentry
from sentry_replays_mcp.server.demo.data import Replay
from sentry_replays_mcp.server.demo.pages import ORIGIN
from tests.demo.sentry_api import walk

pytestmark = pytest.mark.anyio
Event = dict[str, Any]
OPTION_KEYS = [
    "shouldRecordCanvas", "sessionSampleRate", "errorSampleRate", "useCompressionOption",
    "blockAllMedia", "maskAllText", "maskAllInputs", "useCompression", "networkDetailHasUrls",
    "networkCaptureBodies", "networkRequestHasHeaders", "networkResponseHasHeaders",
]  # fmt: skip
RECORDED = {
    "id", "class", "aria-label", "role", "name", "alt", "title", "testId", "disabled",
    "aria-disabled", "data-sentry-component",
}  # fmt: skip


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def events(api: httpx2.AsyncClient, replay: Replay) -> list[list[Event]]:
    url = f"projects/{DEMO_ORG}/{replay.project.slug}/replays/{replay.id}/recording-segments/"
    pages = await walk(api, url, {"per_page": 4})
    return [segment for page in pages for segment in page]  # type: ignore[misc]


def custom(segments: list[list[Event]], tag: str) -> list[Event]:
    return [e for seg in segments for e in seg if e["type"] == 5 and e["data"]["tag"] == tag]


def crumbs(segments: list[list[Event]], category: str) -> list[Event]:
    return [
        e["data"]["payload"]
        for e in custom(segments, "breadcrumb")
        if e["data"]["payload"]["category"] == category
    ]


def ops(segments: list[list[Event]], op: str) -> list[Event]:
    return [
        e["data"]["payload"]
        for e in custom(segments, "performanceSpan")
        if e["data"]["payload"]["op"] == op
    ]


async def test_every_spa_navigation_is_announced_twice(api, sentry):
    story = sentry.replay(sentry.story_replay_id)
    segments = await events(api, story)
    pushes, navs = ops(segments, "navigation.push"), crumbs(segments, "navigation")
    assert len(pushes) == len(navs) == 6 and len(story.urls) == 7  # one page load, six pushes
    for span, crumb in zip(pushes, navs, strict=True):
        assert span["description"].startswith(ORIGIN) and span["data"]["previous"].startswith(
            ORIGIN
        )
        assert crumb["data"]["to"] == span["description"].removeprefix(ORIGIN)
        assert crumb["data"]["from"] == span["data"]["previous"].removeprefix(ORIGIN)
        assert crumb["timestamp"] == span["startTimestamp"] == span["endTimestamp"]
        assert list(crumb) == ["timestamp", "type", "category", "data"]
    assert [s["description"] for s in pushes] == story.urls[1:]


async def test_timestamp_units_per_event_kind(api, sentry):
    segments = await events(api, sentry.replay(sentry.story_replay_id))
    for event in custom(segments, "breadcrumb"):
        payload = event["data"]["payload"]
        assert isinstance(event["timestamp"], int) and isinstance(payload["timestamp"], float)
        assert event["timestamp"] == round(payload["timestamp"] * 1000)
    for event in custom(segments, "performanceSpan"):
        payload = event["data"]["payload"]
        assert event["timestamp"] == payload["startTimestamp"] < 1e11  # seconds
        assert payload["startTimestamp"] <= payload["endTimestamp"] < 1e11
    for seg in segments:
        for event in seg:
            assert list(event) == ["type", "timestamp", "data"]
            if event["type"] != 5:
                assert isinstance(event["timestamp"], int) and event["timestamp"] > 1e12


async def test_dom_breadcrumbs_carry_the_serialized_node(api, sentry):
    segments = await events(api, sentry.replay(sentry.story_replay_id))
    clicks = crumbs(segments, "ui.click")
    for crumb in clicks + crumbs(segments, "ui.input"):
        assert list(crumb) == ["timestamp", "type", "category", "message", "data"]
        assert list(crumb["data"]) == ["nodeId", "node"]
        node = crumb["data"]["node"]
        assert list(node) == ["id", "tagName", "textContent", "attributes"]
        assert node["id"] == crumb["data"]["nodeId"] and node["tagName"].islower()
        assert set(node["attributes"]) <= RECORDED  # no href, type, placeholder, ...
    pay = next(c for c in clicks if "button#pay-now" in c["message"])["data"]["node"]
    assert pay["textContent"] == "Pay now"  # the shop unmasks its buttons and links
    assert pay["attributes"]["testId"] == "pay-now" and "data-testid" not in pay["attributes"]


async def test_page_text_is_masked_unless_unmasked(api, sentry):
    segments = await events(api, sentry.replay(sentry.story_replay_id))
    snapshot = next(e for e in segments[0] if e["type"] == 2)["data"]["node"]
    texts: list[tuple[str, str, bool]] = []
    styles: list[str] = []

    def walk_node(node: dict[str, Any], parent: str, unmasked: bool) -> None:
        if node["type"] == 3 and node.get("isStyle"):
            # rrweb masks no stylesheet text (rrweb-snapshot snapshot.ts, serializeTextNode)
            styles.append(node["textContent"])
        elif node["type"] == 3:
            texts.append((parent, node["textContent"], unmasked))
        attrs = node.get("attributes", {})
        here = unmasked or "data-sentry-unmask" in attrs
        for child in node.get("childNodes", []):
            walk_node(child, node.get("tagName", ""), here)

    walk_node(snapshot, "", False)
    masked = [t for _, t, keep in texts if not keep]
    kept = [(tag, t) for tag, t, keep in texts if keep]
    assert masked and all(set(t.replace(" ", "")) == {"*"} for t in masked)  # e.g. the <h1>
    assert ("a", "Trail Runner 2") in kept and all(tag in ("a", "button") for tag, _ in kept)
    assert len(styles) == 1 and styles[0].startswith("body{") and "url(" not in styles[0]
    options = custom(segments, "options")
    assert len(options) == 1 and options[0] in segments[0]
    assert list(options[0]["data"]["payload"]) == OPTION_KEYS
    assert options[0]["data"]["payload"]["maskAllText"] is True


async def test_network_spans_and_the_failed_order(api, sentry):
    segments = await events(api, sentry.replay(sentry.story_replay_id))
    fetches = ops(segments, "resource.fetch")
    assert fetches
    for span in fetches:
        data = span["data"]
        assert list(data)[:2] == ["method", "statusCode"] and isinstance(data["statusCode"], int)
        for part in ("request", "response"):
            if part in data:
                assert next(iter(data[part])) == "headers"
        if data["method"] == "GET":
            assert "request" not in data  # no body and no headers: the SDK leaves it out
    orders = [s for s in fetches if s["description"] == f"{ORIGIN}/api/orders"]
    assert [s["data"]["statusCode"] for s in orders] == [500, 500]
    assert all(s["data"]["request"]["size"] > 0 and s["data"]["response"]["size"] for s in orders)


async def test_the_rage_click_as_the_click_detector_writes_it(api, sentry):
    segments = await events(api, sentry.replay(sentry.story_replay_id))
    (slow,) = crumbs(segments, "ui.slowClickDetected")
    assert list(slow) == ["type", "message", "timestamp", "category", "data"]
    data = slow["data"]
    assert list(data) == [
        "nodeId", "node", "url", "route", "timeAfterClickMs", "endReason", "clickCount"
    ]  # fmt: skip
    assert data["url"] == f"{ORIGIN}/checkout" and data["route"] == "/checkout"
    assert data["endReason"] == "timeout" and data["clickCount"] == 6
    # One ui.click for the burst: the SDK's DOM handler skips clicks on the same element less
    # than 1 s apart (sentry-javascript packages/browser-utils/src/instrument/dom.ts,
    # `isSimilarToLastCapturedEvent`); rrweb records every click, and clickCount counts those.
    burst = [c for c in crumbs(segments, "ui.click") if 0 <= c["timestamp"] - slow["timestamp"] < 2]
    assert [c["timestamp"] for c in burst] == [slow["timestamp"]]
    start = slow["timestamp"] * 1000
    rrweb_clicks = [
        e
        for seg in segments
        for e in seg
        if e["type"] == 3
        and e["data"]["source"] == 2
        and e["data"]["type"] == 2
        and e["data"]["id"] == data["nodeId"]
        and 0 <= e["timestamp"] - start < 2000
    ]
    assert len(rrweb_clicks) == data["clickCount"]
    assert crumbs(segments, "ui.multiClick") == []  # a slow click gets no multiClick


async def test_console_and_mutation_breadcrumbs(api, sentry):
    segments = await events(api, sentry.replay(sentry.story_replay_id))
    for crumb in crumbs(segments, "console"):
        assert list(crumb) == ["timestamp", "type", "category", "data", "level", "message"]
        assert crumb["data"] == {"arguments": [crumb["message"]], "logger": "console"}
    burst = next(
        r for r in sentry.data.replays if any(a.kind == "mutations" for a in r.plan.actions)
    )
    mutations = [
        e
        for e in custom(await events(api, burst), "breadcrumb")
        if e["data"]["payload"]["category"] == "replay.mutations"
    ]
    assert mutations
    for event in mutations:
        payload = event["data"]["payload"]
        assert event["timestamp"] == payload["timestamp"] < 1e11  # seconds, as replay.ts writes it
        assert payload["data"]["limit"] is False and payload["data"]["count"] > 0


def test_the_story_reads_the_same(sentry: DemoSentry):
    story = sentry.replay(sentry.story_replay_id)
    paths = [u.removeprefix(ORIGIN) for u in story.urls]
    assert paths == [
        "/products",
        "/products/1042",
        "/cart",
        "/checkout",
        "/cart",
        "/checkout",
        "/products",
    ]
    assert len(story.error_ids) == 2 and len(story.rage_clicks) == 1


async def test_a_navigation_adds_the_new_page_one_node_at_a_time(api, sentry):
    """rrweb's recorder serialises each added node without its children (`skipChild`), a
    parent before its children, and a node after the sibling named as its `nextId`
    (rrweb-io/rrweb packages/rrweb/src/record/mutation.ts, `emit`); the replayer builds an
    added node without children (packages/rrweb/src/replay/index.ts, `applyMutation`), so a
    nested add would replay as an empty page."""
    segments = await events(api, sentry.replay(sentry.story_replay_id))
    snapshot = next(e for e in segments[0] if e["type"] == 2)["data"]["node"]
    known: set[int] = set()
    stack = [snapshot]
    while stack:
        node = stack.pop()
        known.add(node["id"])
        stack.extend(node.get("childNodes", []))
    navigations = [
        e["data"]
        for segment in segments
        for e in segment
        if e["type"] == 3 and e["data"]["source"] == 0 and e["data"]["adds"]
    ]
    assert len(navigations) >= 6
    for mutation in navigations:
        known -= {removed["id"] for removed in mutation["removes"]}
        for added in mutation["adds"]:
            assert added["node"].get("childNodes", []) == []
            assert added["parentId"] in known
            assert added["nextId"] is None or added["nextId"] in known
            known.add(added["node"]["id"])
    assert any(a["node"].get("tagName") == "form" for m in navigations for a in m["adds"])
