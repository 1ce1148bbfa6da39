"""The Sentry replay API client: every operation of the seed, typed in and parsed out.

One `SentryClient` (one pooled `httpx2.AsyncClient`) lives as long as the server.
Every path segment and query parameter is validated before a request is built
(`request_params.py`, `ids.py`); every failure is one of the classes in `errors.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit

import httpx2

from sentry_replays_mcp.tools.api import ids, region_hosts
from sentry_replays_mcp.tools.api.click_models import ClickedNode, Selector
from sentry_replays_mcp.tools.api.errors import InvalidArgument, InvalidRequest, NotFound
from sentry_replays_mcp.tools.api.failures import ErrorContext, Hints
from sentry_replays_mcp.tools.api.lenient import parse_list, unwrap
from sentry_replays_mcp.tools.api.models import (
    ErrorEvent,
    ProjectRef,
    Replay,
    ReplayCounts,
    Viewer,
    parse_viewers,
)
from sentry_replays_mcp.tools.api.notices import notify
from sentry_replays_mcp.tools.api.pagination import Page, RawPage, cursors, offset_of
from sentry_replays_mcp.tools.api.request_params import (
    DEFAULT_WINDOW,
    MAX_PER_PAGE,
    api_root,
    count_params,
    data_source_param,
    error_event_params,
    filters,
    page_params,
    replay_subject,
    replay_values,
)
from sentry_replays_mcp.tools.api.routes import ROUTES
from sentry_replays_mcp.tools.api.segment_models import RawSegment
from sentry_replays_mcp.tools.api.transport import Answer, RetryPolicy, Transport, pooled_http


class SentryClient:
    def __init__(
        self,
        *,
        url: str,
        token: str,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        max_concurrency: int = 8,
        max_body_bytes: int = 16_000_000,
        max_segment_page_bytes: int = 128_000_000,
        transport: httpx2.AsyncBaseTransport | None = None,
        hints: Hints | None = None,
    ) -> None:
        """`hints`: text appended to the failure of its situation, e.g. which setting to fix."""
        if not token or not token.isprintable() or any(ch.isspace() for ch in token):
            raise InvalidArgument(
                "The Sentry token is empty or contains spaces or control characters."
            )
        self.base_url = api_root(url)
        self._secrets = (token,)
        self._hints: Hints = dict(hints or {})
        self.timeout = timeout
        self._segment_cap = max_segment_page_bytes
        self._http = pooled_http(self.base_url, token, timeout, max_concurrency, transport)
        self._transport = Transport(
            self._http,
            retry=retry or RetryPolicy(),
            max_concurrency=max_concurrency,
            max_body_bytes=max_body_bytes,
        )
        self._route_choice: dict[str, str] = {}
        self._host = urlsplit(self.base_url).netloc
        self._regions = region_hosts.RegionRoots(self.base_url, self._organization_details)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    def __repr__(self) -> str:
        return f"SentryClient(base_url={self.base_url!r})"

    @property
    def route_choices(self) -> dict[str, str]:
        """Which path template answered, per operation (after the first successful call)."""
        return dict(self._route_choice)

    @property
    def region_roots(self) -> dict[str, str | None]:
        """The API root used per organization, once read (None: the configured URL)."""
        return self._regions.known()

    def _context(self, action: str, scope: str, subject: str, host: str) -> ErrorContext:
        return ErrorContext(action, scope, subject, host, self.timeout, self._secrets, self._hints)

    async def _organization_details(self, org: str) -> Any:
        """`GET organizations/{org}/` on the configured URL (for its `links.regionUrl`)."""
        route = ROUTES["get_organization"]
        context = self._context(route.action, route.scope, f"organization '{org}'", self._host)
        path = route.paths[0].format(org=org)
        return (await self._transport.request(route.method, path, context=context)).body

    # -- the one place operations go through -------------------------------------------

    async def _call(
        self,
        operation: str,
        values: dict[str, str],
        subject: str,
        params: Sequence[tuple[str, str]] = (),
        max_body_bytes: int | None = None,
        as_text: bool = False,
    ) -> Answer:
        route = ROUTES[operation]
        candidates = route.buildable(values)
        if not candidates:
            raise InvalidArgument(
                f"To {route.action}, a project is needed: pass project (slug or id)."
            )
        remembered = self._route_choice.get(operation)
        if remembered in candidates:
            candidates = [remembered]
        root = await self._regions.root(values["org"]) if "org" in values else None
        host = urlsplit(root).netloc if root else self._host
        context = self._context(route.action, route.scope, subject, host)
        for position, template in enumerate(candidates):
            path = (root or "") + template.format(**values)
            try:
                answer = await self._transport.request(
                    route.method,
                    path,
                    params=params,
                    context=context,
                    max_body_bytes=max_body_bytes,
                    as_text=as_text,
                )
            except NotFound:
                if position == len(candidates) - 1:
                    raise
                continue
            if position and operation not in self._route_choice:
                await notify(
                    "info",
                    f"Sentry has no sentry.io path to {route.action} (HTTP 404); the seed "
                    "spec's path answered and is used from now on.",
                    self._secrets,
                )
            self._route_choice[operation] = template
            return answer
        raise AssertionError("unreachable")  # pragma: no cover

    # -- replays --------------------------------------------------------------------------

    async def list_replays(
        self,
        organization: str,
        *,
        projects: Sequence[str | int] = (),
        environments: Sequence[str] = (),
        query: str | None = None,
        stats_period: str | None = None,
        start: str | None = None,
        end: str | None = None,
        sort: str | None = None,
        fields: Sequence[str] = (),
        per_page: int = 20,
        cursor: str | None = None,
    ) -> Page[Replay]:
        org = ids.organization(organization)
        params = page_params(per_page, cursor)
        params += filters(projects, environments, stats_period, start, end)
        params += [("field", f) for f in fields]
        if query:
            params.append(("query", query))
        if sort:
            params.append(("sort", sort))
        answer = await self._call(
            "list_replays", {"org": org}, f"replays in organization '{org}'", params
        )
        return self._page(Replay, answer)

    async def get_replay(
        self, organization: str, replay_id: str, *, project: str | int | None = None
    ) -> Replay:
        values = {"org": ids.organization(organization), "replay": ids.replay(replay_id)}
        if project is not None:
            values["project"] = ids.project(project)
        answer = await self._call(
            "get_replay",
            values,
            f"replay {values['replay']} in organization '{values['org']}'",
            [("statsPeriod", DEFAULT_WINDOW)],
        )
        data = unwrap(answer.body)
        if not isinstance(data, dict):
            raise NotFound(f"Sentry returned no replay {values['replay']}.")
        return Replay.model_validate(data)

    async def delete_replay(self, organization: str, project: str | int, replay_id: str) -> None:
        values = replay_values(organization, project, replay_id)
        await self._call("delete_replay", values, replay_subject(values))

    # -- recording segments ---------------------------------------------------------------

    async def get_recording_segment(
        self,
        organization: str,
        project: str | int,
        replay_id: str,
        segment_id: int | str,
        *,
        download: bool = False,
    ) -> RawSegment:
        """One segment as the JSON bytes received, unparsed: its metadata, or with
        `download=True` its rrweb events, for reading off the event loop."""
        values = replay_values(organization, project, replay_id)
        number = ids.segment(segment_id)
        values["segment"] = str(number)
        answer = await self._call(
            "get_recording_segment",
            values,
            f"recording segment {number} of {replay_subject(values)}",
            [("download", "true")] if download else [],
            max_body_bytes=self._segment_cap if download else None,
            as_text=True,
        )
        return RawSegment(number, answer.body)

    async def recording_page(
        self,
        organization: str,
        project: str | int,
        replay_id: str,
        *,
        per_page: int = MAX_PER_PAGE,
        cursor: str | None = None,
    ) -> RawPage:
        """One page of the segment list as unparsed JSON bytes, for reading event by event
        (`tools.recording.PageReader`) without building the whole page in memory."""
        values = replay_values(organization, project, replay_id)
        answer = await self._call(
            "list_recording_segments",
            values,
            f"recording of {replay_subject(values)}",
            page_params(per_page, cursor),
            max_body_bytes=self._segment_cap,
            as_text=True,
        )
        next_cursor, _ = cursors(answer.headers.get("link"))
        return RawPage(answer.body, offset_of(cursor) or 0, next_cursor)

    async def list_error_events(
        self, organization: str, event_ids: Sequence[str], *, per_page: int = 50
    ) -> list[ErrorEvent]:
        """What Sentry can tell about a replay's linked error events (title, type, issue,
        time). This endpoint is not in the public API; callers should treat failure as
        "details unavailable"."""
        org = ids.organization(organization)
        checked = [ids.replay(e) for e in event_ids]  # event ids are 32-hex too
        if not checked:
            return []
        params = error_event_params(checked, per_page)
        answer = await self._call(
            "list_error_events", {"org": org}, f"error events in organization '{org}'", params
        )
        rows, _ = parse_list(ErrorEvent, answer.body)
        return rows

    # -- interactions ---------------------------------------------------------------------

    async def list_selectors(
        self,
        organization: str,
        *,
        projects: Sequence[str | int] = (),
        environments: Sequence[str] = (),
        stats_period: str | None = None,
        start: str | None = None,
        end: str | None = None,
        sort: str | None = None,
        query: str | None = None,
        per_page: int = 20,
        cursor: str | None = None,
    ) -> Page[Selector]:
        org = ids.organization(organization)
        params = page_params(per_page, cursor)
        params += filters(projects, environments, stats_period, start, end)
        if sort:
            params.append(("sort", sort))
        if query:
            params.append(("query", query))
        answer = await self._call(
            "list_selectors", {"org": org}, f"selectors in organization '{org}'", params
        )
        return self._page(Selector, answer)

    async def list_clicked_nodes(
        self,
        organization: str,
        replay_id: str,
        *,
        project: str | int | None = None,
        per_page: int = 100,
        cursor: str | None = None,
    ) -> Page[ClickedNode]:
        values = {"org": ids.organization(organization), "replay": ids.replay(replay_id)}
        if project is not None:
            values["project"] = ids.project(project)
        params = page_params(per_page, cursor)
        answer = await self._call(
            "list_clicked_nodes", values, f"clicks of {replay_subject(values)}", params
        )
        return self._page(ClickedNode, answer)

    async def list_replay_viewers(
        self, organization: str, project: str | int, replay_id: str
    ) -> list[Viewer]:
        values = replay_values(organization, project, replay_id)
        answer = await self._call(
            "list_replay_viewers",
            values,
            replay_subject(values),
            [("statsPeriod", DEFAULT_WINDOW)],
        )
        return parse_viewers(answer.body)

    async def count_replays(
        self,
        organization: str,
        *,
        query: str,
        projects: Sequence[str | int] = (),
        environments: Sequence[str] = (),
        stats_period: str | None = None,
        data_source: str = "discover",
        return_ids: bool = False,
    ) -> ReplayCounts:
        """Replays per issue, transaction or replay id (`query` in list syntax, e.g.
        `issue.id:[1,2]`). `data_source`: `discover` (error events) or `search_issues` (the
        issue platform), the two choices getsentry/sentry validates in
        src/sentry/replays/endpoints/organization_replay_count.py; a server that refuses
        `discover` (newer ones document `events`) is asked again with `events`."""
        org = ids.organization(organization)
        base = count_params(query, projects, environments, stats_period, return_ids)
        subject = f"replay counts in organization '{org}'"
        try:
            answer = await self._call(
                "count_replays", {"org": org}, subject, [*base, data_source_param(data_source)]
            )
        except InvalidRequest as error:
            if "data_source" not in error.message or data_source != "discover":
                raise
            answer = await self._call(
                "count_replays", {"org": org}, subject, [*base, ("data_source", "events")]
            )
        return ReplayCounts.parse(answer.body)

    async def list_projects(
        self, organization: str, *, cursor: str | None = None
    ) -> Page[ProjectRef]:
        """One page (up to 100) of the organization's projects: `ProjectRef` rows."""
        org = ids.organization(organization)
        params = page_params(MAX_PER_PAGE, cursor)
        answer = await self._call(
            "list_projects", {"org": org}, f"projects of organization '{org}'", params
        )
        return self._page(ProjectRef, answer)

    # -- helpers --------------------------------------------------------------------------

    @staticmethod
    def _page(model: Any, answer: Answer) -> Page[Any]:
        items, skipped = parse_list(model, answer.body)
        next_cursor, previous_cursor = cursors(answer.headers.get("link"))
        extra = {"skipped": skipped} if skipped else {}
        return Page(items, next_cursor, previous_cursor, extra)
