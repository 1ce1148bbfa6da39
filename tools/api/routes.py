"""The route table: per operation, the sentry.io path and the seed spec's path.

Paths are relative to the API root (`https://sentry.io/api/0/`). Where the two
dialects differ, the sentry.io path comes first; the client tries it, falls
back to the next on a 404, and remembers which one answered.
"""

from __future__ import annotations

import string
from dataclasses import dataclass


@dataclass(frozen=True)
class Route:
    method: str
    paths: tuple[str, ...]
    scope: str  # the token scope Sentry requires, named in 403 messages
    action: str  # what the call does, for error messages ("list replays")

    def buildable(self, values: dict[str, str]) -> list[str]:
        """The path templates whose placeholders are all provided, in preference order."""
        return [p for p in self.paths if placeholders(p) <= values.keys()]


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


_REPLAY = "replays/{replay}/"
_PROJECT_REPLAY = "projects/{org}/{project}/" + _REPLAY

ROUTES: dict[str, Route] = {
    # sentry.io only: its `links.regionUrl` names the organization's region host
    "get_organization": Route(
        "GET", ("organizations/{org}/",), "org:read", "read the organization"
    ),
    "list_replays": Route("GET", ("organizations/{org}/replays/",), "org:read", "list replays"),
    "list_organizations": Route("GET", ("organizations/",), "org:read", "list organizations"),
    # the organization's projects (ids and slugs): --allow-project and completion
    "list_projects": Route(
        "GET", ("organizations/{org}/projects/",), "org:read", "list the organization's projects"
    ),
    "get_replay": Route(
        "GET",
        ("organizations/{org}/" + _REPLAY, _PROJECT_REPLAY),
        "org:read",
        "read the replay",
    ),
    "delete_replay": Route("DELETE", (_PROJECT_REPLAY,), "project:write", "delete the replay"),
    "list_recording_segments": Route(
        "GET",
        (_PROJECT_REPLAY + "recording-segments/",),
        "project:read",
        "read recording segments",
    ),
    "get_recording_segment": Route(
        "GET",
        (_PROJECT_REPLAY + "recording-segments/{segment}/",),
        "project:read",
        "read the recording segment",
    ),
    "list_selectors": Route(
        "GET",
        ("organizations/{org}/replay-selectors/", "organizations/{org}/replays/selectors/"),
        "org:read",
        "list selectors",
    ),
    "list_clicked_nodes": Route(
        "GET",
        (_PROJECT_REPLAY + "clicks/", "organizations/{org}/" + _REPLAY + "clicks/"),
        "project:read",
        "list clicked nodes",
    ),
    "list_replay_viewers": Route(
        "GET", (_PROJECT_REPLAY + "viewed-by/",), "event:read", "list the replay's viewers"
    ),
    "list_error_events": Route(
        "GET",
        ("organizations/{org}/replays-events-meta/",),
        "event:read",
        "read the replay's error events",
    ),
    "count_replays": Route(
        "GET", ("organizations/{org}/replay-count/",), "org:read", "count replays"
    ),
}
