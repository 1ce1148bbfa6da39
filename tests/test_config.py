"""Flags and environment resolve once into frozen Settings; a missing token is a clear error."""

import dataclasses

import pytest

from sentry_replays_mcp.server.config import ConfigError, load_settings

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
        ([], {"SENTRY_READ_ONLY": "maybe"}, "SENTRY_READ_ONLY"),
        (["--port", "70000"], {}, "--port"),
        (["--transport", "sse", "--host", "0.0.0.0"], {}, "MCP_HTTP_TOKEN"),
        (["--http-token", "short"], {}, "at least 16"),
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
