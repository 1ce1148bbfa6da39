"""A tool result shown in the test host page, as a host shows an MCP App: open the page for a
tool call, find the view's frame, read it, and act on it with real mouse and keyboard input.
Every wait is bounded (tests/waiting.py's `until_sync` or the driver's bounded waits)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from tests.browser.bridge import Bridge
from tests.browser.cdp import Browser, BrowserError
from tests.waiting import until_sync

CHECKOUT = "cbbda8389eee4da3b0c1e7feeaf5b7a7"  # the demo's web checkout replay (org acme)
ANDROID = "ff83f860ab4043d38fd6f305adc9be15"  # the demo's Android replay
WIDTH, HEIGHT = 1280, 800
INIT_WITHIN = 20.0  # seconds for the view to finish its handshake with the host
LOAD_WITHIN = 60.0  # seconds for the view to render everything (the recording included)
MAX_KEYS = 80  # Tab / arrow presses allowed to reach one element
VIEW_IFRAME = "document.getElementById('view')"  # the host's iframe
INNER_IFRAME = "document.querySelector('iframe')"  # the sandbox proxy's iframe (the view)
CENTRE = (  # an element's centre in its frame's viewport
    "(n => {{ const r = n.getBoundingClientRect();"
    " return {{x: r.left + r.width / 2, y: r.top + r.height / 2}}; }})({})"
)
CORNER = (  # where an iframe's content starts in its parent's viewport
    "(f => {{ const r = f.getBoundingClientRect();"
    " return {{x: r.left + f.clientLeft, y: r.top + f.clientTop}}; }})({})"
)


def js(value: Any) -> str:
    return json.dumps(value)


@dataclass
class Hosted:
    """The host page showing one tool result in its view frame."""

    browser: Browser
    bridge: Bridge
    frame: str = ""
    proxy: str | None = None  # the sandbox proxy's frame, in "proxy" isolation
    first_call: int = 0

    def show(
        self, tool: str, arguments: dict[str, Any], theme: str = "light", isolation: str = "proxy"
    ) -> Hosted:
        """Open the host page for `tool(arguments)` and wait until the view has taken the
        result and finished loading (its `#app` no longer busy). `isolation`: "proxy" (the
        sandbox proxy of the specification) or "direct" (an allow-scripts-only iframe)."""
        page = self.bridge.page(isolation, tool=tool, args=json.dumps(arguments), theme=theme,
                                width=str(WIDTH - 40), maxHeight="4000")  # fmt: skip
        self.first_call = len(self.bridge.calls)
        self.browser.open(page, WIDTH, HEIGHT)
        sent = lambda: self.host("host.phase") == "result sent" or self.host("host.error")  # noqa: E731
        assert until_sync(sent, INIT_WITHIN), (
            f"no handshake from the view: {self.host('host.phase')}"
        )
        assert self.host("host.error") is None, self.host("host.error")
        self.frame = self.view_frame()
        assert self.wait("document.getElementById('app').getAttribute('aria-busy') === 'false'")
        return self

    def view_frame(self) -> str:
        """The view's frame, once it has a context: the host's iframe, or in "proxy" isolation
        the sandbox proxy's inner iframe."""
        found: list[str] = []

        def located() -> bool:
            try:
                return locate()
            except BrowserError:
                return False  # a frame that is not attached yet

        def locate() -> bool:
            found[:] = self.browser.child_frames()
            if found and self.host("host.isolation") == "proxy":
                self.proxy = found[0]
                found[:] = self.browser.child_frames(found[0])  # the proxy's inner frame
            return bool(found) and self.browser.context_of(found[0]) is not None

        assert until_sync(located, LOAD_WITHIN), "the host page shows no view frame"
        return found[0]

    def called(self, tool: str) -> list[dict[str, Any]]:
        """The tools/call requests for `tool` that the bridge forwarded for this page."""
        calls = self.bridge.calls[self.first_call :]
        return [c for c in calls if c["method"] == "tools/call" and c["name"] == tool]

    def stray_requests(self) -> list[dict[str, Any]]:
        """Requests other than the host page's own (its files and its bridge calls, from its
        frame) and the sandbox proxy's own two files (from the proxy's frame): any request
        from the view's frame, the player's frame or elsewhere. `data:` URLs are content the
        view carries inline (the player's cursor image), not requests that leave the page."""
        own = {self.browser.page_frame: self.bridge.url + "/"}
        if self.proxy:
            own[self.proxy] = self.bridge.sandbox_url + "/sandbox."
        return [r for r in self.browser.record.requests
                if not r["url"].startswith((own.get(r["frame"], "\0"), "data:"))]  # fmt: skip

    # -- reading --------------------------------------------------------------------------

    def host(self, expression: str) -> Any:
        """`expression` evaluated in the host page."""
        return self.browser.evaluate(expression)

    def view(self, expression: str) -> Any:
        """`expression` evaluated in the view's frame."""
        return self.browser.evaluate(expression, self.frame)

    def wait(self, expression: str, within: float = LOAD_WITHIN) -> bool:
        """Wait (bounded) until `expression` is truthy in the view."""

        def holds() -> bool:
            try:
                return bool(self.view(expression))
            except BrowserError:
                return False  # the frame is between documents

        return until_sync(holds, within)

    def text(self, selector: str) -> str:
        return str(self.view(f"(document.querySelector({js(selector)}) || {{}}).textContent || ''"))

    def shown(self, selector: str) -> list[dict[str, Any]]:
        """The elements matching `selector` that are rendered (checkVisibility), with their
        kind, index, group, classes and text (accessible label, then content)."""
        return list(
            self.view(f"""Array.from(document.querySelectorAll({js(selector)}))
            .filter((n) => n.checkVisibility())
            .map((n) => ({{kind: n.dataset.kind, index: n.dataset.index, group: n.dataset.group,
                          classes: Array.from(n.classList),
                          text: (n.getAttribute('aria-label') || '') + ' ' + n.textContent}}))""")
        )

    # -- acting ---------------------------------------------------------------------------

    def point(self, selector: str) -> tuple[float, float]:
        """The page coordinates of the centre of the view's element `selector`, scrolled into
        the host's viewport first: its place in the view plus the view's place in the page
        (through the sandbox proxy's frame, in "proxy" isolation)."""
        found = f"document.querySelector({js(selector)})"
        assert self.view(f"!!{found}"), f"the view has no {selector}"
        self.view(f"{found}.scrollIntoView({{block: 'center', inline: 'center'}})")
        box = self.view(CENTRE.format(found))
        self.host(f"window.scrollBy(0, {self.host(CORNER.format(VIEW_IFRAME))['y']} + "
                  f"{box['y']} - innerHeight / 2)")  # fmt: skip
        x, y = 0.0, 0.0
        corners = [(None, VIEW_IFRAME)] + ([(self.proxy, INNER_IFRAME)] if self.proxy else [])
        for frame, iframe in corners:
            corner = self.browser.evaluate(CORNER.format(iframe), frame)
            x, y = x + corner["x"], y + corner["y"]
        box = self.view(CENTRE.format(found))
        return x + box["x"], y + box["y"]

    def click(self, selector: str) -> None:
        """A real mouse click on the view's element `selector`."""
        x, y = self.point(selector)
        self.browser.click_at(x, y)

    def focused(self) -> dict[str, Any] | None:
        return self.view("""(() => { const n = document.activeElement;
            if (!n || n === document.body) return null;
            return {kind: n.dataset.kind || null, index: n.dataset.index || null,
                    classes: Array.from(n.classList), tag: n.tagName}; })()""")

    def tab_to(self, wanted: str) -> dict[str, Any]:
        """Press Tab until the view's focused element matches `wanted` (a selector); bounded."""
        for _ in range(MAX_KEYS):
            self.browser.press("Tab")
            if self.view(
                f"!!(document.activeElement && document.activeElement.matches({js(wanted)}))"
            ):
                return self.focused() or {}
        raise AssertionError(f"{MAX_KEYS} Tab presses did not reach {wanted}")

    def arrow_to(self, wanted: str, key: str = "ArrowRight") -> dict[str, Any]:
        """Press an arrow key until the focused element matches `wanted`; bounded."""
        for _ in range(MAX_KEYS):
            if self.view(
                f"!!(document.activeElement && document.activeElement.matches({js(wanted)}))"
            ):
                return self.focused() or {}
            self.browser.press(key)
        raise AssertionError(f"{MAX_KEYS} {key} presses did not reach {wanted}")
