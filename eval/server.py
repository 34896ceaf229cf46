"""The chat server as a subprocess on a free loopback port: what the benchmarks, the load test
and the browser tests all talk to.

>>> with running_server(index_dir, feedback=tmp / "feedback.sqlite3", workers=2) as server:
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
    """A running app: its URL, its process (for its pid and memory; with workers, their parent)
    and how long after its start /api/health said it was ready."""

    url: str
    process: subprocess.Popen
    ready_seconds: float

    def pids(self) -> list[int]:
        """The server's process and every process it started (workers, multiprocessing's helper)."""
        import psutil

        parent = psutil.Process(self.process.pid)
        return [parent.pid, *(c.pid for c in parent.children(recursive=True))]

    def workers(self) -> list[int]:
        """The processes that answer: the workers uvicorn spawned, or the server itself."""
        import psutil

        spawned = [
            c.pid for c in psutil.Process(self.process.pid).children() if "spawn_main" in " ".join(c.cmdline())
        ]
        return spawned or [self.process.pid]


@contextmanager
def running_server(
    index_dir: Path | None = None,
    feedback: Path | None = None,
    port: int | None = None,
    timeout: float = 120,
    env: dict[str, str] | None = None,
    workers: int = 1,
    rate_limit: int = 0,
) -> Iterator[Server]:
    """`python -m chatbot serve` on a free loopback port (with `env` added to the environment; no
    rate limit unless `rate_limit` says so: load tests send many questions from one address);
    yields it once /api/health answers 200 (every worker, when several), and stops it afterwards.
    RuntimeError, with the end of the server's output, when it exits or is not ready in time."""
    port = port or free_port()
    command = [sys.executable, "-m", "chatbot", "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(workers), "--rate-limit", str(rate_limit)]
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
            _wait_until_up(url, process, output, timeout, workers)
            yield Server(url, process, round(time.perf_counter() - started, 2))
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_up(url: str, process: subprocess.Popen, output, timeout: float, workers: int = 1) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output.seek(0)
            raise RuntimeError(f"the app exited with code {process.returncode}:\n{output.read()[-3000:]}")
        # Each worker says when it has loaded; then /api/health, answered by any of them.
        output.seek(0)
        loaded = output.read().count("Chat loaded")
        try:
            with urllib.request.urlopen(url + "api/health", timeout=2) as response:
                if response.status == 200 and loaded >= workers:
                    return
        except OSError:
            pass
        time.sleep(0.05)
    output.seek(0)
    raise RuntimeError(f"the app did not answer at {url} within {timeout:.0f} s:\n{output.read()[-3000:]}")
