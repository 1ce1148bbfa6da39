"""A replay's facts as short, sanitised text, for the tools that show replays."""

from __future__ import annotations

from urllib.parse import urlsplit

from sentry_replays_mcp.tools.api.models import Device, Replay
from sentry_replays_mcp.tools.kit import text as r

MAX_URLS = {"summary": 10, "full": 40}
MAX_IDS = {"summary": 5, "full": 30}
MAX_TAGS = 30


def name_version(name: str | None, version: str | None) -> str | None:
    """'Chrome 127.0.0', or the name alone."""
    return r.clean(f"{name} {version}" if name and version else name or "", 60) or None


def problems(errors: int | None, rage: int | None, dead: int | None) -> str | None:
    """'2 errors, 1 rage click, 0 dead clicks'; counts the server did not send are left out."""
    parts = [
        r.plural(errors, "error") if errors is not None else None,
        r.plural(rage, "rage click") if rage is not None else None,
        r.plural(dead, "dead click") if dead is not None else None,
    ]
    return r.joined(parts, ", ") or None


def user_of(replay: Replay) -> str | None:
    return r.clean(replay.user.label, 120) if replay.user.label else None


def first_url(replay: Replay) -> str | None:
    return r.clean(replay.urls[0], 300) if replay.urls else None


def start_ms(replay: Replay | None) -> float | None:
    """When the replay started, in epoch milliseconds: what offsets count from."""
    return replay.started_at.timestamp() * 1000 if replay and replay.started_at else None


MOBILE_PLATFORMS = {"android": "Android", "cocoa": "iOS", "java": "Android"}


def label(value: str | None) -> str | None:
    """A browser, OS or device name: the SDK wrote it from what the end user's client said, so
    it is shown as data (a code span), however plain it looks."""
    return r.data(value, 80) if value else None


def device_name(device: Device) -> str | None:
    """The device said once: brand, name and model, each adding only its new words
    ('Samsung SM-S918B', not 'Samsung SM-S918B Samsung SM-S918B'); the family only when
    nothing else is known; 'Other' is no name."""
    seen: set[str] = set()
    kept: list[str] = []
    parts = [device.brand, device.name, device.model]
    if not any(parts):
        parts = [device.family]
    for part in parts:
        if not part or part == "Other":
            continue
        for word in part.split():
            if word.lower() not in seen:
                kept.append(word)
                seen.add(word.lower())
    return r.clean(" ".join(kept), 80) or None


def releases_of(replay: Replay) -> list[str]:
    """The replay's releases: the field, else the `release` tag (where some servers keep it)."""
    found = replay.releases or replay.tags.get("release", [])
    return [r.clean(v, 80) for v in found[:10] if v]


def client_text(
    browser: str | None, os: str | None, device: str | None, platform: str | None
) -> str | None:
    """'`Chrome 128.0.6613` on `Mac OS X 14.6`, `Apple Mac`'; a mobile app has no browser:
    'Android app on `Android 14`, `Samsung SM-S918B`'."""
    app = MOBILE_PLATFORMS.get((platform or "").lower())
    what = label(browser) or (f"{app} app" if app else None)
    where = f"on {label(os)}" if os else None
    head = r.joined([what, where], " ")
    return r.joined([head or None, label(device)], ", ") or None


def replay_link(api_base: str, organization: str, replay_id: str) -> str:
    """The replay's page in Sentry: https://{org}.sentry.io/replays/{id}/ on sentry.io,
    {SENTRY_URL}/organizations/{org}/replays/{id}/ on a self-hosted Sentry."""
    parts = urlsplit(api_base)
    host = parts.hostname or ""
    if host == "sentry.io" or host.endswith(".sentry.io"):
        return f"https://{organization}.sentry.io/replays/{replay_id}/"
    root = api_base.split("/api/0", 1)[0].rstrip("/")
    return f"{root}/organizations/{organization}/replays/{replay_id}/"
