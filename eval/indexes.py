"""Indexes the evals build for themselves (corpus/ at other chunk sizes, BEIR datasets), through the
indexer's own build_index, kept in the eval cache. Indexes of one family share one embedding cache,
so a rebuild at another chunk size only encodes the passages that changed (sentences never do)."""

from __future__ import annotations

import shutil
from pathlib import Path

from indexer import BuildSummary, ChunkerSettings, Document, Embedder, IndexSettings, build_index

from .paths import cache_dir


def index_settings(max_words: int | None = None) -> IndexSettings:
    """The indexer's defaults, with another passage size when given."""
    if max_words is None:
        return IndexSettings()
    return IndexSettings(chunker=ChunkerSettings(max_words=max_words))


def family_dir(family: str) -> Path:
    return cache_dir() / family


def build_family_index(
    documents: list[Document],
    family: str,
    settings: IndexSettings,
    embedder: Embedder,
    *,
    seed_cache: Path | None = None,
    progress: bool = False,
    corpus_label: str = "",
    force: bool = False,
) -> tuple[Path, BuildSummary]:
    """Build (or find up to date) the index of `documents` with `settings` in
    `<cache>/<family>/w<max_words>/`; its `cache/` links to the family's shared `embeddings/`,
    first filled from `seed_cache` (e.g. the developer's index/cache) when that exists."""
    family_folder = family_dir(family)
    shared = family_folder / "embeddings"
    if not shared.exists():
        shared.mkdir(parents=True)
        seed = Path(seed_cache) / "embeddings.sqlite3" if seed_cache else None
        if seed is not None and seed.is_file():
            shutil.copy2(seed, shared / "embeddings.sqlite3")
    folder = family_folder / f"w{settings.chunker.max_words}"
    folder.mkdir(parents=True, exist_ok=True)
    link = folder / "cache"
    if not link.exists():
        link.symlink_to(Path("..") / "embeddings", target_is_directory=True)
    summary = build_index(
        documents, folder, embedder=embedder, settings=settings, progress=progress, corpus_label=corpus_label, force=force
    )
    return folder, summary


def corpus_documents(corpus_dir: Path | None = None) -> tuple[list[Document], str]:
    """The documents of corpus/ (or another folder) as the indexer reads them, and its label."""
    from indexer import default_corpus_dir
    from indexer.paths import display_path
    from indexer.reading import read_corpus

    folder = Path(corpus_dir) if corpus_dir is not None else default_corpus_dir()
    documents, _ = read_corpus(folder)
    return documents, display_path(folder)


def build_corpus_family(
    embedder: Embedder, max_words: int | None = None, corpus_dir: Path | None = None, progress: bool = False
) -> Path:
    """The eval's own index of corpus/ at a chunk size (the indexer's default when None)."""
    from indexer import default_index_dir

    documents, label = corpus_documents(corpus_dir)
    folder, _ = build_family_index(
        documents,
        "corpus",
        index_settings(max_words),
        embedder,
        seed_cache=default_index_dir() / "cache",
        progress=progress,
        corpus_label=label,
    )
    return folder
