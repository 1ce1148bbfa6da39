"""The code's shape, as ARCHITECTURE in the README describes it: which way imports go, and
how big a module may grow. (Cyclomatic complexity is checked by ruff's C901 and by radon in
`.ci/run`.)

- `tools/api/` knows nothing of MCP or of the rest of `tools/` (it may use msgspec);
- `tools/recording/` knows nothing of MCP, pydantic, HTTP or the tools: the standard library,
  itself, the text sanitiser `tools/kit/text.py` and the JSON decoder msgspec;
- `tools/kit/` never imports a tool module;
- a tool module (`tools/*.py`) imports the kit, api and recording, never another tool module;
- no module in `server/`, `tools/`, `tests/` or `benchmarks/` is longer than 400 lines.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / "tools"
PACKAGE = "sentry_replays_mcp.tools"
MAX_LINES = 400
TOOL_MODULES = sorted(p for p in TOOLS.glob("*.py") if p.name != "__init__.py")


def imports_of(path: Path) -> list[str]:
    """Every module a file imports, as dotted names (`from a import b` gives `a.b`)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.module != "__future__":
            found += [f"{node.module}.{alias.name}" for alias in node.names]
    return found


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def outside(path: Path, allowed: tuple[str, ...]) -> list[str]:
    """The imports of `path` that are neither standard library nor under an allowed name."""
    return [
        name
        for name in imports_of(path)
        if name.split(".")[0] not in sys.stdlib_module_names
        and not any(within(name, a) for a in allowed)
    ]


def test_tool_modules_are_the_tools():
    assert [p.stem for p in TOOL_MODULES] == [
        "clicks",
        "count_replays",
        "delete_replay",
        "get_replay",
        "list_replays",
        "recording_segments",
        "replay_view",
        "summarize_replay",
        "viewers",
    ]


@pytest.mark.parametrize("path", TOOL_MODULES, ids=lambda p: p.name)
def test_a_tool_module_imports_no_other_tool_module(path: Path):
    siblings = {f"{PACKAGE}.{p.stem}" for p in TOOL_MODULES} | {
        f"{PACKAGE}.{p.stem}" for p in TOOLS.glob("*.py")
    }
    assert [n for n in imports_of(path) if any(within(n, s) for s in siblings)] == []


def test_the_kit_imports_no_tool_module():
    tool_modules = tuple(f"{PACKAGE}.{p.stem}" for p in TOOL_MODULES)
    for path in sorted((TOOLS / "kit").glob("*.py")):
        assert [n for n in imports_of(path) if any(within(n, t) for t in tool_modules)] == [], path


def test_the_recording_engine_imports_only_itself_and_the_text_sanitiser():
    allowed = (f"{PACKAGE}.recording", f"{PACKAGE}.kit.text", "msgspec")
    modules = sorted((TOOLS / "recording").glob("*.py"))
    assert len(modules) > 1
    assert {p.name: outside(p, allowed) for p in modules} == {p.name: [] for p in modules}


def test_the_api_knows_nothing_of_mcp_or_the_tools():
    allowed = (f"{PACKAGE}.api", "httpx2", "pydantic", "anyio", "msgspec")
    modules = sorted((TOOLS / "api").glob("*.py"))
    assert {p.name: outside(p, allowed) for p in modules} == {p.name: [] for p in modules}


def test_the_import_check_notices_a_stray_import(tmp_path: Path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import json\nfrom mcp.types import Tool\n"
        "from sentry_replays_mcp.tools.kit import text as r\n"
        "from sentry_replays_mcp.tools.kit import resolve\n"
        "from sentry_replays_mcp.tools.recording.kinds import Event\n"
    )
    allowed = (f"{PACKAGE}.recording", f"{PACKAGE}.kit.text")
    assert outside(sample, allowed) == ["mcp.types.Tool", f"{PACKAGE}.kit.resolve"]


def test_no_module_is_longer_than_400_lines():
    long = {
        str(path.relative_to(ROOT)): n
        for folder in ("server", "tools", "tests", "benchmarks")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if (n := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


# -- names that explain themselves ---------------------------------------------------------

SAME_NAME_ALLOWED = {"app", "errors"}  # server/app.py and the demo's; each layer's errors


def one_letter_apart(a: str, b: str) -> bool:
    """True when `b` is `a` with at most one letter changed, added or removed."""
    if len(a) > len(b):
        a, b = b, a
    if len(b) - len(a) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    return any(b[:i] + b[i + 1 :] == a for i in range(len(b)))


def test_no_two_modules_are_a_letter_apart():
    modules = sorted(
        path
        for folder in ("server", "tools")
        for path in (ROOT / folder).rglob("*.py")
        if path.stem not in ("__init__", "__main__")
    )
    close = [
        (str(a.relative_to(ROOT)), str(b.relative_to(ROOT)))
        for i, a in enumerate(modules)
        for b in modules[i + 1 :]
        if one_letter_apart(a.stem, b.stem)
        and not (a.stem == b.stem and a.stem in SAME_NAME_ALLOWED)
    ]
    assert close == []


def test_the_letter_check_sees_a_plural():
    assert one_letter_apart("recording", "recordings")
    assert one_letter_apart("replay", "replays") and one_letter_apart("pages", "pages")
    assert not one_letter_apart("segments", "summary")


def test_no_two_classes_share_a_name():
    """In the server and the tools (the demo Sentry is a world of its own: its `Replay` is
    the fake's record, not the client's model)."""
    where: dict[str, list[str]] = {}
    for folder in ("server", "tools"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "demo" in path.relative_to(ROOT).parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.ClassDef):
                    where.setdefault(node.name, []).append(str(path.relative_to(ROOT)))
    assert {name: paths for name, paths in where.items() if len(paths) > 1} == {}
