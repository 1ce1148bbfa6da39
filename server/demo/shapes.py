"""JSON shapes: sentry.io's snake_case payloads and the seed spec's camelCase ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from .catalog import MEMBERS
from .data import Replay
from .pages import Element
from .plans import Action

_NULL_GEO = {"city": None, "country_code": None, "region": None, "subdivision": None}


def iso(dt: datetime | None) -> str | None:
    return None if dt is None else dt.astimezone(UTC).isoformat(timespec="seconds")


def click_fields(el: Element) -> dict[str, Any]:
    return {
        "click.alt": el.alt,
        "click.label": el.aria_label,
        "click.classes": el.classes,
        "click.component_name": el.component_name,
        "click.id": el.elem_id,
        "click.role": el.role,
        "click.tag": el.tag,
        "click.testid": el.testid,
        "click.text": el.text,
        "click.title": el.title,
    }


def sentry_replay(r: Replay, viewer_id: str) -> dict[str, Any]:
    clicks = [click_fields(a.el) for a in r.clicks if a.el is not None]
    return {
        "id": r.id,
        "project_id": r.project.id,
        "trace_ids": list(r.trace_ids),
        "error_ids": list(r.error_ids),
        "environment": r.environment,
        "tags": {k: list(v) for k, v in r.tags.items()},
        "user": dict(r.user),
        "sdk": dict(r.sdk),
        "os": dict(r.os),
        "browser": dict(r.browser),
        "device": dict(r.device),
        "ota_updates": {"channel": None, "runtime_version": None, "update_id": None},
        "is_archived": False,
        "urls": list(r.urls),
        "clicks": clicks,
        "count_dead_clicks": len(r.dead_clicks),
        "count_rage_clicks": len(r.rage_clicks),
        "count_errors": len(r.error_ids),
        "duration": r.duration,
        "finished_at": iso(r.finished_at),
        "started_at": iso(r.started_at),
        "activity": r.activity,
        "count_urls": len(r.urls),
        "replay_type": r.replay_type,
        "count_segments": r.segment_count,
        "platform": r.platform,
        "releases": [r.release],
        "dist": None,
        "warning_ids": list(r.warning_ids),
        "info_ids": list(r.info_ids),
        "count_warnings": len(r.warning_ids),
        "count_infos": len(r.info_ids),
        "has_viewed": any(m == viewer_id for m, _ in r.viewers),
        "segment_names": None,
    }


def archived_replay(r: Replay) -> dict[str, Any]:
    """The stub sentry.io serves for a deleted replay."""
    user = {
        "id": "Archived Replay",
        "username": None,
        "email": None,
        "ip": None,
        "display_name": "Archived Replay",
        "geo": dict(_NULL_GEO),
    }
    return {
        "id": r.id,
        "project_id": r.project.id,
        "trace_ids": [],
        "error_ids": [],
        "environment": None,
        "tags": [],
        "user": user,
        "sdk": {"name": None, "version": None},
        "os": {"name": None, "version": None},
        "browser": {"name": None, "version": None},
        "device": {"name": None, "brand": None, "model": None, "family": None},
        "ota_updates": {"channel": None, "runtime_version": None, "update_id": None},
        "is_archived": True,
        "urls": None,
        "clicks": [],
        "count_dead_clicks": None,
        "count_rage_clicks": None,
        "count_errors": None,
        "duration": None,
        "finished_at": None,
        "started_at": None,
        "activity": None,
        "count_urls": None,
        "replay_type": "session",
        "count_segments": None,
        "platform": None,
        "releases": None,
        "dist": None,
        "warning_ids": [],
        "info_ids": [],
        "count_warnings": None,
        "count_infos": None,
        "has_viewed": False,
        "segment_names": None,
    }


def only(obj: dict[str, Any], fields: list[str] | None) -> dict[str, Any]:
    if not fields:
        return obj
    wanted = set(fields)
    return {k: v for k, v in obj.items() if k in wanted}


def member_user(member_id: str, now: datetime) -> dict[str, Any]:
    """A trimmed serialized Sentry user (camelCase), as in viewed-by."""
    index = int(member_id) - 1
    mid, name, email = MEMBERS[index]
    joined = now - timedelta(days=400 + 37 * index)
    last = now - timedelta(hours=3 + 5 * index)
    username = email
    return {
        "id": mid,
        "name": name,
        "username": username,
        "email": email,
        "avatarUrl": None,
        "isActive": True,
        "hasPasswordAuth": True,
        "isManaged": False,
        "dateJoined": _iso_ms(joined),
        "lastLogin": _iso_ms(last),
        "has2fa": index % 2 == 0,
        "lastActive": _iso_ms(last + timedelta(minutes=20)),
        "isSuperuser": False,
        "isStaff": False,
        "experiments": {},
        "emails": [{"id": str(100 + index), "email": email, "is_verified": True}],
        "avatar": {"avatarType": "letter_avatar", "avatarUuid": None, "avatarUrl": None},
        "type": "user",
    }


def _iso_ms(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def click_row(r: Replay, action: Action) -> dict[str, Any]:
    assert action.el is not None
    return {"node_id": action.el.node_id, "timestamp": iso(_at(r, action.t))}


def _at(r: Replay, t: float) -> datetime:
    return r.started_at + timedelta(seconds=t)


def sentry_selector(row: dict[str, Any]) -> dict[str, Any]:
    el: Element = row["el"]
    return {
        "dom_element": el.selector,
        "count_dead_clicks": row["dead"],
        "count_rage_clicks": row["rage"],
        "project_id": row["project_id"],
        "element": {
            "alt": el.alt,
            "aria_label": el.aria_label,
            "class": el.classes,
            "component_name": el.component_name,
            "id": el.elem_id,
            "role": el.role,
            "tag": el.tag,
            "testid": el.testid,
            "title": el.title,
        },
    }


def segment_meta(r: Replay, segment_id: int) -> dict[str, Any]:
    return {
        "replayId": r.id,
        "segmentId": segment_id,
        "projectId": r.project.id,
        "dateAdded": iso(r.segment_time(segment_id)),
    }


# -- seed spec (camelCase) shapes -----------------------------------------------------------


def spec_replay(r: Replay, dashed_id: str) -> dict[str, Any]:
    user = r.user
    first = r.urls[0].split("/", 3)[-1] if r.urls else ""
    return {
        "id": dashed_id,
        "title": f"{user['display_name']} on /{first}",
        "projectId": r.project.id,
        "duration": r.duration,
        "countErrors": len(r.error_ids),
        "countSegments": r.segment_count,
        "countUrls": len(r.urls),
        "startedAt": iso(r.started_at),
        "finishedAt": iso(r.finished_at),
        "platform": r.platform,
        "environment": r.environment,
        "urls": list(r.urls),
        "user": {
            "id": user["id"],
            "name": user["display_name"],
            "email": user["email"],
            "ip_address": user["ip"],
        },
        "browser": dict(r.browser),
        "os": dict(r.os),
        "device": dict(r.device),
        "tags": {k: list(v) for k, v in r.tags.items()},
    }


def spec_segment(r: Replay, segment_id: int) -> dict[str, Any]:
    return {
        "id": (r.ordinal + 1) * 1000 + segment_id,
        "replayId": _dash(r.id),
        "segmentId": segment_id,
        "dateAdded": iso(r.segment_time(segment_id)),
    }


def spec_selector(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "dom_element": row["el"].selector,
        "count": row["clicks"],
        "dead_click_count": row["dead"],
        "rage_click_count": row["rage"],
    }


def spec_click(r: Replay, action: Action) -> dict[str, Any]:
    el = action.el
    assert el is not None
    return {
        "node_id": el.node_id,
        "timestamp": iso(_at(r, action.t)),
        "element": {"tag": el.tag, "id": el.elem_id, "class": el.classes, "text": el.text},
    }


def spec_viewer(member_id: str, viewed_at: datetime) -> dict[str, Any]:
    mid, name, email = MEMBERS[int(member_id) - 1]
    return {"id": mid, "name": name, "email": email, "dateViewed": iso(viewed_at)}


def _dash(hex_id: str) -> str:
    return f"{hex_id[:8]}-{hex_id[8:12]}-{hex_id[12:16]}-{hex_id[16:20]}-{hex_id[20:]}"
