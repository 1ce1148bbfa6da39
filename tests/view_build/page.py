"""The built replay view (server/view/replay.html) taken apart with the standard library's
HTML parser: its tags and attributes, the text of each <script> and <style>, its comments."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
BUILT = ROOT / "server" / "view" / "replay.html"
UI = ROOT / "ui"
SOURCES = UI / "replay"


@dataclass
class Page:
    tags: list[tuple[str, list[tuple[str, str | None]]]] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    decls: list[str] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.page = Page()
        self._raw: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.page.tags.append((tag, attrs))
        if tag in ("script", "style"):
            self._raw = tag
            (self.page.scripts if tag == "script" else self.page.styles).append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._raw:
            self._raw = None

    def handle_data(self, data: str) -> None:
        if self._raw == "script":
            self.page.scripts[-1] += data
        elif self._raw == "style":
            self.page.styles[-1] += data

    def handle_comment(self, data: str) -> None:
        self.page.comments.append(data)

    def handle_decl(self, decl: str) -> None:
        self.page.decls.append(decl)


def parse(text: str) -> Page:
    reader = _Reader()
    reader.feed(text)
    reader.close()
    return reader.page


def built_text() -> str:
    return BUILT.read_text(encoding="utf-8")


def pinned_player() -> str:
    """The rrweb-player version ui/package.json pins (exact, no range)."""
    return str(json.loads((UI / "package.json").read_text())["dependencies"]["rrweb-player"])
