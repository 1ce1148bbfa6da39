"""The real MCP inspector CLI against the program as a resource server: with
`--header "Authorization: Bearer <token>"` it lists the tools; without, or with a bad token,
it fails. Its CLI gained `--header` in 0.16.6, after the 0.15.0 the other inspector tests
pin, so this one pins its own (installed once into `.cache/inspector-<version>`). Skips
without npm unless REQUIRE_INSPECTOR=1."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.program import (
    INSTALL_TIMEOUT,
    ROOT,
    Running,
    run_and_wait,
    unavailable,
)
from tests.installs import npm_install
from tests.oauth.conftest import AUDIENCE
from tests.oauth.idp import IdentityProvider
from tests.oauth.serving import resource_server

pytestmark = pytest.mark.timeout(INSTALL_TIMEOUT + 120)
HEADER_INSPECTOR_VERSION = "0.16.8"
PREFIX = ROOT / ".cache" / f"inspector-{HEADER_INSPECTOR_VERSION}"
BIN = PREFIX / "node_modules" / ".bin" / "mcp-inspector"
MANIFEST = PREFIX / "node_modules" / "@modelcontextprotocol" / "inspector" / "package.json"


def installed_version() -> str | None:
    try:
        return str(json.loads(MANIFEST.read_text())["version"])
    except (OSError, ValueError, KeyError):
        return None


@pytest.fixture(scope="module")
def inspector() -> Path:
    if installed_version() == HEADER_INSPECTOR_VERSION and BIN.exists() and shutil.which("node"):
        return BIN
    if shutil.which("npm") is None or shutil.which("node") is None:
        unavailable("npm/node not on PATH: cannot install the MCP inspector")
    package = f"@modelcontextprotocol/inspector@{HEADER_INSPECTOR_VERSION}"
    npm_install(PREFIX, [package], timeout=INSTALL_TIMEOUT, installed=BIN.exists)
    return BIN


@pytest.fixture(scope="module")
def server(idp: IdentityProvider) -> Iterator[Running]:
    with resource_server(idp, "streamable-http") as running:
        yield running


def list_tools(inspector: Path, server: Running, *header: str):  # type: ignore[no-untyped-def]
    command = [str(inspector), "--cli", server.endpoint, "--transport", "http"]
    return run_and_wait([*command, "--method", "tools/list", *header], timeout=60)


def test_the_inspector_lists_tools_with_a_token(
    inspector: Path, server: Running, idp: IdentityProvider
):
    token = idp.sign(AUDIENCE)
    done = list_tools(inspector, server, "--header", f"Authorization: Bearer {token}")
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    names = {tool["name"] for tool in json.loads(done.stdout)["tools"]}
    assert {"list_replays", "get_replay", "summarize_replay"} <= names


def test_the_inspector_fails_without_a_good_token(
    inspector: Path, server: Running, idp: IdentityProvider
):
    wrong_audience = idp.sign("https://other.example.com/mcp")
    for header in ([], ["--header", f"Authorization: Bearer {wrong_audience}"]):
        done = list_tools(inspector, server, *header)
        assert done.returncode != 0
        assert '"error": "invalid_token"' in done.stderr, done.stderr
        assert '"tools"' not in done.stdout
