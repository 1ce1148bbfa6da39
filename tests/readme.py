"""The README's code blocks, read the way a person reads them."""

from __future__ import annotations

import shlex

from tests.e2e.program import ROOT

README = ROOT / "README.md"
ELIDED = "…"


def section(heading: str) -> str:
    """The README's text under `## heading`, up to the next `## ` heading outside a code
    block."""
    taken: list[str] = []
    inside = fenced = False
    for line in README.read_text().splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("## "):
            if inside:
                break
            inside = line == f"## {heading}"
        if inside:
            taken.append(line)
    assert taken, f"the README has no section {heading!r}"
    return "\n".join(taken) + "\n"


def blocks(text: str, lang: str = "") -> list[str]:
    """The fenced code blocks of `text` whose opening fence names `lang` ('' for a bare one)."""
    found: list[str] = []
    opened: str | None = None
    lines: list[str] = []
    for line in text.splitlines():
        if opened is None and line.startswith("```"):
            opened, lines = line[3:].strip(), []
        elif opened is not None and line.strip() == "```":
            if opened == lang:
                found.append("\n".join(lines) + "\n")
            opened = None
        elif opened is not None:
            lines.append(line)
    return found


def command_line(block: str) -> list[str]:
    """A shell block's one command as argv (backslash continuations joined)."""
    return shlex.split(block.replace("\\\n", " "))


def excerpt_problems(shown: list[str], actual: list[str]) -> list[str]:
    """How an excerpt differs from the real output. Runs of shown lines separated by a line
    `…` must each appear as consecutive lines of `actual`, in order; a shown line ending in
    `…` stands for any line that starts with what precedes it."""
    runs: list[list[str]] = [[]]
    for line in shown:
        if line.strip() == ELIDED:
            runs.append([])
        else:
            runs[-1].append(line)
    problems, at = [], 0
    for run in (r for r in runs if r):
        found = next(
            (i for i in range(at, len(actual) - len(run) + 1) if _matches(run, actual[i:])), None
        )
        if found is None:
            problems.append(f"not in the output, in this order: {run}")
            continue
        at = found + len(run)
    return problems


def _matches(run: list[str], actual: list[str]) -> bool:
    return all(
        got == want or (want.endswith(ELIDED) and got.startswith(want[: -len(ELIDED)]))
        for want, got in zip(run, actual, strict=False)
    )
