"""The OAuth settings (--oauth-issuer, --oauth-audience and their companions; MCP_OAUTH_*): the
HTTP server as an OAuth 2.1 resource server.

`config` owns the precedence (a flag wins over its variable); this module adds the flags,
reads the variables and checks the values into one `OAuthSettings`. The introspection client
secret comes from MCP_OAUTH_CLIENT_SECRET or --oauth-client-secret-file only, and no message
here quotes it.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from sentry_replays_mcp.server.secret_file import read_secret_file

from . import OAuthSettings

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
OAUTH_ENVIRONMENT = (
    "MCP_OAUTH_ISSUER",
    "MCP_OAUTH_AUDIENCE",
    "MCP_OAUTH_PROJECTS_CLAIM",
    "MCP_OAUTH_ORGS_CLAIM",
    "MCP_OAUTH_CLIENT_ID",
    "MCP_OAUTH_CLIENT_SECRET",
)
# The raw values `config` merges (flag over variable), each popped by `oauth_settings`.
_KEYS = ("issuer", "audience", "projects_claim", "orgs_claim", "client_id", "client_secret")
_RAW = tuple(f"oauth_{key}" for key in _KEYS)


def add_oauth_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("signing callers in (OAuth 2.1 resource server)")
    group.add_argument(
        "--oauth-issuer",
        metavar="URL",
        help="accept access tokens from this issuer (env MCP_OAUTH_ISSUER)",
    )
    group.add_argument(
        "--oauth-audience",
        metavar="URL",
        help="this server's public MCP endpoint URL, the tokens' aud (env MCP_OAUTH_AUDIENCE; "
        "default http://<host>:<port>/mcp, or /sse)",
    )
    group.add_argument(
        "--oauth-projects-claim",
        metavar="NAME",
        help="token claim listing the caller's projects (env MCP_OAUTH_PROJECTS_CLAIM)",
    )
    group.add_argument(
        "--oauth-orgs-claim",
        metavar="NAME",
        help="token claim listing the caller's organizations (env MCP_OAUTH_ORGS_CLAIM)",
    )
    group.add_argument(
        "--oauth-client-id",
        metavar="ID",
        help="client id for token introspection (env MCP_OAUTH_CLIENT_ID)",
    )
    group.add_argument(
        "--oauth-client-secret-file",
        metavar="PATH",
        help="file holding the introspection client secret (env MCP_OAUTH_CLIENT_SECRET)",
    )


def oauth_flags(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "oauth_issuer": args.oauth_issuer,
        "oauth_audience": args.oauth_audience,
        "oauth_projects_claim": args.oauth_projects_claim,
        "oauth_orgs_claim": args.oauth_orgs_claim,
        "oauth_client_id": args.oauth_client_id,
        "oauth_client_secret_file": args.oauth_client_secret_file,
    }


def oauth_environment(env: Mapping[str, str]) -> dict[str, Any]:
    return {
        "oauth_issuer": env.get("MCP_OAUTH_ISSUER"),
        "oauth_audience": env.get("MCP_OAUTH_AUDIENCE"),
        "oauth_projects_claim": env.get("MCP_OAUTH_PROJECTS_CLAIM"),
        "oauth_orgs_claim": env.get("MCP_OAUTH_ORGS_CLAIM"),
        "oauth_client_id": env.get("MCP_OAUTH_CLIENT_ID"),
        "oauth_client_secret": env.get("MCP_OAUTH_CLIENT_SECRET"),
    }


def _host(url: str) -> str | None:
    try:
        return urlsplit(url).hostname
    except ValueError:  # e.g. an unclosed [IPv6 address
        return None


def _issuer(issuer: str) -> str:
    issuer = issuer.strip()
    host = _host(issuer)
    if not issuer.startswith(("https://", "http://")) or not host:
        raise ValueError(
            f"MCP_OAUTH_ISSUER (--oauth-issuer) must be an https:// URL, got {issuer!r}."
        )
    if issuer.startswith("http://") and host not in LOOPBACK:
        raise ValueError(
            f"MCP_OAUTH_ISSUER (--oauth-issuer) must use https:// (plain http only on a "
            f"loopback address), got {issuer!r}."
        )
    if "?" in issuer or "#" in issuer:
        raise ValueError(
            f"MCP_OAUTH_ISSUER (--oauth-issuer) must have no query or fragment, got {issuer!r}."
        )
    return issuer


def _audience(given: str | None, values: Mapping[str, Any]) -> str:
    if not given:
        if values["port"] == 0:
            raise ValueError(
                "With --port 0, set MCP_OAUTH_AUDIENCE (--oauth-audience) to this server's public "
                "MCP URL: tokens are issued for it, and a chosen port cannot be known in advance."
            )
        host = values["host"]
        shown = f"[{host}]" if ":" in host else host
        path = "/sse" if values["transport"] == "sse" else "/mcp"
        return f"http://{shown}:{values['port']}{path}"
    audience = given.strip()
    if not audience.startswith(("https://", "http://")) or not _host(audience) or "#" in audience:
        raise ValueError(
            "MCP_OAUTH_AUDIENCE (--oauth-audience) must be this server's MCP endpoint as an "
            f"http(s) URL, such as https://replays.example.com/mcp, got {audience!r}."
        )
    return audience


def _secret(from_environment: str | None, path: str | None) -> str | None:
    if not path:
        return from_environment.strip() if from_environment else None
    raw = read_secret_file(path, "--oauth-client-secret-file", "the introspection client secret")
    try:
        return raw.decode().strip() or None
    except UnicodeDecodeError:
        raise ValueError(f"--oauth-client-secret-file {path!r} is not UTF-8 text.") from None


def _claim(name: str | None, setting: str) -> str | None:
    if name is None:
        return None
    if not name.strip() or name != name.strip():
        raise ValueError(f"{setting} must be a claim name without spaces around it, got {name!r}.")
    return name


def oauth_settings(values: dict[str, Any]) -> None:
    """Pops the raw `oauth_*` values and sets `values["oauth"]`: an `OAuthSettings`, or None
    when no issuer is named. ValueError: one sentence naming the setting to fix."""
    raw = {key: values.pop(name, None) for key, name in zip(_KEYS, _RAW, strict=True)}
    secret = _secret(raw["client_secret"], values.pop("oauth_client_secret_file", None))
    if not raw["issuer"]:
        values["oauth"] = None
        return
    if values["transport"] == "stdio":
        raise ValueError(
            "--oauth-issuer (MCP_OAUTH_ISSUER) needs --transport streamable-http or sse: on "
            "stdio the client starts the server itself and sends no token."
        )
    if values["http_token"]:
        raise ValueError(
            "Choose one way to authenticate callers: --oauth-issuer (MCP_OAUTH_ISSUER) or "
            "MCP_HTTP_TOKEN (--http-token), not both."
        )
    client_id = raw["client_id"].strip() if raw["client_id"] else None
    if bool(client_id) != bool(secret):
        raise ValueError(
            "Token introspection needs both MCP_OAUTH_CLIENT_ID (--oauth-client-id) and "
            "MCP_OAUTH_CLIENT_SECRET (or --oauth-client-secret-file), or neither."
        )
    values["oauth"] = OAuthSettings(
        issuer=_issuer(raw["issuer"]),
        audience=_audience(raw["audience"], values),
        projects_claim=_claim(raw["projects_claim"], "MCP_OAUTH_PROJECTS_CLAIM"),
        orgs_claim=_claim(raw["orgs_claim"], "MCP_OAUTH_ORGS_CLAIM"),
        client_id=client_id,
        client_secret=secret,
    )
