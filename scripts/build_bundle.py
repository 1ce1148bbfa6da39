"""Build dist/sentry-replays-mcp.mcpb, the MCP Bundle for Claude Desktop.

    .venv/bin/python scripts/build_bundle.py [--out DIR]

Stages what the bundle needs in DIR/bundle (manifest.json, pyproject.toml without its
optional dependencies, README.md, server/, tools/ and the entry script; no tests, no
caches), then packs it with the pinned MCPB command line (`npx`, so Node.js is needed to
build, not to install). The bundle carries no dependencies: it is a "uv" bundle, and the host
installs them for the user's platform from pyproject.toml. manifest.json must be up to date
with the tool registry and the version (scripts/bundle_manifest.py).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MCPB_VERSION = "2.1.2"
MCPB = f"@anthropic-ai/mcpb@{MCPB_VERSION}"
BUNDLE_NAME = "sentry-replays-mcp.mcpb"
# What the bundle holds, as paths from the checkout's top.
FILES = ("manifest.json", "README.md", "scripts/bundle_entry.py")
PACKAGES = ("server", "tools")
SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo")
OPTIONAL_TABLE = re.compile(r"^\[project\.optional-dependencies\]\n(?:(?!\[).*\n)*", re.M)


def runtime_pyproject(text: str) -> str:
    """pyproject.toml without [project.optional-dependencies]: the host's uv resolves every
    extra a project declares, and the test, dev and benchmark tools are no business of a
    Claude Desktop install."""
    trimmed, count = OPTIONAL_TABLE.subn("", text)
    if count != 1 or "optional-dependencies" in trimmed:
        raise SystemExit("pyproject.toml: expected one [project.optional-dependencies] table")
    return trimmed


def stage(staging: Path) -> None:
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    for name in FILES:
        (staging / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, staging / name)
    for package in PACKAGES:
        shutil.copytree(ROOT / package, staging / package, ignore=SKIPPED)
    pyproject = runtime_pyproject((ROOT / "pyproject.toml").read_text())
    (staging / "pyproject.toml").write_text(pyproject)


def check_manifest() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bundle_manifest.py"), "--check"], check=False
    )
    if result.returncode != 0:
        raise SystemExit(result.returncode)


def pack(staging: Path, output: Path) -> None:
    npx = shutil.which("npx")
    if npx is None:
        raise SystemExit("npx not found: building the bundle needs Node.js (npm)")
    output.unlink(missing_ok=True)
    command = [npx, "-y", MCPB, "pack", str(staging), str(output)]
    result = subprocess.run(command, stdin=subprocess.DEVNULL, check=False)
    if result.returncode != 0 or not output.exists():
        raise SystemExit(f"{' '.join(command)} failed (exit {result.returncode})")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="default: dist/")
    args = parser.parse_args(argv)
    started = time.monotonic()
    check_manifest()
    out: Path = args.out.resolve()
    stage(out / "bundle")
    pack(out / "bundle", out / BUNDLE_NAME)
    size = (out / BUNDLE_NAME).stat().st_size
    print(
        f"built {out / BUNDLE_NAME}: {size:,} bytes in {time.monotonic() - started:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
