"""Sentry's `Link` header pagination, exposed as an opaque next cursor.

Sentry sends one header with both rels, for example::

    <https://sentry.io/api/0/organizations/acme/replays/?cursor=0:0:1>; rel="previous";
    results="false"; cursor="0:0:1", <https://sentry.io/api/0/organizations/acme/replays/
    ?cursor=0:50:0>; rel="next"; results="true"; cursor="0:50:0"

There is a next page only when `rel="next"` says `results="true"`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Generic, TypeVar
from urllib.parse import parse_qs, urlsplit

T = TypeVar("T")

_OFFSET_CURSOR = re.compile(r"(-?[0-9]+):([0-9]+):[01]")
_LINK = re.compile(r'<(?P<url>[^>]*)>(?P<params>(?:\s*;\s*[\w*-]+\s*=\s*(?:"[^"]*"|[^;,\s]*))*)')
_PARAM = re.compile(r'([\w*-]+)\s*=\s*(?:"([^"]*)"|([^;,\s]*))')


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of results and the cursor of the next page, if there is one."""

    items: list[T]
    next_cursor: str | None = None
    previous_cursor: str | None = None
    extra: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class RawPage:
    """One page of recording segments as the JSON bytes received, unparsed."""

    body: bytearray
    first_segment: int
    next_cursor: str | None

    @property
    def next_segment(self) -> int | None:
        """The first segment of the next page, when the cursor tells (Sentry's offsets)."""
        return offset_of(self.next_cursor)


def parse_link_header(header: str | None) -> dict[str, dict[str, str]]:
    """Map each rel ("next", "previous") to its attributes, including `url`."""
    links: dict[str, dict[str, str]] = {}
    if not header:
        return links
    for match in _LINK.finditer(header):
        attrs = {"url": match.group("url")}
        for name, quoted, bare in _PARAM.findall(match.group("params")):
            attrs[name.lower()] = quoted if quoted else bare
        rel = attrs.get("rel")
        if rel:
            links[rel] = attrs
    return links


def _cursor_of(attrs: dict[str, str]) -> str | None:
    cursor = attrs.get("cursor")
    if cursor:
        return cursor
    values = parse_qs(urlsplit(attrs.get("url", "")).query).get("cursor")
    return values[0] if values else None


def cursors(header: str | None) -> tuple[str | None, str | None]:
    """(next, previous) cursors, each None when that direction has no results."""
    links = parse_link_header(header)
    found: list[str | None] = []
    for rel in ("next", "previous"):
        attrs = links.get(rel)
        has_results = attrs is not None and attrs.get("results", "true").lower() == "true"
        found.append(_cursor_of(attrs) if attrs is not None and has_results else None)
    return found[0], found[1]


def offset_of(cursor: str | None) -> int | None:
    """The row offset in one of Sentry's offset cursors ('0:100:0' → 100), else None. The
    replay endpoints all page by offset; other cursors stay opaque."""
    match = _OFFSET_CURSOR.fullmatch(cursor or "")
    return int(match.group(2)) if match else None


def advanced(cursor: str | None, rows: int) -> str | None:
    """The offset cursor `rows` further on than `cursor` (None: the first page), else None."""
    match = _OFFSET_CURSOR.fullmatch(cursor or "0:0:0")
    return f"{match.group(1)}:{int(match.group(2)) + rows}:0" if match else None
