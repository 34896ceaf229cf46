"""A rebuild killed with SIGKILL at any moment leaves the published index loadable and answering
exactly as before; a rebuild under a running chatbot switches it to the new version."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest

from chatbot import Chatbot
from indexer import build_corpus_index, load_index
from tests.conftest import REPO

KILLS = int(os.environ.get("CRASH_KILLS", "20"))
QUESTIONS = ["When was ketamine first discovered?", "What is tactile allodynia?", "What is the capital of France?"]


@pytest.fixture
def workspace(workspace):
    """The copied corpus, with its index built."""
    corpus, index = workspace
    build_corpus_index(corpus, index)
    return corpus, index


def answers(bot):
    return [bot.ask(q).to_dict() for q in QUESTIONS]


def test_sigkill_during_rebuild_never_breaks_the_published_index(workspace, embedder):
    corpus, index = workspace
    expected = answers(Chatbot(load_index(index), embedder))
    command = [sys.executable, "-m", "indexer", "--rebuild", "--corpus", str(corpus), "--index", str(index)]
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"}
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env, cwd=REPO)
    full = time.perf_counter() - started
    rng = random.Random(1234)
    killed_at = []
    for _ in range(KILLS):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=REPO)
        delay = rng.uniform(0.05, full * 1.1)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        killed_at.append(round(delay, 2))
        bot = Chatbot(load_index(index), embedder)  # loads and verifies every checksum
        assert answers(bot) == expected, f"answers changed after a kill at {delay:.2f} s"
    print(f"{KILLS} kills at {sorted(killed_at)} s of a {full:.2f} s rebuild: index loaded and answered the same each time")
    # and the next build cleans up whatever the kills left behind
    build_corpus_index(corpus, index, force=True)
    assert not list(index.glob(".building-*"))


def test_running_chatbot_switches_to_a_rebuilt_index(workspace, embedder):
    corpus, index = workspace
    bot = Chatbot.load(index)
    assert bot.reload() is False  # nothing new yet
    before = bot.ask("What is a unicorn fern?")
    assert before.status == "no_answer"
    (corpus / "005_new.txt").write_text(
        "Unicorn Ferns\n\nThe unicorn fern is a rare plant that grows only on the north side of old oak trees.\n",
        encoding="utf-8",
    )
    build_corpus_index(corpus, index)
    assert bot.reload() is True
    after = bot.ask("What is a unicorn fern?")
    assert after.status == "answered" and "north side of old oak trees" in after.quotes[0].text


def test_damaged_new_version_is_refused_and_the_old_one_keeps_serving(workspace, embedder):
    corpus, index = workspace
    bot = Chatbot.load(index)
    old = bot.index.folder
    (corpus / "004_e232aafa4dc073b1.txt").write_text("Fibromyalgia is a common condition.\n", encoding="utf-8")
    summary = build_corpus_index(corpus, index)
    new = index / "versions" / summary.version
    (new / "sentences.npy").write_bytes(b"garbage")
    assert bot.reload() is False
    assert bot.index.folder == old and bot.ask("What is tactile allodynia?").status == "answered"
