"""A small Chrome DevTools Protocol driver for headless Chromium, over --remote-debugging-pipe
(JSON messages ending in a NUL byte: the browser reads commands on its fd 3 and writes on its
fd 4), so that no port is opened and no package is needed (tests/browser/chromium.py starts it).

Every frame's execution contexts are tracked (out-of-process frames through Target
auto-attach, flattened sessions), every network request and console or log message is kept,
and every wait has a time bound."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import threading
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

COMMAND_TIMEOUT = 30.0  # seconds for one DevTools command's answer


class BrowserError(RuntimeError):
    """A DevTools command answered with an error, or the browser went away."""


@dataclass
class Context:
    """One JavaScript execution context: its id, session and frame."""

    id: int
    session: str | None
    frame: str
    default: bool


@dataclass
class Record:
    """What the browser reported: requests, console and log messages, security issues."""

    requests: list[dict[str, Any]] = field(default_factory=list)
    console: list[dict[str, Any]] = field(default_factory=list)
    issues: list[dict[str, Any]] = field(default_factory=list)

    def messages(self) -> list[str]:
        return [str(m.get("text", "")) for m in self.console]

    def csp_violations(self) -> list[str]:
        """Console/log lines that report a Content Security Policy violation, and CSP issues."""
        lines = [t for t in self.messages() if "Content Security Policy" in t]
        lines += [
            json.dumps(i) for i in self.issues if "ContentSecurityPolicy" in i.get("code", "")
        ]
        return lines


class Browser:
    """A running headless Chromium; use `launch()`."""

    def __init__(self, proc: subprocess.Popen[bytes], write_fd: int, read_fd: int) -> None:
        self._proc = proc
        self._write_fd = write_fd
        self._read_fd = read_fd
        self._lock = threading.Lock()
        self._changed = threading.Condition()
        self._next_id = 0
        self._answers: dict[int, dict[str, Any]] = {}
        self._contexts: dict[tuple[str | None, int], Context] = {}
        # attached targets: (parent session, type, target id, own session)
        self._children: list[tuple[str | None, str, str, str]] = []
        self._closed = False
        self.record = Record()
        self.events: list[dict[str, Any]] = []
        self.page_session: str | None = None
        self.page_frame = ""
        self._reader = threading.Thread(target=self._read_loop, name="cdp-reader", daemon=True)
        self._reader.start()

    # -- the wire ---------------------------------------------------------------------------

    def _write(self, message: dict[str, Any]) -> None:
        data = json.dumps(message).encode() + b"\0"
        with self._lock:
            view = memoryview(data)
            while view:
                written = os.write(self._write_fd, view)
                view = view[written:]

    def _read_loop(self) -> None:
        buffer = b""
        while True:
            try:
                chunk = os.read(self._read_fd, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                break
            buffer += chunk
            *messages, buffer = buffer.split(b"\0")
            for raw in messages:
                self._dispatch(json.loads(raw))
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def _dispatch(self, message: dict[str, Any]) -> None:
        if "id" in message:
            with self._changed:
                self._answers[message["id"]] = message
                self._changed.notify_all()
            return
        self._on_event(message)
        with self._changed:
            self.events.append(message)
            self._changed.notify_all()

    def post(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> int:
        """Send a command without waiting for its answer (used from the reader thread)."""
        with self._changed:
            self._next_id += 1
            ident = self._next_id
        message: dict[str, Any] = {"id": ident, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self._write(message)
        return ident

    def send(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        session: str | None = None,
        timeout: float = COMMAND_TIMEOUT,
    ) -> dict[str, Any]:
        """Send a command and wait (bounded) for its result."""
        ident = self.post(method, params, session)
        with self._changed:
            got = self._changed.wait_for(
                lambda: ident in self._answers or self._closed, timeout=timeout
            )
            answer = self._answers.pop(ident, None)
        if not got or answer is None:
            raise BrowserError(
                f"{method}: no answer within {timeout}s (browser gone: {self._closed})"
            )
        if "error" in answer:
            raise BrowserError(f"{method}: {answer['error'].get('message')}")
        return dict(answer.get("result", {}))

    def wait_for(self, condition: Callable[[], bool], timeout: float = COMMAND_TIMEOUT) -> bool:
        """Wait (bounded) until `condition()` holds, looking again at every browser message."""
        with self._changed:
            return (
                self._changed.wait_for(lambda: condition() or self._closed, timeout) and condition()
            )

    # -- events -----------------------------------------------------------------------------

    def _on_event(self, message: dict[str, Any]) -> None:
        method, params = message.get("method", ""), message.get("params", {})
        session = message.get("sessionId")
        if method == "Target.attachedToTarget":
            info = params["targetInfo"]
            with self._changed:
                self._children.append(
                    (session, info.get("type", ""), info["targetId"], params["sessionId"])
                )
            self._prepare(params["sessionId"], resume=True)
        elif method == "Runtime.executionContextCreated":
            ctx, aux = params["context"], params["context"].get("auxData", {})
            with self._changed:
                self._contexts[(session, ctx["id"])] = Context(
                    ctx["id"], session, aux.get("frameId", ""), bool(aux.get("isDefault"))
                )
        elif method == "Runtime.executionContextDestroyed":
            with self._changed:
                self._contexts.pop((session, params["executionContextId"]), None)
        elif method == "Runtime.executionContextsCleared":
            with self._changed:
                for key in [k for k in self._contexts if k[0] == session]:
                    del self._contexts[key]
        elif method == "Network.requestWillBeSent":
            request = {"url": params["request"]["url"], "frame": params.get("frameId", "")}
            self.record.requests.append({**request, "type": params.get("type", "")})
        elif method == "Runtime.consoleAPICalled":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
            self.record.console.append({"source": "console", "level": params["type"], "text": text})
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text", "")
            self.record.console.append({"source": "exception", "level": "error", "text": text})
        elif method == "Log.entryAdded":
            entry = params["entry"]
            self.record.console.append(
                {"source": entry.get("source"), "level": entry.get("level"), "text": entry["text"]}
            )
        elif method == "Audits.issueAdded":
            self.record.issues.append(params["issue"])

    def _prepare(self, session: str | None, resume: bool = False) -> None:
        """Enable the domains we record in a page or frame session (answers not awaited); a
        frame attached on its start is held until then, so none of its requests is missed."""
        for method in ("Runtime.enable", "Network.enable", "Log.enable", "Audits.enable"):
            self.post(method, session=session)
        auto = {"autoAttach": True, "waitForDebuggerOnStart": True, "flatten": True}
        self.post("Target.setAutoAttach", auto, session=session)
        if resume:
            self.post("Runtime.runIfWaitingForDebugger", session=session)

    # -- pages and frames --------------------------------------------------------------------

    def open(self, url: str, width: int, height: int) -> None:
        """Open `url` in a new page of width×height CSS pixels and wait for its load."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})
        self.page_session, self.page_frame = session["sessionId"], target
        self.send("Page.enable", session=self.page_session)
        self._prepare(self.page_session, resume=False)
        metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}
        self.send("Emulation.setDeviceMetricsOverride", metrics, session=self.page_session)
        seen = len(self.events)
        self.send("Page.navigate", {"url": url}, session=self.page_session)
        loaded = self.wait_for(
            lambda: any(e.get("method") == "Page.loadEventFired" for e in self.events[seen:])
        )
        if not loaded:
            raise BrowserError(f"{url} did not load within {COMMAND_TIMEOUT}s")

    def frames(self) -> list[str]:
        """The ids of the frames that have a default execution context, page first."""
        with self._changed:
            found = [c.frame for c in self._contexts.values() if c.default]
        return sorted(set(found), key=lambda f: f != self.page_frame)

    def session_of(self, frame: str) -> str | None:
        """The session that holds `frame`: the page's, an out-of-process frame's own, or the
        one where the frame has an execution context."""
        if frame == self.page_frame:
            return self.page_session
        with self._changed:
            for _, _, target, own in self._children:
                if target == frame:
                    return own
            for ctx in self._contexts.values():
                if ctx.frame == frame:
                    return ctx.session
        raise BrowserError(f"unknown frame {frame!r}")

    def child_frames(self, parent: str | None = None) -> list[str]:
        """The ids of `parent`'s (default: the page's) child frames: in its process (from the
        frame tree) or out of process (attached frame targets: their target id is the frame id)."""
        parent = parent or self.page_frame
        session = self.session_of(parent)
        nodes = [self.send("Page.getFrameTree", session=session)["frameTree"]]
        found: list[str] = []
        for _ in range(10_000):  # bounded walk of the tree
            if not nodes:
                break
            node = nodes.pop()
            children = node.get("childFrames", [])
            if node["frame"]["id"] == parent:
                found = [child["frame"]["id"] for child in children]
                break
            nodes.extend(children)
        root = parent == self.page_frame or any(t == parent for *_, t, _ in self._children)
        if root:
            with self._changed:
                found += [
                    t for s, kind, t, _ in self._children if s == session and kind == "iframe"
                ]
        return found

    def context_of(self, frame: str) -> Context | None:
        with self._changed:
            for ctx in self._contexts.values():
                if ctx.frame == frame and ctx.default:
                    return ctx
        return None

    def evaluate(self, expression: str, frame: str | None = None) -> Any:
        """The JSON value of `expression` (promises awaited) in `frame`'s main world."""
        ctx = self.context_of(frame or self.page_frame)
        if ctx is None:
            raise BrowserError(f"no execution context for frame {frame!r}")
        params = {
            "expression": expression,
            "contextId": ctx.id,
            "returnByValue": True,
            "awaitPromise": True,
        }
        result = self.send("Runtime.evaluate", params, session=ctx.session)
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            raise BrowserError(f"evaluation failed: {text}")
        return result["result"].get("value")

    # -- input and pictures -----------------------------------------------------------------

    def click_at(self, x: float, y: float) -> None:
        """A real left click at page coordinates (CSS pixels)."""
        base = {"x": x, "y": y, "button": "left", "clickCount": 1}
        self.send("Input.dispatchMouseEvent", {**base, "type": "mouseMoved", "button": "none"},
                  session=self.page_session)  # fmt: skip
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", {**base, "type": kind}, session=self.page_session)

    def press(self, key: str) -> None:
        """Press and release one key (Tab, Enter, Escape, ArrowRight …)."""
        codes = {"Tab": 9, "Enter": 13, "Escape": 27, "ArrowLeft": 37, "ArrowRight": 39, " ": 32}
        down: dict[str, Any] = {
            "type": "keyDown", "key": key, "code": "Space" if key == " " else key,
            "windowsVirtualKeyCode": codes.get(key, 0),
        }  # fmt: skip
        if key in ("Enter", " "):
            down["text"] = "\r" if key == "Enter" else " "
        self.send("Input.dispatchKeyEvent", down, session=self.page_session)
        up = {**down, "type": "keyUp"}
        up.pop("text", None)
        self.send("Input.dispatchKeyEvent", up, session=self.page_session)

    def screenshot(self) -> bytes:
        shot = self.send("Page.captureScreenshot", {"format": "png"}, session=self.page_session)
        return base64.b64decode(shot["data"])

    # -- the end ----------------------------------------------------------------------------

    def close(self) -> None:
        try:
            if self._proc.poll() is None and not self._closed:
                self.send("Browser.close", timeout=5)
        except (BrowserError, OSError):
            pass
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait(timeout=10)
        for fd in (self._write_fd, self._read_fd):
            with suppress(OSError):
                os.close(fd)
        self._reader.join(timeout=5)
