"""Shared, described parameter types: defined once, used by every tool.

Identifiers (organization, project, replay id) are checked by `kit.resolve` and
`tools.api.ids`, so that a bad value gets one clear sentence; closed sets are enums in the
schema.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Annotated, Literal

from pydantic import Field

from sentry_replays_mcp.tools.kit.errors import BadInput
from sentry_replays_mcp.tools.kit.text import offset

Organization = Annotated[
    str | None,
    Field(
        description="Organization slug (e.g. 'acme') or numeric id. Defaults to the server's "
        "SENTRY_ORG.",
        max_length=100,
    ),
]
Project = Annotated[
    str | None,
    Field(
        description="Project slug (e.g. 'web-frontend') or numeric id. Optional: taken from "
        "the replay when omitted.",
        max_length=100,
    ),
]
Projects = Annotated[
    str | list[str] | None,
    Field(description="Project slug or id, or a list of them. Defaults to SENTRY_PROJECT."),
]
ReplayRef = Annotated[
    str,
    Field(
        description="Replay id (32 hex digits, e.g. '7e07485f12f9416b8b1426260799b51f', or a "
        "dashed UUID) or a Sentry replay URL (https://acme.sentry.io/replays/<id>/).",
        min_length=1,
        max_length=500,
    ),
]
StatsPeriod = Annotated[
    str | None,
    Field(
        description="Relative time window: a number and a unit s, m, h, d or w, e.g. '24h', "
        "'14d'. Replays are kept 90 days.",
        pattern=r"^[1-9][0-9]{0,4}[smhdw]$",
        examples=["24h", "14d"],
    ),
]
Limit = Annotated[int, Field(description="How many rows to return (1-100).", ge=1, le=100)]
Cursor = Annotated[
    str | None,
    Field(description="next_cursor from a previous result, to get the next page.", max_length=200),
]
Detail = Annotated[
    Literal["summary", "full"],
    Field(description="'summary' (default) or 'full' for every field."),
]
Query = Annotated[
    str | None,
    Field(
        description="Sentry search query, e.g. 'user.email:jane@example.com count_errors:>0 "
        "url:*checkout*'.",
        max_length=1000,
    ),
]

_AROUND = re.compile(r"\+?(?:(\d+):)?(\d+):(\d\d(?:\.\d+)?)|\+?(\d+(?:\.\d+)?)s?")
_AROUND_FORMS = (
    "use an offset from the replay's start such as '2:05' (m:ss), '2:05.3', '1:02:05' or "
    "'125' (seconds)"
)


def parse_around(value: str) -> float:
    """'2:05', '+2:05', '+2:05.3', '1:02:05', '125' or '125s' → milliseconds from the start."""
    match = _AROUND.fullmatch(value.strip())
    if not match:
        raise BadInput(f"Invalid around {value!r}: {_AROUND_FORMS}.")
    hours, minutes, seconds, plain = match.groups()
    if plain is not None:
        return float(plain) * 1000
    if float(seconds) >= 60 or (hours is not None and int(minutes) > 59):
        raise BadInput(
            f"Invalid around {value!r}: minutes and seconds go from 00 to 59; {_AROUND_FORMS}."
        )
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + float(seconds)) * 1000


def check_around(value: str | None, around_ms: float | None, duration: float | None) -> None:
    """Refuse an offset past the end of a replay that lasted `duration` seconds."""
    if value is None or around_ms is None or duration is None:
        return
    if around_ms > duration * 1000:
        end = offset(duration * 1000).removeprefix("+")
        raise BadInput(
            f"around {value!r} is past the end of this replay, which lasted {end}: use an "
            f"offset from 0:00 to {end}."
        )


def focus_notes(notes: list[str], kinds: Sequence[str] | None, requests_shown: bool) -> list[str]:
    """The summary's "left out" notes, true to the kinds asked for: successful requests are
    not "only counted" when the timeline lists them, and a timeline cut to some kinds says so."""
    kept = [n for n in notes if not (requests_shown and "successful requests" in n)]
    if kinds:
        kept.append(
            "the timeline shows only " + ", ".join(kinds) + " (the counts cover every kind)"
        )
    return kept
