"""One page view per navigation, however many events announce it.

The browser SDK announces an SPA navigation twice: a `navigation.push` performance span whose
description is the absolute URL (replay-internal `coreHandlers/handleHistory.ts`) and a
`navigation` breadcrumb whose `data.to` is the relative path (browser `integrations/
breadcrumbs.ts`). A page load is announced by rrweb's Meta event (its `href`) and by a
`navigation.navigate` span that starts when the load began, and rrweb repeats the Meta event at
every full-snapshot checkout. Events do not arrive in time order (spans are flushed with the
segment), so a new announcement is matched against the few recent ones by path and time.
"""

from __future__ import annotations

from collections import deque
from urllib.parse import urlsplit

MATCH_MS = 5_000  # the same path announced again within this window is the same navigation
RECENT = 16


def page_key(target: str) -> str:
    """Path and query of a URL or relative path (no scheme, host or fragment); a mobile
    screen name as it is."""
    text = target.strip()
    if "://" in text:
        parts = urlsplit(text)
        path, query = parts.path or "/", parts.query
    else:
        path, _, query = text.split("#", 1)[0].partition("?")
    path = path.rstrip("/") or "/" if path.startswith("/") else path
    return path + (f"?{query}" if query else "")


class PageViews:
    """Remembers the last few announced pages; says whether another one is a new view."""

    def __init__(self) -> None:
        self._recent: deque[tuple[str, float]] = deque(maxlen=RECENT)
        self._current = ("", float("-inf"))

    def is_new(self, target: str, at: float, snapshot: bool = False) -> bool:
        """False when `target` announces a navigation already counted. `snapshot`: rrweb's
        Meta event, which also repeats the current page at each checkout."""
        key = page_key(target)
        if snapshot and key == self._current[0]:
            return False
        if any(k == key and abs(when - at) <= MATCH_MS for k, when in self._recent):
            return False
        self._recent.append((key, at))
        if at >= self._current[1]:
            self._current = (key, at)
        return True
