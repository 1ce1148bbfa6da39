"""The demo Sentry in the `sentry` dialect, called over its ASGI app: the helpers its tests
share (the fixtures are in conftest.py)."""

from __future__ import annotations

import re

import httpx2

from sentry_replays_mcp.server.demo import DEMO_ORG, DemoSentry

BASE = "http://127.0.0.1:9/api/0/"
LIST = f"organizations/{DEMO_ORG}/replays/"
HEX = re.compile(r"^[0-9a-f]{32}$")
LINK = re.compile(r'<([^>]+)>; rel="(previous|next)"; results="(true|false)"; cursor="([^"]+)"')


def links(response: httpx2.Response) -> dict[str, tuple[str, bool, str]]:
    header = response.headers["link"]
    found = {
        rel: (url, results == "true", cursor) for url, rel, results, cursor in LINK.findall(header)
    }
    assert list(found) == ["previous", "next"], header
    return found


async def walk(api: httpx2.AsyncClient, url: str, params: dict[str, object]) -> list[list[object]]:
    """Follow `Link` rel=next until results="false"; returns each page's body."""
    pages = []
    response = await api.get(url, params=params)
    for _ in range(100):
        assert response.status_code == 200, response.text
        pages.append(response.json())
        nxt = links(response)["next"]
        if not nxt[1]:
            return pages
        response = await api.get(nxt[0])
    raise AssertionError("pagination did not end")


def story_project(sentry: DemoSentry) -> str:
    return sentry.replay(sentry.story_replay_id).project.slug
