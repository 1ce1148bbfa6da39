"""The confirmation secret and the serving settings for several processes: read once, checked
with one sentence naming the setting, never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from sentry_replays_mcp.server.config import ConfigError, load_settings
from sentry_replays_mcp.tools.kit.confirm import ConfirmationCodes
from sentry_replays_mcp.tools.kit.errors import BadInput

SECRET = "k" * 40
HTTP = ["--demo", "--transport", "streamable-http"]


def refusal(argv: list[str], env: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigError) as caught:
        load_settings(argv, env or {})
    return str(caught.value)


def test_the_secret_from_the_environment_or_a_file_and_the_file_wins(tmp_path: Path):
    assert load_settings(["--demo"], {}).secret is None
    assert load_settings(["--demo"], {"SENTRY_MCP_SECRET": SECRET}).secret == SECRET.encode()
    kept = tmp_path / "secret"
    kept.write_bytes(b"f" * 32 + b"\n")  # a file's final newline is not part of it
    settings = load_settings(["--demo", "--secret-file", str(kept)], {"SENTRY_MCP_SECRET": SECRET})
    assert settings.secret == b"f" * 32


def test_the_secret_is_never_in_the_settings_repr_nor_in_a_refusal(tmp_path: Path):
    settings = load_settings(["--demo"], {"SENTRY_MCP_SECRET": SECRET})
    assert SECRET not in repr(settings) and SECRET not in str(settings)
    short = "short-" + "x" * 20
    said = refusal(["--demo"], {"SENTRY_MCP_SECRET": short})
    assert short not in said
    assert said.startswith("SENTRY_MCP_SECRET must hold at least 32 bytes") and "holds 26" in said
    kept = tmp_path / "secret"
    kept.write_text(short)
    said = refusal(["--demo", "--secret-file", str(kept)])
    assert said.startswith("--secret-file must hold at least 32 bytes") and short not in said


def test_a_secret_file_that_cannot_be_read_is_one_sentence(tmp_path: Path):
    missing = tmp_path / "nope"
    said = refusal(["--demo", "--secret-file", str(missing)])
    assert said.startswith(f"--secret-file '{missing}' cannot be read (No such file")
    assert said.count(". ") == 0 and "Traceback" not in said
    said = refusal(["--demo", "--secret-file", str(tmp_path)])  # a directory
    assert "cannot be read (Is a directory)" in said
    said = refusal(["--demo", "--secret-file", "/dev/zero"])  # endless: read no further
    assert said == (
        "--secret-file '/dev/zero' holds more than 4096 bytes: give a file holding only the "
        "confirmation secret."
    )


def test_stateless_needs_streamable_http():
    assert load_settings([*HTTP, "--stateless"], {}).stateless is True
    assert load_settings(HTTP, {"MCP_STATELESS": "1"}).stateless is True
    for transport in ("sse", "stdio"):
        said = refusal(["--demo", "--transport", transport, "--stateless"])
        assert said == (
            f"--stateless (MCP_STATELESS) needs --transport streamable-http: {transport} keeps "
            "one connection per client, so it cannot be stateless."
        )
    said = refusal(HTTP, {"MCP_STATELESS": "maybe"})
    assert said.startswith("MCP_STATELESS (--stateless) must be 1/true/yes")


def test_workers_need_stateless_http_and_a_sane_number():
    settings = load_settings([*HTTP, "--stateless", "--workers", "3"], {})
    assert settings.workers == 3
    assert load_settings([*HTTP, "--stateless"], {"MCP_WORKERS": "2"}).workers == 2
    assert "needs --stateless" in refusal([*HTTP, "--workers", "2"])
    assert "between 1 and 64, got 0" in refusal([*HTTP, "--stateless", "--workers", "0"])
    said = refusal([*HTTP, "--stateless"], {"MCP_WORKERS": "two"})
    assert said == "MCP_WORKERS (--workers) must be a number, got 'two'."


def test_drain_seconds():
    assert load_settings(HTTP, {}).drain_seconds == 3.0
    assert (
        load_settings([*HTTP, "--drain-seconds", "0"], {"MCP_DRAIN_SECONDS": "9"}).drain_seconds
        == 0
    )
    assert "between 0 and 300" in refusal([*HTTP, "--drain-seconds", "-1"])


def test_codes_under_one_secret_are_accepted_by_every_holder_of_it():
    issuer, other = ConfirmationCodes(b"z" * 32), ConfirmationCodes(b"z" * 32)
    code = issuer.issue("acme||abc")
    other.check(code, "acme||abc")  # another process, or after a restart
    assert code.split("-")[1] == other.issue("acme||abc").split("-")[1]  # one server-run field
    with pytest.raises(BadInput, match="not valid for this organization"):
        other.check(code, "acme||other")
    with pytest.raises(BadInput, match="signed under another secret"):
        ConfirmationCodes(b"y" * 32).check(code, "acme||abc")
    with pytest.raises(BadInput, match="setting SENTRY_MCP_SECRET"):
        ConfirmationCodes().check(code, "acme||abc")
