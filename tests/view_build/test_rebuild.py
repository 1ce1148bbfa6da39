"""Building the view again from ui/ gives the committed file byte for byte (and the same bytes
every time). Needs the npm packages in ui/node_modules (`cd ui && npm ci`); skipped without."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.view_build.page import BUILT, ROOT, UI

pytestmark = pytest.mark.skipif(
    not (UI / "node_modules" / "rrweb-player").is_dir(),
    reason="ui/node_modules is missing: `cd ui && npm ci` lets this test rebuild the view",
)


def build(out: Path) -> bytes:
    command = [sys.executable, str(ROOT / "scripts" / "build_view.py"), "--out", str(out)]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    return out.read_bytes()


def test_the_committed_view_is_what_the_build_makes(tmp_path: Path):
    first = build(tmp_path / "one.html")
    assert first == build(tmp_path / "two.html")
    assert first == BUILT.read_bytes(), "rebuild: python scripts/build_view.py"
