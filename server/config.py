"""Command line and environment, resolved once into one frozen `Settings`.

Precedence: a flag wins over the environment, which wins over the default.
Environment names follow sentry-cli (`SENTRY_AUTH_TOKEN`, `SENTRY_URL`,
`SENTRY_ORG`, `SENTRY_PROJECT`); `SENTRY_ACCESS_TOKEN` (sentry-mcp's name) is
accepted too.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from importlib.metadata import PackageNotFoundError, version
from typing import Any, Literal
from urllib.parse import urlsplit

from sentry_replays_mcp.server.oauth import OAuthSettings
from sentry_replays_mcp.server.oauth import flags as oauth
from sentry_replays_mcp.server.scaling_settings import DEFAULT_DRAIN_SECONDS, add_scaling_flags
from sentry_replays_mcp.server.scope_settings import add_scope_flags, scope_settings

DEFAULT_URL = "https://sentry.io"
Transport = Literal["stdio", "sse", "streamable-http"]
Dialect = Literal["sentry", "spec"]
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
MAX_TIMEOUT = 600.0
MAX_DRAIN_SECONDS = 300.0
MAX_WORKERS = 64
# Every environment variable the server reads, for --help (a test checks that none is missing
# here or in the README's configuration table).
ENVIRONMENT = (
    "SENTRY_AUTH_TOKEN",
    "SENTRY_ACCESS_TOKEN",
    "SENTRY_URL",
    "SENTRY_ORG",
    "SENTRY_PROJECT",
    "SENTRY_READ_ONLY",
    "SENTRY_ALLOWED_ORGS",
    "SENTRY_ALLOWED_PROJECTS",
    "MCP_HTTP_TOKEN",
    "MCP_ALLOWED_HOSTS",
    "MCP_ALLOWED_ORIGINS",
    "LOG_LEVEL",
    "MCP_DEMO",
    "MCP_STATELESS",
    "MCP_WORKERS",
    "MCP_DRAIN_SECONDS",
    "SENTRY_MCP_SECRET",
    "MCP_NO_UI",
    *oauth.OAUTH_ENVIRONMENT,
)


def package_version() -> str:
    try:
        return version("sentry-replays-mcp")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


class ConfigError(Exception):
    """A start-up problem, explained in one sentence that names the setting to fix."""


@dataclass(frozen=True)
class Settings:
    token: str | None = field(default=None, repr=False)
    url: str = DEFAULT_URL
    organization: str | None = None
    project: str | None = None
    demo: bool = False
    demo_dialect: Dialect = "sentry"
    read_only: bool = False
    transport: Transport = "stdio"
    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = 30.0
    log_level: str = "WARNING"
    http_token: str | None = field(default=None, repr=False)
    insecure_no_auth: bool = False
    allowed_hosts: tuple[str, ...] = ()
    allowed_origins: tuple[str, ...] = ()
    allowed_orgs: tuple[str, ...] = ()  # scopes: empty means no limit
    allowed_projects: tuple[str, ...] = ()
    # Serving one team from several processes (server/secret.py, server/workers.py)
    stateless: bool = False
    workers: int = 1
    drain_seconds: float = DEFAULT_DRAIN_SECONDS
    secret: bytes | None = field(default=None, repr=False)
    oauth: OAuthSettings | None = None  # --oauth-issuer: callers sign in (server/oauth)
    ui: bool = True  # the replay view, for hosts that show MCP Apps (server/view)

    @property
    def loopback(self) -> bool:
        return self.host in LOOPBACK_HOSTS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sentry-replays-mcp",
        description="MCP server for Sentry session replays.",
        epilog=f"Environment: {', '.join(ENVIRONMENT)}. A flag wins over its variable.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {package_version()}")
    parser.add_argument(
        "--demo",
        action="store_true",
        default=None,
        help="serve embedded demo data, no token needed (env MCP_DEMO=1)",
    )
    parser.add_argument(
        "--demo-dialect",
        choices=["sentry", "spec"],
        help="with --demo: answer like sentry.io (default) or like the seed spec",
    )
    parser.add_argument("--url", help=f"Sentry base URL (env SENTRY_URL, default {DEFAULT_URL})")
    parser.add_argument("--org", dest="organization", help="default organization (env SENTRY_ORG)")
    parser.add_argument("--project", help="default project (env SENTRY_PROJECT)")
    parser.add_argument(
        "--read-only",
        action="store_true",
        default=None,
        help="hide tools that change data (env SENTRY_READ_ONLY=1)",
    )
    add_scope_flags(parser)
    parser.add_argument(
        "--transport", choices=["stdio", "sse", "streamable-http"], help="default stdio"
    )
    parser.add_argument("--host", help="bind address for HTTP transports (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port for HTTP transports (default 8000)")
    parser.add_argument(
        "--http-token",
        help="bearer token HTTP callers must send (env MCP_HTTP_TOKEN); "
        "required when --host is not a loopback address",
    )
    parser.add_argument(
        "--insecure-no-auth",
        action="store_true",
        help="allow a non-loopback --host without --http-token (not recommended)",
    )
    parser.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="HOST[:PORT]",
        help="extra Host header value to accept, e.g. mcp.example.com (repeatable)",
    )
    parser.add_argument(
        "--allowed-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="extra browser Origin to accept, e.g. https://mcp.example.com (repeatable)",
    )
    parser.add_argument(
        "--timeout", type=float, help="Sentry request timeout, seconds (default 30, at most 600)"
    )
    add_scaling_flags(parser)
    parser.add_argument(
        "--no-ui",
        action="store_true",
        default=None,
        help="do not offer the replay view (an MCP App) to hosts that show them (env MCP_NO_UI=1)",
    )
    oauth.add_oauth_flags(parser)
    parser.add_argument(
        "--log-level",
        help=f"stderr log level: {', '.join(LOG_LEVELS)} (env LOG_LEVEL, default WARNING)",
    )
    return parser


def _from_flags(args: argparse.Namespace) -> dict[str, Any]:
    """The settings the command line names (None: not given)."""
    return {
        "url": args.url,
        "organization": args.organization,
        "project": args.project,
        "demo": args.demo,
        "demo_dialect": args.demo_dialect,
        "read_only": args.read_only,
        "transport": args.transport,
        "host": args.host,
        "port": args.port,
        "timeout": args.timeout,
        "log_level": args.log_level,
        "http_token": args.http_token,
        "insecure_no_auth": args.insecure_no_auth,
        "allowed_hosts": tuple(args.allowed_host) or None,
        "allowed_origins": tuple(args.allowed_origin) or None,
        "allowed_orgs": tuple(args.allow_org) or None,
        "allowed_projects": tuple(args.allow_project) or None,
        "stateless": args.stateless,
        "workers": args.workers,
        "drain_seconds": args.drain_seconds,
        "secret_file": args.secret_file,
        "no_ui": args.no_ui,
    }


def _comma_separated(text: str | None) -> tuple[str, ...] | None:
    """`a, b,c` as ("a", "b", "c"); None when nothing is named."""
    items = tuple(item.strip() for item in (text or "").split(",") if item.strip())
    return items or None


def _from_environment(env: Mapping[str, str]) -> dict[str, Any]:
    """The settings the environment names, as raw text (None: not set)."""
    return {
        "token": env.get("SENTRY_AUTH_TOKEN") or env.get("SENTRY_ACCESS_TOKEN"),
        "url": env.get("SENTRY_URL"),
        "organization": env.get("SENTRY_ORG"),
        "project": env.get("SENTRY_PROJECT"),
        "read_only": env.get("SENTRY_READ_ONLY"),
        "demo": env.get("MCP_DEMO"),
        "allowed_orgs": env.get("SENTRY_ALLOWED_ORGS"),
        "allowed_projects": env.get("SENTRY_ALLOWED_PROJECTS"),
        "http_token": env.get("MCP_HTTP_TOKEN"),
        "allowed_hosts": _comma_separated(env.get("MCP_ALLOWED_HOSTS")),
        "allowed_origins": _comma_separated(env.get("MCP_ALLOWED_ORIGINS")),
        "log_level": env.get("LOG_LEVEL"),
        "stateless": env.get("MCP_STATELESS"),
        "workers": env.get("MCP_WORKERS"),
        "drain_seconds": env.get("MCP_DRAIN_SECONDS"),
        "secret": env.get("SENTRY_MCP_SECRET"),
        "no_ui": env.get("MCP_NO_UI"),
    }


def _merge(flags: Mapping[str, Any], environment: Mapping[str, Any]) -> dict[str, Any]:
    """Per setting: the flag, else the environment, else the default of `Settings`. An empty
    value counts as not given."""
    merged: dict[str, Any] = {f.name: f.default for f in fields(Settings)} | {"no_ui": False}
    for source in (environment, flags):
        merged.update((name, value) for name, value in source.items() if value not in (None, ""))
    return merged


def _token(token: str | None, demo: bool) -> None:
    if not demo and not token:
        raise ConfigError(
            "No Sentry token: set SENTRY_AUTH_TOKEN to an auth token with org:read, "
            "project:read and event:read scopes, or run with --demo to try the embedded demo data."
        )


def _url(url: str) -> None:
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"SENTRY_URL must start with https:// (or http://), got {url!r}.")
    try:
        host = urlsplit(url).hostname
    except ValueError:  # e.g. an unclosed [IPv6 address
        host = None
    if not host:
        raise ConfigError(
            f"SENTRY_URL must be a URL with a host name, such as https://sentry.io, got {url!r}."
        )


def _yes_no(name: str, value: bool | str) -> bool:
    """A flag's True, or the environment's text: 1/true/yes/on or 0/false/no/off/empty."""
    if isinstance(value, bool):
        return value
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConfigError(f"{name} must be 1/true/yes or 0/false/no, got {value!r}.")


def _port(port: int) -> None:
    if not 0 <= port < 65536:
        raise ConfigError(f"--port must be between 1 and 65535 (0: any free port), got {port}.")


def _http_token(http_token: str | None) -> None:
    if http_token is None:
        return
    if http_token != http_token.strip():
        raise ConfigError(
            "MCP_HTTP_TOKEN (--http-token) must not begin or end with spaces: no caller could "
            "ever send it."
        )
    if len(http_token) < 16 or not http_token.isprintable():
        raise ConfigError("MCP_HTTP_TOKEN (--http-token) must be at least 16 printable characters.")


def _exposure(values: dict[str, Any]) -> None:
    """An HTTP server off loopback needs caller authentication (token or OAuth), or an opt-out."""
    exposed = values["transport"] != "stdio" and values["host"] not in LOOPBACK_HOSTS
    if exposed and not (values["http_token"] or values["oauth"] or values["insecure_no_auth"]):
        raise ConfigError(
            f"Refusing to serve on {values['host']} without caller authentication: set "
            "MCP_HTTP_TOKEN or --oauth-issuer, bind to 127.0.0.1, or pass --insecure-no-auth."
        )


def _timeout(timeout: float) -> float:
    if not 0 < timeout <= MAX_TIMEOUT:
        raise ConfigError(
            f"--timeout must be more than 0 and at most {MAX_TIMEOUT:g} seconds, got {timeout:g}."
        )
    return timeout


def _log_level(given: str) -> str:
    level = given.strip().upper()
    if level not in LOG_LEVELS:
        raise ConfigError(
            f"--log-level (LOG_LEVEL) must be one of {', '.join(LOG_LEVELS)}, got {given!r}."
        )
    return level


def _number(name: str, value: Any, kind: type[int] | type[float]) -> Any:
    """A flag's number, or the environment's text read as one."""
    try:
        return kind(value)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {value!r}.") from None


def _scaling(values: dict[str, Any]) -> None:
    """--stateless, --workers, --drain-seconds and the confirmation secret."""
    from sentry_replays_mcp.server.secret import load_secret

    values["stateless"] = _yes_no("MCP_STATELESS (--stateless)", values["stateless"])
    workers = values["workers"] = _number("MCP_WORKERS (--workers)", values["workers"], int)
    drain = values["drain_seconds"] = _number(
        "MCP_DRAIN_SECONDS (--drain-seconds)", values["drain_seconds"], float
    )
    transport = values["transport"]
    if values["stateless"] and transport != "streamable-http":
        raise ConfigError(
            f"--stateless (MCP_STATELESS) needs --transport streamable-http: {transport} keeps "
            "one connection per client, so it cannot be stateless."
        )
    if not 1 <= workers <= MAX_WORKERS:
        raise ConfigError(
            f"--workers (MCP_WORKERS) must be between 1 and {MAX_WORKERS}, got {workers}."
        )
    if workers > 1 and not values["stateless"]:
        raise ConfigError(
            "--workers above 1 needs --stateless (MCP_STATELESS=1) and --transport "
            "streamable-http: a session kept by one worker would not be found by the others."
        )
    if not 0 <= drain <= MAX_DRAIN_SECONDS:
        raise ConfigError(
            f"--drain-seconds (MCP_DRAIN_SECONDS) must be between 0 and {MAX_DRAIN_SECONDS:g}, "
            f"got {drain:g}."
        )
    values["secret"] = load_secret(values["secret"], values.pop("secret_file", None))


def _validated(values: dict[str, Any]) -> Settings:
    """Check each value (in this order, so that the first problem is the one reported)."""
    values["demo"] = _yes_no("MCP_DEMO", values["demo"])
    _token(values["token"], values["demo"])
    _url(values["url"])
    values["read_only"] = _yes_no("SENTRY_READ_ONLY", values["read_only"])
    try:
        scope_settings(values)  # --allow-org / --allow-project, SENTRY_ORG/PROJECT inside them
        oauth.oauth_settings(values)  # --oauth-issuer and its companions, MCP_OAUTH_*
    except ValueError as error:
        raise ConfigError(str(error)) from None
    _port(values["port"])
    _http_token(values["http_token"])
    _exposure(values)
    values["timeout"] = _timeout(values["timeout"])
    values["log_level"] = _log_level(values["log_level"])
    _scaling(values)
    values["ui"] = not _yes_no("MCP_NO_UI (--no-ui)", values.pop("no_ui"))
    return Settings(**values)


def load_settings(argv: Sequence[str], env: Mapping[str, str]) -> Settings:
    """Parse flags and environment into Settings, or raise ConfigError (argparse exits on
    unknown flags with its own usage message)."""
    args = build_parser().parse_args(list(argv))
    flags = _from_flags(args) | oauth.oauth_flags(args)
    return _validated(_merge(flags, _from_environment(env) | oauth.oauth_environment(env)))
