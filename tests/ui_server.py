"""The real chat app in a subprocess (or in a thread of the test process, for an app made there),
and Debian's Chromium to drive it: shared by the browser tests and scripts/screenshot.py.

>>> with running_app(index_dir, feedback=tmp / "feedback.sqlite3") as url, sync_playwright() as p:
...     page = launch_chromium(p).new_page()
...     page.goto(url)
...     ask(page, "What is dermatographism?")
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from eval.server import free_port, running_server  # noqa: F401  (free_port is re-exported for the tests)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Selectors of the app's parts (elem_id values set in chatbot/blocks.py).
QUESTION_BOX = "#fqb-question textarea"
BOT_MESSAGES = '#fqb-chat [data-testid="bot"]'
USER_MESSAGES = '#fqb-chat [data-testid="user"]'


@contextmanager
def running_app(
    index_dir: Path | None = None, feedback: Path | None = None, port: int | None = None, timeout: float = 120
) -> Iterator[str]:
    """`python -m chatbot serve` on a free loopback port; yields its URL once it answers."""
    with running_server(index_dir, feedback, port, timeout) as server:
        yield server.url


@contextmanager
def serving_in_thread(app) -> Iterator[str]:
    """An ASGI app made in this process (e.g. `chatbot.webapp.create_app` over a test's own bot),
    served by uvicorn on a free loopback port in a thread; yields its URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the app did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.should_exit = True
        thread.join(10)


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def ask(page, question: str, timeout: float = 30_000):
    """Type a question, send it, and return the locator of the bot message that answers it."""
    from playwright.sync_api import expect

    answers = page.locator(BOT_MESSAGES)
    before = answers.count()
    box = page.locator(QUESTION_BOX)
    box.fill(question)
    box.press("Enter")
    expect(answers).to_have_count(before + 1, timeout=timeout)
    return answers.nth(before)
