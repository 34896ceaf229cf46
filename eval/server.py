"""The chat server as a subprocess on a free loopback port: what the benchmarks, the load test
and the browser tests all talk to.

>>> with running_server(index_dir, feedback=tmp / "feedback.jsonl") as server:
...     server.url, server.process.pid, server.ready_seconds
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

from .paths import REPO_ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Server:
    """A running app: its URL, its process (for its pid and memory) and how long it took to answer."""

    url: str
    process: subprocess.Popen
    ready_seconds: float


@contextmanager
def running_server(
    index_dir: Path | None = None,
    feedback: Path | None = None,
    port: int | None = None,
    timeout: float = 120,
    env: dict[str, str] | None = None,
) -> Iterator[Server]:
    """`python -m chatbot serve` on a free loopback port (with `env` added to the environment);
    yields it once it answers, and stops it afterwards. RuntimeError, with the end of the
    server's output, when it exits or does not answer within `timeout` seconds."""
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
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
        try:
            _wait_until_up(url, process, output, timeout)
            yield Server(url, process, round(time.perf_counter() - started, 2))
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


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
