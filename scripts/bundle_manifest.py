"""Write manifest.json, the MCP Bundle (.mcpb) manifest, from the project itself: the version
from pyproject.toml, the tools (name and first sentence of the description) from the server's
tool registry, in the order clients list them.

    .venv/bin/python scripts/bundle_manifest.py           # rewrite manifest.json
    .venv/bin/python scripts/bundle_manifest.py --check   # exit 1 if it is out of date

The bundle uses the MCPB "uv" server type (manifest_version 0.4): the host installs Python
and the dependencies named in pyproject.toml with uv, so the compiled ones (pydantic-core,
msgspec) come as wheels for the user's own platform. The user's settings reach the server as
the environment variables it already reads.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "manifest.json"
# The script the bundle starts (its path inside the bundle is the same as in the checkout).
ENTRY_POINT = "scripts/bundle_entry.py"
PRIVACY_POLICY = "https://sentry.io/privacy/"
# The project's home, as in server.json (the MCP Registry entry).
REPOSITORY = "https://github.com/sentry-replays-mcp/sentry-replays-mcp"

LONG_DESCRIPTION = """\
Ask about your users' sessions in plain language: which replays show rage clicks on checkout,
what happened in this session, which buttons frustrate people most. Every answer is a short
markdown summary (ids kept, values humanised, lists capped) plus structured content.

Replay data comes from end users' browsers: it is shown as data, sanitised and inside code
spans. Deleting a replay needs a confirmation code and, where the client can ask, your yes;
with *Read-only* on (the default) the delete tool is not offered at all.

Needs a Sentry auth token with the `org:read`, `project:read` and `event:read` scopes
(`project:write` to delete). Works with sentry.io (any region) and self-hosted Sentry."""

USER_CONFIG: dict[str, dict[str, Any]] = {
    "sentry_auth_token": {
        "type": "string",
        "title": "Sentry auth token",
        "description": "A Sentry auth token with the org:read, project:read and event:read "
        "scopes (project:write to delete replays). Create one under Settings > Auth Tokens. "
        "Not needed with Demo data on.",
        "sensitive": True,
        "required": False,
    },
    "sentry_url": {
        "type": "string",
        "title": "Sentry URL",
        "description": "https://sentry.io, a region host such as https://de.sentry.io, or "
        "the address of a self-hosted Sentry.",
        "default": "https://sentry.io",
        "required": False,
    },
    "sentry_org": {
        "type": "string",
        "title": "Organization",
        "description": "The organization slug the tools use when a question names none "
        "(as in https://sentry.io/organizations/<slug>/). May be left empty.",
        "default": "",
        "required": False,
    },
    "demo": {
        "type": "boolean",
        "title": "Demo data",
        "description": "Try the tools on the embedded demo Sentry (invented replays of an "
        "example shop, no account or token needed) instead of your own Sentry.",
        "default": False,
        "required": False,
    },
    "read_only": {
        "type": "boolean",
        "title": "Read-only",
        "description": "Offer only the tools that read. Turn off to allow deleting replays "
        "(each deletion still needs a confirmation).",
        "default": True,
        "required": False,
    },
}

# What each user setting becomes in the server's environment.
ENVIRONMENT = {
    "SENTRY_AUTH_TOKEN": "${user_config.sentry_auth_token}",
    "SENTRY_URL": "${user_config.sentry_url}",
    "SENTRY_ORG": "${user_config.sentry_org}",
    "SENTRY_READ_ONLY": "${user_config.read_only}",
    "MCP_DEMO": "${user_config.demo}",
}


def first_sentence(description: str) -> str:
    """The description's first sentence, on one line."""
    text = " ".join(description.split())
    match = re.search(r"(?<=[.!?])\s+(?=[A-Z0-9(])", text)
    return text[: match.start()] if match else text


def registry_tools() -> list[dict[str, str]]:
    from sentry_replays_mcp.tools import ALL_TOOLS

    return [{"name": s.name, "description": first_sentence(s.description)} for s in ALL_TOOLS]


def build_manifest() -> dict[str, Any]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {
        "manifest_version": "0.4",
        "name": project["name"],
        "display_name": "Sentry Replays",
        "version": project["version"],
        "description": project["description"],
        "long_description": "\n\n".join(
            " ".join(p.split()) for p in LONG_DESCRIPTION.split("\n\n")
        ),
        "author": {"name": "The sentry-replays-mcp authors"},
        "repository": {"type": "git", "url": REPOSITORY},
        "server": {
            "type": "uv",
            "entry_point": ENTRY_POINT,
            "mcp_config": {
                "command": "uv",
                "args": ["run", "--directory", "${__dirname}", ENTRY_POINT],
                "env": ENVIRONMENT,
            },
        },
        "tools": registry_tools(),
        "keywords": ["sentry", "session replay", "rrweb", "debugging", "observability"],
        "license": project["license"],
        "privacy_policies": [PRIVACY_POLICY],
        "compatibility": {
            "platforms": ["darwin", "win32", "linux"],
            "runtimes": {"python": project["requires-python"]},
        },
        "user_config": USER_CONFIG,
    }


def render(manifest: dict[str, Any]) -> str:
    return json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    wanted = render(build_manifest())
    if "--check" in argv:
        if MANIFEST.exists() and MANIFEST.read_text() == wanted:
            return 0
        sys.stderr.write(
            "manifest.json is out of date: run .venv/bin/python scripts/bundle_manifest.py\n"
        )
        return 1
    MANIFEST.write_text(wanted)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
