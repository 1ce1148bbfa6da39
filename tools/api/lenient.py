"""The lenient base model and value readers shared by every model of Sentry's answers.

Fields accept both spellings (snake_case and camelCase), tolerate nulls and
wrong-but-harmless types, and ignore unknown keys.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from itertools import islice
from typing import Annotated, Any

from pydantic import (
    AliasChoices,
    AliasGenerator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    TypeAdapter,
    ValidationError,
)
from pydantic.alias_generators import to_camel

from sentry_replays_mcp.tools.api.decoding import ROW_CAP, rows_total
from sentry_replays_mcp.tools.api.errors import UpstreamError


def _both_spellings(name: str) -> AliasChoices:
    return AliasChoices(name, to_camel(name))


class Lenient(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
        populate_by_name=True,
        coerce_numbers_to_str=True,
        alias_generator=AliasGenerator(validation_alias=_both_spellings),
    )


LIST_CAP = 1_000  # items of one list field read (the tools show far fewer)


def _str_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return [str(value)]
    if isinstance(value, list | tuple):
        items = value[:LIST_CAP]
        return [str(v) for v in items if isinstance(v, str | int | float) and v is not None]
    return []


def object_or_empty(value: Any) -> Any:
    return value if isinstance(value, dict) else {}


def object_or_none(value: Any) -> Any:
    return value if isinstance(value, dict) else None


def dict_list(value: Any) -> list[dict[str, Any]]:
    return [v for v in value[:LIST_CAP] if isinstance(v, dict)] if isinstance(value, list) else []


def tag_map(value: Any) -> dict[str, list[str]]:
    # Archived rows send `[]`; be forgiving of single strings too.
    if not isinstance(value, dict):
        return {}
    return {str(k): _str_list(v) for k, v in islice(value.items(), LIST_CAP)}


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


def to_int(value: Any) -> int | None:
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
    return _NOT_ID.sub("", str(value)[:1_024])[:64] or None  # cost bounded, whatever the size


def replay_id_of(value: Any) -> str:
    """A replay or event id as Sentry shows it: id characters only, no dashes, lower case."""
    return (_identifier(value) or "").replace("-", "").lower()


def _numeric_id(value: Any) -> str | None:
    """Project, issue and user ids are numbers (sent as numbers or strings)."""
    text = _identifier(value)
    return text if text and text.isdigit() else None


_HEX32 = re.compile(r"[0-9a-f]{32}")


def _event_ids(value: Any) -> list[str]:
    """Event and trace ids: 32 hex digits; anything else is dropped."""
    ids = (replay_id_of(v) for v in _str_list(value))
    return [i for i in ids if _HEX32.fullmatch(i)][:200]


StrList = Annotated[list[str], BeforeValidator(_str_list)]
OptInt = Annotated[int | None, BeforeValidator(to_int)]
OptNumber = Annotated[float | None, BeforeValidator(_number)]
OptDatetime = Annotated[datetime | None, BeforeValidator(_datetime)]
OptStr = str | None
IdStr = Annotated[str | None, BeforeValidator(_identifier)]
NumericId = Annotated[str | None, BeforeValidator(_numeric_id)]
EventIds = Annotated[list[str], BeforeValidator(_event_ids)]
ReplayId = Annotated[str, BeforeValidator(replay_id_of)]


def unwrap(body: Any) -> Any:
    """Strip Sentry's `{"data": ...}` envelope when present."""
    if isinstance(body, dict) and "data" in body:
        return body["data"]
    return body


# What a list's rows are, in the sentence that says Sentry sent something else.
_NOUNS = {
    "Replay": "replays",
    "Selector": "selectors",
    "ClickedNode": "clicked nodes",
    "ErrorEvent": "error events",
    "Viewer": "viewers",
}
GIVE_UP_AFTER = 50  # unreadable rows in a row, none readable before them: the page is not rows


def parse_list(model: type[Lenient], body: Any) -> tuple[list[Any], int]:
    """Parse a list of rows leniently: (rows, number of rows skipped as unreadable).

    At most ROW_CAP rows are looked at (the decoder keeps no more). When the rows are not of
    this kind (none of the first GIVE_UP_AFTER reads as one), that is said in one sentence:
    an empty result would tell the agent that nothing matched."""
    rows = unwrap(body)
    if not isinstance(rows, list):
        return [], 0
    parsed: list[Any] = []
    skipped = 0
    for row in rows[:ROW_CAP]:  # validated on the event loop: ROW_CAP rows at most
        if isinstance(row, dict) and row:
            try:
                parsed.append(model.model_validate(row))
                continue
            except ValidationError:
                pass
        skipped += 1
        if not parsed and skipped >= GIVE_UP_AFTER:
            break
    if skipped and not parsed:
        noun = _NOUNS.get(model.__name__, "rows of the kind asked for")
        raise UpstreamError(
            f"Sentry sent {rows_total(rows):,} rows that are not {noun} (none of them has "
            f"the fields of one); nothing was read. Check SENTRY_URL and any proxy in between."
        )
    return parsed, skipped + max(0, rows_total(rows) - ROW_CAP)
