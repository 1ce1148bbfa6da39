"""The package installs as a new user gets it: every third-party import declared, nothing
generic (`server`, `tools`) in site-packages, and the wheel working beside another
distribution that ships its own `tools` package."""

from __future__ import annotations

import ast
import base64
import hashlib
import os
import re
import shutil
import site
import subprocess
import sys
import tomllib
import zipfile
from importlib.metadata import packages_distributions
from pathlib import Path

import anyio
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client

from tests.e2e.program import ALL_TOOLS, ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
IMPORT_NAME = "sentry_replays_mcp"
# Prints whether plain `server` and `tools` can be imported, and whether ours can.
FIND_SPECS = (
    "import importlib.util as u; print(u.find_spec('server'), u.find_spec('tools'),"
    " 'found' if u.find_spec('sentry_replays_mcp.tools') else 'missing')"
)


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared() -> set[str]:
    """The distributions named in [project].dependencies."""
    return {
        canonical(re.split(r"[\s<>=!~;\[(]", spec, maxsplit=1)[0])
        for spec in PYPROJECT["project"]["dependencies"]
    }


def imported_modules(folders: list[Path]) -> set[str]:
    """The top-level modules that the code in `folders` imports (lazy imports included)."""
    found = set()
    for folder in folders:
        for path in folder.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    found |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {IMPORT_NAME, "__future__"}


def undeclared(modules: set[str], dependencies: set[str]) -> list[str]:
    """Each module whose distribution (any of them, for a module several provide) is not a
    declared dependency, or that no installed distribution provides."""
    providers = packages_distributions()
    missing = []
    for module in sorted(modules):
        dists = {canonical(d) for d in providers.get(module, [])}
        if not dists & dependencies:
            missing.append(f"{module} (from {sorted(dists) or 'no installed distribution'})")
    return missing


def test_every_third_party_import_is_a_declared_dependency():
    modules = imported_modules([ROOT / "server", ROOT / "tools"])
    assert {"mcp", "httpx2", "pydantic", "anyio", "starlette", "uvicorn"} <= modules
    assert not undeclared(modules, declared())


def test_the_dependency_check_notices_a_missing_one():
    # starlette arrives with mcp, but a module is only covered by its own declaration
    assert undeclared({"starlette", "mcp"}, {"mcp"}) == ["starlette (from ['starlette'])"]
    assert undeclared({"no_such_module_here"}, declared())


def test_every_package_folder_is_in_the_wheel():
    mapped = PYPROJECT["tool"]["setuptools"]["package-dir"]
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    folders = {folder: name for name, folder in mapped.items()}
    on_disk = set()
    for top, name in folders.items():
        for init in (ROOT / top).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / top).parts
            on_disk.add(".".join((name, *rel)))
    assert on_disk == listed, f"missing: {on_disk - listed}, stale: {listed - on_disk}"


def test_the_editable_install_exposes_no_generic_names(tmp_path: Path):
    done = subprocess.run(
        [sys.executable, "-c", FIND_SPECS],
        cwd=tmp_path,  # not the checkout, whose folders a script run there would see
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.split() == ["None", "None", "found"], done.stderr


# -- the wheel, beside another distribution's `tools` ------------------------------------------


def foreign_wheel(folder: Path) -> Path:
    """A wheel like many agent projects ship: top-level `tools` and `server` packages."""
    name, files = (
        "other_agent_kit-1.0",
        {
            "tools/__init__.py": "WHO = 'other-agent-kit'\n",
            "server/__init__.py": "WHO = 'other-agent-kit'\n",
        },
    )
    info = f"{name}.dist-info"
    files[f"{info}/METADATA"] = "Metadata-Version: 2.1\nName: other-agent-kit\nVersion: 1.0\n"
    files[f"{info}/WHEEL"] = (
        "Wheel-Version: 1.0\nGenerator: hand\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    )
    record = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
        record.append(f"{path},sha256={digest.decode()},{len(text.encode())}")
    files[f"{info}/RECORD"] = "\n".join([*record, f"{info}/RECORD,,"]) + "\n"
    wheel = folder / f"{name}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, text in files.items():
            archive.writestr(path, text)
    return wheel


def our_wheel(folder: Path) -> Path:
    """`pip wheel` of a copy of the sources (the checkout stays untouched)."""
    source = folder / "source"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for item in ("server", "tools"):
        shutil.copytree(ROOT / item, source / item, ignore=ignore)
    for item in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / item, source / item)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            str(folder),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (wheel,) = folder.glob("sentry_replays_mcp-*.whl")
    return wheel


def new_venv(folder: Path) -> tuple[Path, Path]:
    """A venv without pip whose dependencies come from this one's site-packages (a `.pth`
    line adds the folder; the `.pth` files inside it, such as the editable install's import
    hook, are not run). Returns (its python, its site-packages)."""
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True, timeout=120
    )
    python = folder / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout.strip()  # fmt: skip
    (Path(purelib) / "borrowed_dependencies.pth").write_text("\n".join(site.getsitepackages()))
    return python, Path(purelib)


def install(python: Path, *wheels: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
         "--no-index", "--quiet", *map(str, wheels)],
        capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def run_in(python: Path, cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(
        [str(python), *argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.anyio
async def test_the_wheel_runs_beside_another_distributions_tools_package(tmp_path: Path):
    wheel = our_wheel(tmp_path)
    with zipfile.ZipFile(wheel) as archive:
        tops = {name.split("/")[0] for name in archive.namelist()}
    assert {top for top in tops if not top.endswith(".dist-info")} == {IMPORT_NAME}

    python, purelib = new_venv(tmp_path / "venv")
    install(python, wheel)
    assert not (purelib / "server").exists() and not (purelib / "tools").exists()
    alone = run_in(python, tmp_path, "-c", FIND_SPECS)
    assert alone.stdout.split() == ["None", "None", "found"], alone.stderr

    install(python, foreign_wheel(tmp_path))  # after ours, as an agent project would
    theirs = run_in(python, tmp_path, "-c", "import tools, server; print(tools.WHO, server.WHO)")
    assert theirs.stdout.split() == ["other-agent-kit", "other-agent-kit"], theirs.stderr
    version = run_in(python, tmp_path, "-m", "sentry_replays_mcp.server", "--version")
    assert version.returncode == 0 and version.stdout.startswith("sentry-replays-mcp "), (
        version.stderr
    )

    script = python.parent / "sentry-replays-mcp"
    params = StdioServerParameters(command=str(script), args=["--demo"], cwd=str(tmp_path))
    with anyio.fail_after(60), (tmp_path / "stderr.txt").open("w") as errlog:
        async with Client(stdio_client(params, errlog=errlog)) as client:
            listed = await client.list_tools()
            result = await client.call_tool("list_replays", {"limit": 2})
    assert {tool.name for tool in listed.tools} == ALL_TOOLS
    assert not result.is_error and len(result.structured_content["replays"]) == 2
