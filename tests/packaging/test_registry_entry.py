"""server.json, the MCP Registry entry: valid against the registry's published schema, and in
agreement with pyproject.toml (version, package name), the server's settings (environment
variables) and the README (the `mcp-name:` line the registry looks for on PyPI).

server.schema.json beside this file is a copy of the registry's published schema,
https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json (the release
current on 2026-11-30), taken byte for byte: its SHA-256 below is the published file's. CI has
no general internet, so the copy is what the tests read; moving to a newer schema means
replacing the file, the hash and server.json's `$schema` together.
"""

from __future__ import annotations

import copy
import hashlib
import re
import tomllib
from typing import Any

import pytest
from jsonschema import Draft7Validator

from sentry_replays_mcp.server.config import ENVIRONMENT
from tests.e2e.program import ROOT
from tests.packaging.runners import read_json

SCHEMA_URL = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json"
SCHEMA_FILE = ROOT / "tests" / "packaging" / "server.schema.json"
SCHEMA_SHA256 = "3fba09590c99f61735d234822279f4223fab9e300c0a81e81c91ab62a4114de0"
ENTRY = read_json(ROOT / "server.json")
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def validator() -> Draft7Validator:
    schema = read_json(SCHEMA_FILE)
    return Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)


def problems(entry: dict[str, Any]) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator().iter_errors(entry)]


def pypi_package() -> dict[str, Any]:
    (package,) = [p for p in ENTRY["packages"] if p["registryType"] == "pypi"]
    return package


def test_the_schema_copy_is_the_published_file():
    assert hashlib.sha256(SCHEMA_FILE.read_bytes()).hexdigest() == SCHEMA_SHA256
    assert read_json(SCHEMA_FILE)["$id"] == SCHEMA_URL == ENTRY["$schema"]


def test_the_entry_is_valid_against_the_registry_schema():
    assert problems(ENTRY) == []


@pytest.mark.parametrize(
    ("path", "value", "complaint"),
    [
        (("description",), "x" * 101, "is too long"),
        (("name",), "sentry-replays-mcp", "does not match"),
        (("packages", 0, "version"), "latest", "should not be valid"),
        (("packages", 0, "transport"), {"type": "pigeon"}, "is not valid under any"),
    ],
)
def test_the_schema_check_notices_a_bad_entry(path: tuple[Any, ...], value: Any, complaint: str):
    broken = copy.deepcopy(ENTRY)
    target = broken
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert any(complaint in p for p in problems(broken)), problems(broken)


def test_the_entry_agrees_with_pyproject():
    package = pypi_package()
    assert ENTRY["version"] == package["version"] == PROJECT["version"]
    assert package["identifier"] == PROJECT["name"]
    assert package["transport"] == {"type": "stdio"}


def test_the_environment_is_what_the_server_reads_and_the_token_is_secret():
    variables = {v["name"]: v for v in pypi_package()["environmentVariables"]}
    assert set(variables) <= set(ENVIRONMENT)
    token = variables["SENTRY_AUTH_TOKEN"]
    assert token["isSecret"] is True and token["isRequired"] is True
    assert not [v for name, v in variables.items() if name != "SENTRY_AUTH_TOKEN" and
                v.get("isSecret")]  # fmt: skip
    assert variables["SENTRY_READ_ONLY"]["format"] == "boolean"


def test_the_readme_names_the_entry_for_the_registrys_pypi_check():
    readme = (ROOT / "README.md").read_text()
    assert re.findall(r"mcp-name: (\S+)", readme) == [ENTRY["name"]]
    owner = ENTRY["name"].removeprefix("io.github.").split("/")[0]
    assert ENTRY["repository"]["url"] == f"https://github.com/{owner}/{PROJECT['name']}"
