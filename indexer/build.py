"""Building an index: read, segment, deduplicate, chunk, embed, store, publish."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .aliases import with_names
from .cache import EmbeddingCache, TokenCache, encode_cached, encode_with_tokens_cached
from .chunking import chunk_article
from .dedup import deduplicate
from .embedding import Embedder
from .errors import CorpusError, IndexLoadError
from .lexical import BM25_PARAMS, TOKENIZER, build_bm25
from .onnx_export import cached_export, read_spec
from .paths import default_corpus_dir, default_index_dir, display_path
from .publishing import build_lock, building_folder, current_version, new_version_name, publish, remove_abandoned_builds
from .query_encoder import EXPORT_VERSION
from .reading import corpus_files, read_corpus
from .records import Article, Chunk, Document
from .segmenting import SEGMENTATION_VERSION, segment
from .sentence_table import HEADING_TEXT_VERSION, build_sentence_table
from .settings import IndexSettings
from .storage import read_manifest, write_version
from .token_vectors import TokenTable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildSummary:
    index_dir: Path
    version: str
    up_to_date: bool  # True when the live index already matched and nothing was built
    files: int
    articles: int
    duplicates: list[tuple[str, str]]  # (canonical article id, duplicate article id)
    passages: int
    sentences: int
    sections: int  # headings embedded (one per section)
    embedded: int  # texts encoded by the model in this build
    reused: int  # texts whose vectors came from the cache
    embedded_files: list[str]  # files with at least one text encoded in this build
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        state = "already up to date" if self.up_to_date else "published"
        dups = ", ".join(f"{d} = {c}" for c, d in self.duplicates) or "none"
        return [
            f"index {self.index_dir} version {self.version}: {state}",
            f"files {self.files}, articles {self.articles}, duplicates {len(self.duplicates)} ({dups})",
            f"passages {self.passages}, sentences {self.sentences}",
            f"embedded {self.embedded} texts, reused {self.reused} from cache"
            + (f" (files re-embedded: {', '.join(self.embedded_files)})" if self.embedded_files else ""),
            *(f"skipped {s}" for s in self.skipped),
            f"{self.seconds:.1f} s",
        ]


def passage_embedding_text(chunk: Chunk) -> str:
    """What is embedded for a passage, and BM25-indexed with its subject's other names: title and
    section first, for context."""
    context = [p for p in (chunk.title, chunk.section) if p]
    if len(context) == 2 and context[0] == context[1]:
        context = context[:1]
    return ". ".join([*context, chunk.text]) if context else chunk.text


def corpus_fingerprint(documents: list[Document], settings: IndexSettings, model_fingerprint: str) -> dict:
    return {
        "files": {d.file: d.sha256 for d in documents},
        "settings": settings.to_dict(),
        "model": model_fingerprint,
        "query_model_export": EXPORT_VERSION,  # a new export format rebuilds, so old versions get the new query model
        "segmentation": SEGMENTATION_VERSION,  # so do new segmenting rules
        "heading_text": HEADING_TEXT_VERSION,  # and a new way of embedding headings
        "tokenizer": TOKENIZER,  # and another way of cutting words (BM25, term lookups)
    }


def _live_manifest(index_dir: Path) -> dict | None:
    try:
        return read_manifest(current_version(index_dir))
    except IndexLoadError:
        return None


def build_index(
    documents: list[Document],
    index_dir: Path,
    *,
    embedder: Embedder | None = None,
    settings: IndexSettings = IndexSettings(),
    force: bool = False,
    progress: bool = False,
    skipped: list[str] | None = None,
    corpus_label: str = "",
    check_unchanged: Callable[[], None] | None = None,
) -> BuildSummary:
    """Build an index of `documents` into `index_dir` and publish it atomically.

    Nothing is built when the live index was made from the same files, settings and model,
    unless `force`. `check_unchanged` runs just before publishing and raises to abandon a build
    whose sources changed meanwhile.
    """
    started = time.perf_counter()
    embedder = embedder or Embedder()
    fingerprint = corpus_fingerprint(documents, settings, embedder.info.fingerprint)
    with build_lock(index_dir):
        live = _live_manifest(index_dir)
        if live is not None and not force and live.get("source") == fingerprint:
            return _summary_from_manifest(index_dir, live, started, skipped or [])
        remove_abandoned_builds(index_dir)
        sources = {d.file: d.text for d in documents}
        articles: list[Article] = [a for d in documents for a in segment(d)]
        articles = deduplicate(articles, sources)
        chunks: list[Chunk] = []
        for article in articles:
            if article.duplicate_of is None:
                chunks.extend(chunk_article(sources[article.file], article, settings.chunker, len(chunks)))
        if not chunks:
            raise CorpusError("the corpus holds no quotable text after cleaning; nothing to index")
        passage_texts = [passage_embedding_text(c) for c in chunks]
        names = {a.id: a.names for a in articles}  # searched with the passages, not embedded (indexer.aliases)
        passage_search_texts = [with_names(text, names[c.article_id]) for text, c in zip(passage_texts, chunks, strict=True)]
        sentence_texts = [c.text[s.start - c.start : s.end - c.start] for c in chunks for s in c.sentences]
        sentence_files = [c.file for c in chunks for _ in c.sentences]
        table, headings = build_sentence_table(articles, chunks, sources)
        cache = EmbeddingCache(index_dir / "cache" / "embeddings.sqlite3", embedder.info.fingerprint)
        try:
            encode = lambda texts: embedder.encode(texts, settings.embed_batch_size, progress)  # noqa: E731
            passage_vectors, new_passages = encode_cached(passage_texts, cache, encode)
            dimension = int(passage_vectors.shape[1])  # known without the model when the cache has them all
            token_cache = TokenCache(index_dir / "cache" / "embeddings.sqlite3", embedder.info.fingerprint, dimension)
            try:
                # Sentences: their vectors and word pieces from one pass of the model.
                sentence_vectors, pieces, new_sentences = encode_with_tokens_cached(
                    sentence_texts, cache, token_cache, lambda texts: embedder.encode_with_tokens(texts, settings.embed_batch_size)
                )
            finally:
                token_cache.close()
            heading_vectors, new_headings = encode_cached(headings, cache, encode)
            sentence_tokens = TokenTable.of(pieces, dimension)
        finally:
            cache.close()
        embedded_files = sorted(
            {chunks[i].file for i in new_passages} | {sentence_files[i] for i in new_sentences}
        )
        # The query model: exported to ONNX once per model (kept in the cache), linked into the version.
        query_model = cached_export(embedder, index_dir / "cache" / "onnx")
        name = new_version_name()
        duplicates = [(a.duplicate_of, a.id) for a in articles if a.duplicate_of is not None]
        manifest = {
            "version": name,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "model": {"name": embedder.info.name, "fingerprint": embedder.info.fingerprint, "dimension": dimension},
            "chunker": settings.chunker.to_dict(),
            "faiss": {"type": settings.faiss_type},
            "bm25": {**BM25_PARAMS, "tokenizer": TOKENIZER},
            "corpus": {
                "dir": corpus_label,
                "files": {d.file: {"sha256": d.sha256, "chars": len(d.text)} for d in documents},
            },
            "counts": {
                "files": len(documents),
                "articles": len(articles),
                "duplicates": len(duplicates),
                "passages": len(chunks),
                "sentences": len(sentence_texts),
                "sections": len(headings),
            },
            "duplicates": duplicates,
            "source": fingerprint,
            "query_model": read_spec(query_model).to_dict(),
        }
        folder = building_folder(index_dir, name)
        write_version(
            folder,
            chunks=chunks,
            articles=articles,
            sources=sources,
            passage_vectors=passage_vectors,
            sentence_vectors=sentence_vectors,
            sentence_tokens=sentence_tokens,
            heading_vectors=heading_vectors,
            sentence_table=table,
            bm25=build_bm25(passage_search_texts),
            sentence_bm25=build_bm25(sentence_texts),
            faiss_type=settings.faiss_type,
            manifest=manifest,
            query_model=query_model,
        )
        if check_unchanged is not None:
            check_unchanged()
        publish(index_dir, folder)
    return BuildSummary(
        index_dir=index_dir,
        version=name,
        up_to_date=False,
        files=len(documents),
        articles=len(articles),
        duplicates=[(c, d) for c, d in duplicates],
        passages=len(chunks),
        sentences=len(sentence_texts),
        sections=len(headings),
        embedded=len(new_passages) + len(new_sentences) + len(new_headings),
        reused=len(passage_texts) + len(sentence_texts) + len(headings) - len(new_passages) - len(new_sentences) - len(new_headings),
        embedded_files=embedded_files,
        skipped=skipped or [],
        seconds=time.perf_counter() - started,
    )


def _summary_from_manifest(index_dir: Path, manifest: dict, started: float, skipped: list[str]) -> BuildSummary:
    counts = manifest["counts"]
    return BuildSummary(
        index_dir=index_dir,
        version=manifest["version"],
        up_to_date=True,
        files=counts["files"],
        articles=counts["articles"],
        duplicates=[tuple(d) for d in manifest["duplicates"]],
        passages=counts["passages"],
        sentences=counts["sentences"],
        sections=counts["sections"],
        embedded=0,
        reused=0,
        embedded_files=[],
        skipped=skipped,
        seconds=time.perf_counter() - started,
    )


def build_corpus_index(
    corpus_dir: Path | None = None,
    index_dir: Path | None = None,
    *,
    model_path: Path | None = None,
    settings: IndexSettings = IndexSettings(),
    force: bool = False,
    skip_bad_files: bool = False,
    progress: bool = False,
) -> BuildSummary:
    """Read a corpus folder and build its index.

    >>> build_corpus_index(Path("corpus"), Path("index")).passages
    """
    corpus_dir = Path(corpus_dir) if corpus_dir is not None else default_corpus_dir()
    index_dir = Path(index_dir) if index_dir is not None else default_index_dir()
    documents, skipped = read_corpus(corpus_dir, skip_bad_files=skip_bad_files)

    def check_unchanged() -> None:
        now = {display_path(p): p for p in corpus_files(corpus_dir)}
        for document in documents:
            path = now.get(document.file)
            if path is None:
                raise CorpusError(f"{document.file} was deleted during the build; nothing was published, run it again")
            if hashlib.sha256(path.read_bytes()).hexdigest() != document.sha256:
                raise CorpusError(f"{document.file} changed during the build; nothing was published, run it again")

    return build_index(
        documents,
        index_dir,
        embedder=Embedder(model_path),
        settings=settings,
        force=force,
        progress=progress,
        skipped=skipped,
        corpus_label=display_path(corpus_dir),
        check_unchanged=check_unchanged,
    )


