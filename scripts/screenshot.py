"""Refresh docs/screenshot.png: a real conversation in the chat, in Debian's Chromium.

python scripts/screenshot.py                          # starts the app on a free port (index/)
python scripts/screenshot.py http://127.0.0.1:7860/   # uses an app that is already running
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from contextlib import nullcontext
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.ui_server import BOT_MESSAGES, ask, launch_chromium, running_app  # noqa: E402

QUESTIONS = ("What is dermatographism?", "How long do its flare ups last?")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("url", nargs="?", help="URL of a running chat (default: start one)")
    p.add_argument("--out", type=Path, default=REPO / "docs" / "screenshot.png", help="default: %(default)s")
    args = p.parse_args(argv)

    from playwright.sync_api import sync_playwright

    work = tempfile.TemporaryDirectory(prefix="screenshot-")  # the votes of this run go nowhere
    app = nullcontext(args.url) if args.url else running_app(feedback=Path(work.name) / "feedback.sqlite3")
    with work, app as url, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1100, "height": 1250}, device_scale_factor=1)
        page.goto(url)
        for question in QUESTIONS:
            answer = ask(page, question)
        answer.locator("details summary").first.click()
        page.locator(BOT_MESSAGES).last.scroll_into_view_if_needed()
        page.wait_for_timeout(300)  # let the chat finish scrolling
        args.out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(args.out), full_page=True)
        browser.close()
    print(f"saved {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
