"""Recorded DOM made inert for a replay player: whatever would load something from the
network is removed, the rest stays as recorded.

rrweb rebuilds the recorded page in the player's frame (rrweb-io/rrweb packages/rrweb-snapshot
src/rebuild.ts), so a node's `src`, `srcset`, `href` or `poster`, a stylesheet inlined as
`_cssText` (snapshot.ts makes its URLs absolute), a `<style>` text, and the incremental
style changes (packages/rrweb/src/replay/index.ts: StyleSheetRule, StyleDeclaration,
AdoptedStyleSheet) would all fetch when replayed. Attributes that load are dropped; `url(…)`
becomes `none` and `@import` goes. Walks are iterative: a deep DOM cannot exhaust the stack,
and it is cut below MAX_NODE_DEPTH so that every consumer can handle it."""

from __future__ import annotations

import re
from typing import Any

MAX_NODE_DEPTH = 110
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


def inert_css(text: str) -> str:
    return _IMPORT.sub("", _CSS_URL.sub("none", text))


def _css(value: Any) -> Any:
    return inert_css(value) if isinstance(value, str) else value


def _attributes(attributes: Any) -> None:
    if not isinstance(attributes, dict):
        return
    for name in [n for n in attributes if isinstance(n, str) and n.lower() in LOADING]:
        del attributes[name]
    for name in ("style", "_cssText"):
        value = attributes.get(name)
        if isinstance(value, str) and ("url(" in value.lower() or "@import" in value.lower()):
            attributes[name] = inert_css(value)


def _items(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    found = data.get(key)
    return [c for c in found if isinstance(c, dict)] if isinstance(found, list) else []


def inert_nodes(roots: list[Any]) -> int:
    """Serialised nodes and their subtrees made inert in place; how many nodes lost their
    children for lying deeper than MAX_NODE_DEPTH."""
    walk: list[tuple[Any, int]] = [(node, 0) for node in roots]
    pruned = 0
    while walk:
        node, level = walk.pop()
        if not isinstance(node, dict):
            continue
        _attributes(node.get("attributes"))
        if node.get("isStyle"):
            node["textContent"] = _css(node.get("textContent"))
        children = node.get("childNodes")
        if isinstance(children, list) and children:
            if level >= MAX_NODE_DEPTH:
                node["childNodes"] = []
                pruned += 1
            else:
                walk.extend((child, level + 1) for child in children)
    return pruned


def inert_snapshot(data: dict[str, Any]) -> int:
    """A FullSnapshot's data (`{node, initialOffset}`)."""
    return inert_nodes([data.get("node")])


def inert_mutation(data: dict[str, Any]) -> int:
    """A Mutation's data: added nodes, attribute changes, text changes (a `<style>`'s)."""
    pruned = inert_nodes([change.get("node") for change in _items(data, "adds")])
    for change in _items(data, "attributes"):
        _attributes(change.get("attributes"))
    for change in _items(data, "texts"):
        change["value"] = _css(change.get("value"))
    return pruned


def inert_rules(data: dict[str, Any]) -> int:
    """StyleSheetRule (`adds: [{rule}]`), StyleDeclaration (`set: {property, value}`) and
    AdoptedStyleSheet (`styles: [{rules: [{rule}]}]`)."""
    for added in _items(data, "adds"):
        added["rule"] = _css(added.get("rule"))
    declared = data.get("set")
    if isinstance(declared, dict):
        declared["value"] = _css(declared.get("value"))
    for style in _items(data, "styles"):
        for rule in _items(style, "rules"):
            rule["rule"] = _css(rule.get("rule"))
    return 0
