"""Headless Chromium for the browser tests: found on PATH, started with a fresh profile and
the DevTools pipe on its fds 3 and 4, no network beyond the loopback address; always stopped
and its profile directory removed."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from tests.browser.cdp import Browser

START_TIMEOUT = 30.0
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "chrome")
# The wrapper puts the two pipe ends on fds 3 and 4, where Chromium expects them, then runs it.
PLACE_FDS = (
    "import os, sys\n"
    "r, w = os.dup(int(sys.argv[1])), os.dup(int(sys.argv[2]))\n"
    "os.dup2(r, 3); os.dup2(w, 4)\n"
    "os.set_inheritable(3, True); os.set_inheritable(4, True)\n"
    "os.execv(sys.argv[3], sys.argv[3:])\n"
)


def find_chromium() -> str | None:
    """The Chromium (or Chrome) binary on PATH, or None."""
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def chromium_flags(profile: Path, width: int, height: int) -> list[str]:
    flags = [
        "--headless=new",
        "--remote-debugging-pipe",
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-default-apps",
        "--disable-sync",
        "--disable-extensions",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--metrics-recording-only",
        "--mute-audio",
        # Sandboxed frames stay in their page's process (the web sees no difference: origins,
        # sandbox flags and policies are the same), so that every frame's first requests and
        # messages are recorded from the page's own session, which listens before it loads.
        "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication,"
        "IsolateSandboxedIframes",
        # No name resolves except the loopback address: nothing can leave the machine.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--no-proxy-server",
        "about:blank",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        flags.insert(0, "--no-sandbox")  # Chromium refuses its sandbox as root
    return flags


@contextmanager
def launch(binary: str, width: int = 1280, height: int = 800) -> Iterator[Browser]:
    """Start headless Chromium with a fresh profile; always stopped and its profile removed."""
    profile = Path(tempfile.mkdtemp(prefix="view-browser-"))
    to_browser_r, to_browser_w = os.pipe()
    from_browser_r, from_browser_w = os.pipe()
    command = [sys.executable, "-c", PLACE_FDS, str(to_browser_r), str(from_browser_w), binary]
    proc = subprocess.Popen(
        command + chromium_flags(profile, width, height),
        pass_fds=(to_browser_r, from_browser_w),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        # BROWSER_STDERR=1 shows the browser's own log when a test run needs it
        stderr=None if os.environ.get("BROWSER_STDERR") else subprocess.DEVNULL,
        start_new_session=True,
    )
    os.close(to_browser_r)
    os.close(from_browser_w)
    browser = Browser(proc, to_browser_w, from_browser_r)
    try:
        started = time.monotonic()
        version = browser.send("Browser.getVersion", timeout=START_TIMEOUT)
        assert version.get("product"), (
            f"no browser answered within {time.monotonic() - started:.0f}s"
        )
        yield browser
    finally:
        browser.close()
        # Chromium's helpers share the process group started above: none may outlive it
        # and write into the profile while it is removed.
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        shutil.rmtree(profile, ignore_errors=True)
