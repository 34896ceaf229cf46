"""Shared fixtures: one real index of corpus/ per test session (real model, real FAISS), and the
chatbot over it. Tests that change a corpus or an index make their own copies."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"


@pytest.fixture(scope="session")
def embedder():
    from indexer import Embedder

    return Embedder()


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory, embedder) -> Path:
    """A real index of the repository's corpus/, built once per session in a temporary folder.
    Its embedding cache is copied from the developer's index/ when there is one, to save time."""
    from indexer import build_index
    from indexer.reading import read_corpus

    folder = tmp_path_factory.mktemp("index")
    local_cache = REPO / "index" / "cache"
    if local_cache.is_dir():
        shutil.copytree(local_cache, folder / "cache")
    documents, _ = read_corpus(CORPUS)
    build_index(documents, folder, embedder=embedder, corpus_label="corpus")
    return folder


@pytest.fixture(scope="session")
def bot(index_dir):
    """The chatbot as it serves: the index with its own ONNX query model (no torch)."""
    from chatbot import Chatbot

    return Chatbot.load(index_dir)


@pytest.fixture(scope="session")
def st_bot(index_dir, embedder):
    """The same index, questions embedded with sentence-transformers (the reference for parity)."""
    from chatbot import Chatbot
    from indexer import load_index

    return Chatbot(load_index(index_dir), embedder)


@pytest.fixture(scope="session")
def sources() -> dict[str, str]:
    """Every corpus file's text, keyed as quotes cite it, read as the contract says."""
    return {f"corpus/{p.name}": p.read_bytes().decode("utf-8") for p in sorted(CORPUS.iterdir())}


@pytest.fixture
def workspace(tmp_path, index_dir) -> tuple[Path, Path]:
    """A copy of corpus/ and an empty index folder seeded with the session's embedding cache,
    for tests that change a corpus or an index."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    index = tmp_path / "index"
    shutil.copytree(index_dir / "cache", index / "cache")
    return corpus, index

# A page whose answer to "Which medicine lowers uric acid?" only a Markdown table holds.
TABLE_PAGE = (
    "Gout\n\n"
    "## Medicines for gout\n\n"
    "Medicines can ease a flare and stop new ones.\n\n"
    "| Medicine | What it does |\n"
    "|---|---|\n"
    "| Colchicine | eases the pain and swelling of a flare |\n"
    "| Allopurinol | lowers the level of uric acid in the blood |\n"
    "| Prednisolone | a steroid that calms the inflammation |\n\n"
    "## Diet\n\n"
    "Cutting down on beer, red meat and sugary drinks can lower uric acid a little.\n"
)


def bot_over_pages(folder: Path, embedder, pages: dict[str, str]):
    """A chatbot over a real index of `pages` (file name -> text), built in `folder`."""
    from chatbot import Chatbot
    from indexer import build_index, load_index
    from indexer.reading import read_corpus

    (folder / "corpus").mkdir()
    for name, text in pages.items():
        (folder / "corpus" / name).write_text(text, encoding="utf-8")
    documents, _ = read_corpus(folder / "corpus")
    build_index(documents, folder / "index", embedder=embedder, corpus_label="corpus")
    return Chatbot(load_index(folder / "index"), embedder)
