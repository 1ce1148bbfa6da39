"""The demo shop's pages, built from their specs: routes, elements and rrweb DOM.

Every page has a fixed, serialized DOM (rrweb node format) with stable node ids, so
clicks in recordings always point at nodes that exist in a full snapshot or in the
mutation that put the page on screen. The shell (nav bar, ``main#content``) holds
ids below 100; page ``n`` (0-based) numbers its content from ``100 * (n + 1)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .page_specs import SHOP_PAGES, UNMASK, Spec, page_spec, shell_spec

ORIGIN = "https://shop.acme.example"
UNMASK_ATTRIBUTE = next(iter(UNMASK))
# The attributes the SDK copies into DOM breadcrumbs, `data-testid` renamed `testId`
# (getsentry/sentry-javascript
# packages/replay-internal/src/coreHandlers/util/getAttributesToRecord.ts).
ATTRIBUTES_TO_RECORD = (
    "id", "class", "aria-label", "role", "name", "alt", "title", "data-test-id", "data-testid",
    "disabled", "aria-disabled", "data-sentry-component",
)  # fmt: skip


@dataclass(frozen=True)
class Element:
    """One clickable or typeable element of a page."""

    key: str
    node_id: int
    tag: str
    attributes: dict[str, str]
    text: str
    path: str  # CSS selector path, as the SDK writes it in ui.click messages
    goes_to: str | None = None
    own_text: str = ""  # its own text children, as serialized (masked or not), trimmed

    @property
    def elem_id(self) -> str:
        return self.attributes.get("id", "")

    @property
    def classes(self) -> list[str]:
        return self.attributes.get("class", "").split()

    @property
    def role(self) -> str:
        return self.attributes.get("role", "")

    @property
    def aria_label(self) -> str:
        return self.attributes.get("aria-label", "")

    @property
    def testid(self) -> str:
        return self.attributes.get("data-testid", "")

    @property
    def alt(self) -> str:
        return self.attributes.get("alt", "")

    @property
    def title(self) -> str:
        return self.attributes.get("title", "")

    @property
    def component_name(self) -> str:
        return self.attributes.get("data-sentry-component", "")

    @property
    def is_input(self) -> bool:
        return self.tag in ("input", "textarea", "select")

    @property
    def selector(self) -> str:
        """The `dom_element` string Sentry builds for selector rows."""
        out = self.tag
        if self.elem_id:
            out += "#" + self.elem_id
        for cls in self.classes:
            out += "." + cls
        for attr, name in (
            ("role", self.role),
            ("aria", self.aria_label),
            ("data-testid", self.testid),
            ("alt", self.alt),
            ("title", self.title),
            ("data-sentry-component", self.component_name),
        ):
            if name:
                out += f'[{attr}="{name}"]'
        return out

    def node_payload(self) -> dict[str, Any]:
        """The `node` object of DOM breadcrumbs (ui.click, ui.input, ui.slowClickDetected).

        Built from the serialized node: lowercase tag, the trimmed text of its own text
        children (masked unless the element is unmasked), the recorded attributes
        (getsentry/sentry-javascript packages/replay-internal/src/coreHandlers/handleDom.ts,
        `getBaseDomBreadcrumb`).
        """
        attributes: dict[str, str] = {}
        for name, value in self.attributes.items():
            if name in ATTRIBUTES_TO_RECORD:
                attributes["testId" if name in ("data-testid", "data-test-id") else name] = value
        return {
            "id": self.node_id,
            "tagName": self.tag,
            "textContent": self.own_text,
            "attributes": attributes,
        }


@dataclass
class Page:
    name: str
    route: str  # transaction name, e.g. "/products/:id"
    title: str
    root_id: int
    dom: dict[str, Any]  # serialized content subtree (rrweb node)
    elements: dict[str, Element] = field(default_factory=dict)

    def path_for(self, number: int) -> str:
        return self.route.replace(":id", str(number))


def _short(tag: str, attrs: dict[str, str]) -> str:
    out = tag
    if attrs.get("id"):
        out += "#" + attrs["id"]
    for cls in attrs.get("class", "").split():
        out += "." + cls
    return out


class _Builder:
    def __init__(self, start: int) -> None:
        self.next_id = start
        self.elements: dict[str, Element] = {}

    def take(self) -> int:
        nid = self.next_id
        self.next_id += 1
        return nid

    def build(self, spec: Spec, ancestors: list[str], masked: bool = True) -> dict[str, Any]:
        tag, attrs, content, key, goes_to = spec
        nid = self.take()
        here = [*ancestors, _short(tag, attrs)]
        masked = masked and UNMASK_ATTRIBUTE not in attrs
        children: list[dict[str, Any]] = []
        text = ""
        if isinstance(content, str) and tag == "style":  # CSS is never masked
            children.append({"type": 3, "textContent": content, "isStyle": True, "id": self.take()})
        elif isinstance(content, str):
            text = mask_text(content) if masked else content
            children.append({"type": 3, "textContent": text, "id": self.take()})
        elif content:
            for child in content:
                node = self.build(child, here, masked)
                children.append(node)
                text += _text_of(node)
        attrs = _masked_value(tag, attrs)
        if key:
            self.elements[key] = Element(
                key=key,
                node_id=nid,
                tag=tag,
                attributes=dict(attrs),
                text=text.strip(),
                path=" > ".join(here[-5:]),
                goes_to=goes_to,
                own_text="".join(str(c["textContent"]).strip() for c in children if c["type"] == 3),
            )
        return {
            "type": 2,
            "tagName": tag,
            "attributes": dict(attrs),
            "childNodes": children,
            "id": nid,
        }


def mask_text(text: str) -> str:
    """rrweb's default text mask under `maskAllText`: every non-space character becomes `*`
    (rrweb-io/rrweb packages/rrweb-snapshot/src/snapshot.ts, `maskTextFn` unset)."""
    return re.sub(r"\S", "*", text)


def _masked_value(tag: str, attrs: dict[str, str]) -> dict[str, str]:
    """`maskAllInputs`: an input's `value` attribute is recorded as asterisks."""
    if tag in ("input", "textarea", "select") and attrs.get("value"):
        return {**attrs, "value": "*" * len(attrs["value"])}
    return attrs


def _text_of(node: dict[str, Any]) -> str:
    if node["type"] == 3:
        return str(node["textContent"])
    return " ".join(_text_of(c) for c in node.get("childNodes", []))


class Site:
    """All pages plus the two shells (shop and admin)."""

    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        for index, (name, route, title, content) in enumerate(SHOP_PAGES):
            builder = _Builder(100 * (index + 1))
            ancestors = ["body", "div#app", "main#content"]
            dom = builder.build(page_spec(name, content), ancestors)
            self.pages[name] = Page(name, route, title, dom["id"], dom, builder.elements)
        self.shells: dict[bool, tuple[dict[str, Any], dict[str, Element], int]] = {}
        for admin in (False, True):
            builder = _Builder(3)
            html = builder.build(shell_spec(admin), [])
            main_id = _find(html, "main")
            self.shells[admin] = (html, builder.elements, main_id)

    def shell_elements(self, page: Page) -> dict[str, Element]:
        return self.shells[page.route.startswith("/admin")][1]

    def main_id(self, page: Page) -> int:
        return self.shells[page.route.startswith("/admin")][2]

    def snapshot(self, page: Page) -> dict[str, Any]:
        """The full serialized document with `page` mounted under main#content."""
        html, _, main_id = self.shells[page.route.startswith("/admin")]
        html = _with_child(html, main_id, page.dom)
        doctype = {"type": 1, "name": "html", "publicId": "", "systemId": "", "id": 2}
        return {"type": 0, "childNodes": [doctype, html], "compatMode": "CSS1Compat", "id": 1}

    def all_elements(self, page: Page) -> dict[str, Element]:
        return {**self.shell_elements(page), **page.elements}


def _find(node: dict[str, Any], tag: str) -> int:
    if node.get("tagName") == tag:
        return int(node["id"])
    for child in node.get("childNodes", []):
        found = _find(child, tag)
        if found:
            return found
    return 0


def _with_child(node: dict[str, Any], parent_id: int, child: dict[str, Any]) -> dict[str, Any]:
    if node["id"] == parent_id:
        return {**node, "childNodes": [child]}
    if not node.get("childNodes"):
        return node
    return {**node, "childNodes": [_with_child(c, parent_id, child) for c in node["childNodes"]]}


SITE = Site()
