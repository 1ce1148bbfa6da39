"""Lenient models of what Sentry returns, in both dialects.

sentry.io answers in snake_case (`count_errors`, `started_at`); the seed spec
describes camelCase (`countErrors`, `startedAt`). Every field here accepts both
spellings, tolerates nulls and wrong-but-harmless types, and ignores unknown
keys. Shapes follow Sentry's replay serializer (`replays/post_process.py`) and
the public OpenAPI schema; see the project's reference notes for details.

This module holds the replay and what is told about it (viewers, linked errors,
counts); recording segments are in `segments.py` and clicks in `clicks.py`, and
every model is importable from here.
"""

from __future__ import annotations

from itertools import islice
from typing import Annotated, Any

from pydantic import AliasChoices, BaseModel, BeforeValidator, Field

from sentry_replays_mcp.tools.api.click_models import (
    ClickedNode,
    ClickElement,
    Selector,
    SelectorElement,
)
from sentry_replays_mcp.tools.api.lenient import (
    LIST_CAP,
    EventIds,
    IdStr,
    Lenient,
    NumericId,
    OptDatetime,
    OptInt,
    OptNumber,
    OptStr,
    ReplayId,
    StrList,
    dict_list,
    object_or_empty,
    object_or_none,
    parse_list,
    replay_id_of,
    tag_map,
    to_int,
    unwrap,
)
from sentry_replays_mcp.tools.api.segment_models import (
    RecordingSegment,
    SegmentMeta,
    parse_segment_page,
)

__all__ = [
    "ARCHIVED_USER",
    "ClickElement",
    "ClickedNode",
    "Device",
    "ErrorEvent",
    "Geo",
    "Lenient",
    "NameVersion",
    "RecordingSegment",
    "Replay",
    "ReplayCounts",
    "ReplayUser",
    "SegmentMeta",
    "Selector",
    "SelectorElement",
    "Viewer",
    "parse_list",
    "parse_segment_page",
    "parse_viewers",
    "unwrap",
]

ARCHIVED_USER = "Archived Replay"


class Geo(Lenient):
    city: OptStr = None
    country_code: OptStr = None
    region: OptStr = None
    subdivision: OptStr = None


class ReplayUser(Lenient):
    id: OptStr = None
    username: OptStr = None
    email: OptStr = None
    ip: OptStr = Field(None, validation_alias=AliasChoices("ip", "ip_address", "ipAddress"))
    display_name: OptStr = None
    name: OptStr = None  # the seed's field
    geo: Annotated[Geo | None, BeforeValidator(object_or_none)] = None

    @property
    def label(self) -> str | None:
        """Sentry's display name rule: first of display name, username, email, id, ip."""
        for value in (self.display_name, self.name, self.username, self.email, self.id, self.ip):
            if value:
                return value
        return None


class NameVersion(Lenient):
    name: OptStr = None
    version: OptStr = None


class Device(Lenient):
    name: OptStr = None
    brand: OptStr = None
    model: OptStr = Field(None, validation_alias=AliasChoices("model", "model_id", "modelId"))
    family: OptStr = None


class Replay(Lenient):
    """A replay, from the list or the details endpoint."""

    id: ReplayId
    title: OptStr = None
    project_id: NumericId = None
    environment: OptStr = None
    platform: OptStr = None
    dist: OptStr = None
    replay_type: OptStr = None
    started_at: OptDatetime = None
    finished_at: OptDatetime = None
    duration: OptNumber = None  # seconds
    activity: OptInt = None
    count_errors: OptInt = None
    count_warnings: OptInt = None
    count_infos: OptInt = None
    count_urls: OptInt = None
    count_segments: OptInt = None
    count_dead_clicks: OptInt = None
    count_rage_clicks: OptInt = None
    is_archived: bool | None = None
    has_viewed: bool | None = None
    # Pydantic copies each default per instance; Field() says so to the linter too.
    urls: StrList = Field([])
    error_ids: EventIds = Field([])
    trace_ids: EventIds = Field([])
    warning_ids: EventIds = Field([])
    info_ids: EventIds = Field([])
    releases: StrList = Field([])
    segment_names: StrList = Field([])
    tags: Annotated[dict[str, list[str]], BeforeValidator(tag_map)] = Field({})
    user: Annotated[ReplayUser, BeforeValidator(object_or_empty)] = ReplayUser()
    browser: Annotated[NameVersion, BeforeValidator(object_or_empty)] = NameVersion()
    os: Annotated[NameVersion, BeforeValidator(object_or_empty)] = NameVersion()
    sdk: Annotated[NameVersion, BeforeValidator(object_or_empty)] = NameVersion()
    device: Annotated[Device, BeforeValidator(object_or_empty)] = Device()
    clicks: Annotated[list[dict[str, Any]], BeforeValidator(dict_list)] = Field([])

    @property
    def archived(self) -> bool:
        """True for a deleted replay: Sentry keeps serving it as an archived stub."""
        return bool(self.is_archived) or self.user.id == ARCHIVED_USER


class Viewer(Lenient):
    """A user who viewed the replay (Sentry's camelCase user object, or the seed's row)."""

    id: NumericId = None
    name: OptStr = None
    username: OptStr = None
    email: OptStr = None
    date_viewed: OptDatetime = None  # the seed's field
    last_active: OptDatetime = None

    @property
    def label(self) -> str | None:
        for value in (self.name, self.username, self.email, self.id):
            if value:
                return value
        return None


def _first(value: Any) -> Any:
    """Discover fields such as `error.type` come as lists; take the first value."""
    if isinstance(value, list):
        return next((v for v in value if v is not None), None)
    return value


class ErrorEvent(Lenient):
    """A row of `replays-events-meta`: an error event linked to a replay."""

    id: ReplayId
    title: OptStr = None
    error_type: Annotated[OptStr, BeforeValidator(_first)] = Field(
        None, validation_alias=AliasChoices("error.type", "error_type")
    )
    error_value: Annotated[OptStr, BeforeValidator(_first)] = Field(
        None, validation_alias=AliasChoices("error.value", "error_value")
    )
    issue_id: NumericId = Field(None, validation_alias=AliasChoices("issue.id", "issue_id"))
    issue: IdStr = None
    timestamp: OptDatetime = None


class ReplayCounts(BaseModel):
    """`replay-count`: replays per issue id, transaction or replay id (capped at 51)."""

    counts: dict[str, int] = {}
    replay_ids: dict[str, list[str]] = {}
    capped_at: int = 51

    @classmethod
    def parse(cls, body: Any) -> ReplayCounts:
        if isinstance(body, dict) and isinstance(body.get("data"), dict):
            body = body["data"]
        counts: dict[str, int] = {}
        ids: dict[str, list[str]] = {}
        if isinstance(body, dict):
            for key, value in islice(body.items(), LIST_CAP):
                if isinstance(value, list):
                    ids[str(key)] = [replay_id_of(v) for v in value if isinstance(v, str)]
                    counts[str(key)] = len(ids[str(key)])
                else:
                    number = to_int(value)
                    if number is not None:
                        counts[str(key)] = number
        return cls(counts=counts, replay_ids=ids)


def parse_viewers(body: Any) -> list[Viewer]:
    """`{"data": {"viewed_by": [...]}}` (sentry.io) or `{"data": [...]}` (seed) or a bare list."""
    rows = unwrap(body)
    if isinstance(rows, dict):
        rows = rows.get("viewed_by", rows.get("viewedBy", rows.get("seen_by", [])))
    viewers, _ = parse_list(Viewer, rows)
    return viewers


class ProjectRef(Lenient):
    """One row of `organizations/{org}/projects/`: only what names the project (getsentry
    sentry-docs api/organizations/get-organization-projects.md: `id` and `slug` as strings)."""

    id: NumericId = None
    slug: OptStr = None
