"""Write docs/replay-view.png, the README's picture of the replay view.

    .venv/bin/python scripts/view_screenshot.py [--out PATH] [--theme light|dark]

Runs the browser tests' host page (tests/browser: the view in a sandbox proxy under the
restrictive policy, the real server in demo mode behind a loopback bridge) in headless
Chromium, shows summarize_replay of the demo's checkout replay, chooses its failed
`POST /api/orders` with a real click (the player seeks to it) and captures 1280×800 pixels
from the player's controls down (the time axis, the list and the chosen moment's details).
Needs Chromium (Debian: apt-get install chromium).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.bridge import running_bridge  # noqa: E402
from tests.browser.chromium import find_chromium, launch  # noqa: E402
from tests.browser.hosted import CHECKOUT, HEIGHT, WIDTH, Hosted  # noqa: E402

OUT = ROOT / "docs" / "replay-view.png"
CHOSEN = "#moments [data-kind='request_failed']"
TOP = "#player"  # the picture starts at the player
SHOT_HEIGHT = 1400


def capture(out: Path, theme: str) -> None:
    chromium = find_chromium()
    if chromium is None:
        raise SystemExit("no Chromium on PATH (Debian: apt-get install chromium)")
    with running_bridge() as bridge, launch(chromium, WIDTH, HEIGHT) as browser:
        hosted = Hosted(browser, bridge).show("summarize_replay", {"replay_id": CHECKOUT}, theme)
        if not hosted.wait("!!document.querySelector('#player .rr-player iframe')"):
            raise SystemExit("the view shows no player: is server/view/replay.html built?")
        hosted.click(CHOSEN)
        chosen = f"document.querySelector({CHOSEN!r}).getAttribute('aria-selected') === 'true'"
        if not hosted.wait(chosen):
            raise SystemExit("the click did not choose the failed request")
        # From the player down: the session at the chosen moment, its place on the time axis,
        # in the list and in the details. The page is made tall enough to hold them all.
        metrics = {"width": WIDTH, "height": SHOT_HEIGHT, "deviceScaleFactor": 1, "mobile": False}
        browser.send("Emulation.setDeviceMetricsOverride", metrics, session=browser.page_session)
        hosted.view("window.scrollTo(0, 0)")
        top = hosted.view(f"document.querySelector({TOP!r}).getBoundingClientRect().top")
        hosted.host(f"window.scrollTo(0, document.getElementById('view').offsetTop + {top} - 8)")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(browser.screenshot())
    print(f"wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--theme", choices=("light", "dark"), default="light")
    args = parser.parse_args()
    capture(args.out.resolve(), args.theme)


if __name__ == "__main__":
    main()
