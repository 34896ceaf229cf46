"""The real chat app in a subprocess, and Debian's Chromium to drive it: shared by the browser
tests and scripts/screenshot.py.

>>> with running_app(index_dir, feedback=tmp / "feedback.jsonl") as url, sync_playwright() as p:
...     page = launch_chromium(p).new_page()
...     page.goto(url)
...     ask(page, "What is dermatographism?")
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
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
# Selectors of the app's parts (elem_id values set in chatbot/ui.py).
QUESTION_BOX = "#fqb-question textarea"
BOT_MESSAGES = '#fqb-chat [data-testid="bot"]'
USER_MESSAGES = '#fqb-chat [data-testid="user"]'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Server:
    """A running app: its URL and its process (for its pid and memory)."""

    url: str
    process: subprocess.Popen


@contextmanager
def running_server(
    index_dir: Path | None = None,
    feedback: Path | None = None,
    port: int | None = None,
    timeout: float = 120,
    env: dict[str, str] | None = None,
) -> Iterator[Server]:
    """`python -m chatbot serve` on a free loopback port (with `env` added to the environment);
    yields it once it answers, and stops it afterwards."""
    port = port or free_port()
    command = [sys.executable, "-m", "chatbot", "serve", "--host", "127.0.0.1", "--port", str(port)]
    if index_dir:
        command += ["--index", str(index_dir)]
    if feedback:
        command += ["--feedback", str(feedback)]
    env = {
        **os.environ,
        "GRADIO_ANALYTICS_ENABLED": "False",
        "HF_HUB_OFFLINE": "1",
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    url = f"http://127.0.0.1:{port}/"
    with tempfile.TemporaryFile("w+") as output:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT)
        try:
            _wait_until_up(url, process, output, timeout)
            yield Server(url, process)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def running_app(
    index_dir: Path | None = None, feedback: Path | None = None, port: int | None = None, timeout: float = 120
) -> Iterator[str]:
    """`python -m chatbot serve` on a free loopback port; yields its URL once it answers."""
    with running_server(index_dir, feedback, port, timeout) as server:
        yield server.url


def _wait_until_up(url: str, process: subprocess.Popen, output, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output.seek(0)
            raise RuntimeError(f"the app exited with code {process.returncode}:\n{output.read()[-3000:]}")
        try:
            with urllib.request.urlopen(url + "config", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    output.seek(0)
    raise RuntimeError(f"the app did not answer at {url} within {timeout:.0f} s:\n{output.read()[-3000:]}")


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
