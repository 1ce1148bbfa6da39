"""The official MCP conformance suite against the real program on streamable HTTP (`--demo`,
127.0.0.1, port 0), with sessions and with `--stateless`: every server scenario that applies
to a server with our features passes (initialize, ping, logging, tools-list, completion,
resources-list, prompts-list, DNS-rebinding protection, and, with sessions, several SSE
streams on one session), and every scenario listed as not applicable in `baseline.toml` ends
as the baseline says, with one reason each.

The suite and Node 22 are installed once into `.cache/conformance` (see `suite.py`); without
npm the test skips, unless REQUIRE_CONFORMANCE=1 (as in CI).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.conformance.suite import INSTALL_TIMEOUT, RUN_TIMEOUT, Outcome, ensure_suite, run_suite
from tests.e2e.program import running_server

pytestmark = pytest.mark.timeout(INSTALL_TIMEOUT + RUN_TIMEOUT + 60)

BASELINE = Path(__file__).with_name("baseline.toml")
MODES = {"sessions": (), "stateless": ("--stateless",)}
# What must pass, named here too so that a scenario the suite renamed or dropped is noticed.
APPLICABLE = frozenset(
    {
        "server-initialize",
        "ping",
        "logging-set-level",
        "tools-list",
        "completion-complete",
        "resources-list",
        "prompts-list",
        "dns-rebinding-protection",
        "server-sse-multiple-streams",
    }
)


def baseline(mode: str) -> dict[str, dict[str, str]]:
    """The entries for every mode (`[scenarios.*]`), and those of this mode (`[<mode>.*]`)."""
    tables: dict[str, Any] = tomllib.loads(BASELINE.read_text())
    assert tables.keys() <= {"scenarios", *MODES}, f"unknown tables: {sorted(tables)}"
    entries = {**tables["scenarios"], **tables.get(mode, {})}
    for name, entry in entries.items():
        assert entry.get("expect") in ("pass", "fail"), f"{name}: expect is 'pass' or 'fail'"
        assert str(entry.get("reason", "")).strip(), f"{name}: a reason is needed"
    return entries


def applicable(mode: str) -> set[str]:
    return set(APPLICABLE - baseline(mode).keys())


@pytest.fixture(scope="session")
def suite() -> tuple[str, Path]:
    """(node, the suite's script), installed once; before any server is started."""
    return ensure_suite()


@pytest.fixture(scope="module", params=list(MODES))
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def results(
    suite: tuple[str, Path], mode: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Outcome]:
    node, main = suite
    with running_server("streamable-http", *MODES[mode]) as server:
        out_dir = tmp_path_factory.mktemp(f"conformance-{mode}")
        outcomes, run = run_suite(node, main, server.endpoint, out_dir)
    assert outcomes, f"the suite wrote no results (exit {run.returncode}):\n{run.stdout[-3000:]}"
    return outcomes


def test_only_the_stateless_mode_takes_an_applicable_scenario_out():
    assert not APPLICABLE & baseline("sessions").keys()
    assert APPLICABLE - applicable("stateless") == {"server-sse-multiple-streams"}


def test_every_applicable_scenario_passes(results: dict[str, Outcome], mode: str):
    expected = {name for name in results if name not in baseline(mode)}
    assert expected == applicable(mode), "the suite's scenarios changed: review baseline.toml"
    failed = {name: results[name].failures for name in sorted(expected - _passed(results))}
    assert not failed, f"applicable scenarios failed ({mode}): {failed}"


def test_every_baseline_entry_ends_as_expected(results: dict[str, Outcome], mode: str):
    unknown = sorted(baseline(mode).keys() - results.keys())
    assert not unknown, f"baseline entries the suite does not have: {unknown}"
    surprises = {
        name: f"expected to {entry['expect']}, but it {_ended(results[name])}"
        for name, entry in baseline(mode).items()
        if results[name].passed != (entry["expect"] == "pass")
    }
    assert not surprises, f"baseline.toml is out of date ({mode}): {surprises}"


def _passed(results: dict[str, Outcome]) -> set[str]:
    return {name for name, outcome in results.items() if outcome.passed}


def _ended(outcome: Outcome) -> str:
    return "passed" if outcome.passed else f"failed: {outcome.failures}"
