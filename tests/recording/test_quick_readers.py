"""The quick readers of the most common custom events (`quick_custom`: `ui.click` crumbs,
request spans, crumbs and spans only counted) give exactly what the general reading gives
(every event decoded as a dict and classified by `Normalizer.feed`): the same events, field
by field, the same counts, mix (in the same order), drops and malformed events, including
for values of the wrong type and past the cap of kept events."""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from sentry_replays_mcp.tools.recording.classifier import Normalizer
from sentry_replays_mcp.tools.recording.digest import KEEP_EVENTS, Digest
from sentry_replays_mcp.tools.recording.kinds import REQUEST_FAILED, Event
from sentry_replays_mcp.tools.recording.spans import request_event, request_path
from tests.recording.rrweb import T0, crumb, span

ODD = [None, "x", -5, 0, 0.0, True, {"a": 1}, [1], 1e300, 2**62, -(2**62), "2024-01-01"]
SCALARS = [value for value in ODD if not isinstance(value, dict | list)]
URLS = [
    "https://shop.example/api/items/1?token=x",
    "http://shop.example",
    "https://shop.example?x=1#f",
    "https://shop.example#f/a",
    "https://[::1]:8080/a?b",
    "/relative/path?q=1",
    "//cdn.example/a",
    "https://shöp.example/ä",
    "ftp://files.example/a",
    "",
]


def _clicks(rng: random.Random, n: int) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        event = crumb(T0 + i, "ui.click", message=rng.choice(["div > button#go", 7, None]))
        payload = event["data"]["payload"]
        roll = rng.random()
        if roll < 0.1:
            payload["timestamp"] = rng.choice(ODD)
        elif roll < 0.2:
            del payload["timestamp"]
            event["timestamp"] = rng.choice([*SCALARS, T0])  # (an object: read the careful way)
        elif roll < 0.3:
            payload["data"] = rng.choice(ODD)
        else:
            node = {"id": 3, "tagName": "button", "textContent": rng.choice(["Pay", 4, None])}
            payload["data"] = {"nodeId": 3, "node": rng.choice([node, node, "x", None])}
        out.append(event)
    return out


def _requests(rng: random.Random, n: int) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        start = T0 + i
        end = start + rng.choice([5, 200, 3_000, 9_000, -50])
        op = rng.choice(["resource.fetch", "resource.xhr", "resource.http"])
        status = rng.choice([200, 201, 404, 500, 0, 999, 1000, "200", None, 200.0, True])
        method = rng.choice(["get", "POST", "DELETE1", 5, None, "ĝet"])
        event = span(start, end, op, rng.choice(URLS), statusCode=status, method=method)
        payload = event["data"]["payload"]
        roll = rng.random()
        if roll < 0.1:
            payload["startTimestamp"] = rng.choice(ODD)
        elif roll < 0.2:
            payload["endTimestamp"] = rng.choice(ODD)
        elif roll < 0.25:
            payload["data"] = rng.choice(ODD)
        elif roll < 0.3:
            payload["description"] = rng.choice(ODD)
        out.append(event)
    return out


def _counted(rng: random.Random, n: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i in range(n):
        category = rng.choice(["fetch", "xhr", "ui.blur", "sentry.event", "replay.throttled"])
        out.append(crumb(T0 + i, category, message="m"))
        op = rng.choice(["paint", "resource.img", "resource.script", "resource.other"])
        event = span(T0 + i, T0 + i + 5, op, "https://cdn.example/a.js")
        if rng.random() < 0.2:
            event["data"]["payload"]["startTimestamp"] = rng.choice(ODD)
        out.append(event)
    return out


def _page(events: list[dict[str, Any]]) -> bytes:
    return json.dumps([events], separators=(",", ":")).encode()


class _Seen(Normalizer):
    """Counts the events read on the quick path."""

    quick = 0

    def feed_batch(self, batch: Any, segment: int | None, keep: Callable[[Event], None]) -> None:
        self.quick += len(batch)
        super().feed_batch(batch, segment, keep)


def _both(page: bytes) -> tuple[Digest, Digest]:
    seen = _Seen()
    quick, general = Digest(T0, normalizer=seen), Digest(T0)
    quick.add_page(page)
    general.read_page(page)
    assert seen.quick == general.raw_events  # every event went the quick way
    return quick.finish(), general.finish()


def _same(quick: Digest, general: Digest) -> None:
    assert quick.events == general.events  # every field of every event
    assert list(quick.mix.items()) == list(general.mix.items())
    assert quick.counts == general.counts and quick.dropped == general.dropped
    assert quick.normalizer.unknown == general.normalizer.unknown
    assert quick.malformed == general.malformed and quick.raw_events == general.raw_events


def test_quick_readers_agree_with_the_general_reading_on_odd_values():
    rng = random.Random(7)
    events = _clicks(rng, 400) + _requests(rng, 600) + _counted(rng, 200)
    rng.shuffle(events)
    quick, general = _both(_page(events))
    assert quick.malformed > 0 and len(quick.events) > 500
    _same(quick, general)


def test_past_the_cap_events_only_counted_are_counted_the_same():
    """More events than are kept: successful requests and clicks past the cap are only
    counted, failed requests (incidents) are still kept."""
    rng = random.Random(11)
    fill = [crumb(T0 - KEEP_EVENTS + i, "ui.click", message=f"a#n{i}") for i in range(KEEP_EVENTS)]
    mixed = zip(_clicks(rng, 2_000), _requests(rng, 2_000), strict=True)
    quick, general = _both(_page(fill + list(itertools.chain.from_iterable(mixed))))
    assert sum(quick.dropped.values()) > 2_000 and len(quick.events) > KEEP_EVENTS
    assert any(e.kind == REQUEST_FAILED and e.at > T0 for e in quick.events)  # past the cap
    _same(quick, general)


def _path_by_urlsplit(url: str) -> str:
    """A request's path as `urlsplit` reads it (the general reading of `request_path`)."""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return parts.path or "/"
    return url.split("?", 1)[0].split("#", 1)[0]


def _outcome(read: Callable[[str], str], url: str) -> str:
    try:
        return read(url)
    except ValueError:  # an unclosed IPv6 bracket: the event is malformed either way
        return "(refused)"


def test_request_paths_read_quickly_are_those_urlsplit_reads():
    rng = random.Random(5)
    pieces = ["https://", "http://", "HTTP://", "//", "/", "?", "#", "[", "]", ":", "@", " "]
    pieces += ["a", "b.example", "8080", "%2F", "ä", "\t", "x?y#z", "::1", "\\"]
    urls = URLS + ["".join(rng.choices(pieces, k=rng.randint(0, 8))) for _ in range(20_000)]
    quick = [url for url in urls if url.isascii() and url.isprintable()]
    assert len(quick) > 5_000 and sum(url.startswith("http") for url in quick) > 1_000
    for url in urls:
        assert _outcome(request_path, url) == _outcome(_path_by_urlsplit, url), url


def test_request_methods_remembered_are_shown_as_when_first_read():
    """A method's shown form is remembered by its spelling: read again, it is the same."""
    methods = ["get", "POST", "DELETE1", "ĝet", "ß", "patch" * 3, "", " put", "Options"]
    for method in methods:
        shown = method[:10].upper()
        expected = shown if shown.isascii() and shown.isalpha() else "GET"
        first, again = (request_event(0.0, None, "/a", method, 200, "request") for _ in "12")
        assert first.method == again.method == expected, method
