"""Flags and environment resolve once into frozen Settings; a missing token is a clear error."""

import dataclasses
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sentry_replays_mcp.server.config import ENVIRONMENT, ConfigError, load_settings
from tests.readme import section

ROOT = Path(__file__).resolve().parents[2]

TOKEN = "sntryu_" + "f" * 64


def test_token_from_sentry_cli_name_or_sentry_mcp_name():
    assert load_settings([], {"SENTRY_AUTH_TOKEN": TOKEN}).token == TOKEN
    assert load_settings([], {"SENTRY_ACCESS_TOKEN": TOKEN}).token == TOKEN


def test_missing_token_names_the_variable_and_demo():
    with pytest.raises(ConfigError) as caught:
        load_settings([], {})
    assert "SENTRY_AUTH_TOKEN" in str(caught.value) and "--demo" in str(caught.value)


def test_demo_needs_no_token():
    settings = load_settings(["--demo"], {})
    assert settings.demo and settings.token is None


def test_defaults_and_environment():
    settings = load_settings([], {"SENTRY_AUTH_TOKEN": TOKEN})
    assert settings.url == "https://sentry.io" and settings.transport == "stdio"
    env = {
        "SENTRY_AUTH_TOKEN": TOKEN,
        "SENTRY_URL": "https://de.sentry.io",
        "SENTRY_ORG": "acme",
        "SENTRY_PROJECT": "web",
        "SENTRY_READ_ONLY": "true",
    }
    settings = load_settings([], env)
    assert (settings.url, settings.organization, settings.project, settings.read_only) == (
        "https://de.sentry.io",
        "acme",
        "web",
        True,
    )


def test_flags_win_over_environment():
    env = {"SENTRY_AUTH_TOKEN": TOKEN, "SENTRY_ORG": "acme", "SENTRY_URL": "https://sentry.io"}
    settings = load_settings(["--org", "other", "--url", "https://sentry.example.com"], env)
    assert settings.organization == "other" and settings.url == "https://sentry.example.com"


def test_settings_are_frozen_and_hide_the_token():
    settings = load_settings([], {"SENTRY_AUTH_TOKEN": TOKEN})
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.organization = "x"  # type: ignore[misc]
    assert TOKEN not in repr(settings)


@pytest.mark.parametrize(
    "argv,env,message",
    [
        ([], {"SENTRY_URL": "sentry.io"}, "SENTRY_URL"),
        ([], {"SENTRY_URL": "https://"}, "SENTRY_URL must be a URL with a host name"),
        (["--url", "http:///x"], {}, "SENTRY_URL must be a URL with a host name"),
        (["--url", "https://[::1"], {}, "SENTRY_URL must be a URL with a host name"),
        ([], {"SENTRY_READ_ONLY": "maybe"}, "SENTRY_READ_ONLY"),
        (["--port", "70000"], {}, "--port"),
        (["--transport", "sse", "--host", "0.0.0.0"], {}, "MCP_HTTP_TOKEN"),
        (["--http-token", "short"], {}, "at least 16"),
        (
            ["--log-level", "bogus"],
            {},
            r"--log-level \(LOG_LEVEL\) must be one of DEBUG, .*'bogus'",
        ),
        ([], {"LOG_LEVEL": "bogus"}, r"--log-level \(LOG_LEVEL\) must be one of"),
        (["--timeout", "0"], {}, "more than 0 and at most 600 seconds, got 0"),
        (["--timeout", "601"], {}, "at most 600 seconds, got 601"),
    ],
)
def test_bad_settings_are_refused_with_the_setting_named(argv, env, message):
    with pytest.raises(ConfigError, match=message):
        load_settings(argv, {"SENTRY_AUTH_TOKEN": TOKEN, **env})


def test_non_loopback_http_needs_a_caller_token_or_an_explicit_opt_out():
    base = {"SENTRY_AUTH_TOKEN": TOKEN}
    argv = ["--transport", "streamable-http", "--host", "0.0.0.0"]
    with_token = load_settings(argv, {**base, "MCP_HTTP_TOKEN": "x" * 32})
    assert with_token.http_token == "x" * 32 and "x" * 32 not in repr(with_token)
    assert load_settings([*argv, "--insecure-no-auth"], base).insecure_no_auth
    assert load_settings(["--transport", "sse"], base).loopback  # 127.0.0.1 needs no token


def test_log_level_in_any_case():
    assert (
        load_settings([], {"SENTRY_AUTH_TOKEN": TOKEN, "LOG_LEVEL": "debug"}).log_level == "DEBUG"
    )


def run_program(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sentry_replays_mcp.server", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", **(env or {})},
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize(
    "argv,env",
    [(["--demo", "--log-level", "bogus"], {}), (["--demo"], {"LOG_LEVEL": "bogus"})],
    ids=["flag", "environment"],
)
def test_a_bad_log_level_is_one_line_not_a_traceback(argv, env):
    done = run_program(*argv, env=env)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith("sentry-replays-mcp: --log-level (LOG_LEVEL) must be one of")


@pytest.mark.parametrize("url", ["https://", "http:///x", "ftp://sentry.io", "sentry.io"])
def test_a_url_without_a_host_is_refused_at_start_up_in_one_line(url):
    done = run_program(env={"SENTRY_AUTH_TOKEN": TOKEN, "SENTRY_URL": url})
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith("sentry-replays-mcp: SENTRY_URL must ")
    assert repr(url) in done.stderr


@pytest.mark.parametrize(
    "how", ["trailing", "leading", "both", "tab", "spaces only"], ids=lambda how: how
)
def test_a_caller_token_with_spaces_around_is_refused_at_start_up(how):
    """A caller sends `Bearer <token>` and HTTP strips the header's outer spaces: a token that
    begins or ends with one could never match."""
    token = "caller-token-0123456789abcdef"
    given = {
        "trailing": token + " ",
        "leading": " " + token,
        "both": f"  {token}  ",
        "tab": token + "\t",
        "spaces only": " " * 20,
    }[how]
    done = run_program("--demo", "--transport", "sse", env={"MCP_HTTP_TOKEN": given})
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith(
        "sentry-replays-mcp: MCP_HTTP_TOKEN (--http-token) must not begin or end with spaces"
    ), done.stderr
    assert token not in done.stderr
    with pytest.raises(ConfigError, match="must not begin or end with spaces"):
        load_settings(["--demo", "--http-token", given], {})


def test_version():
    from importlib.metadata import version

    done = run_program("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"sentry-replays-mcp {version('sentry-replays-mcp')}"


def environment_read_by_the_server() -> set[str]:
    """Every environment variable name the server's sources read."""
    names = set()
    for path in (ROOT / "server").rglob("*.py"):
        text = path.read_text()
        names |= set(re.findall(r"env(?:iron)?\.get\(\s*\"([A-Z][A-Z0-9_]+)\"", text))
        names |= set(re.findall(r"_flag\(\s*env,\s*\"([A-Z][A-Z0-9_]+)\"", text))
    return names


def test_every_environment_variable_is_in_help_and_readme():
    read = environment_read_by_the_server()
    assert {"SENTRY_AUTH_TOKEN", "MCP_HTTP_TOKEN", "LOG_LEVEL"} <= read  # the scan works
    assert read <= set(ENVIRONMENT), f"not in config.ENVIRONMENT: {read - set(ENVIRONMENT)}"
    shown = " ".join(run_program("--help").stdout.split())
    table = section("Configuration")
    for name in ENVIRONMENT:
        assert name in shown, f"{name} missing from --help"
        assert f"`{name}" in table, f"{name} missing from the README's configuration table"


def test_every_flag_is_in_the_readme():
    from sentry_replays_mcp.server.config import build_parser

    table = section("Configuration")
    flags = {f for action in build_parser()._actions for f in action.option_strings}
    missing = sorted(f for f in flags - {"-h", "--help"} if f"`{f}" not in table)
    assert not missing, f"flags missing from the README's configuration table: {missing}"


def test_allowed_hosts_and_origins_come_from_the_environment_too():
    env = {"MCP_ALLOWED_HOSTS": " mcp.example.com, mcp-internal:9000 ,", "MCP_ALLOWED_ORIGINS": ""}
    settings = load_settings([], {**env, "SENTRY_AUTH_TOKEN": "t"})
    assert settings.allowed_hosts == ("mcp.example.com", "mcp-internal:9000")
    assert settings.allowed_origins == ()
    flagged = load_settings(["--allowed-host", "other.example"], {**env, "SENTRY_AUTH_TOKEN": "t"})
    assert flagged.allowed_hosts == ("other.example",)  # a flag wins over its variable


def test_demo_mode_can_be_chosen_by_the_environment():
    """MCP_DEMO=1 is --demo for launchers that set only variables (the desktop bundle)."""
    assert load_settings([], {"MCP_DEMO": "1"}).demo is True
    assert load_settings(["--demo"], {"MCP_DEMO": "0"}).demo is True  # the flag wins
    assert load_settings([], {"MCP_DEMO": "false", "SENTRY_AUTH_TOKEN": "t"}).demo is False
    with pytest.raises(ConfigError, match="No Sentry token"):
        load_settings([], {"MCP_DEMO": "0"})
    with pytest.raises(ConfigError, match="MCP_DEMO must be"):
        load_settings([], {"MCP_DEMO": "maybe"})
