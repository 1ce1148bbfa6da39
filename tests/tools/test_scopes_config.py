"""--allow-org / --allow-project at start-up: read from flags or comma-separated variables,
each value checked, and SENTRY_ORG / SENTRY_PROJECT refused when they lie outside."""

from __future__ import annotations

import pytest

from sentry_replays_mcp.server.config import ConfigError, load_settings
from tests.server.test_config import TOKEN, run_program

BASE = {"SENTRY_AUTH_TOKEN": TOKEN}


def test_unset_means_no_limit():
    settings = load_settings([], BASE)
    assert settings.allowed_orgs == () and settings.allowed_projects == ()


def test_comma_separated_variables_and_repeated_flags():
    env = {**BASE, "SENTRY_ALLOWED_ORGS": " acme, Acme-EU ,", "SENTRY_ALLOWED_PROJECTS": "web,4711"}
    settings = load_settings([], env)
    assert settings.allowed_orgs == ("acme", "acme-eu")  # slugs compared in lower case
    assert settings.allowed_projects == ("web", "4711")
    flags = ["--allow-project", "checkout", "--allow-project", "admin"]
    assert load_settings(flags, env).allowed_projects == ("checkout", "admin")  # flag wins


def test_the_one_allowed_organization_is_the_default():
    assert load_settings(["--allow-org", "acme"], BASE).organization == "acme"
    two = load_settings([], {**BASE, "SENTRY_ALLOWED_ORGS": "acme,acme-eu"})
    assert two.organization is None
    assert load_settings(["--org", "acme-eu", "--allow-org", "acme-eu"], BASE).organization == (
        "acme-eu"
    )


@pytest.mark.parametrize(
    ("argv", "env", "said"),
    [
        (
            ["--org", "other"],
            {"SENTRY_ALLOWED_ORGS": "acme,acme-eu"},
            "SENTRY_ORG (--org) 'other' is not in SENTRY_ALLOWED_ORGS (--allow-org): acme, acme-eu",
        ),
        (
            [],
            {"SENTRY_PROJECT": "checkout", "SENTRY_ALLOWED_PROJECTS": "web-frontend"},
            "SENTRY_PROJECT (--project) 'checkout' is not in SENTRY_ALLOWED_PROJECTS",
        ),
        (
            ["--allow-project", "../admin"],
            {},
            "SENTRY_ALLOWED_PROJECTS (--allow-project) has '../admin', which is no project",
        ),
        (
            [],
            {"SENTRY_ALLOWED_ORGS": "acme,a b"},
            "SENTRY_ALLOWED_ORGS (--allow-org) has 'a b', which is no organization",
        ),
        (
            [],
            {"SENTRY_ALLOWED_PROJECTS": " , "},
            "SENTRY_ALLOWED_PROJECTS (--allow-project) names no project",
        ),
    ],
    ids=["org-outside", "project-outside", "bad-project", "bad-org", "empty"],
)
def test_refused_at_start_with_the_setting_named(argv: list[str], env: dict, said: str):
    with pytest.raises(ConfigError) as caught:
        load_settings(argv, {**BASE, **env})
    assert said in str(caught.value)


def test_the_program_refuses_to_start_with_one_sentence():
    done = run_program("--demo", "--org", "acme-eu", "--allow-org", "acme")
    assert done.returncode == 2 and done.stdout == ""
    assert "SENTRY_ORG (--org) 'acme-eu' is not in SENTRY_ALLOWED_ORGS" in done.stderr
    assert "Traceback" not in done.stderr
