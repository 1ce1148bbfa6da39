"""Failures told by their real cause when Sentry's answer hides it.

Sentry answers a project filter naming a project the token cannot see (one that does not
exist, or one outside the token's teams) with the same 403 as a missing scope. One more
request without the filter tells the two apart: if the organization's replays can be read,
the project is the cause.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar

from sentry_replays_mcp.tools.api.errors import PermissionDenied, SentryError
from sentry_replays_mcp.tools.kit import text as r
from sentry_replays_mcp.tools.kit.errors import BadInput
from sentry_replays_mcp.tools.kit.state import state_of

P = ParamSpec("P")
R = TypeVar("R")


class ProjectNotFound(BadInput):
    """The organization has no such project that the token can see."""

    kind = "project_not_found"


def named_causes(fn: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await fn(*args, **kwargs)
        except PermissionDenied as error:
            cause = await unknown_project(kwargs)
            if cause is None:
                raise
            raise cause from error

    return wrapper


async def unknown_project(arguments: dict[str, Any]) -> ProjectNotFound | None:
    """The not-found error when the call named projects and the organization is readable
    without them; None when that is not so (or cannot be told)."""
    ctx = arguments.get("ctx")
    if ctx is None:
        return None
    state = state_of(ctx)
    given = arguments.get("project")
    projects = state.projects(given if isinstance(given, str | list) else None)
    if not projects:
        return None
    try:
        org = state.org(arguments.get("organization"))
        await state.client.list_replays(org, fields=("id",), stats_period="1h", per_page=1)
    except (SentryError, BadInput):
        return None
    named = ", ".join(r.code(p, 100) for p in projects[:5])
    if len(projects) == 1:
        sentence = f"Organization '{org}' has no project {named} that this token can see"
    else:
        sentence = (
            f"At least one of the projects {named} is not in organization '{org}' or not "
            "visible to this token"
        )
    return ProjectNotFound(
        f"{sentence} (Sentry answers an unknown project with HTTP 403): check the project "
        "slug or id."
    )
