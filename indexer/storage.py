"""The index format: what one version folder holds, how it is written and read back.

    manifest.json    format version, model, settings, corpus hashes, counts, checksums
    chunks.json      the passage table (file, title, section, byline, span, line, sentence spans)
    articles.json    every article, with its sections and duplicates
    sources.json     the text of every corpus file, so quotes are cut from it without file I/O
    passages.faiss   FAISS index over normalised passage vectors (row i = chunk i)
    sentences.npy    normalised sentence vectors, in chunk order
    sentence_token*.npy  every sentence's word-piece vectors, ids and offsets (token_vectors.py)
    sentences.npz    the sentence table: paragraph, section, place, flags, answer types per sentence
    headings.npy     normalised vectors of every section's heading (or its article's title)
    bm25/            bm25s index over passages
    bm25-sentences/  bm25s index over sentences
    query_model/     the embedding model as ONNX with its tokenizer, for questions (query_encoder.py)
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from .aliases import with_names
from .errors import CorruptIndexError, FormatVersionError, ModelMismatchError
from .lexical import TOKENIZER, load_bm25, save_bm25
from .records import Article, Chunk, Location, Section, Sentence
from .search import SearchLevel
from .sentence_table import SentenceTable
from .token_vectors import TokenTable

# 2: versions carry their query model as ONNX (query_model/); 3: sentence-level search, the
# sentence table and heading vectors; 4: the sentences' word-piece vectors. Older indexes are rebuilt.
FORMAT_VERSION = 4
MANIFEST = "manifest.json"
REBUILD_HINT = "run: python -m indexer --rebuild"


LEAD_WORDS = 3  # words that open a sentence: what it is about


def _rows_by_term(tokenized: list[list[str]]) -> dict[str, np.ndarray]:
    """term -> the sorted rows whose tokens hold it."""
    found: dict[str, list[int]] = {}
    for row, terms in enumerate(tokenized):
        for term in dict.fromkeys(terms):
            found.setdefault(term, []).append(row)
    return {term: np.array(rows, dtype=np.int64) for term, rows in found.items()}


@dataclass(frozen=True)
class Index:
    """A loaded index version: everything a reader needs, in memory."""

    folder: Path
    manifest: dict
    chunks: tuple[Chunk, ...]
    articles: dict[str, Article]
    sources: dict[str, str]  # file -> its whole text, as read when the index was built
    passages: SearchLevel  # search over passages (row i = chunks[i])
    sentences: SearchLevel  # search over sentences (row i = sentence i in chunk order)
    sentence_vectors: np.ndarray
    sentence_offsets: np.ndarray  # chunk i's sentences are rows offsets[i]:offsets[i+1]
    sentence_table: SentenceTable
    sentence_tokens: TokenTable  # word-piece vectors of every sentence (row i = sentence i)
    heading_vectors: np.ndarray  # row = section id of the sentence table

    @property
    def model(self) -> dict:
        return self.manifest["model"]

    @cached_property
    def lead_terms(self) -> dict[str, np.ndarray]:
        """term -> the sorted sentence rows whose first LEAD_WORDS words hold it: the sentences
        that are about it ("Gout is a common …", "Mycosis fungoides occurs in …")."""
        from .lexical import tokenize

        leads = [" ".join(c.text[s.start - c.start : s.end - c.start].split()[:LEAD_WORDS]) for c in self.chunks for s in c.sentences]
        return _rows_by_term(tokenize(leads) if leads else [])

    @cached_property
    def heading_terms(self) -> dict[str, np.ndarray]:
        """term -> the sorted section ids (of the sentence table) whose own heading holds it, for
        the stemmed terms of every section heading ("" for a section without one)."""
        return self._section_terms(lambda article, section: section.heading)

    @cached_property
    def title_terms(self) -> dict[str, np.ndarray]:
        """term -> the sorted section ids (of the sentence table) whose article's title, or another
        name of its subject (indexer.aliases), holds it."""
        return self._section_terms(lambda article, section: with_names(article.title, article.names))

    def _section_terms(self, text_of) -> dict[str, np.ndarray]:
        """term -> the sorted section ids whose `text_of(article, section)` holds it, over the
        canonical articles' sections in order (the sentence table's section ids)."""
        from .lexical import tokenize

        texts = [text_of(a, s) for a in self.articles.values() if a.duplicate_of is None for s in a.sections]
        return _rows_by_term(tokenize(texts) if texts else [])

    @cached_property
    def passage_articles(self) -> np.ndarray:
        """[passages] the number of each passage's article (0.. in order of first passage)."""
        numbers: dict[str, int] = {}
        return np.array([numbers.setdefault(c.article_id, len(numbers)) for c in self.chunks], dtype=np.int64)

    def sentence(self, row: int) -> tuple[Chunk, Sentence]:
        """Sentence `row` (of the sentence vectors and table) and the passage holding it."""
        passage = int(self.sentence_table.chunk[row])
        chunk = self.chunks[passage]
        return chunk, chunk.sentences[row - int(self.sentence_offsets[passage])]

    def locations_of(self, chunk: Chunk, start: int, end: int) -> tuple[Location, ...]:
        """Where else the text chunk.file[start:end] appears: the same words in each duplicate of
        its article (exact span when found verbatim, else the duplicate article's span)."""
        article = self.articles[chunk.article_id]
        text = self.sources[chunk.file][start:end]
        found = []
        for other_id in article.also_in:
            other = self.articles[other_id]
            body = self.sources[other.file][other.start : other.end]
            at = body.find(text)
            if at < 0:
                found.append(Location(other.file, other.start, other.end, other.line))
            else:
                line = other.line + body.count("\n", 0, at)
                found.append(Location(other.file, other.start + at, other.start + at + len(text), line))
        return tuple(found)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _stored_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST)


def _article_dict(article: Article) -> dict:
    data = dataclasses.asdict(article)
    data["sections"] = [
        {"heading": s.heading, "start": s.start, "line": s.line} for s in article.sections
    ]
    return data


def _article_from(data: dict) -> Article:
    sections = tuple(Section(s["heading"], s["start"], s["line"], ()) for s in data["sections"])
    return Article(**{**data, "sections": sections, "also_in": tuple(data["also_in"]), "names": tuple(data.get("names", ()))})


def _chunk_from(data: dict) -> Chunk:
    return Chunk(**{**data, "sentences": tuple(Sentence(*s) for s in data["sentences"])})


def write_version(
    folder: Path,
    *,
    chunks: list[Chunk],
    articles: list[Article],
    sources: dict[str, str],
    passage_vectors: np.ndarray,
    sentence_vectors: np.ndarray,
    sentence_tokens: TokenTable,
    heading_vectors: np.ndarray,
    sentence_table: SentenceTable,
    bm25,
    sentence_bm25,
    faiss_type: str,
    manifest: dict,
    query_model: Path,
) -> dict:
    """Write a complete version folder, fsync every file, and return its manifest. `query_model`
    is the export folder (`onnx_export.cached_export`) whose files the version links to."""
    import faiss

    from .query_encoder import FILES, FOLDER

    folder.mkdir(parents=True)
    (folder / FOLDER).mkdir()
    for name in FILES:
        link_or_copy(query_model / name, folder / FOLDER / name)
    chunk_rows = [
        {**dataclasses.asdict(c), "sentences": [[s.start, s.end] for s in c.sentences]} for c in chunks
    ]
    (folder / "chunks.json").write_text(json.dumps(chunk_rows, ensure_ascii=False), encoding="utf-8")
    (folder / "articles.json").write_text(
        json.dumps([_article_dict(a) for a in articles], ensure_ascii=False), encoding="utf-8"
    )
    (folder / "sources.json").write_text(json.dumps(sources, ensure_ascii=False), encoding="utf-8")
    dimension = passage_vectors.shape[1]
    if faiss_type == "flat":
        index = faiss.IndexFlatIP(dimension)
    elif faiss_type == "hnsw":
        index = faiss.IndexHNSWFlat(dimension, 32, faiss.METRIC_INNER_PRODUCT)
    else:
        raise ValueError(f"faiss_type {faiss_type!r} is not one of 'flat', 'hnsw'")
    index.add(passage_vectors)
    faiss.write_index(index, str(folder / "passages.faiss"))
    np.save(folder / "sentences.npy", sentence_vectors)
    sentence_tokens.save(folder)
    np.save(folder / "headings.npy", heading_vectors)
    sentence_table.save(folder / "sentences.npz")
    save_bm25(bm25, folder / "bm25")
    save_bm25(sentence_bm25, folder / "bm25-sentences")
    manifest = {
        **manifest,
        "format_version": FORMAT_VERSION,
        "files": {p.relative_to(folder).as_posix(): _sha256(p) for p in _stored_files(folder)},
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    for path in [*_stored_files(folder), folder / MANIFEST]:
        fsync_file(path)
    for sub in [folder / "bm25", folder / "bm25-sentences", folder / FOLDER, folder]:
        fsync_dir(sub)
    return manifest


def link_or_copy(source: Path, target: Path) -> None:
    """A hard link (the 90 MB model is stored once for every version that uses it), or a copy
    where the file system cannot link. Files are never changed in place, only replaced, so a
    link never lets a change to one version reach another; checksums would catch it anyway."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def fsync_file(path: Path) -> None:
    with path.open("rb") as f:
        os.fsync(f.fileno())


def replace_file(path: Path, write: Callable[[Path], None]) -> None:
    """Write a file beside `path` with `write`, then put it in place in one step: a reader never
    sees half of it (a model artefact, a report)."""
    tmp = path.with_name(path.name + ".tmp")
    write(tmp)
    tmp.replace(path)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CorruptIndexError(f"index version {folder} has no {MANIFEST}; {REBUILD_HINT}") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise CorruptIndexError(f"{folder / MANIFEST} is damaged ({exc}); {REBUILD_HINT}") from exc
    version = manifest.get("format_version") if isinstance(manifest, dict) else None
    if not isinstance(version, int):
        raise CorruptIndexError(f"{folder / MANIFEST} has no format version; {REBUILD_HINT}")
    if version > FORMAT_VERSION:
        raise FormatVersionError(
            f"index format {version} in {folder} is newer than this program reads ({FORMAT_VERSION}): "
            f"update the program, or {REBUILD_HINT}"
        )
    if version < FORMAT_VERSION:
        raise FormatVersionError(
            f"index format {version} in {folder} is older than this program reads ({FORMAT_VERSION}): {REBUILD_HINT}"
        )
    return manifest


def verify_checksums(folder: Path, manifest: dict) -> None:
    files = manifest.get("files", {})
    for name in files:
        if not (folder / name).is_file():
            raise CorruptIndexError(f"index file {folder / name} is missing; {REBUILD_HINT}")
    for name, expected in files.items():
        path = folder / name
        if _sha256(path) != expected:
            raise CorruptIndexError(
                f"index file {path} does not match its checksum (damaged or changed by hand); {REBUILD_HINT}"
            )


def check_model(folder: Path, manifest: dict, fingerprint: str | None, name: str | None) -> None:
    built = manifest["model"]
    if fingerprint is not None and fingerprint != built["fingerprint"]:
        raise ModelMismatchError(
            f"the index in {folder} was built with model {built['name']} ({built['fingerprint']}), "
            f"but questions would be embedded with {name} ({fingerprint}); rebuild the index with that model "
            f"(python -m indexer --rebuild --model PATH) or ask with the index's model"
        )


def check_tokenizer(folder: Path, manifest: dict) -> None:
    """Questions are cut into words as the index's texts were, or their words would not meet."""
    built = (manifest.get("bm25") or {}).get("tokenizer")
    if built != TOKENIZER:
        raise FormatVersionError(
            f"the index in {folder} cut its texts into words another way ({built}) than questions are "
            f"cut now ({TOKENIZER}); {REBUILD_HINT}"
        )


def read_version(folder: Path, model_fingerprint: str | None = None, model_name: str | None = None) -> Index:
    """Open one version folder after verifying format, tokenizer, checksums and model."""
    import faiss

    from .query_encoder import query_model_spec

    manifest = read_manifest(folder)
    check_tokenizer(folder, manifest)
    check_model(folder, manifest, model_fingerprint, model_name)
    query_model_spec(manifest)  # present and readable: questions cannot be embedded without it
    verify_checksums(folder, manifest)
    try:
        chunks = tuple(_chunk_from(c) for c in json.loads((folder / "chunks.json").read_text(encoding="utf-8")))
        stored = json.loads((folder / "articles.json").read_text(encoding="utf-8"))
        articles = {a["id"]: _article_from(a) for a in stored}
        sources = json.loads((folder / "sources.json").read_text(encoding="utf-8"))
        passage_index = faiss.read_index(str(folder / "passages.faiss"))
        sentence_vectors = np.load(folder / "sentences.npy")
        heading_vectors = np.load(folder / "headings.npy")
        table = SentenceTable.load(folder / "sentences.npz")
        sentence_tokens = TokenTable.load(folder)
        bm25 = load_bm25(folder / "bm25")
        sentence_bm25 = load_bm25(folder / "bm25-sentences")
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
        raise CorruptIndexError(f"index in {folder} cannot be read ({exc}); {REBUILD_HINT}") from exc
    counts = np.array([len(c.sentences) for c in chunks], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(counts)])
    sizes = {passage_index.ntotal, bm25.scores["num_docs"]} == {len(chunks)} and {
        len(sentence_vectors), len(table), len(sentence_tokens), sentence_bm25.scores["num_docs"]
    } == {offsets[-1]}
    if not sizes or (len(table) and int(table.section.max()) >= len(heading_vectors)):
        raise CorruptIndexError(f"index in {folder} is inconsistent (vector and table sizes differ); {REBUILD_HINT}")
    sentence_index = faiss.IndexFlatIP(sentence_vectors.shape[1])
    sentence_index.add(sentence_vectors)
    return Index(
        folder=folder,
        manifest=manifest,
        chunks=chunks,
        articles=articles,
        sources=sources,
        passages=SearchLevel(passage_index, bm25),
        sentences=SearchLevel(sentence_index, sentence_bm25),
        sentence_vectors=sentence_vectors,
        sentence_offsets=offsets,
        sentence_table=table,
        sentence_tokens=sentence_tokens,
        heading_vectors=heading_vectors,
    )
