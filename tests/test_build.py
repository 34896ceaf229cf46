"""Building, publishing and loading a real index (real model, real FAISS)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from indexer import (
    CorpusError,
    CorruptIndexError,
    FormatVersionError,
    ModelMismatchError,
    NoIndexError,
    build_corpus_index,
    load_index,
    model_info,
    publishing,
)
from indexer.embedding import packaged_model_dir
from indexer.token_vectors import FILES as TOKEN_FILES
from tests.conftest import REPO


def build(corpus, index, **kwargs):
    return build_corpus_index(corpus, index, **kwargs)


def test_build_counts_and_inspectable_index(index_dir):
    index = load_index(index_dir)
    counts = index.manifest["counts"]
    assert counts["files"] == 5 and counts["articles"] == 11 and counts["duplicates"] == 1
    assert counts["passages"] == len(index.chunks) == len(index.passages)
    assert counts["sentences"] == len(index.sentence_vectors)
    assert index.manifest["model"]["name"] == "all-MiniLM-L6-v2" and index.manifest["model"]["dimension"] == 384
    assert set(index.manifest["files"]) >= {"chunks.json", "articles.json", "sources.json", "passages.faiss", "sentences.npy", *TOKEN_FILES}
    tokens = index.sentence_tokens  # every sentence's word pieces, in sentence order
    assert len(tokens) == counts["sentences"] and tokens.vectors.shape == (len(tokens.ids), 384)
    assert (np.diff(tokens.offsets) > 0).all()  # every sentence has a word


def test_every_passage_and_sentence_is_an_exact_span(index_dir, sources):
    index = load_index(index_dir)
    for chunk in index.chunks:
        source = sources[chunk.file]
        assert chunk.text == source[chunk.start : chunk.end]
        assert source.count("\n", 0, chunk.start) + 1 == chunk.line
        assert chunk.sentences[0].start == chunk.start and chunk.sentences[-1].end == chunk.end
        for boilerplate in ("Share Now", "Contact Us", "Leave a comment", "No copyright infringement"):
            assert boilerplate not in chunk.text
        assert not chunk.file.startswith("corpus/000_"), "the duplicate is cited, not indexed"


def test_duplicate_passages_cite_the_other_copy(index_dir, sources):
    index = load_index(index_dir)
    chunk = next(c for c in index.chunks if "chemically induced sleep" in c.text)
    start = chunk.start + chunk.text.index("When undergoing")
    end = start + len("When undergoing the infusion you basically go into a chemically induced sleep for several hours.")
    (location,) = index.locations_of(chunk, start, end)
    assert location.file == "corpus/000_b7428b656690f388.txt"
    assert sources[location.file][location.start : location.end] == sources[chunk.file][start:end]
    assert location.line == 5


def test_rebuild_after_changing_one_file_reembeds_only_that_file(workspace, embedder):
    corpus, index = workspace
    first = build(corpus, index)
    assert first.embedded == 0  # everything came from the seeded cache
    assert build(corpus, index).up_to_date
    changed = corpus / "002_a7cb2ac8830fe42a.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nKetamine was studied again in a new trial.\n", encoding="utf-8")
    second = build(corpus, index)
    assert not second.up_to_date and second.version != first.version
    assert [Path(f).name for f in second.embedded_files] == ["002_a7cb2ac8830fe42a.txt"]
    assert 0 < second.embedded <= 4  # the new sentence and the passage(s) holding it
    assert second.reused == second.passages + second.sentences + second.sections - second.embedded
    assert load_index(index).manifest["version"] == second.version


def test_crash_during_publish_leaves_the_old_index_loadable(workspace, monkeypatch):
    corpus, index = workspace
    old = build(corpus, index)
    (corpus / "004_e232aafa4dc073b1.txt").write_text("Fibromyalgia is common.\n", encoding="utf-8")

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("killed while switching the pointer")

    monkeypatch.setattr(publishing.os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        build(corpus, index)
    monkeypatch.undo()
    assert load_index(index).manifest["version"] == old.version
    # the next build cleans up and publishes
    assert build(corpus, index).version != old.version


def test_killed_build_leaves_no_half_written_index(workspace):
    corpus, index = workspace
    build(corpus, index)
    (index / ".building-20990101T000000-000000000").mkdir()  # what a killed build leaves
    (index / ".building-20990101T000000-000000000" / "chunks.json").write_text("[", encoding="utf-8")
    assert load_index(index).chunks
    (corpus / "004_e232aafa4dc073b1.txt").write_text("Fibromyalgia is common.\n", encoding="utf-8")
    build(corpus, index)
    assert not list(index.glob(".building-*"))
    assert len(list((index / "versions").iterdir())) == 2  # the live version and the one before


def test_no_index_says_how_to_build_one(tmp_path):
    with pytest.raises(NoIndexError, match="run python -m indexer"):
        load_index(tmp_path)


def test_checksum_mismatch_is_refused(workspace):
    corpus, index = workspace
    build(corpus, index)
    live = publishing.current_version(index)
    chunks = live / "chunks.json"
    original = chunks.read_bytes()
    chunks.write_text(original.decode("utf-8").replace("Fibromyalgia", "Fibromyalgiu", 1), encoding="utf-8")
    with pytest.raises(CorruptIndexError, match="chunks.json does not match its checksum"):
        load_index(index)
    chunks.write_bytes(original)
    faiss_file = live / "passages.faiss"
    faiss_file.write_bytes(faiss_file.read_bytes()[:100])  # truncated
    with pytest.raises(CorruptIndexError, match="passages.faiss does not match its checksum"):
        load_index(index)
    (live / "passages.faiss").unlink()
    with pytest.raises(CorruptIndexError, match="is missing"):
        load_index(index)


def test_newer_format_is_refused(workspace):
    corpus, index = workspace
    build(corpus, index)
    manifest_path = publishing.current_version(index) / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["format_version"] = 99
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(FormatVersionError, match="newer than this program"):
        load_index(index)


def test_an_index_whose_words_were_cut_another_way_is_refused(workspace):
    corpus, index = workspace
    build(corpus, index)
    manifest_path = publishing.current_version(index) / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["bm25"]["tokenizer"] = {"stopwords": "en", "stemmer": "english"}  # before accents were folded
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(FormatVersionError, match="another way.*python -m indexer --rebuild"):
        load_index(index)


def test_model_mismatch_is_refused(workspace, tmp_path):
    corpus, index = workspace
    build(corpus, index)
    other = tmp_path / "other-model"
    shutil.copytree(packaged_model_dir(), other, ignore=shutil.ignore_patterns("*.safetensors", "*.bin"))
    os.symlink(packaged_model_dir() / "model.safetensors", other / "model.safetensors")
    config = json.loads((other / "config.json").read_text())
    config["note"] = "a different model"
    (other / "config.json").write_text(json.dumps(config))
    assert model_info(other).fingerprint != model_info().fingerprint
    with pytest.raises(ModelMismatchError, match="rebuild the index with that model"):
        load_index(index, model_path=other)


def run_cli(*args):
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"}
    return subprocess.run([sys.executable, "-m", "indexer", *args], cwd=REPO, capture_output=True, text=True, env=env, timeout=300)


def test_cli_help_build_and_inspect(workspace):
    corpus, index = workspace
    assert run_cli("--help").returncode == 0
    built = run_cli("--corpus", str(corpus), "--index", str(index))
    assert built.returncode == 0, built.stderr
    assert "articles 11, duplicates 1" in built.stdout and "passages" in built.stdout
    assert "warning" not in built.stderr, built.stderr  # bm25s's own notes stay quiet
    shown = run_cli("inspect", "--index", str(index))
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.count("corpus/003_adc36a2e2c4ab3c7.txt:") == 7
    assert "duplicate of " in shown.stdout and "corpus/003_adc36a2e2c4ab3c7.txt#6" in shown.stdout
    missing = run_cli("--corpus", str(corpus / "nope"), "--index", str(index))
    assert missing.returncode == 1 and "does not exist" in missing.stderr


@pytest.mark.parametrize("change", ["edit", "delete"])
def test_file_changed_during_build_publishes_nothing(workspace, monkeypatch, change):
    corpus, index = workspace
    old = build(corpus, index)
    target = corpus / "002_a7cb2ac8830fe42a.txt"
    (corpus / "004_e232aafa4dc073b1.txt").write_text("Fibromyalgia is common.\n", encoding="utf-8")
    import indexer.build

    real_write = indexer.build.write_version

    def write_then_change(*args, **kwargs):
        result = real_write(*args, **kwargs)
        if change == "edit":
            target.write_text("Edited while the index was being built.\n", encoding="utf-8")
        else:
            target.unlink()
        return result

    monkeypatch.setattr("indexer.build.write_version", write_then_change)
    with pytest.raises(CorpusError, match="during the build; nothing was published") as error:
        build(corpus, index)
    assert "002_a7cb2ac8830fe42a.txt" in str(error.value)
    assert load_index(index).manifest["version"] == old.version
