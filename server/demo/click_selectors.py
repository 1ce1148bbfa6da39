"""Simple CSS selectors, as `click.selector`, `dead.selector` and `rage.selector` take them.

A selector is made of tag, `#id`, `.class`, `[attr]` and `[attr="value"]` parts,
e.g. `button#pay-now.btn[role="button"]`; the attribute names `aria`, `testid` and
`data-test-id` stand for `aria-label` and `data-testid`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .pages import Element

_PART = re.compile(r"""([a-zA-Z][\w-]*)|#([\w-]+)|\.([\w-]+)|\[([\w-]+)(?:="([^"]*)")?\]""")
_ATTR_NAMES = {"aria": "aria-label", "data-test-id": "data-testid", "testid": "data-testid"}


def parse_selector(value: str) -> dict[str, Any] | None:
    """The tag, id, classes and attributes a selector asks for; None if it is not one."""
    out: dict[str, Any] = {"tag": None, "id": None, "classes": [], "attrs": {}}
    pos = 0
    for m in _PART.finditer(value):
        if m.start() != pos:
            break
        pos = m.end()
        tag, ident, cls, attr, attr_value = m.groups()
        if tag:
            out["tag"] = tag.lower()
        elif ident:
            out["id"] = ident
        elif cls:
            out["classes"].append(cls)
        else:
            out["attrs"][_ATTR_NAMES.get(attr, attr)] = attr_value
    if pos != len(value):
        return None
    return out


def element_matches(el: Element, sel: dict[str, Any]) -> bool:
    """Whether a page element has everything a parsed selector asks for."""
    if sel["tag"] and el.tag != sel["tag"]:
        return False
    if sel["id"] and el.elem_id != sel["id"]:
        return False
    if any(c not in el.classes for c in sel["classes"]):
        return False
    for name, val in sel["attrs"].items():
        have = el.attributes.get(name)
        if have is None or (val is not None and have != val):
            return False
    return True
