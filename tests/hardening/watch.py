"""Shared helpers of the hardening tests (faults, hostile arguments and data, secrets, load).

- `SECRET_TOKEN`: a distinctive Sentry token; every hardening test's demo Sentry uses it, so
  that it can be looked for in everything the tests see.
- `serving(demos)`: many demo Sentries on loopback ports, started and stopped together.
- `route_of` / `off_route(requests)`: the route table (method and path template, each
  placeholder a canonical segment) against the demo's request log.
- `watching()` (and `watched()`, the body of each module's `watch` fixture): every logger at
  DEBUG (root, httpx2, httpcore2, mcp, ours) plus every result, exception, request log and
  stderr handed to them, scanned for the token; `call()` is `client.call_tool` that hands
  its result (or exception) to the watch.
- `CONTROL`, `outside_code_spans`: what inert markdown must not contain.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import string
import threading
import traceback
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from mcp import Client
from mcp.types import CallToolResult

from sentry_replays_mcp.server.demo import DEMO_TOKEN, DemoSentry, RequestRecord
from sentry_replays_mcp.server.demo.serving import bind_socket, make_server, origin_of
from sentry_replays_mcp.tools.api.routes import ROUTES
from tests.waiting import until_sync

SECRET_TOKEN = "sntryu_SECRET_" + secrets.token_hex(20)
BUDGET = 40_000
PROJECT = "checkout"


# -- one valid call per tool -----------------------------------------------------------------


def fresh_replays(demo: DemoSentry) -> Iterator[str]:
    """The demo's replays that have a recording, one after the other. The server remembers a
    replay it has just read for a minute; a test that needs the replay lookup itself to meet a
    fault takes one no session has seen."""
    skip = {demo.archived_replay_id, demo.empty_replay_id, demo.long_replay_id}
    ordered = [demo.story_replay_id]
    ordered += [r.id for r in demo.data.replays if r.segment_count > 0 and r.id not in skip]
    return iter(dict.fromkeys(ordered))


def project_of(demo: DemoSentry, replay: str) -> str:
    return demo.replay(replay).project.slug


# -- many demo Sentries at once ---------------------------------------------------------------


@contextmanager
def serving(demos: Sequence[DemoSentry], timeout: float = 10.0) -> Iterator[list[str]]:
    """Serve each demo on its own loopback port (like `serve_in_thread`, but started and
    stopped all together); yields their API base URLs in order."""
    started = []
    try:
        for demo in demos:
            sock = bind_socket("127.0.0.1", 0)
            server = make_server(demo)
            thread = threading.Thread(
                target=server.run, kwargs={"sockets": [sock]}, name="demo-sentry", daemon=True
            )
            thread.start()
            started.append((demo, sock, server, thread))
        up = until_sync(
            lambda: (
                all(server.started for _, _, server, _ in started)
                or not all(t.is_alive() for *_, t in started)
            ),
            timeout,
        )
        assert all(t.is_alive() for *_, t in started), "a demo Sentry thread died"
        assert up, "the demo Sentries did not start in time"
        yield [demo.base_url_for(origin_of(sock)) for demo, sock, _, _ in started]
    finally:
        for _, _, server, _ in started:
            server.should_exit = True
        for _, sock, _, thread in started:
            thread.join(timeout)
            sock.close()


# -- the route table as regexes ----------------------------------------------------------------

# Every placeholder is filled with a value `tools.api.ids` accepted: slugs, numeric ids, hex
# replay ids, segment numbers. None of them can hold '/', '%', '.', '?', '#' or a space.
PLACEHOLDER = "[A-Za-z0-9_-]+"


def _template_regex(template: str) -> re.Pattern[str]:
    parts = []
    for literal, name, _spec, _conversion in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if name:
            parts.append(PLACEHOLDER)
    return re.compile("/api/0/" + "".join(parts) + r"\Z")


ROUTE_PATTERNS: list[tuple[str, str, re.Pattern[str]]] = [
    (route.method, operation, _template_regex(template))
    for operation, route in ROUTES.items()
    for template in route.paths
]


def route_of(record: RequestRecord) -> str | None:
    """The operation whose route (method and path template) the request matches, if any."""
    for method, operation, pattern in ROUTE_PATTERNS:
        if record.method == method and pattern.match(record.path):
            return operation
    return None


def off_route(records: Iterable[RequestRecord]) -> list[str]:
    return [f"{r.method} {r.path}?{r.query}" for r in records if route_of(r) is None]


def deletes(records: Iterable[RequestRecord]) -> list[RequestRecord]:
    return [r for r in records if r.method == "DELETE"]


def pages(demo: DemoSentry) -> int:
    """Recording-segment pages the demo has been asked for."""
    return sum("recording-segments" in r.path for r in list(demo.requests))


# -- results ---------------------------------------------------------------------------------


def all_text(result: CallToolResult) -> str:
    return "\n".join(str(getattr(c, "text", "")) for c in result.content)


def result_size(result: CallToolResult) -> int:
    """What the budget counts: the text plus the structured content as JSON."""
    structured = result.structured_content
    size = sum(len(str(getattr(c, "text", ""))) for c in result.content)
    if structured is not None:
        size += len(json.dumps(structured, ensure_ascii=False))
    return size


# -- the secret watch ------------------------------------------------------------------------

WATCHED_LOGGERS = (
    "",
    "httpx2",
    "httpcore2",
    "mcp",
    "sentry_replays_mcp",
    "uvicorn",
    "uvicorn.error",
    "starlette",
    "anyio",
)
# What the whole session looked at (a figure for the report and a sanity check).
TALLY = {"log_records": 0, "outputs": 0, "chars": 0, "watches": 0}


class Watch:
    """Everything a test produced that a caller, an operator or a log reader could see."""

    def __init__(self, forbidden: Iterable[str]) -> None:
        self.forbidden = tuple(f for f in forbidden if f)
        self.leaks: list[str] = []
        self.log_records = 0
        self.outputs = 0

    def note(self, kind: str, text: str) -> None:
        TALLY["chars"] += len(text)
        for secret in self.forbidden:
            at = text.find(secret)
            if at >= 0:
                excerpt = text[max(0, at - 80) : at + len(secret) + 40]
                self.leaks.append(f"{kind}: …{excerpt!r}…")

    def output(self, kind: str, value: object) -> None:
        self.outputs += 1
        TALLY["outputs"] += 1
        self.note(kind, value if isinstance(value, str) else repr(value))

    def result(self, result: CallToolResult) -> None:
        self.output("result", result.model_dump_json(by_alias=True))

    def exception(self, exc: BaseException) -> None:
        self.output("exception repr", repr(exc))
        self.output("traceback", "".join(traceback.format_exception(exc)))

    def requests(self, demo: DemoSentry) -> None:
        self.output("demo request log", repr(list(demo.requests)))


_ACTIVE: list[Watch] = []


class _Capture(logging.Handler):
    def __init__(self, watch: Watch) -> None:
        super().__init__(logging.NOTSET)
        self.watch = watch
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record)
        except Exception as exc:  # a record that cannot be formatted is still scanned
            text = f"{record.msg!r} {record.args!r} {exc!r}"
        self.watch.log_records += 1
        TALLY["log_records"] += 1
        self.watch.note(f"log {record.name}", text)


@contextmanager
def watching(*extra_secrets: str, level: int = logging.DEBUG) -> Iterator[Watch]:
    """Log everything at `level` (DEBUG) into a watch for the token (and `extra_secrets`).

    Console handlers that were already on the root logger (the SDK installs one) keep their
    previous threshold, so DEBUG records are captured here without being rendered there.
    """
    watch = Watch((SECRET_TOKEN, DEMO_TOKEN, *extra_secrets))
    handler = _Capture(watch)
    root = logging.getLogger()
    levels = {name: logging.getLogger(name).level for name in WATCHED_LOGGERS}
    quiet = {h: h.level for h in root.handlers if type(h).__name__ == "RichHandler"}
    for console, threshold in quiet.items():
        console.setLevel(max(threshold, root.level or logging.WARNING, logging.INFO))
    for name in WATCHED_LOGGERS:
        logging.getLogger(name).setLevel(level)
    root.addHandler(handler)
    _ACTIVE.append(watch)
    TALLY["watches"] += 1
    try:
        yield watch
    finally:
        _ACTIVE.remove(watch)
        root.removeHandler(handler)
        for name, previous in levels.items():
            logging.getLogger(name).setLevel(previous)
        for console, threshold in quiet.items():
            console.setLevel(threshold)


def watched(*extra_secrets: str, level: int = logging.DEBUG) -> Iterator[Watch]:
    """The body of each test module's `watch` fixture: the test fails if the token shows up in
    anything it saw."""
    with watching(*extra_secrets, level=level) as seen:
        yield seen
    assert not seen.leaks, "the Sentry token leaked:\n" + "\n".join(seen.leaks[:10])


def note_result(result: CallToolResult) -> None:
    """Hand a result to the active watches (what `call` does for `Client.call_tool`)."""
    for seen in _ACTIVE:
        seen.result(result)


def note_exception(exc: BaseException) -> None:
    for seen in _ACTIVE:
        seen.exception(exc)


async def call(
    client: Client, name: str, arguments: Mapping[str, Any] | None = None, **options: Any
) -> CallToolResult:
    """`client.call_tool`, with the result (or the exception) handed to the active watches."""
    try:
        result = await client.call_tool(name, dict(arguments or {}), **options)
    except BaseException as exc:
        note_exception(exc)
        raise
    note_result(result)
    return result


# -- markdown inertness ----------------------------------------------------------------------

# What must never reach the text: ANSI escapes, C0/C1 controls other than the newline,
# bidirectional overrides and line/paragraph separators.
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069]")


def outside_code_spans(line: str) -> str:
    """The parts of a markdown line that are not inside an inline code span (the renderer
    never lets a backtick into a span, so spans are plain pairs of backticks)."""
    return "".join(line.split("`")[0::2])
