"""The OAuth settings: flags and their MCP_OAUTH_* twins (a flag wins), the audience's
default, the secret kept out of sight, and each wrong combination refused in one sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from sentry_replays_mcp.server.config import ConfigError, load_settings
from sentry_replays_mcp.server.oauth import OAuthSettings
from tests.server.test_config import run_program

HTTP = ["--demo", "--transport", "streamable-http"]
ISSUER = "https://login.example.com/realms/replays"
SECRET = "s3cret-introspection-value"


def settings(*argv: str, **env: str) -> OAuthSettings | None:
    return load_settings([*HTTP, *argv], env).oauth


def refusal(*argv: str, **env: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load_settings(list(argv), env)
    text = str(caught.value)
    assert text.count(". ") == 0 and text.endswith("."), f"not one sentence: {text}"
    return text


def test_off_unless_an_issuer_is_named():
    assert settings() is None
    assert settings(MCP_OAUTH_AUDIENCE="https://replays.example.com/mcp") is None


def test_flags_win_over_their_variables():
    env = {
        "MCP_OAUTH_ISSUER": "https://other.example.com",
        "MCP_OAUTH_AUDIENCE": "https://env.example.com/mcp",
        "MCP_OAUTH_PROJECTS_CLAIM": "env_projects",
        "MCP_OAUTH_ORGS_CLAIM": "sentry_orgs",
        "MCP_OAUTH_CLIENT_ID": "env-client",
        "MCP_OAUTH_CLIENT_SECRET": SECRET,
    }
    got = settings(
        *("--oauth-issuer", ISSUER, "--oauth-audience", "https://replays.example.com/mcp"),
        *("--oauth-projects-claim", "sentry_projects", "--oauth-client-id", "mcp"),
        **env,
    )
    assert got == OAuthSettings(
        issuer=ISSUER,
        audience="https://replays.example.com/mcp",
        projects_claim="sentry_projects",
        orgs_claim="sentry_orgs",
        client_id="mcp",
        client_secret=SECRET,
    )
    assert SECRET not in repr(got) and SECRET not in repr(load_settings([*HTTP], env))


def test_the_secret_file_wins_over_the_variable(tmp_path: Path):
    path = tmp_path / "secret"
    path.write_text("from-the-file\n")
    got = settings(
        "--oauth-issuer", ISSUER, "--oauth-client-secret-file", str(path),
        MCP_OAUTH_CLIENT_ID="mcp", MCP_OAUTH_CLIENT_SECRET=SECRET,
    )  # fmt: skip
    assert got is not None and got.client_secret == "from-the-file"
    missing = refusal(*HTTP, "--oauth-issuer", ISSUER, "--oauth-client-secret-file", "/nope")
    assert "--oauth-client-secret-file '/nope' cannot be read" in missing


def test_the_audience_defaults_to_the_endpoint_url():
    assert settings("--oauth-issuer", ISSUER, "--port", "9000").audience == (  # type: ignore[union-attr]
        "http://127.0.0.1:9000/mcp"
    )
    sse = load_settings(
        ["--demo", "--transport", "sse", "--oauth-issuer", ISSUER, "--host", "::1"], {}
    )
    assert sse.oauth is not None and sse.oauth.audience == "http://[::1]:8000/sse"
    text = refusal(*HTTP, "--oauth-issuer", ISSUER, "--port", "0")
    assert "With --port 0, set MCP_OAUTH_AUDIENCE (--oauth-audience)" in text


def test_oauth_is_caller_authentication_off_loopback():
    got = load_settings([*HTTP, "--host", "0.0.0.0", "--oauth-issuer", ISSUER], {})
    assert got.oauth is not None and got.oauth.audience == "http://0.0.0.0:8000/mcp"
    assert "without caller authentication" in refusal(*HTTP, "--host", "0.0.0.0")


@pytest.mark.parametrize(
    ("argv", "env", "says"),
    [
        (["--demo", "--oauth-issuer", ISSUER], {}, "needs --transport streamable-http or sse"),
        ([*HTTP, "--oauth-issuer", ISSUER, "--http-token", "t" * 20], {}, "Choose one way"),
        ([*HTTP, "--oauth-issuer", ISSUER], {"MCP_HTTP_TOKEN": "t" * 20}, "Choose one way"),
        ([*HTTP, "--oauth-issuer", "http://login.example.com"], {}, "must use https://"),
        ([*HTTP, "--oauth-issuer", "login.example.com"], {}, "must be an https:// URL"),
        ([*HTTP, "--oauth-issuer", ISSUER + "?x=1"], {}, "no query or fragment"),
        ([*HTTP, "--oauth-issuer", ISSUER, "--oauth-audience", "replays"], {}, "http(s) URL"),
        ([*HTTP, "--oauth-issuer", ISSUER, "--oauth-client-id", "mcp"], {}, "needs both"),
        ([*HTTP, "--oauth-issuer", ISSUER], {"MCP_OAUTH_CLIENT_SECRET": SECRET}, "needs both"),
    ],
    ids=["stdio", "with-http-token-flag", "with-http-token-env", "plain-http", "no-scheme",
         "query", "audience-not-url", "id-without-secret", "secret-without-id"],
)  # fmt: skip
def test_wrong_combinations_are_one_sentence(argv: list[str], env: dict[str, str], says: str):
    text = refusal(*argv, **env)
    assert says in text
    assert SECRET not in text


def test_plain_http_is_fine_for_an_issuer_on_loopback():
    for issuer in ("http://127.0.0.1:8080/realms/x", "http://localhost:8080", "http://[::1]:1"):
        assert settings("--oauth-issuer", issuer) is not None


def test_the_program_says_the_sentence_and_exits_2():
    done = run_program("--demo", "--oauth-issuer", ISSUER)
    assert done.returncode == 2
    assert done.stderr.startswith("sentry-replays-mcp: --oauth-issuer (MCP_OAUTH_ISSUER) needs")
    assert "Traceback" not in done.stderr
