"""What the packaging tests run: the project's own scripts (scripts/), the pinned MCPB command
line through npx, and a pinned uv installed from PyPI into .cache/ (never a dependency of the
project). Without npm/node, or without a way to install uv, a test skips, unless
REQUIRE_INSPECTOR=1 (as in CI, which has npm and PyPI) turns that into a failure.

`desktop_launch()` turns the manifest's `mcp_config` into the command Claude Desktop starts,
substituting variables as the MCPB reference code does (@anthropic-ai/mcpb,
src/shared/config.ts, getMcpConfigForManifest): `${__dirname}` is the unpacked bundle,
`${user_config.KEY}` the user's value or else the manifest's default, booleans as "true" /
"false".
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from tests.e2e.program import ROOT, unavailable
from tests.installs import bounded

UV_VERSION = "0.13.9"
UV_PREFIX = ROOT / ".cache" / "uv-tool"
UV_BIN = UV_PREFIX / "bin" / "uv"
UV_CACHE = ROOT / ".cache" / "uv"
INSTALL_TIMEOUT = 300
VARIABLE = re.compile(r"\$\{([^}]+)\}")


def load_script(name: str) -> ModuleType:
    """A module of scripts/ (not a package), imported from its file."""
    path = ROOT / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"scripts_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def need_npx() -> str:
    npx = shutil.which("npx")
    if npx is None or shutil.which("node") is None:
        unavailable("npx/node not on PATH: cannot run the MCPB command line")
    return npx


def uv_version(binary: Path) -> str | None:
    try:
        out = subprocess.run(
            [str(binary), "--version"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except OSError:
        return None
    return out.split()[1] if out.startswith("uv ") else None


def ensure_uv() -> Path:
    """The pinned uv, installed once from PyPI with pip into .cache/uv-tool."""
    if uv_version(UV_BIN) == UV_VERSION:
        return UV_BIN
    shutil.rmtree(UV_PREFIX, ignore_errors=True)
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--target", str(UV_PREFIX)]
    result = bounded([*command, f"uv=={UV_VERSION}"], timeout=INSTALL_TIMEOUT, give_up=unavailable)
    if result.returncode != 0 or uv_version(UV_BIN) != UV_VERSION:
        unavailable(f"pip install uv=={UV_VERSION} failed: {result.stderr[-1500:]}")
    return UV_BIN


def uv_environment() -> dict[str, str]:
    """uv runs on this interpreter (no Python download: CI reaches PyPI only) with a cache
    kept in the checkout's .cache/."""
    return {
        "UV_PYTHON": sys.executable,
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_CACHE_DIR": str(UV_CACHE),
        "UV_NO_PROGRESS": "1",
    }


def substitute(value: Any, variables: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return VARIABLE.sub(lambda m: variables.get(m.group(1), m.group(0)), value)
    if isinstance(value, list):
        return [substitute(item, variables) for item in value]
    if isinstance(value, dict):
        return {key: substitute(item, variables) for key, item in value.items()}
    return value


def desktop_launch(
    manifest: Mapping[str, Any], bundle_dir: Path, user: Mapping[str, Any]
) -> dict[str, Any]:
    """command, args and env as the host builds them from `mcp_config` and the user's
    settings (an unknown variable is left as written, as the host does)."""
    settings = {k: o["default"] for k, o in manifest["user_config"].items() if "default" in o}
    settings.update(user)
    variables = {"__dirname": str(bundle_dir)}
    for key, value in settings.items():
        text = ("true" if value else "false") if isinstance(value, bool) else str(value)
        variables[f"user_config.{key}"] = text
    config = manifest["server"]["mcp_config"]
    launch: dict[str, Any] = substitute(
        {k: config.get(k, d) for k, d in (("command", ""), ("args", []), ("env", {}))}, variables
    )
    return launch


def read_json(path: Path) -> Any:
    return json.loads(path.read_text())


def run(
    command: list[str], *, env: Mapping[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return bounded(command, timeout=timeout, env=env)
