"""Recording pages made ready for the replay view's player (`recording.player_events`): what
the replayed page could load is gone, everything else is kept as recorded, and hostile pages
(malformed, too deep, too large) end in one sentence, never in a traceback.

The fixtures follow rrweb's serialiser (rrweb-io/rrweb packages/rrweb-snapshot/src/snapshot.ts,
`serializeNode`: element nodes `{type: 2, tagName, attributes, childNodes, id}`, text nodes
`{type: 3, textContent, isStyle}`, a linked stylesheet inlined as `attributes._cssText` with
absolute URLs) and its mutation records (packages/rrweb/src/record/mutation.ts: `adds`,
`attributes`, `texts`, `removes`), as Sentry's browser SDK sends them (reference §2)."""

from __future__ import annotations

import json
from typing import Any

from mcp.types import CallToolResult

from sentry_replays_mcp.tools.recording.player_events import MAX_PAGE_BYTES, PlayerPage, player_page
from sentry_replays_mcp.tools.recording.player_inert import MAX_NODE_DEPTH, inert_css
from tests.recording.rrweb import T0, crumb

LOADING_WORDS = ("https://", "http://", "//cdn", "@import")


def element(tag: str, node_id: int, children: list[Any] | None = None, **attributes: Any) -> dict:
    return {
        "type": 2,
        "tagName": tag,
        "attributes": attributes,
        "childNodes": children or [],
        "id": node_id,
    }


def text(value: str, node_id: int, style: bool = False) -> dict[str, Any]:
    node: dict[str, Any] = {"type": 3, "textContent": value, "id": node_id}
    if style:
        node["isStyle"] = True
    return node


def snapshot(at: float) -> dict[str, Any]:
    head = element(
        "head",
        3,
        [
            element("link", 4, _cssText="@import url(https://cdn.example/x.css); body{margin:0}"),
            element("style", 5, [text("h1{background:url('https://cdn.example/h.png')}", 6, True)]),
        ],
    )
    body = element(
        "body",
        7,
        [
            element("img", 8, src="https://cdn.example/a.png", srcset="https://cdn.example/b 2x"),
            element("a", 9, [text("****", 10)], href="https://shop.example/cart"),
            element("div", 11, style="background-image:url(//cdn.example/c.png);color:red"),
            element("iframe", 12, src="https://ads.example/"),
            element("video", 13, poster="https://cdn.example/p.jpg"),
        ],
    )
    document = {"type": 0, "childNodes": [element("html", 2, [head, body])], "id": 1}
    return {"type": 2, "timestamp": at, "data": {"node": document, "initialOffset": {}}}


def mutation(at: float) -> dict[str, Any]:
    data = {
        "source": 0,
        "texts": [{"id": 6, "value": "p{background:url(https://cdn.example/t.png)}"}],
        "attributes": [{"id": 8, "attributes": {"src": "https://cdn.example/new.png"}}],
        "removes": [{"parentId": 7, "id": 9}],
        "adds": [{"parentId": 7, "nextId": None, "node": element("img", 14, src="/late.png")}],
    }
    return {"type": 3, "timestamp": at, "data": data}


def page_of(*segments: list[Any]) -> bytes:
    return json.dumps(list(segments)).encode()


def played(read: PlayerPage) -> list[list[Any]]:
    """Each segment's events as the player gets them."""
    return [json.loads(segment) for segment in read.segments]


def test_nothing_that_would_load_is_left_and_the_rest_is_as_recorded():
    meta = {"type": 4, "timestamp": T0, "data": {"href": "https://shop.example/", "width": 1280}}
    moves = {"type": 3, "timestamp": T0 + 50, "data": {"source": 1, "positions": []}}
    read = player_page(page_of([meta, snapshot(T0 + 1), moves], [mutation(T0 + 900)]), 0)
    assert read.problem is None and read.events == 4 and read.left_out == 0
    first, second = played(read)
    kept_meta, shot, kept_moves = first
    assert kept_meta == meta and kept_moves == moves  # only the meta's own href is not loaded
    replayed = json.dumps([shot, *second])
    assert not any(word in replayed for word in LOADING_WORDS), replayed
    body = shot["data"]["node"]["childNodes"][0]["childNodes"][1]
    assert [node["tagName"] for node in body["childNodes"]] == [
        "img",
        "a",
        "div",
        "iframe",
        "video",
    ]
    assert body["childNodes"][1]["childNodes"][0]["textContent"] == "****"  # masked stays masked
    assert body["childNodes"][2]["attributes"]["style"] == "background-image:none;color:red"
    (change,) = second[0]["data"]["attributes"]
    assert change == {"id": 8, "attributes": {}}
    assert second[0]["data"]["removes"] == [{"parentId": 7, "id": 9}]


def test_custom_events_and_rows_that_are_not_events_are_left_out():
    click = crumb(T0 + 10, "ui.click", message="button#pay")
    read = player_page(page_of([click, {}, "x", 5, snapshot(T0)], []), 3)
    assert read.left_out == 4 and read.events == 1
    assert played(read)[1] == []  # a lost segment stays a segment: positions keep their meaning


def test_css_urls_of_every_quoting_are_blanked():
    css = "a{b:url(x.png)} c{d:URL( 'y' )} e{f:url(\"z\")} @import 'w.css'; g{h:1}"
    assert inert_css(css) == "a{b:none} c{d:none} e{f:none}  g{h:1}"


def nested_snapshot(levels: int) -> bytes:
    """A full snapshot of `levels` nested divs, written as text (a JSON encoder would need as
    many levels of recursion)."""
    opening = b'{"type":2,"tagName":"div","attributes":{},"id":1,"childNodes":['
    inner = b'{"type":2,"tagName":"div","attributes":{},"id":0,"childNodes":[]}'
    node = opening * levels + inner + b"]}" * levels
    return b'[[{"type":2,"timestamp":1764000000000,"data":{"node":' + node + b"}}]]"


def test_a_dom_deeper_than_the_player_takes_is_cut_and_the_answer_still_serialises():
    read = player_page(nested_snapshot(300), 0)  # 600 levels of JSON
    assert read.problem is None and read.pruned == 1 and read.events == 1
    (events,) = played(read)
    result = CallToolResult(content=[], structured_content={"events": events})
    assert result.model_dump_json(by_alias=True)  # pydantic stops at about 250 levels
    depth, walk = 0, events[0]["data"]["node"]
    while walk["childNodes"]:
        depth, walk = depth + 1, walk["childNodes"][0]
    assert depth == MAX_NODE_DEPTH


def test_a_dom_too_deep_to_decode_is_one_sentence():
    read = player_page(nested_snapshot(50_000), 7)
    assert read.problem == (
        "The recording page from segment 7 is malformed or nested too deeply; the player stops "
        "before it."
    )


def test_an_event_nested_deep_outside_the_dom_is_passed_as_text():
    """Pointer moves and the like go to the player as recorded, inside one JSON text: however
    deep a crafted one nests, the answer is a string and serialises."""
    deep: Any = []
    for _ in range(300):
        deep = [deep]
    event = {"type": 3, "timestamp": T0, "data": {"source": 1, "positions": deep}}
    read = player_page(page_of([event, snapshot(T0)]), 0)
    assert read.events == 2 and read.left_out == 0
    text = read.segments[0].decode()
    assert CallToolResult(content=[], structured_content={"events_json": text}).model_dump_json()


def test_canvas_drawing_and_fonts_are_left_out_and_style_changes_made_inert():
    """rrweb's IncrementalSource: CanvasMutation (9) can name images and Font (10) loads its
    source, so both are left out; StyleSheetRule (8), StyleDeclaration (13) and
    AdoptedStyleSheet (15) play with their url(…) blanked (rrweb-io/rrweb
    packages/types/src/index.ts, packages/rrweb/src/replay/index.ts)."""
    canvas = {"type": 3, "timestamp": T0, "data": {"source": 9, "id": 4, "commands": []}}
    font = {"type": 3, "timestamp": T0, "data": {"source": 10, "fontSource": "url(https://f/x)"}}
    rule = {"source": 8, "id": 5, "adds": [{"rule": "a{background:url(https://x/y.png)}"}]}
    declared = {"source": 13, "id": 5, "index": [0], "set": {"property": "b", "value": "url(z)"}}
    adopted = {
        "source": 15,
        "id": 1,
        "styles": [{"styleId": 1, "rules": [{"rule": "@import 'q';"}]}],
    }
    changes = [{"type": 3, "timestamp": T0, "data": d} for d in (rule, declared, adopted)]
    read = player_page(page_of([canvas, font, *changes]), 0)
    assert read.left_out == 2 and read.events == 3
    (kept,) = played(read)
    assert [e["data"]["source"] for e in kept] == [8, 13, 15]
    assert kept[0]["data"]["adds"][0]["rule"] == "a{background:none}"
    assert kept[1]["data"]["set"] == {"property": "b", "value": "none"}
    assert kept[2]["data"]["styles"][0]["rules"][0]["rule"] == ""


def test_a_page_of_rows_too_small_to_be_events_is_not_read():
    read = player_page(b"[[" + b",".join([b"{}"] * 50_000) + b"]]", 2)
    assert read.problem == (
        "The recording page from segment 2 is made of rows too small to be recorded events; "
        "the player stops before it."
    )


def test_malformed_and_oversized_pages_are_one_sentence():
    malformed = player_page(b'[[{"type":2,"timestamp":1,', 4)
    assert malformed.problem == (
        "The recording page from segment 4 is malformed or nested too deeply; the player stops "
        "before it."
    )
    assert player_page(b"[" * 200_000 + b"]" * 200_000, 0).problem is not None
    assert player_page(b'{"a": 1}', 0).problem == (
        "The recording page from segment 0 is not a list of segments."
    )
    big = player_page(b" " * (MAX_PAGE_BYTES + 1), 20)
    assert big.problem == (
        "The recording page from segment 20 weighs 16.0 MB, more than the player takes (16 MB); "
        "the player stops before it."
    )
