"""Render a replay's plan into rrweb recording segments (lists of events).

Timestamp units follow what Sentry stores: rrweb-native events and breadcrumb
events carry an outer `timestamp` in milliseconds; breadcrumb payloads carry
`timestamp` in seconds (float); performanceSpan events carry the outer
`timestamp`, `startTimestamp` and `endTimestamp` in seconds.

Segment `i` covers `[bounds[i], bounds[i+1])` seconds of the replay; segment 0
starts with Meta + FullSnapshot. Rendering is deterministic (a `random.Random`
seeded with the replay id and segment number) and cheap, so segments are made on
demand and may be cached by the caller.
"""

from __future__ import annotations

import random
from typing import Any

from .data import Replay
from .pages import ORIGIN, SITE, Element, Page
from .plans import Action

Event = dict[str, Any]

# The `options` event of segment 0, keys in the order the SDK writes them
# (getsentry/sentry-javascript packages/replay-internal/src/util/handleRecordingEmit.ts,
# `createOptionsEvent`); `maskAllText` is the SDK's default.
OPTIONS = {
    "shouldRecordCanvas": False,
    "sessionSampleRate": 0.1,
    "errorSampleRate": 1.0,
    "useCompressionOption": True,
    "blockAllMedia": True,
    "maskAllText": True,
    "maskAllInputs": True,
    "useCompression": False,
    "networkDetailHasUrls": True,
    "networkCaptureBodies": False,
    "networkRequestHasHeaders": True,
    "networkResponseHasHeaders": True,
}


def relative(url: str) -> str:
    """A same-origin URL as the browser SDK's breadcrumbs write it: path, query and fragment."""
    return (url[len(ORIGIN) :] or "/") if url.startswith(ORIGIN) else url


class _Segment:
    def __init__(self, replay: Replay, segment_id: int) -> None:
        self.replay = replay
        self.plan = replay.plan
        self.lo = self.plan.bounds[segment_id]
        self.hi = self.plan.bounds[segment_id + 1]
        self.base = replay.started_at.timestamp()
        self.rng = random.Random(f"{replay.id}:{segment_id}")
        self.events: list[tuple[float, Event]] = []
        self.mobile = self.plan.width < 600

    # -- low-level emitters -------------------------------------------------
    def _clamp(self, t: float) -> float:
        return min(max(t, self.lo), self.hi - 0.001)

    def ms(self, t: float) -> int:
        return round((self.base + t) * 1000)

    def sec(self, t: float) -> float:
        return round(self.base + t, 3)

    def rrweb(self, t: float, etype: int, data: dict[str, Any]) -> None:
        t = self._clamp(t)
        self.events.append((t, {"type": etype, "timestamp": self.ms(t), "data": data}))

    def incremental(self, t: float, **data: Any) -> None:
        self.rrweb(t, 3, data)

    def breadcrumb(self, t: float, category: str, message: str | None = None, **extra: Any) -> None:
        """A breadcrumb as `createBreadcrumb` shapes it: timestamp, type, then the crumb's own keys.

        The outer timestamp is the crumb's (seconds) times 1000
        (getsentry/sentry-javascript packages/replay-internal/src/util/createBreadcrumb.ts,
        packages/replay-internal/src/coreHandlers/util/addBreadcrumbEvent.ts).
        """
        payload: dict[str, Any] = {"category": category}
        if message is not None:
            payload["message"] = message
        payload.update(extra)
        self.crumb(t, payload)

    def crumb(self, t: float, payload: dict[str, Any], seconds: bool = False) -> None:
        """Add a breadcrumb payload (without timestamp and type) at `t`.

        `seconds`: the outer timestamp is the crumb's own, in seconds, as replay.ts's
        `_createCustomBreadcrumb` writes `replay.mutations`.
        """
        t = self._clamp(t)
        body = {"timestamp": self.sec(t), "type": "default", **payload}
        outer = self.sec(t) if seconds else self.ms(t)
        event = {"type": 5, "timestamp": outer, "data": {"tag": "breadcrumb", "payload": body}}
        self.events.append((t, event))

    def span(self, t: float, op: str, description: str, end: float, data: dict[str, Any]) -> None:
        """A performanceSpan: outer timestamp, startTimestamp and endTimestamp in seconds
        (getsentry/sentry-javascript packages/replay-internal/src/util/createPerformanceSpans.ts).
        """
        t = self._clamp(t)
        payload = {
            "op": op,
            "description": description,
            "startTimestamp": self.sec(t),
            "endTimestamp": self.sec(max(end, t)),
            "data": data,
        }
        event = {
            "type": 5,
            "timestamp": self.sec(t),
            "data": {"tag": "performanceSpan", "payload": payload},
        }
        self.events.append((t, event))

    def xy(self) -> tuple[int, int]:
        return self.rng.randint(20, self.plan.width - 20), self.rng.randint(
            60, self.plan.height - 40
        )

    # -- actions --------------------------------------------------------------
    def render(self) -> list[Event]:
        for action in self.plan.actions_between(self.lo, self.hi):
            getattr(self, "do_" + action.kind)(action)
        if self.lo == 0:
            self.rrweb(0, 5, {"tag": "options", "payload": dict(OPTIONS)})
        self.fillers()
        self.events.sort(key=lambda item: item[0])
        return [event for _, event in self.events]

    def do_load(self, a: Action) -> None:
        page = SITE.pages[a.page]
        self.rrweb(
            a.t, 4, {"href": a.info["url"], "width": self.plan.width, "height": self.plan.height}
        )
        self.rrweb(a.t, 2, {"node": SITE.snapshot(page), "initialOffset": {"left": 0, "top": 0}})
        rng = self.rng
        total = rng.uniform(0.35, 1.6)
        size = rng.randint(3000, 30000)
        ms = int(total * 1000)
        self.span(
            a.t,
            "navigation.navigate",
            a.info["url"],
            a.t + total,
            {
                "size": size,
                "decodedBodySize": size * 3,
                "encodedBodySize": size,
                "duration": ms,
                "domInteractive": int(ms * 0.6),
                "domContentLoadedEventStart": int(ms * 0.7),
                "domContentLoadedEventEnd": int(ms * 0.72),
                "loadEventStart": int(ms * 0.95),
                "loadEventEnd": ms,
                "domComplete": int(ms * 0.94),
                "redirectCount": 0,
            },
        )
        origin = a.info["url"].split("/", 3)[:3]
        for op, name in (("resource.script", "main.1d3f.js"), ("resource.css", "app.8e2c.css")):
            asset = f"{'/'.join(origin)}/static/{name}"
            sz = rng.randint(20000, 400000)
            self.span(
                a.t + 0.05,
                op,
                asset,
                a.t + 0.05 + rng.uniform(0.05, 0.5),
                {"size": sz, "encodedBodySize": sz, "decodedBodySize": sz * 4, "statusCode": 200},
            )

    def do_push(self, a: Action) -> None:
        """One SPA navigation, announced twice as the browser SDK does: a `navigation`
        breadcrumb with same-origin paths (getsentry/sentry-javascript
        packages/browser/src/integrations/breadcrumbs.ts, `_getHistoryBreadcrumbHandler`) and a
        `navigation.push` span with the absolute URL
        (packages/replay-internal/src/coreHandlers/handleHistory.ts)."""
        page = SITE.pages[a.page]
        prev = SITE.pages[a.info["prev_page"]]
        previous, url = a.info["previous"], a.info["url"]
        self.breadcrumb(a.t, "navigation", data={"from": relative(previous), "to": relative(url)})
        self.span(a.t, "navigation.push", url, a.t, {"previous": previous})
        main = SITE.main_id(page)
        self.incremental(
            a.t + 0.02,
            source=0,
            texts=[],
            attributes=[],
            removes=[{"parentId": main, "id": prev.root_id}],
            adds=flat_adds(page.dom, main),
        )

    def _click_at(self, t: float, el: Element, down_up: bool = True) -> None:
        x, y = self.xy()
        pointer = 2 if self.mobile else 0
        if down_up:
            self.incremental(
                t - 0.08, source=2, type=1, id=el.node_id, x=x, y=y, pointerType=pointer
            )
            self.incremental(
                t - 0.01, source=2, type=0, id=el.node_id, x=x, y=y, pointerType=pointer
            )
        self.incremental(t, source=2, type=2, id=el.node_id, x=x, y=y, pointerType=pointer)

    def _node_data(self, el: Element) -> dict[str, Any]:
        return {"nodeId": el.node_id, "node": el.node_payload()}

    def do_click(self, a: Action) -> None:
        assert a.el is not None
        self._click_at(a.t, a.el)
        self.dom_crumb(a.t, "ui.click", a.el)

    def dom_crumb(self, t: float, category: str, el: Element) -> None:
        """ui.click / ui.input: message is the selector path, data the serialized node
        (getsentry/sentry-javascript packages/replay-internal/src/coreHandlers/handleDom.ts)."""
        self.breadcrumb(t, category, el.path, data=self._node_data(el))

    def do_input(self, a: Action) -> None:
        el = a.el
        assert el is not None
        self.incremental(a.t, source=2, type=5, id=el.node_id, x=0, y=0, pointerType=0)
        self.dom_crumb(a.t + 0.01, "ui.input", el)
        t = a.t
        for _ in range(int(a.info["chars"])):
            t += self.rng.uniform(0.08, 0.18)
            self.incremental(t, source=5, text="***", isChecked=False, id=el.node_id)
        self.incremental(t + 0.3, source=2, type=6, id=el.node_id, x=0, y=0, pointerType=0)

    def do_fetch(self, a: Action) -> None:
        """resource.fetch / resource.xhr: data {method, statusCode, request?, response?};
        statusCode is 0 when there was no response; request/response are left out when they
        have neither headers nor size (getsentry/sentry-javascript
        packages/replay-internal/src/coreHandlers/util/networkUtils.ts,
        `makeNetworkReplayBreadcrumb`, `buildNetworkRequestOrResponse`; fetchUtils.ts)."""
        info = a.info
        data: dict[str, Any] = {"method": info["method"], "statusCode": info["status"]}
        if info["req"]:
            data["request"] = {"headers": {"content-type": "application/json"}, "size": info["req"]}
        if info["status"]:
            headers = {"content-type": "application/json"}
            if info["resp"]:
                headers["content-length"] = str(info["resp"])
            response: dict[str, Any] = {"headers": headers}
            if info["resp"]:
                response["size"] = info["resp"]
            data["response"] = response
        self.span(a.t, info["op"], info["url"], a.t + info["duration"], data)

    def do_console(self, a: Action) -> None:
        """A console breadcrumb: {category, data: {arguments, logger}, level, message}
        (getsentry/sentry-javascript packages/browser/src/integrations/breadcrumbs.ts,
        `_getConsoleBreadcrumbHandler`;
        packages/replay-internal/src/coreHandlers/handleBreadcrumbs.ts)."""
        message = a.info["message"]  # console.error(message): message is the joined arguments
        payload = {
            "category": "console",
            "data": {"arguments": [message], "logger": "console"},
            "level": a.info["level"],
            "message": message,
        }
        self.crumb(a.t, payload)

    def do_slow(self, a: Action) -> None:
        """A slow click: an rrweb click event per click but one ui.click breadcrumb, for the
        first click (clicks on the same element less than 1 s apart are one breadcrumb:
        getsentry/sentry-javascript packages/browser-utils/src/instrument/dom.ts,
        `isSimilarToLastCapturedEvent`), then one `ui.slowClickDetected` with the first click's
        timestamp, message and data plus url, route, timeAfterClickMs, endReason and
        clickCount (the rrweb clicks); a slow click gets no `ui.multiClick`
        (packages/replay-internal/src/coreHandlers/handleClick.ts, `_generateBreadcrumbs`)."""
        el = a.el
        assert el is not None
        count = int(a.info["count"])
        page: Page = SITE.pages[a.page]
        url = self.plan.visit_at(a.t).url
        self._click_at(a.t, el)
        self.dom_crumb(a.t, "ui.click", el)
        for i in range(1, count):
            self._click_at(a.t + 0.22 * i, el, down_up=False)
        payload = {
            "type": "default",
            "message": el.path,
            "timestamp": self.sec(self._clamp(a.t)),
            "category": "ui.slowClickDetected",
            "data": {
                **self._node_data(el),
                "url": url,
                "route": page.route,
                "timeAfterClickMs": a.info["after_ms"],
                "endReason": a.info["end_reason"],
                "clickCount": count,
            },
        }
        t = self._clamp(a.t)
        data = {"tag": "breadcrumb", "payload": payload}
        self.events.append((t, {"type": 5, "timestamp": self.ms(t), "data": data}))

    def do_vital(self, a: Action) -> None:
        page = SITE.pages[a.page]
        nodes = [e.node_id for e in list(page.elements.values())[:2]] or [page.root_id]
        name, value, rating = a.info["name"], a.info["value"], a.info["rating"]
        if self.plan.new_vitals:
            data = {"value": value, "size": value, "rating": rating, "nodeIds": nodes}
            self.span(a.t, "web-vital", name, a.t, data)
        else:
            self.span(a.t, name, name, a.t, {"value": value, "size": value, "nodeId": nodes[0]})

    def do_mutations(self, a: Action) -> None:
        """A large mutation burst below the mutation limit: `limit: false`, the recording goes on;
        the outer timestamp is in seconds (getsentry/sentry-javascript
        packages/replay-internal/src/replay.ts, `_onMutationHandler`, `_createCustomBreadcrumb`)."""
        data = {"count": a.info["count"], "limit": False}
        self.crumb(a.t, {"category": "replay.mutations", "data": data}, seconds=True)

    # -- background noise ---------------------------------------------------------
    def fillers(self) -> None:
        rng = self.rng
        t = self.lo + rng.uniform(0.4, 1.5)
        while t < self.hi - 0.3:
            visit = self.plan.visit_at(t)
            page = SITE.pages[visit.page]
            ids = [e.node_id for e in page.elements.values()] or [page.root_id]
            positions = []
            for k in range(rng.randint(2, 4)):
                x, y = self.xy()
                positions.append({"x": x, "y": y, "id": rng.choice(ids), "timeOffset": -120 * k})
            self.incremental(t, source=1, positions=positions[::-1])
            if rng.random() < 0.25:
                self.incremental(t + 0.2, source=3, id=1, x=0, y=rng.randint(0, 2400))
            t += rng.uniform(1.5, 5.0)
        used = rng.randint(18_000_000, 90_000_000)
        self.span(
            self.hi - 0.05,
            "memory",
            "memory",
            self.hi - 0.05,
            {
                "memory": {
                    "jsHeapSizeLimit": 4294705152,
                    "totalJSHeapSize": used + rng.randint(1_000_000, 9_000_000),
                    "usedJSHeapSize": used,
                }
            },
        )


def render_segment(replay: Replay, segment_id: int) -> list[Event]:
    """The rrweb events of one segment (0 <= segment_id < replay.segment_count)."""
    if not 0 <= segment_id < replay.segment_count:
        raise IndexError(segment_id)
    if replay.platform != "javascript":
        from .mobile import render_mobile_segment  # mobile imports data, which imports this

        return render_mobile_segment(replay, segment_id)
    return _Segment(replay, segment_id).render()


def event_seconds(event: Event) -> float:
    """Normalise an event's outer timestamp to seconds (ms for rrweb and breadcrumbs)."""
    ts = float(event["timestamp"])
    return ts / 1000 if ts > 1e11 else ts


def flat_adds(root: dict[str, Any], parent_id: int) -> list[dict[str, Any]]:
    """A subtree added to the page, as rrweb's recorder writes it: one add per node, each
    without its children (`skipChild`), a parent before its children and a child after the
    sibling it is inserted before (`nextId`), so that the replayer finds both already there
    (rrweb-io/rrweb packages/rrweb/src/record/mutation.ts, `emit`)."""
    adds: list[dict[str, Any]] = []
    walk: list[tuple[dict[str, Any], int, int | None]] = [(root, parent_id, None)]
    while walk:
        node, parent, next_id = walk.pop()
        children = node.get("childNodes", [])
        alone = {**node, "childNodes": []} if "childNodes" in node else node
        adds.append({"parentId": parent, "nextId": next_id, "node": alone})
        following: int | None = None
        pending = []
        for child in reversed(children):
            pending.append((child, node["id"], following))
            following = child["id"]
        walk.extend(reversed(pending))  # popped last child first
    return adds
