"""HTTP clients of the chat server: its JSON API (`POST /api/ask`), with the one load loop that the
benchmarks (`eval bench`), the load test (`scripts/load_test.py`) and the hardening tests share, and
the chat page's own events (`POST /gradio_api/run/predict`, as the page sends them).

>>> level = run_level("http://127.0.0.1:7860/", [("What is dermatographism?", ())] * 64, clients=8)
>>> level.errors, level.throughput, level.p95_ms
>>> ask_page("http://127.0.0.1:7860/", "What is dermatographism?")[-1]["content"]
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np


class AskError(Exception):
    """A request that did not end in an answer."""


HEADERS = {"Content-Type": "application/json"}


def _body(question: object, history: object) -> bytes:
    history = list(history) if isinstance(history, tuple) else history
    # ASCII JSON (\\uXXXX escapes), so that lone surrogates can be sent as a browser would.
    return json.dumps({"question": question, "history": history}).encode()


def _answer(response) -> dict:
    if response.status_code != 200:
        raise AskError(f"HTTP {response.status_code}: {response.text[:200]}")
    return response.json()


async def ask(client, question: object, history: object = (), timeout: float = 120) -> dict:
    """One answer: POST /api/ask on an `httpx.AsyncClient` whose base_url is the server's."""
    return _answer(await client.post("api/ask", content=_body(question, history), headers=HEADERS, timeout=timeout))


def ask_sync(url: str, question: object, history: object = (), timeout: float = 120) -> dict:
    """`ask` for one question, from synchronous code (no event loop of its own)."""
    import httpx

    return _answer(httpx.post(url + "api/ask", content=_body(question, history), headers=HEADERS, timeout=timeout))


def page_event(config: dict, component_elem_id: str, event: str) -> tuple[int, int]:
    """(fn_index, trigger component id) of the page's event `event` on the component `elem_id`,
    from the page's /config."""
    ids = [c["id"] for c in config["components"] if c["props"].get("elem_id") == component_elem_id]
    for dep in config["dependencies"]:
        if [ids[0], event] in dep["targets"]:
            return dep["id"], ids[0]
    raise LookupError(f"no {event} event on #{component_elem_id}")


def post_page_event(url: str, body: dict, client=None):
    """One event of the page, as its script sends it; the `httpx.Response`."""
    import httpx

    content = json.dumps(body).encode()  # ASCII JSON, as _body
    post = client.post if client else httpx.post
    return post(url + "gradio_api/run/predict", content=content, headers=HEADERS, timeout=60)


def ask_page(url: str, question: str, session: str = "eval-page") -> list[dict]:
    """`question` sent as the chat page sends it (its question box's submit event) in a new
    conversation: the chat's messages after it, the answer last."""
    import httpx

    fn_index, box = page_event(httpx.get(url + "config", timeout=60).json(), "fqb-question", "submit")
    body = {"data": [question, []], "fn_index": fn_index, "trigger_id": box, "session_hash": session}
    response = post_page_event(url, body)
    if response.status_code != 200:
        raise AskError(f"HTTP {response.status_code}: {response.text[:200]}")
    return response.json()["data"][0]


@dataclass
class Level:
    """What one run of concurrent clients got."""

    clients: int
    requests: int
    latencies: list[float] = field(default_factory=list)  # seconds, of the requests that got a right answer
    answers: list[dict] = field(default_factory=list)
    errors: int = 0  # requests with no answer, or a wrong one
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile_ms(self, q: float) -> float | None:
        return round(1000 * float(np.percentile(self.latencies, q)), 3) if self.latencies else None

    @property
    def p50_ms(self) -> float | None:
        return self.percentile_ms(50)

    @property
    def p95_ms(self) -> float | None:
        return self.percentile_ms(95)

    def summary(self) -> dict:
        return {
            "clients": self.clients,
            "requests": self.requests,
            "ok": len(self.latencies),
            "errors": self.errors,
            "error_examples": sorted(set(self.problems))[:3],
            "p50_ms": self.p50_ms,
            "p95_ms": self.p95_ms,
            "throughput_per_s": round(self.throughput, 2),
            "wall_seconds": round(self.seconds, 2),
        }


Case = tuple[object, Sequence]  # (question, history)


def run_level(
    url: str,
    cases: Sequence[Case],
    clients: int,
    check: Callable[[Case, dict], list[str]] | None = None,
    time_limit: float = 900,
) -> Level:
    """Ask every case once, `clients` at a time (each client takes the next case when it is free),
    over keep-alive connections. `check(case, answer)` names what is wrong with an answer (an
    error). A case not started within `time_limit` seconds counts as an error, so a run is bounded."""
    return asyncio.run(_run(url, cases, clients, check, time_limit))


async def _run(url, cases, clients, check, time_limit) -> Level:
    import httpx

    level = Level(clients=clients, requests=len(cases))
    queue = iter(cases)
    deadline = time.perf_counter() + time_limit
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async with httpx.AsyncClient(base_url=url, limits=limits) as client:

        async def visitor():
            for case in queue:  # shared iterator: each case is asked once, by whichever client is free
                question, history = case
                label = repr(question)[:60]
                started = time.perf_counter()
                if started > deadline:
                    level.errors += 1
                    level.problems.append(f"{label}: not asked, the time limit ({time_limit:.0f} s) was reached")
                    continue
                try:
                    answer = await ask(client, question, history)
                except Exception as exc:  # every failure counts, whatever its kind
                    level.errors += 1
                    level.problems.append(f"{label}: {type(exc).__name__}: {exc}"[:300])
                    continue
                elapsed = time.perf_counter() - started
                wrong = check(case, answer) if check else []
                if wrong:
                    level.errors += 1
                    level.problems += [f"{label}: {w}" for w in wrong]
                    continue
                level.latencies.append(elapsed)
                level.answers.append(answer)

        started = time.perf_counter()
        await asyncio.gather(*(visitor() for _ in range(clients)))
        level.seconds = time.perf_counter() - started
    return level
