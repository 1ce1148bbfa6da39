"""`DemoSentry`: the fake Sentry upstream as a Starlette app.

Order of handling for `/api/0/...`: the request is matched against the faults
first (so faults can fake any status, 401s included), then authenticated
(`Authorization: Bearer <token>`), then routed by dialect. Every real `/api/0/`
response carries Sentry's rate-limit headers (a fault's response carries only the
headers the fault names, so a bare 429 can be faked); every request (except the
`/__demo__/` control routes) is appended to `demo.requests` without its headers, when it
arrives (its status is `PENDING` until the answer is ready).

Control routes (need the demo's bearer token, outside `/api/0/`):
`POST /__demo__/faults` (JSON object with the keys of `FaultSet.add`; `path` literal text),
`DELETE /__demo__/faults`, `GET /__demo__/requests`, `POST /__demo__/reset`.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
import uuid
from collections import OrderedDict
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import control, second_region, sentry_routes, spec_routes
from .data import Dataset, Project, Replay
from .faults import MAX_LOG, PENDING, FaultSet, RequestRecord
from .long_replay import LongReplay, build_long_replay, long_replay_id
from .recordings import Event, render_segment
from .web import (
    ApiError,
    Caller,
    Ctx,
    detail,
    dumps,
    empty,
    error_response,
    json_response,
    query_pairs,
)

log = logging.getLogger("sentry_replays_mcp.demo")

DEMO_TOKEN = "sntryu_demo_acme_replays_0c1d2e3f4a5b6c7d8e9f"
DEMO_READONLY_TOKEN = "sntryu_demo_acme_readonly_9f8e7d6c5b4a3f2e1d0c"
DEMO_ORG = "acme"
FULL_SCOPES = frozenset({"org:read", "project:read", "project:write", "event:read"})
READ_SCOPES = frozenset({"org:read", "project:read"})
API_PREFIX = "/api/0/"
SEGMENT_CACHE = 1024
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
Dialect = Literal["sentry", "spec"]


class DemoSentry:
    def __init__(
        self, dialect: Dialect = "sentry", token: str = DEMO_TOKEN, now: datetime | None = None
    ) -> None:
        if dialect not in ("sentry", "spec"):
            raise ValueError(f"unknown dialect {dialect!r}")
        if not token:
            raise ValueError("token must not be empty")
        if now is None:
            now = datetime.now(UTC).replace(second=0, microsecond=0)
        elif now.tzinfo is None:
            now = now.replace(tzinfo=UTC)
        self.dialect: Dialect = dialect
        self.token = token
        self.readonly_token = DEMO_READONLY_TOKEN if token != DEMO_READONLY_TOKEN else token + "-ro"
        self.now = now
        self._started = time.monotonic()
        self.data = Dataset(now)
        self.region_data = Dataset(now, region=True)  # `acme-eu`, in a second region
        self.region_origin = second_region.REGION_ORIGIN
        self.faults = FaultSet()
        self.requests: list[RequestRecord] = []
        self._cache: OrderedDict[tuple[str, int], bytes] = OrderedDict()
        self._cache_lock = threading.Lock()
        self.long_replays: dict[str, LongReplay] = {}  # added by `add_long_replay`
        self._window = (0, 0)  # (epoch second, requests in it) for rate-limit headers
        self._in_flight = 0
        self._routes = [
            (re.compile(rx), handlers)
            for rx, handlers in (
                sentry_routes.ROUTES if dialect == "sentry" else spec_routes.ROUTES
            )
        ]
        self.app = Starlette(routes=[Route("/{path:path}", self._handle, methods=METHODS)])

    # -- public helpers ------------------------------------------------------------------
    @property
    def organization(self) -> str:
        return self.data.organization

    @property
    def organization_id(self) -> str:
        return self.data.organization_id

    @property
    def region_organization(self) -> str:
        """The organization that lives in the demo's second region (at `region_origin`)."""
        return self.region_data.organization

    @property
    def performance_issue_id(self) -> str:
        """An issue-platform (performance) issue: replay-count finds its replays only with
        `data_source=search_issues`."""
        return self.data.performance_issues[0].id

    @property
    def projects(self) -> list[Project]:
        return self.data.projects

    @property
    def story_replay_id(self) -> str:
        return self.data.story_replay_id

    @property
    def archived_replay_id(self) -> str:
        return self.data.archived_replay_id

    @property
    def empty_replay_id(self) -> str:
        return self.data.empty_replay_id

    @property
    def long_replay_id(self) -> str:
        return self.data.long_replay_id

    @property
    def issue_ids(self) -> list[str]:
        """Numeric ids (as strings) of the issues the demo's errors belong to."""
        return [issue.id for issue in self.data.issues]

    @property
    def story_issue_id(self) -> str:
        """The issue of the story replay's TypeError."""
        return self.data.error_issue[self.replay(self.story_replay_id).error_ids[0]]

    def replay(self, replay_id: str) -> Replay:
        return self.data.by_id[uuid.UUID(replay_id).hex]

    @staticmethod
    def base_url_for(origin: str) -> str:
        return origin.rstrip("/") + API_PREFIX

    def clock(self) -> datetime:
        """`now` plus the time elapsed since construction (the end of default windows)."""
        return self.now + timedelta(seconds=time.monotonic() - self._started)

    def reset(self) -> None:
        """Clear faults and the request log, and restore deleted replays."""
        self.faults.clear()
        self.requests.clear()
        self.data.reset_state()
        self.region_data.reset_state()

    def add_long_replay(self, segments: int = 320, target_bytes: int = 32_000_000) -> str:
        """Add a synthetic long `web-frontend` replay; returns its id (32 hex).

        Its recording has `segments` segments totalling about `target_bytes` of JSON,
        rendered once, now (a few seconds for 320 segments / 32 MB); the segment-list
        page bodies at the default `per_page=100` are cached as bytes. The id depends
        only on the two arguments; adding the same replay twice returns the same id.
        Call it before serving. `long_replays[id]` holds the rendered recording.
        """
        rid = long_replay_id(segments, target_bytes)
        if rid in self.long_replays:
            return rid
        built = build_long_replay(self.data, segments, target_bytes)
        replay = built.replay
        self.long_replays[replay.id] = built
        self.data.replays.append(replay)
        self.data.by_id[replay.id] = replay
        return replay.id

    def page_bytes(self, replay: Replay, first: int, count: int) -> bytes | None:
        """A pre-rendered segment-list page body (long replays only), else None."""
        built = self.long_replays.get(replay.id)
        return None if built is None else built.pages.get((first, count))

    def segment_bytes(self, replay: Replay, segment_id: int) -> bytes:
        built = self.long_replays.get(replay.id)
        if built is not None:
            return built.segments[segment_id]
        key = (replay.id, segment_id)
        with self._cache_lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        body = dumps(render_segment(replay, segment_id))
        with self._cache_lock:
            self._cache[key] = body
            while len(self._cache) > SEGMENT_CACHE:
                self._cache.popitem(last=False)
        return body

    def segment_events(self, replay_id: str, segment_id: int) -> list[Event]:
        """One segment's rrweb events (for tests and tools)."""
        events: list[Event] = json.loads(self.segment_bytes(self.replay(replay_id), segment_id))
        return events

    # -- request handling ------------------------------------------------------------------
    def _caller(self, request: Request) -> tuple[Caller | None, ApiError | None]:
        header = request.headers.get("authorization")
        if not header:
            return None, detail(401, "Authentication credentials were not provided.")
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer":
            return None, detail(401, "Authentication credentials were not provided.")
        value = value.strip()
        if value == self.token:
            return Caller("1", FULL_SCOPES), None
        if value == self.readonly_token:
            return Caller("2", READ_SCOPES), None
        return None, detail(401, "Invalid token")

    def _rate_headers(self) -> dict[str, str]:
        second = int(time.time())
        used = self._window[1] + 1 if self._window[0] == second else 1
        self._window = (second, used)
        return {
            "X-Sentry-Rate-Limit-Limit": "40",
            "X-Sentry-Rate-Limit-Remaining": str(max(0, 40 - used)),
            "X-Sentry-Rate-Limit-Reset": str(second + 1),
            "X-Sentry-Rate-Limit-ConcurrentLimit": "25",
            "X-Sentry-Rate-Limit-ConcurrentRemaining": str(max(0, 25 - self._in_flight)),
        }

    async def _handle(self, request: Request) -> Response:
        scope = request.scope
        path: str = scope["path"]
        raw_path = (scope.get("raw_path") or path.encode()).decode("latin-1")
        query = scope.get("query_string", b"").decode("latin-1")
        if path.startswith("/__demo__/"):
            return await self._control(request, path)
        caller, auth_error = self._caller(request)
        # Logged on arrival, so a request whose caller gave up (a timeout) is still counted
        # once the demo has read it; its status is filled in when the answer is ready.
        record = RequestRecord(
            request.method,
            raw_path,
            query,
            PENDING,
            caller is not None,
            second_region.host_of(request),
        )
        if len(self.requests) >= MAX_LOG:
            del self.requests[: MAX_LOG // 10]
        self.requests.append(record)
        self._in_flight += 1
        status = 500
        try:
            response = await self._answer(request, path, query, caller, auth_error)
            status = response.status_code
            return response
        finally:
            self._in_flight -= 1
            record.status = status

    async def _answer(
        self,
        request: Request,
        path: str,
        query: str,
        caller: Caller | None,
        auth_error: ApiError | None,
    ) -> Response:
        if not path.startswith(API_PREFIX):
            return empty(404)
        sub = path[len(API_PREFIX) :]
        fault = self.faults.take(request.method, sub)
        if fault is not None:
            return await fault.respond()
        rate = self._rate_headers()
        if caller is None:
            assert auth_error is not None
            response = error_response(auth_error)
        else:
            response = await self._route(request, sub, query, caller)
        response.headers.update(rate)
        return response

    async def _route(self, request: Request, sub: str, query: str, caller: Caller) -> Response:
        for rx, handlers in self._routes:
            m = rx.match(sub)
            if not m:
                continue
            handler = handlers.get(request.method)
            if handler is None:
                return json_response({"detail": f'Method "{request.method}" not allowed.'}, 405)
            owner = second_region.owner_for(self, m.groupdict().get("org"), request)
            if owner is None:
                return json_response({"detail": "The requested resource does not exist"}, 404)
            ctx = Ctx(owner, request, caller, query_pairs(query))
            try:
                response: Response = await handler(ctx, **m.groupdict())
                return response
            except ApiError as err:
                return error_response(err)
            except Exception:
                log.exception("demo sentry handler failed for %s %s", request.method, sub)
                body = {"detail": "Internal Error", "errorId": uuid.uuid4().hex}
                return json_response(body, 500)
        return empty(404)

    async def _control(self, request: Request, path: str) -> Response:
        refusal = control.foreign_caller(request)
        if refusal is not None:
            return refusal
        header = request.headers.get("authorization", "")
        if header.partition(" ")[2].strip() != self.token:
            return json_response({"detail": "Invalid token"}, 401)
        handler = control.ROUTES.get((path, request.method))
        if handler is None:
            return empty(404)
        return await handler(self, request)

    def describe(self) -> dict[str, Any]:
        """What the console script prints: how to reach and use this demo."""
        return {
            "token": self.token,
            "organization": self.organization,
            "projects": [{"id": p.id, "slug": p.slug} for p in self.projects],
            "region_organization": {"slug": self.region_organization, "host": self.region_origin},
            "dialect": self.dialect,
        }
