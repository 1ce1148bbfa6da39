"""A recording page made ready for a replay player (rrweb, in the replay view): the DOM
events as recorded, less what would make the player's frame reach the network.

The recording is untrusted (end users' browsers write it): every attribute that would load
something (`src`, `srcset`, `href`, `poster`, …) is removed, and `url(…)` and `@import` in
recorded CSS are blanked, so a replayed page shows its layout and its (masked) text and
loads nothing. Custom events (breadcrumbs, spans, video) are left out: the view's timeline
comes from the digest. The walk is iterative (no recursion limit) and linear in the page."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import msgspec

MAX_PAGE_BYTES = 16_000_000
# The structured answer is serialised by pydantic, which stops at about 250 levels; an event
# is at most MAX_EVENT_DEPTH deep, and a DOM (two levels per element) is cut at MAX_NODE_DEPTH.
MAX_EVENT_DEPTH = 240
MAX_NODE_DEPTH = 110
# rrweb event types the player needs: DomContentLoaded, Load, FullSnapshot, Incremental, Meta.
PLAYED = frozenset({0, 1, 2, 3, 4})
LOADING = frozenset(
    {
        "src",
        "srcset",
        "href",
        "xlink:href",
        "poster",
        "background",
        "data",
        "action",
        "formaction",
        "ping",
        "manifest",
        "codebase",
        "archive",
        "lowsrc",
        "longdesc",
        "imagesrcset",
        "rr_src",
    }
)
_CSS_URL = re.compile(r"url\(\s*(?:\"[^\"]*\"|'[^']*'|[^)]*)\)", re.IGNORECASE)
_IMPORT = re.compile(r"@import\b[^;]*;?", re.IGNORECASE)


@dataclass
class PlayerPage:
    """A page's events for the player, by segment, and what could not be used."""

    segments: list[list[Any]] = field(default_factory=list)
    events: int = 0
    left_out: int = 0  # custom and unknown events, and events nested too deeply
    pruned: int = 0  # DOM nodes whose children were cut (deeper than MAX_NODE_DEPTH)
    problem: str | None = None


def inert_css(text: str) -> str:
    return _IMPORT.sub("", _CSS_URL.sub("none", text))


def _attributes(attributes: Any) -> None:
    if not isinstance(attributes, dict):
        return
    for name in [n for n in attributes if isinstance(n, str) and n.lower() in LOADING]:
        del attributes[name]
    for name in ("style", "_cssText"):
        value = attributes.get(name)
        if isinstance(value, str) and ("url(" in value.lower() or "@import" in value.lower()):
            attributes[name] = inert_css(value)


def _changes(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    found = data.get(key)
    return [c for c in found if isinstance(c, dict)] if isinstance(found, list) else []


def make_inert(event: dict[str, Any]) -> int:
    """Remove what would load something from one event's nodes and attribute changes, in
    place, and cut the DOM below MAX_NODE_DEPTH; how many nodes lost their children.
    Iterative: a deeply nested snapshot cannot exhaust the stack."""
    data = event.get("data")
    if not isinstance(data, dict):
        return 0
    stack: list[Any] = [data.get("node")]
    stack.extend(change.get("node") for change in _changes(data, "adds"))
    for change in _changes(data, "attributes"):
        _attributes(change.get("attributes"))
    for change in _changes(data, "texts"):
        if isinstance(change.get("value"), str):
            change["value"] = inert_css(change["value"])  # a <style> text's change
    walk: list[tuple[Any, int]] = [(node, 0) for node in stack]
    pruned = 0
    while walk:
        node, level = walk.pop()
        if not isinstance(node, dict):
            continue
        _attributes(node.get("attributes"))
        if isinstance(node.get("textContent"), str) and node.get("isStyle"):
            node["textContent"] = inert_css(node["textContent"])
        children = node.get("childNodes")
        if isinstance(children, list) and children:
            if level >= MAX_NODE_DEPTH:
                node["childNodes"] = []
                pruned += 1
            else:
                walk.extend((child, level + 1) for child in children)
    return pruned


def too_deep(value: Any, limit: int = MAX_EVENT_DEPTH) -> bool:
    """Whether `value` nests lists and objects more than `limit` deep (iterative; stops as
    soon as it knows)."""
    walk: list[tuple[Any, int]] = [(value, 1)]
    while walk:
        item, level = walk.pop()
        if level > limit:
            return True
        if isinstance(item, dict):
            walk.extend((v, level + 1) for v in item.values() if isinstance(v, dict | list))
        elif isinstance(item, list):
            walk.extend((v, level + 1) for v in item if isinstance(v, dict | list))
    return False


def player_page(body: bytes | bytearray, first_segment: int) -> PlayerPage:
    """The page's segments (a JSON list of lists of events) as the player needs them; a page
    over MAX_PAGE_BYTES is not decoded (its objects would take several times its size)."""
    out = PlayerPage()
    if len(body) > MAX_PAGE_BYTES:
        out.problem = (
            f"The recording page from segment {first_segment} weighs "
            f"{len(body) / 1e6:.1f} MB, more than the player takes "
            f"({MAX_PAGE_BYTES // 1_000_000} MB); the player stops before it."
        )
        return out
    try:
        page = msgspec.json.decode(body)
    except (msgspec.DecodeError, RecursionError):
        out.problem = (
            f"The recording page from segment {first_segment} is malformed or nested too deeply; "
            "the player stops before it."
        )
        return out
    if not isinstance(page, list):
        out.problem = f"The recording page from segment {first_segment} is not a list of segments."
        return out
    for segment in page:
        kept: list[Any] = []
        for event in segment if isinstance(segment, list) else ():
            if isinstance(event, dict) and event.get("type") in PLAYED:
                out.pruned += make_inert(event)
                if not too_deep(event):
                    kept.append(event)
                    continue
            out.left_out += 1
        out.events += len(kept)
        out.segments.append(kept)
    return out
