"""Hot reload under load: the real server (one process, and two workers) keeps answering clients
while the index is rebuilt under it by `python -m indexer`, switches to the new version on its own
in every worker, and never mixes versions."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import httpx
import pytest

from eval.load import ask
from eval.server import running_server
from indexer import build_corpus_index
from tests.conftest import REPO

sys.path.insert(0, str(REPO / "scripts"))
import load_test  # noqa: E402

CLIENTS = 4
PAUSE = 0.05  # between one client's questions: load, but CPU left for the indexer on 2 cores
CHANGED = "003_adc36a2e2c4ab3c7.txt"  # many answers quote it; the rebuild shifts all its offsets
PREFIX = "Editor's note\n\nThis page was updated while the chatbot was serving it.\n\n"
NEW_FILE = "000_0_reload.txt"  # sorts first: every passage of the old index gets a new number
NEW_TEXT = (
    "Zorblax Tolerance\n\n"
    "The zorblax tolerance index of the Lindqvist clinic was measured at forty-two in the reload test.\n"
)
NEW_QUESTION = "What is the zorblax tolerance index?"
QUESTIONS = [
    ("What is dermatographism?", []),
    ("What is tactile allodynia?", []),
    ("How long do its flare ups last?", ["What is dermatographism?"]),
    ("When was ketamine first discovered?", []),
    ("What is the capital of France?", []),
    (NEW_QUESTION, []),
]


@dataclass(frozen=True)
class Result:
    question: str
    started: float
    ended: float
    answer: dict | None
    error: str | None = None


def versions_of(answer: dict, corpora: dict[str, dict[str, str]]) -> set[str]:
    """The corpus versions of which every quote, its context and its other locations are exact
    spans (an answer from one version may fit both, where a file did not change)."""
    fits = set()
    for name, texts in corpora.items():

        def span(file, start, end, text, texts=texts):
            source = texts.get(PurePosixPath(file).name)
            return source is not None and source[start:end] == text

        if all(
            span(q["file"], q["start"], q["end"], q["text"])
            and span(
                q["file"],
                q["context"]["start"],
                q["context"]["start"] + len(q["context"]["text"]),
                q["context"]["text"],
            )
            and all(span(loc["file"], loc["start"], loc["end"], q["text"]) for loc in q["also_in"])
            for q in answer["quotes"]
        ):
            fits.add(name)
    return fits


def test_versions_of_tells_old_new_and_mixed_apart():
    old = {"a.txt": "Alpha beta. Gamma.", "b.txt": "Same."}
    new = {"a.txt": "New. Alpha beta. Gamma.", "b.txt": "Same."}

    def quote(file, start, end, text):
        return {
            "file": file,
            "start": start,
            "end": end,
            "text": text,
            "context": {"text": text, "start": start},
            "also_in": [],
        }

    corpora = {"old": old, "new": new}
    assert versions_of({"quotes": [quote("a.txt", 0, 11, "Alpha beta.")]}, corpora) == {"old"}
    assert versions_of({"quotes": [quote("a.txt", 5, 16, "Alpha beta.")]}, corpora) == {"new"}
    assert versions_of({"quotes": [quote("b.txt", 0, 5, "Same.")]}, corpora) == {"old", "new"}
    mixed = [quote("a.txt", 0, 11, "Alpha beta."), quote("a.txt", 17, 23, "Gamma.")]
    assert versions_of({"quotes": mixed}, corpora) == set()


async def client_loop(client, offset: int, results: list[Result], stop: asyncio.Event) -> None:
    n = offset
    while not stop.is_set():
        question, history = QUESTIONS[n % len(QUESTIONS)]
        n += 1
        started = time.monotonic()
        try:
            answer = await ask(client, question, history, timeout=60)
            results.append(Result(question, started, time.monotonic(), answer))
        except Exception as exc:
            results.append(Result(question, started, time.monotonic(), None, f"{type(exc).__name__}: {exc}"))
        await asyncio.sleep(PAUSE)


async def serve_while_rebuilding(url: str, corpus: Path, index: Path, settle: float = 2) -> tuple[list[Result], dict]:
    results: list[Result] = []
    stop = asyncio.Event()
    times = {}
    async with httpx.AsyncClient(base_url=url) as client:
        clients = [asyncio.create_task(client_loop(client, i, results, stop)) for i in range(CLIENTS)]
        await asyncio.sleep(2)
        changed = corpus / CHANGED
        changed.write_bytes(PREFIX.encode() + changed.read_bytes())
        (corpus / NEW_FILE).write_text(NEW_TEXT, encoding="utf-8")
        times["rebuild"] = time.monotonic()
        indexer = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "indexer", "--corpus", str(corpus), "--index", str(index),
            cwd=REPO, env={**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"},
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        output, _ = await indexer.communicate()
        assert indexer.returncode == 0, output.decode()
        times["published"] = time.monotonic()
        deadline = times["published"] + 30
        while time.monotonic() < deadline and not any(
            r.answer
            and r.question == NEW_QUESTION
            and r.answer["status"] == "answered"
            and r.started > times["published"]
            for r in results
        ):
            await asyncio.sleep(0.2)
        times["switched"] = time.monotonic()
        await asyncio.sleep(settle)  # and a little more load on the new version
        stop.set()
        await asyncio.gather(*clients)
    return results, times


# Each worker checks for a new version every 2 s on its own: with two, the second may switch up
# to one check later than the first.
WATCH_INTERVAL = 2.0


@pytest.mark.parametrize("workers", [1, 2])
def test_rebuild_under_load_switches_with_no_failure_and_no_mixed_answer(workspace, workers):
    corpus, index = workspace
    build_corpus_index(corpus, index)
    old = load_test.corpus_texts(corpus)
    with running_server(index, workers=workers) as server:
        settle = 2 if workers == 1 else 2 + 3 * WATCH_INTERVAL
        results, times = asyncio.run(serve_while_rebuilding(server.url, corpus, index, settle))
    new = load_test.corpus_texts(corpus)
    assert new[CHANGED] != old[CHANGED] and NEW_FILE in new

    failed = [r for r in results if r.error]
    assert failed == [], failed[:3]
    problems = [(r.question, p) for r in results for p in load_test.contract_problems(r.answer)]
    assert problems == [], problems[:3]
    fits = [versions_of(r.answer, {"old": old, "new": new}) for r in results]
    assert [r for r, fit in zip(results, fits, strict=True) if not fit] == []

    # Each answer is exactly what its question gets from one version: from the old index (as
    # answered before the rebuild) or from the new one (as answered at the end), never a blend.
    def answers(question, when):
        return {load_test.signature(r.answer) for r in results if r.question == question and when(r)}

    # With two workers the second may still answer from the old version until its next check.
    lag = 0 if workers == 1 else WATCH_INTERVAL + 1
    old_answer = {q: answers(q, lambda r: r.ended < times["rebuild"]) for q, _ in QUESTIONS}
    new_answer = {q: answers(q, lambda r: r.started > times["switched"] + lag) for q, _ in QUESTIONS}
    assert all(len(a) == 1 for a in [*old_answer.values(), *new_answer.values()])
    old_answer = {q: a.pop() for q, a in old_answer.items()}
    new_answer = {q: a.pop() for q, a in new_answer.items()}
    mixed = [
        r for r in results if load_test.signature(r.answer) not in (old_answer[r.question], new_answer[r.question])
    ]
    assert mixed == [], [(r.question, r.answer["quotes"]) for r in mixed[:2]]

    # the switch: once one answer came from the new version, every later request gets the new one
    # (with workers: once every worker has had its next check)
    def only(version: dict, r: Result) -> bool:
        other = old_answer if version is new_answer else new_answer
        return load_test.signature(r.answer) == version[r.question] != other[r.question]

    switched = [r.ended for r in results if only(new_answer, r)]
    assert switched, "the server never answered from the rebuilt index"
    first_new = min(switched)
    assert [r for r in results if only(old_answer, r) and r.started > first_new + lag] == []
    assert sum(only(old_answer, r) for r in results) > 0  # the old version was really served under load
    learned = [r for r in results if r.question == NEW_QUESTION and r.started > first_new + lag]
    assert learned and all(r.answer["status"] == "answered" for r in learned)
    assert all(
        NEW_FILE in r.answer["quotes"][0]["file"] and "forty-two" in r.answer["quotes"][0]["text"] for r in learned
    )
    assert NEW_FILE not in str(old_answer[NEW_QUESTION])

    counts = {name: sum(only(v, r) for r in results) for name, v in (("old", old_answer), ("new", new_answer))}
    print(
        f"hot reload, {workers} worker(s): {len(results)} requests from {CLIENTS} clients, 0 failed, 0 mixed; "
        f"{counts['old']} answers only the old index gives, {counts['new']} only the new one; "
        f"the new index answered {first_new - times['rebuild']:.1f} s after the rebuild started "
        f"(the indexer process ran {times['published'] - times['rebuild']:.1f} s)"
    )
