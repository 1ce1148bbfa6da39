"""The Claude Desktop bundle: manifest.json agrees with the server (tools, version) and passes
the pinned MCPB validator; scripts/build_bundle.py builds a .mcpb that, unpacked and started
the way the host starts it (the manifest's mcp_config with ${__dirname} and the user's
settings substituted), serves the tools over stdio against a demo Sentry on loopback, through
the settings screen's values only."""

from __future__ import annotations

import sys
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client, StdioServerParameters

from sentry_replays_mcp.server.config import ENVIRONMENT
from sentry_replays_mcp.server.demo import DemoSentry, serve_in_thread
from sentry_replays_mcp.tools import ALL_TOOLS
from tests.conftest import text_of
from tests.e2e.program import ALL_TOOLS as ALL_TOOL_NAMES
from tests.e2e.program import READ_ONLY_TOOLS, ROOT, server_env
from tests.packaging.runners import (
    desktop_launch,
    ensure_uv,
    load_script,
    need_npx,
    read_json,
    run,
    uv_environment,
)
from tests.tool_calls import TOOL_NAMES

MANIFEST = read_json(ROOT / "manifest.json")
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
BUILD = load_script("build_bundle")
# Installing the dependencies into the unpacked bundle (uv, from PyPI) comes first.
START_TIMEOUT = 240


def one_line(text: str) -> str:
    return " ".join(text.split())


def test_the_manifest_is_what_the_generator_writes():
    assert load_script("bundle_manifest").main(["--check"]) == 0


def test_the_manifest_lists_the_servers_tools_and_version():
    listed = MANIFEST["tools"]
    assert [t["name"] for t in listed] == list(TOOL_NAMES) == [s.name for s in ALL_TOOLS]
    for tool, spec in zip(listed, ALL_TOOLS, strict=True):
        assert tool["description"], tool["name"]
        assert one_line(spec.description).startswith(tool["description"]), tool["name"]
    assert MANIFEST["version"] == PROJECT["version"]
    assert MANIFEST["name"] == PROJECT["name"]
    assert MANIFEST["compatibility"]["runtimes"]["python"] == PROJECT["requires-python"]
    assert "prompts" not in MANIFEST and not MANIFEST.get("tools_generated")
    assert MANIFEST["repository"]["url"] == read_json(ROOT / "server.json")["repository"]["url"]


def test_the_settings_screen_maps_onto_the_servers_environment():
    options = MANIFEST["user_config"]
    token = options["sentry_auth_token"]
    assert token["type"] == "string" and token["sensitive"] is True and token["required"] is False
    assert options["demo"]["type"] == "boolean" and options["demo"]["default"] is False
    assert options["read_only"]["type"] == "boolean" and options["read_only"]["default"] is True
    assert options["sentry_url"]["default"] == "https://sentry.io"
    env = MANIFEST["server"]["mcp_config"]["env"]
    assert set(env) == {
        "SENTRY_AUTH_TOKEN",
        "SENTRY_URL",
        "SENTRY_ORG",
        "SENTRY_READ_ONLY",
        "MCP_DEMO",
    }
    assert set(env) <= set(ENVIRONMENT), "only variables the server reads"

    launch = desktop_launch(MANIFEST, Path("/opt/bundle"), {"sentry_auth_token": "sntryu_x"})
    assert launch["env"] == {
        "SENTRY_AUTH_TOKEN": "sntryu_x",
        "SENTRY_URL": "https://sentry.io",
        "SENTRY_ORG": "",  # left empty: the server treats it as not set
        "SENTRY_READ_ONLY": "true",
        "MCP_DEMO": "false",
    }
    assert "/opt/bundle" in launch["args"] and launch["command"] == "uv"
    entry = MANIFEST["server"]["entry_point"]
    assert entry in launch["args"] and (ROOT / entry).is_file()


def test_the_build_leaves_out_the_optional_dependencies():
    staged = tomllib.loads(BUILD.runtime_pyproject((ROOT / "pyproject.toml").read_text()))
    assert "optional-dependencies" not in staged["project"]
    assert staged["project"]["dependencies"] == PROJECT["dependencies"]
    assert (
        staged["tool"]["setuptools"]
        == tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    )


def test_the_pinned_mcpb_validates_the_manifest():
    npx = need_npx()
    result = run([npx, "-y", BUILD.MCPB, "validate", str(ROOT / "manifest.json")])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Manifest schema validation passes!" in result.stdout


async def serve_from(bundle: Path, uv: Path, user: dict[str, Any], cwd: Path) -> dict[str, Any]:
    launch = desktop_launch(read_json(bundle / "manifest.json"), bundle, user)
    assert launch["command"] == "uv"  # the host's own uv; here the pinned one from PyPI
    params = StdioServerParameters(
        command=str(uv),
        args=launch["args"],
        env=server_env({**launch["env"], **uv_environment()}),
        cwd=str(cwd),
    )
    with anyio.fail_after(START_TIMEOUT):
        async with Client(params) as client:
            tools = {t.name for t in (await client.list_tools()).tools}
            listed = await client.call_tool("list_replays", {"limit": 3})
            version = client.server_info.version if client.server_info else None
    return {"tools": tools, "listed": listed, "version": version}


@pytest.mark.anyio
@pytest.mark.timeout(600)
async def test_the_built_bundle_serves_the_tools_as_the_host_starts_it(tmp_path: Path):
    need_npx()
    uv = ensure_uv()
    built = run([sys.executable, str(ROOT / "scripts" / "build_bundle.py"), "--out", str(tmp_path)])
    assert built.returncode == 0, built.stdout + built.stderr
    archive = tmp_path / BUILD.BUNDLE_NAME
    with zipfile.ZipFile(archive) as bundle:
        names = bundle.namelist()
        bundle.extractall(tmp_path / "installed")
    entry = MANIFEST["server"]["entry_point"]
    assert {"manifest.json", "pyproject.toml", "README.md", entry} <= set(names)
    assert "server/__main__.py" in names and "tools/kit/registry.py" in names
    assert not [n for n in names if n.startswith(("tests/", "benchmarks/", ".")) or ".pyc" in n]
    installed = tmp_path / "installed"
    assert read_json(installed / "manifest.json") == MANIFEST

    demo = DemoSentry()
    with serve_in_thread(demo) as api:
        settings = {
            "sentry_auth_token": demo.token,
            "sentry_url": api.removesuffix("/api/0/"),
            "sentry_org": demo.organization,
        }
        default = await serve_from(installed, uv, settings, tmp_path)
        writable = await serve_from(installed, uv, {**settings, "read_only": False}, tmp_path)
        seen = list(demo.requests)
    # No account: the "Demo data" switch alone, no token and no URL.
    tried = await serve_from(installed, uv, {"demo": True}, tmp_path)

    assert default["tools"] == READ_ONLY_TOOLS, "read-only is the default"
    assert writable["tools"] == ALL_TOOL_NAMES
    assert default["version"] == PROJECT["version"], "installed with its metadata"
    listed = default["listed"]
    assert not listed.is_error, text_of(listed)
    assert listed.structured_content["organization"] == "acme"
    assert len(listed.structured_content["replays"]) == 3
    assert not text_of(listed).startswith("_Demo data"), "the real Sentry configuration path"
    assert text_of(tried["listed"]).startswith("_Demo data"), text_of(tried["listed"])
    assert tried["tools"] == READ_ONLY_TOOLS
    replay_calls = [r for r in seen if "/organizations/acme/replays/" in r.path]
    assert replay_calls and all(r.authenticated and r.status == 200 for r in replay_calls)
