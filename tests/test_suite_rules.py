"""Rules the suite keeps so that it tells the truth on any machine: a test waits for the event
it needs through `waiting.py` (bounded), never for a fixed time; the only other sleeps are
observation windows, marked `# window:`, during which something must not happen (a longer
window can only make such a test stricter)."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
ALLOWED = {TESTS / "waiting.py"}


def unmarked_sleeps(path: Path) -> list[str]:
    source = path.read_text()
    lines = source.splitlines()
    found = set()
    for node in ast.walk(ast.parse(source, str(path))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
        if name == "sleep" and "# window:" not in lines[node.lineno - 1]:
            found.add(node.lineno)
    return [f"{path.name}:{n}: {lines[n - 1].strip()}" for n in sorted(found)]


def test_tests_wait_for_events_not_for_time():
    found = [s for path in sorted(TESTS.rglob("*.py")) if path not in ALLOWED
             for s in unmarked_sleeps(path)]  # fmt: skip
    assert not found, "wait with waiting.until / until_sync instead:\n" + "\n".join(found)


def test_the_rule_sees_a_sleep(tmp_path: Path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import anyio, time\n"
        "async def f():\n"
        "    await anyio.sleep(1)\n"
        "    time.sleep(0.1)\n"
        "    await anyio.sleep(2)  # window: nothing may happen meanwhile\n"
    )
    assert [s.split(":")[1] for s in unmarked_sleeps(sample)] == ["3", "4"]
