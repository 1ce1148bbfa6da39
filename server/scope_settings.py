"""The scope settings (--allow-org / --allow-project, SENTRY_ALLOWED_ORGS /
SENTRY_ALLOWED_PROJECTS): which organizations and projects the tools may reach.

`config` owns the variables and their precedence; this module adds the flags and checks the
values (the tools enforce them: `tools.kit.scopes`).
"""

from __future__ import annotations

import argparse
from typing import Any

from sentry_replays_mcp.tools.api import ids
from sentry_replays_mcp.tools.api.errors import InvalidArgument


def add_scope_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--allow-org",
        action="append",
        default=[],
        metavar="SLUG",
        help="reach only this organization (repeatable; env SENTRY_ALLOWED_ORGS, comma-separated)",
    )
    parser.add_argument(
        "--allow-project",
        action="append",
        default=[],
        metavar="SLUG_OR_ID",
        help="reach only this project (repeatable; env SENTRY_ALLOWED_PROJECTS, comma-separated)",
    )


def _allow_list(name: str, given: str | tuple[str, ...], check: Any, kind: str) -> tuple[str, ...]:
    """A comma-separated variable or repeated flags → the values, each checked."""
    items = given.split(",") if isinstance(given, str) else given
    values = tuple(dict.fromkeys(item.strip() for item in items if item.strip()))
    if not values:
        raise ValueError(f"{name} names no {kind}: give one or more, separated by commas.")
    for value in values:
        try:
            check(value)
        except InvalidArgument:
            raise ValueError(f"{name} has {value!r}, which is no {kind} slug or id.") from None
    return values


def scope_settings(values: dict[str, Any]) -> None:
    """The allow-lists checked in `values` (flags or the environment's comma-separated
    text), SENTRY_ORG and SENTRY_PROJECT checked to lie inside them, and the one allowed
    organization made the default when SENTRY_ORG is not set. ValueError: one sentence."""
    orgs_name, projects_name = (
        "SENTRY_ALLOWED_ORGS (--allow-org)",
        "SENTRY_ALLOWED_PROJECTS (--allow-project)",
    )
    if values["allowed_orgs"]:
        orgs = _allow_list(orgs_name, values["allowed_orgs"], ids.organization, "organization")
        values["allowed_orgs"] = orgs = tuple(dict.fromkeys(o.lower() for o in orgs))
        org = values["organization"]
        if org and org.lower() not in orgs:
            raise ValueError(
                f"SENTRY_ORG (--org) {org!r} is not in {orgs_name}: {', '.join(orgs)}."
            )
        if not org and len(orgs) == 1:
            values["organization"] = orgs[0]
    if values["allowed_projects"]:
        projects = _allow_list(projects_name, values["allowed_projects"], ids.project, "project")
        values["allowed_projects"] = projects
        project = values["project"]
        if project and project not in projects:
            raise ValueError(
                f"SENTRY_PROJECT (--project) {project!r} is not in {projects_name}: "
                f"{', '.join(projects)} (name it there as written)."
            )
