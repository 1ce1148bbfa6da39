"""The view's own scripts (ui/replay/*.js) write data only as text and talk only to the host."""

from __future__ import annotations

import re

from tests.view_build.page import SOURCES

SCRIPTS = sorted(SOURCES.glob("*.js"))
# Ways to turn a string into markup or code: none is used by the view's own scripts.
UNSAFE = (
    "innerHTML",
    "outerHTML",
    "insertAdjacentHTML",
    "document.write",
    "eval(",
    "new Function",
    "srcdoc",
    "createContextualFragment",
    "DOMParser",
)
STRING_TIMER = re.compile(r"set(Timeout|Interval)\(\s*[\"'`]")
HOST_METHODS = ("ui/initialize", "ui/notifications/initialized", "ui/notifications/size-changed")


def test_the_scripts_exist():
    assert [p.name for p in SCRIPTS] == ["bridge.js", "main.js", "player.js", "timeline.js"]


def test_no_script_turns_data_into_markup_or_code():
    found = [(p.name, word) for p in SCRIPTS for word in UNSAFE if word in p.read_text()]
    assert found == []
    assert [p.name for p in SCRIPTS if STRING_TIMER.search(p.read_text())] == []


def test_the_bridge_reads_only_the_hosts_messages():
    bridge = (SOURCES / "bridge.js").read_text()
    receive = bridge[bridge.index("function receive(") :]
    first = receive.splitlines()[1].strip()
    assert first == "if (event.source !== window.parent) return;"


def test_the_bridge_speaks_the_protocol_of_the_spec():
    bridge = (SOURCES / "bridge.js").read_text()
    assert 'const PROTOCOL = "2026-01-26";' in bridge
    for method in HOST_METHODS:
        assert f'"{method}"' in bridge
    main = (SOURCES / "main.js").read_text()
    for method in ("tool-input", "tool-result", "tool-cancelled", "host-context-changed"):
        assert f'"ui/notifications/{method}"' in main
    assert '"ui/resource-teardown"' in main and 'onRequest("ping"' in bridge
