"""The elements behind clicked node ids, from the recording's `ui.click` breadcrumbs.

Sentry's `clicks/` endpoint gives only rrweb node ids. The browser SDK writes every click as a
breadcrumb whose `data` carries the same id and the element: `{nodeId, node: {id, tagName,
textContent, attributes}}`, with the attributes limited to id, class, aria-label, role, name,
alt, title, testId, disabled, aria-disabled and data-sentry-component, and `message` the CSS
path of the element (sentry-javascript packages/replay-internal/src/coreHandlers/handleDom.ts
and util/getAttributesToRecord.ts). Text masked by the SDK arrives as asterisks and is
reported as masked, never shown.

The reading is bounded: the first `MAX_PAGES` pages of segments at most, stopping as soon as
every wanted node is found; each page is decoded in a worker thread.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import anyio

from sentry_replays_mcp.tools.api.errors import SentryError
from sentry_replays_mcp.tools.kit import text as r
from sentry_replays_mcp.tools.kit.errors import BadInput
from sentry_replays_mcp.tools.kit.resolve import ResolvedReplay
from sentry_replays_mcp.tools.kit.state import ToolState
from sentry_replays_mcp.tools.recording.page_reader import PageReader

MAX_PAGES = 3  # 300 segments
CLICK_CATEGORIES = ("ui.click",)
SHOWN_ATTRIBUTES = ("role", "aria-label", "testId", "data-testid", "name", "title", "alt")
# The SDK records `data-testid` as `testId` (getAttributesToRecord); the selector shows the
# attribute as it is in the page, so that it can be searched for in the code.
IN_THE_PAGE = {"testId": "data-testid"}


@dataclass(frozen=True)
class Element:
    """A clicked element as the SDK recorded it."""

    node_id: int
    selector: str | None  # the breadcrumb's CSS path
    tag: str | None
    element: str | None  # tag#id.class[role="…"]…
    text: str | None  # None when empty or masked
    masked: bool


@dataclass
class Found:
    elements: dict[int, Element] = field(default_factory=dict)
    pages_read: int = 0
    more_pages: bool = False  # pages past the bound were left unread
    failure: str | None = None  # why the recording could not be read


def _str(value: Any, limit: int) -> str | None:
    return r.clean(value, limit) or None if isinstance(value, str) else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _short(tag: str | None, attributes: dict[str, Any]) -> str | None:
    ident = _str(attributes.get("id"), 60)
    classes = _str(attributes.get("class"), 120)
    parts = [(tag or "").lower(), f"#{ident}" if ident else ""]
    parts += [f".{c}" for c in (classes or "").split()[:4]]
    for name in SHOWN_ATTRIBUTES:
        value = _str(attributes.get(name), 60)
        if value:
            parts.append(f'[{IN_THE_PAGE.get(name, name)}="{value}"]')
    return r.clean("".join(parts), 200) or None


def element_of(payload: dict[str, Any]) -> Element | None:
    """The element of one `ui.click` breadcrumb payload; None without a node id."""
    data = payload.get("data")
    if not isinstance(data, dict):
        return None
    node = _dict(data.get("node"))
    node_id = data.get("nodeId", node.get("id"))
    if not isinstance(node_id, int) or isinstance(node_id, bool):
        return None
    attributes = _dict(node.get("attributes"))
    tag = _str(node.get("tagName"), 40)
    text = _str(node.get("textContent"), 200)
    masked = text is not None and set(text.replace(" ", "")) == {"*"}
    return Element(
        node_id=node_id,
        selector=_str(payload.get("message"), 300),
        tag=tag.lower() if tag else None,
        element=_short(tag, attributes),
        text=None if masked else text,
        masked=masked,
    )


def collect(events: Iterable[Any], wanted: set[int], found: dict[int, Element]) -> None:
    """Add to `found` the element of every wanted node a click breadcrumb names (the first
    breadcrumb of a node wins)."""
    for raw in events:
        if not isinstance(raw, dict) or raw.get("type") != 5:
            continue
        data = raw.get("data")
        if not isinstance(data, dict) or data.get("tag") != "breadcrumb":
            continue
        payload = data.get("payload")
        if not isinstance(payload, dict) or payload.get("category") not in CLICK_CATEGORIES:
            continue
        element = element_of(payload)
        if element is not None and element.node_id in wanted and element.node_id not in found:
            found[element.node_id] = element


def _collect_page(body: bytearray | bytes | str, wanted: set[int], found: Found) -> None:
    text = body if isinstance(body, str) else bytes(body).decode("utf-8", errors="replace")
    collect((raw for _, raw in PageReader(text)), wanted, found.elements)


async def clicked_elements(state: ToolState, where: ResolvedReplay, wanted: set[int]) -> Found:
    """The elements of the wanted node ids, read from the replay's recording."""
    found = Found()
    if not wanted:
        return found
    try:
        project = where.needed_project()
    except BadInput:
        found.failure = "the replay's project is unknown (pass project)"
        return found
    cursor: str | None = None
    try:
        for _ in range(MAX_PAGES):
            page = await state.client.recording_page(
                where.organization, project, where.replay_id, cursor=cursor
            )
            await anyio.to_thread.run_sync(_collect_page, page.body, wanted, found)
            found.pages_read += 1
            cursor = page.next_cursor
            if cursor is None or wanted <= found.elements.keys():
                return found
        found.more_pages = True
    except SentryError as error:
        found.failure = f"the recording could not be read ({error.message.rstrip('.')})"
    return found
