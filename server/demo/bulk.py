"""Bulk rrweb content for the synthetic long replay: a big DOM and background noise.

`Rail` is a "recommended for you" rail of product cards (plus a stylesheet) mounted
next to `main#content`; every FullSnapshot of the long replay carries it, so it is
the big tree that page loads snapshot. `LongSegment` renders a segment like the
ordinary renderer does (same plan, same actions, same breadcrumbs and spans), and
`pad()` then tops it up with rrweb noise that does not change any of the replay's
counts: mouse moves, scrolls, mutations of the rail (texts, attributes, added and
removed cards), stylesheet rules, and now and then someone typing into the rail's
newsletter box (one `ui.input` breadcrumb and keystrokes). Noise never clicks and
never logs to the console.

Node ids: the site uses ids below 2,000; the rail uses 20,000 onwards; cards added by
mutations in segment `i` use `1_000_000 + 50_000 * i` onwards, so ids never clash.
"""

from __future__ import annotations

import random
from typing import Any

from .data import Replay
from .pages import SITE
from .plans import Action
from .recordings import Event, _Segment
from .web import dumps

STYLE_ID = 19_990
RAIL_ID = 20_000
LIST_ID = 20_002
NEWSLETTER_ID = 20_005
CARDS_FROM = 20_010
CARD_NODES = 12
CARD_BYTES = 1_050  # about one card's JSON in a snapshot
ADDED_FROM = 1_000_000
ADDED_PER_SEGMENT = 50_000
ENVELOPE = len('{"type":3,"timestamp":1723456789012,"data":},')
NAMES = [
    "Trail Runner", "City Sneaker", "Rain Jacket", "Wool Socks", "Running Cap", "Fleece",
    "Hiking Boot", "Track Pants", "Sports Bra", "Water Bottle", "Day Pack", "Headlamp",
]  # fmt: skip
BADGES = ["-10%", "-20%", "-35%", "New", "Bestseller", "Low stock", "Eco", ""]


def _node(nid: int, tag: str, attrs: dict[str, str], children: list[Any]) -> dict[str, Any]:
    return {"type": 2, "tagName": tag, "attributes": attrs, "childNodes": children, "id": nid}


def _text(nid: int, text: str) -> dict[str, Any]:
    return {"type": 3, "textContent": text, "id": nid}


def card(rng: random.Random, nid: int) -> dict[str, Any]:
    """One product card: 12 nodes with ids nid .. nid + 11."""
    sku = rng.randint(1001, 1999)
    name = f"{rng.choice(NAMES)} {rng.randint(2, 9)}"
    price = f"${rng.randint(9, 240)}.{rng.choice(['00', '49', '95', '99'])}"
    img = {
        "class": "rec-img",
        "src": f"https://cdn.acme.example/img/p/{sku}-{rng.randint(100, 999)}.webp",
        "alt": name,
        "loading": "lazy",
        "width": "240",
        "height": "240",
    }
    title = _node(nid + 3, "div", {"class": "rec-title"}, [_text(nid + 4, name)])
    link = _node(
        nid + 1,
        "a",
        {"class": "rec-link", "href": f"/products/{sku}"},
        [_node(nid + 2, "img", img, []), title],
    )
    meta = _node(
        nid + 5,
        "div",
        {"class": "rec-meta"},
        [
            _node(nid + 6, "span", {"class": "rec-price"}, [_text(nid + 7, price)]),
            _node(nid + 8, "span", {"class": "rec-badge"}, [_text(nid + 9, rng.choice(BADGES))]),
        ],
    )
    add = _node(
        nid + 10,
        "button",
        {"class": "btn rec-add", "type": "button", "aria-label": f"Add {name} to cart"},
        [_text(nid + 11, "Add")],
    )
    attrs = {"class": "rec-card", "data-sku": str(sku), "style": "transform: translateX(0px)"}
    return _node(nid, "li", attrs, [link, meta, add])


def _css(rng: random.Random, rules: int) -> str:
    out = []
    for i in range(rules):
        out.append(
            f".css-{rng.getrandbits(24):06x}{{display:flex;margin:{rng.randint(0, 24)}px;"
            f"padding:{rng.randint(0, 16)}px {rng.randint(0, 16)}px;"
            f"color:#{rng.getrandbits(24):06x};font-size:{rng.randint(11, 22)}px;z-index:{i}}}"
        )
    return "".join(out)


class Rail:
    """The big DOM subtree of the long replay, and the snapshots that carry it."""

    def __init__(self, seed: str, cards: int) -> None:
        rng = random.Random(seed)
        self.cards = max(1, cards)
        items = [card(rng, CARDS_FROM + CARD_NODES * i) for i in range(self.cards)]
        heading = _node(RAIL_ID + 1, "h2", {}, [_text(RAIL_ID + 3, "Recommended for you")])
        field = {"id": "newsletter-email", "type": "email", "placeholder": "Your email"}
        newsletter = _node(NEWSLETTER_ID, "input", field, [])
        rail_list = _node(LIST_ID, "ul", {"class": "rec-list"}, items)
        attrs = {"id": "recommendations", "class": "rec-rail"}
        attrs["data-sentry-component"] = "RecommendationRail"
        self.tree = _node(RAIL_ID, "aside", attrs, [heading, rail_list, newsletter])
        css = _css(rng, 60)
        self.style = _node(STYLE_ID, "style", {}, [{**_text(STYLE_ID + 1, css), "isStyle": True}])
        self._snapshots: dict[str, dict[str, Any]] = {}

    def card_id(self, index: int) -> int:
        return CARDS_FROM + CARD_NODES * index

    def snapshot(self, page_name: str) -> dict[str, Any]:
        """SITE's snapshot of the page with the stylesheet in head and the rail in div#app."""
        found = self._snapshots.get(page_name)
        if found is None:
            found = _graft(SITE.snapshot(SITE.pages[page_name]), self)
            self._snapshots[page_name] = found
        return found


def _graft(node: dict[str, Any], rail: Rail) -> dict[str, Any]:
    children = node.get("childNodes")
    if not children:
        return node
    copied = [_graft(c, rail) for c in children]
    if node.get("tagName") == "head":
        copied.append(rail.style)
    elif node.get("attributes", {}).get("id") == "app":
        copied.append(rail.tree)
    return {**node, "childNodes": copied}


class LongSegment(_Segment):
    """A segment of the long replay: the plan's events, big snapshots, then `pad()`."""

    def __init__(self, replay: Replay, segment_id: int, rail: Rail) -> None:
        super().__init__(replay, segment_id)
        self.segment_id = segment_id
        self.rail = rail
        self.loads = 0
        self.noise = random.Random(f"{replay.id}:{segment_id}:noise")
        self.next_id = ADDED_FROM + ADDED_PER_SEGMENT * segment_id
        self.added: list[int] = []

    def do_load(self, a: Action) -> None:
        super().do_load(a)
        self.loads += 1
        for _, event in reversed(self.events):
            if event["type"] == 2:
                event["data"]["node"] = self.rail.snapshot(a.page)
                break

    def size(self) -> int:
        return len(dumps([event for _, event in self.events]))

    def pad(self, budget: int) -> list[Event]:
        """Add noise worth about `budget` bytes of JSON; returns the sorted events."""
        units: list[list[tuple[float, Event]]] = []
        if budget > 0 and self.noise.random() < 0.08:  # someone types into the newsletter box
            units.append(self._typing())
        used = sum(len(dumps(e["data"])) + ENVELOPE for unit in units for _, e in unit)
        while used < budget:
            unit = self._unit()
            units.append(unit)
            used += sum(len(dumps(e["data"])) + ENVELOPE for _, e in unit)
        rng = self.noise
        starts = sorted(rng.uniform(self.lo + 0.05, self.hi - 0.6) for _ in units)
        for start, unit in zip(starts, units, strict=True):
            for offset, event in unit:
                t = self._clamp(start + offset)
                event["timestamp"] = self.ms(t)
                if event["type"] == 5:
                    event["data"]["payload"]["timestamp"] = self.sec(t)
                self.events.append((t, event))
        self.events.sort(key=lambda item: item[0])
        return [event for _, event in self.events]

    # -- noise units: lists of (offset in seconds, event without a real timestamp) ------------
    def _unit(self) -> list[tuple[float, Event]]:
        pick = self.noise.random()
        if pick < 0.40:
            return [(0.0, self._inc(self._moves()))]
        if pick < 0.52:
            return [(0.0, self._inc(self._scroll()))]
        if pick < 0.64:
            return [(0.0, self._inc(self._texts()))]
        if pick < 0.74:
            return [(0.0, self._inc(self._styles()))]
        if pick < 0.84:
            return [(0.0, self._inc(self._adds()))]
        if pick < 0.88 and self.added and not self.loads:
            return [(0.0, self._inc(self._removes()))]
        if pick < 0.93:
            return [(0.0, self._inc(self._rule()))]
        return [(0.0, self._inc(self._moves()))]

    @staticmethod
    def _inc(data: dict[str, Any]) -> Event:
        return {"type": 3, "timestamp": 0, "data": data}

    def _moves(self) -> dict[str, Any]:
        rng = self.noise
        count = rng.randint(4, 12)
        ids = [self.rail.card_id(rng.randrange(self.rail.cards)) + rng.randint(0, 10)]
        positions = []
        for k in range(count):
            x, y = rng.randint(20, self.plan.width - 20), rng.randint(60, self.plan.height - 40)
            positions.append({"x": x, "y": y, "id": rng.choice(ids), "timeOffset": -50 * k})
        return {"source": 1, "positions": positions[::-1]}

    def _scroll(self) -> dict[str, Any]:
        rng = self.noise
        target = rng.choice([1, LIST_ID])
        return {"source": 3, "id": target, "x": rng.randint(0, 2400) if target != 1 else 0,
                "y": rng.randint(0, 6400) if target == 1 else 0}  # fmt: skip

    def _mutation(self, **parts: Any) -> dict[str, Any]:
        return {"source": 0, "texts": [], "attributes": [], "removes": [], "adds": [], **parts}

    def _texts(self) -> dict[str, Any]:
        rng = self.noise
        texts = []
        for _ in range(rng.randint(1, 10)):
            base = self.rail.card_id(rng.randrange(self.rail.cards))
            if rng.random() < 0.6:
                value = f"${rng.randint(9, 240)}.{rng.choice(['00', '49', '95', '99'])}"
                texts.append({"id": base + 7, "value": value})
            else:
                texts.append({"id": base + 9, "value": rng.choice(BADGES)})
        return self._mutation(texts=texts)

    def _styles(self) -> dict[str, Any]:
        rng = self.noise
        shift = rng.randint(0, 40) * 12
        first = rng.randrange(self.rail.cards)
        attrs = []
        for i in range(first, min(self.rail.cards, first + rng.randint(2, 12))):
            style = f"transform: translateX(-{shift}px); transition: transform 300ms ease-out"
            attrs.append({"id": self.rail.card_id(i), "attributes": {"style": style}})
        return self._mutation(attributes=attrs)

    def _adds(self) -> dict[str, Any]:
        rng = self.noise
        adds = []
        for _ in range(rng.randint(1, 5)):
            nid = self.next_id
            self.next_id += CARD_NODES
            self.added.append(nid)
            adds.extend(_flatten(card(rng, nid), LIST_ID))
        return self._mutation(adds=adds)

    def _removes(self) -> dict[str, Any]:
        removes = []
        for _ in range(min(len(self.added), self.noise.randint(1, 3))):
            removes.append({"parentId": LIST_ID, "id": self.added.pop(0)})
        return self._mutation(removes=removes)

    def _rule(self) -> dict[str, Any]:
        rng = self.noise
        rules = [{"rule": _css(rng, 1), "index": rng.randint(0, 400)}]
        return {"source": 8, "id": STYLE_ID, "adds": rules * rng.randint(1, 4)}

    def _typing(self) -> list[tuple[float, Event]]:
        rng = self.noise
        node = {"id": NEWSLETTER_ID, "tagName": "input", "textContent": "",
                "attributes": {"id": "newsletter-email", "type": "email"}}  # fmt: skip
        payload = {"timestamp": 0.0, "type": "default", "category": "ui.input",
                   "message": "aside#recommendations.rec-rail > input#newsletter-email",
                   "data": {"nodeId": NEWSLETTER_ID, "node": node}}  # fmt: skip
        out: list[tuple[float, Event]] = [
            (0.0, {"type": 5, "timestamp": 0, "data": {"tag": "breadcrumb", "payload": payload}})
        ]
        t = 0.0
        for _ in range(rng.randint(4, 16)):
            t += rng.uniform(0.08, 0.18)
            data = {"source": 5, "text": "***", "isChecked": False, "id": NEWSLETTER_ID}
            out.append((t, self._inc(data)))
        return out


def _flatten(node: dict[str, Any], parent: int) -> list[dict[str, Any]]:
    """rrweb mutation `adds` entries for a subtree: one entry per node, parents first."""
    out = []
    children = node.get("childNodes", [])
    shallow = {**node, "childNodes": []} if "childNodes" in node else node
    out.append({"parentId": parent, "nextId": None, "node": shallow})
    for child in children:
        out.extend(_flatten(child, node["id"]))
    return out
