"""Building a request before it is sent: the API root, path values and query parameters.

Every value is checked here (or in `ids.py`) so that a bad one is refused with one
sentence and no request is made.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from sentry_replays_mcp.tools.api import ids
from sentry_replays_mcp.tools.api.errors import InvalidArgument

QueryParams = list[tuple[str, str]]
MAX_PER_PAGE = 100
DEFAULT_WINDOW = "90d"  # Sentry's maximum; replays are kept for 90 days
ERROR_EVENT_FIELDS = ("id", "title", "error.type", "error.value", "issue.id", "issue", "timestamp")
_STATS_PERIOD = re.compile(r"[1-9][0-9]{0,4}[smhdw]")


def api_root(url: str) -> str:
    """`https://sentry.io` → `https://sentry.io/api/0/`; an URL already ending in /api/0 is kept."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidArgument(
            f"The Sentry URL must be an http(s) URL such as https://sentry.io, got {url!r}."
        )
    path = parts.path.rstrip("/")
    if not path.endswith("/api/0"):
        path += "/api/0"
    return f"{parts.scheme}://{parts.netloc}{path}/"


def stats_period(value: str | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and _STATS_PERIOD.fullmatch(value):
        return value
    raise InvalidArgument(
        f"Invalid stats_period {value!r}: use a number and a unit s, m, h, d or w, "
        "e.g. '24h' or '14d'."
    )


def page_params(per_page: int, cursor: str | None) -> QueryParams:
    if not isinstance(per_page, int) or isinstance(per_page, bool) or not 1 <= per_page <= 100:
        raise InvalidArgument(f"Invalid limit {per_page!r}: use a number from 1 to {MAX_PER_PAGE}.")
    params = [("per_page", str(per_page))]
    if cursor is not None:
        params.append(("cursor", ids.cursor(cursor)))
    return params


def project_filters(projects: Sequence[str | int]) -> QueryParams:
    params = []
    for value in projects:
        checked = ids.project(value)
        params.append(("project" if checked.isdigit() else "projectSlug", checked))
    return params


def time_window(
    period: str | None, start: str | None, end: str | None, default: str | None = None
) -> QueryParams:
    if (start is None) != (end is None):
        raise InvalidArgument("Give both start and end (ISO-8601), or neither.")
    if start is not None and end is not None:
        if period is not None:
            raise InvalidArgument("Give either stats_period or start and end, not both.")
        return [("start", start), ("end", end)]
    period = stats_period(period) or default
    return [("statsPeriod", period)] if period else []


def filters(
    projects: Sequence[str | int],
    environments: Sequence[str],
    period: str | None,
    start: str | None,
    end: str | None,
) -> QueryParams:
    """The filters shared by the org-wide lists: projects, environments and time window."""
    params = project_filters(projects)
    params += [("environment", e) for e in environments]
    return params + time_window(period, start, end)


def error_event_params(event_ids: Sequence[str], per_page: int) -> QueryParams:
    """The query for the details of these (already checked) error events, in every project."""
    params = [
        ("query", f"id:[{','.join(event_ids)}]"),
        ("statsPeriod", DEFAULT_WINDOW),
        ("project", "-1"),
        *page_params(per_page, None),
    ]
    return params + [("field", f) for f in ERROR_EVENT_FIELDS]


def count_params(
    query: str,
    projects: Sequence[str | int],
    environments: Sequence[str],
    period: str | None,
    return_ids: bool,
) -> QueryParams:
    """The query of `replay-count`, without its `data_source`; every project by default."""
    if not query or not query.strip():
        raise InvalidArgument(
            "count_replays needs a query such as issue.id:[123] or transaction:[/a]."
        )
    params = [("query", query)]
    params += project_filters(projects) or [("project", "-1")]
    params += [("environment", e) for e in environments]
    params += time_window(period, None, None, default=DEFAULT_WINDOW)
    if return_ids:
        params.append(("returnIds", "true"))
    return params


DATA_SOURCES = ("discover", "search_issues")  # replay-count: error events; the issue platform


def data_source_param(source: str) -> tuple[str, str]:
    if source not in DATA_SOURCES:
        raise InvalidArgument(
            f"Invalid data_source {source!r}: use one of {', '.join(DATA_SOURCES)}."
        )
    return ("data_source", source)


def replay_values(organization: str, project: str | int, replay_id: str) -> dict[str, str]:
    """The path values of one replay in one project, each checked."""
    return {
        "org": ids.organization(organization),
        "project": ids.project(project),
        "replay": ids.replay(replay_id),
    }


def replay_subject(values: dict[str, str]) -> str:
    """How a failure names the replay: "replay 7e07… in organization 'acme', project 'web'"."""
    where = f"organization '{values['org']}'"
    if "project" in values:
        where += f", project '{values['project']}'"
    return f"replay {values['replay']} in {where}"
