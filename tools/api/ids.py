"""Validation of every value that becomes a URL path segment.

A value is checked against Sentry's own patterns before any request is built;
anything else (`..`, `/`, `%2f`, whitespace, empty) raises `InvalidArgument`. The
returned value is canonical and safe to put in a path as is.
"""

from __future__ import annotations

import re

from sentry_replays_mcp.tools.api.errors import InvalidArgument

# src/sentry/slug/patterns.py: ORG_SLUG_PATTERN and MIXED_SLUG_PATTERN.
_ORG_SLUG = re.compile(r"(?![0-9]+$)[a-zA-Z0-9][a-zA-Z0-9-]*(?<!-)")
_PROJECT_SLUG = re.compile(r"(?![0-9]+$)[a-z0-9_\-]+")
_NUMERIC_ID = re.compile(r"[0-9]{1,20}")
_HEX32 = re.compile(r"[0-9a-fA-F]{32}")
_DASHED_UUID = re.compile(r"[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
_MAX_SLUG = 50
_MAX_SEGMENT_ID = 10**9


def _shown(value: object) -> str:
    """A short, printable rendering of a rejected value for the error message."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def organization(value: object) -> str:
    """An organization slug (`acme`, `my-org`) or numeric id (`1138`)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    if (
        isinstance(value, str)
        and len(value) <= _MAX_SLUG
        and (_NUMERIC_ID.fullmatch(value) or _ORG_SLUG.fullmatch(value))
    ):
        return value
    raise InvalidArgument(
        f"Invalid organization {_shown(value)}: use the organization slug "
        "(letters, digits and hyphens, e.g. 'acme') or its numeric id."
    )


def project(value: object) -> str:
    """A project slug (`web-frontend`) or numeric id (`4505321021243392`)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    if (
        isinstance(value, str)
        and len(value) <= _MAX_SLUG
        and (_NUMERIC_ID.fullmatch(value) or _PROJECT_SLUG.fullmatch(value))
    ):
        return value
    raise InvalidArgument(
        f"Invalid project {_shown(value)}: use the project slug (lowercase letters, "
        "digits, '-' and '_', e.g. 'web-frontend') or its numeric id."
    )


def replay(value: object) -> str:
    """A replay id: 32 hex digits or a dashed UUID, any case; returned as lowercase 32-hex."""
    if isinstance(value, str) and (_HEX32.fullmatch(value) or _DASHED_UUID.fullmatch(value)):
        return value.replace("-", "").lower()
    raise InvalidArgument(
        f"Invalid replay id {_shown(value)}: expected 32 hex digits "
        "(e.g. '7e07485f12f9416b8b1426260799b51f') or a dashed UUID."
    )


def segment(value: object) -> int:
    """A recording segment id: a non-negative integer (segments count from 0)."""
    if isinstance(value, bool):
        pass
    elif isinstance(value, int) and 0 <= value <= _MAX_SEGMENT_ID:
        return value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 10:
        number = int(value)
        if number <= _MAX_SEGMENT_ID:
            return number
    raise InvalidArgument(
        f"Invalid segment id {_shown(value)}: expected a non-negative integer "
        "(segments are numbered from 0)."
    )


def cursor(value: object) -> str:
    """An opaque pagination cursor, as returned by a previous page (e.g. '0:100:0')."""
    if (
        isinstance(value, str)
        and 0 < len(value) <= 200
        and value.isprintable()
        and not any(ch.isspace() for ch in value)
    ):
        return value
    raise InvalidArgument(
        f"Invalid cursor {_shown(value)}: pass the next_cursor of a previous result unchanged."
    )
