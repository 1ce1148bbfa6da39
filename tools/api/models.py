"""Lenient models of what Sentry returns, in both dialects.

sentry.io answers in snake_case (`count_errors`, `started_at`); the seed spec
describes camelCase (`countErrors`, `startedAt`). Every field here accepts both
spellings, tolerates nulls and wrong-but-harmless types, and ignores unknown
keys. Shapes follow Sentry's replay serializer (`replays/post_process.py`) and
the public OpenAPI schema; see the project's reference notes for details.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import (
    AliasChoices,
    AliasGenerator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
)
from pydantic.alias_generators import to_camel

ARCHIVED_USER = "Archived Replay"


def _both_spellings(name: str) -> AliasChoices:
    return AliasChoices(name, to_camel(name))


class Lenient(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
        populate_by_name=True,
        coerce_numbers_to_str=True,
        alias_generator=AliasGenerator(validation_alias=_both_spellings),
    )


def _str_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return [str(value)]
    if isinstance(value, list | tuple):
        return [str(v) for v in value if isinstance(v, str | int | float) and v is not None]
    return []


def _object(value: Any) -> Any:
    return value if isinstance(value, dict) else {}


def _optional_object(value: Any) -> Any:
    return value if isinstance(value, dict) else None


def _tags(value: Any) -> dict[str, list[str]]:
    # Archived rows send `[]`; be forgiving of single strings too.
    if not isinstance(value, dict):
        return {}
    return {str(k): _str_list(v) for k, v in value.items()}


_DATETIME = TypeAdapter(datetime)


def _datetime(value: Any) -> datetime | None:
    """ISO-8601 strings or epoch numbers (seconds, or milliseconds above 1e12)."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        seconds = value / 1000 if value > 1e12 else value
        try:
            return datetime.fromtimestamp(seconds, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    try:
        parsed = _DATETIME.validate_python(value)
    except ValidationError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value == value and abs(value) < 1e18:
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value) if value == value else None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


_NOT_ID = re.compile(r"[^0-9A-Za-z_.:-]")


def _identifier(value: Any) -> str | None:
    """Ids from upstream (numeric ids, slugs, hex ids): only id characters, at most 64. They
    are shown bare, so nothing else may pass."""
    if value is None or isinstance(value, bool | dict | list):
        return None
    return _NOT_ID.sub("", str(value))[:64] or None


def _replay_id(value: Any) -> str:
    return (_identifier(value) or "").replace("-", "").lower()


def _numeric_id(value: Any) -> str | None:
    """Project, issue and user ids are numbers (sent as numbers or strings)."""
    text = _identifier(value)
    return text if text and text.isdigit() else None


_HEX32 = re.compile(r"[0-9a-f]{32}")


def _event_ids(value: Any) -> list[str]:
    """Event and trace ids: 32 hex digits; anything else is dropped."""
    ids = (_replay_id(v) for v in _str_list(value))
    return [i for i in ids if _HEX32.fullmatch(i)][:200]


StrList = Annotated[list[str], BeforeValidator(_str_list)]
OptInt = Annotated[int | None, BeforeValidator(_int)]
OptNumber = Annotated[float | None, BeforeValidator(_number)]
OptDatetime = Annotated[datetime | None, BeforeValidator(_datetime)]
OptStr = str | None
IdStr = Annotated[str | None, BeforeValidator(_identifier)]
NumericId = Annotated[str | None, BeforeValidator(_numeric_id)]
EventIds = Annotated[list[str], BeforeValidator(_event_ids)]


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
    geo: Annotated[Geo | None, BeforeValidator(_optional_object)] = None

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

    id: Annotated[str, BeforeValidator(_replay_id)]
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
    urls: StrList = []
    error_ids: EventIds = []
    trace_ids: EventIds = []
    warning_ids: EventIds = []
    info_ids: EventIds = []
    releases: StrList = []
    segment_names: StrList = []
    tags: Annotated[dict[str, list[str]], BeforeValidator(_tags)] = {}
    user: Annotated[ReplayUser, BeforeValidator(_object)] = ReplayUser()
    browser: Annotated[NameVersion, BeforeValidator(_object)] = NameVersion()
    os: Annotated[NameVersion, BeforeValidator(_object)] = NameVersion()
    sdk: Annotated[NameVersion, BeforeValidator(_object)] = NameVersion()
    device: Annotated[Device, BeforeValidator(_object)] = Device()
    clicks: Annotated[list[dict[str, Any]], BeforeValidator(lambda v: _dicts(v))] = []

    @property
    def archived(self) -> bool:
        """True for a deleted replay: Sentry keeps serving it as an archived stub."""
        return bool(self.is_archived) or self.user.id == ARCHIVED_USER


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


class SegmentMeta(Lenient):
    """A recording segment's metadata (`replayId`, `segmentId`, `projectId`, `dateAdded`)."""

    segment_id: OptInt = None
    replay_id: Annotated[
        str | None, BeforeValidator(lambda v: None if v is None else _replay_id(v))
    ] = None
    project_id: NumericId = None
    date_added: OptDatetime = None
    id: OptInt = None  # the seed's field


class RecordingSegment(BaseModel):
    """One segment: its rrweb events when the server sent them, else its metadata."""

    segment_id: int
    events: list[dict[str, Any]] | None = None
    meta: SegmentMeta | None = None
    skipped_events: int = 0  # entries that were not event objects


class SelectorElement(Lenient):
    alt: OptStr = None
    aria_label: OptStr = None
    classes: StrList = Field([], validation_alias=AliasChoices("class", "classes"))
    component_name: OptStr = None
    id: OptStr = None
    role: OptStr = None
    tag: OptStr = None
    testid: OptStr = None
    title: OptStr = None


class Selector(Lenient):
    """A row of `replay-selectors`: a DOM selector with its dead and rage click counts."""

    dom_element: OptStr = None
    count_dead_clicks: OptInt = Field(
        None,
        validation_alias=AliasChoices("count_dead_clicks", "countDeadClicks", "dead_click_count"),
    )
    count_rage_clicks: OptInt = Field(
        None,
        validation_alias=AliasChoices("count_rage_clicks", "countRageClicks", "rage_click_count"),
    )
    count: OptInt = None  # the seed's total
    project_id: NumericId = None
    element: Annotated[SelectorElement | None, BeforeValidator(_optional_object)] = None


class ClickElement(Lenient):
    tag: OptStr = None
    id: OptStr = None
    classes: StrList = Field([], validation_alias=AliasChoices("class", "classes"))
    text: OptStr = None


class ClickedNode(Lenient):
    """A row of `clicks/`: the rrweb node id of a clicked element and when."""

    node_id: OptInt = None
    timestamp: OptDatetime = None
    element: Annotated[ClickElement | None, BeforeValidator(_optional_object)] = None


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

    id: Annotated[str, BeforeValidator(_replay_id)]
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
            for key, value in body.items():
                if isinstance(value, list):
                    ids[str(key)] = [_replay_id(v) for v in value if isinstance(v, str)]
                    counts[str(key)] = len(ids[str(key)])
                else:
                    number = _int(value)
                    if number is not None:
                        counts[str(key)] = number
        return cls(counts=counts, replay_ids=ids)


def unwrap(body: Any) -> Any:
    """Strip Sentry's `{"data": ...}` envelope when present."""
    if isinstance(body, dict) and "data" in body:
        return body["data"]
    return body


def parse_list(model: type[Lenient], body: Any) -> tuple[list[Any], int]:
    """Parse a list of rows leniently: (rows, number of rows skipped as unreadable)."""
    rows = unwrap(body)
    if not isinstance(rows, list):
        return [], 0
    parsed: list[Any] = []
    skipped = 0
    for row in rows:
        if not isinstance(row, dict):
            skipped += 1
            continue
        try:
            parsed.append(model.model_validate(row))
        except ValidationError:
            skipped += 1
    return parsed, skipped


def parse_viewers(body: Any) -> list[Viewer]:
    """`{"data": {"viewed_by": [...]}}` (sentry.io) or `{"data": [...]}` (seed) or a bare list."""
    rows = unwrap(body)
    if isinstance(rows, dict):
        rows = rows.get("viewed_by", rows.get("viewedBy", rows.get("seen_by", [])))
    viewers, _ = parse_list(Viewer, rows)
    return viewers


def parse_segment_page(body: Any, first_segment_id: int) -> list[RecordingSegment]:
    """A page of segments: arrays of rrweb events (sentry.io) or metadata rows (seed)."""
    rows = unwrap(body)
    if not isinstance(rows, list):
        return []
    segments: list[RecordingSegment] = []
    for index, row in enumerate(rows):
        position = first_segment_id + index
        if isinstance(row, list):
            events = [e for e in row if isinstance(e, dict)]
            segments.append(
                RecordingSegment(
                    segment_id=position, events=events, skipped_events=len(row) - len(events)
                )
            )
        elif isinstance(row, dict):
            meta = SegmentMeta.model_validate(row)
            number = meta.segment_id if meta.segment_id is not None else position
            segments.append(RecordingSegment(segment_id=number, meta=meta))
    return segments
