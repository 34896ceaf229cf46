"""The index's own query model (ONNX, run without torch) against the sentence-transformers model it
was exported from: the same vectors, the same answers, and a query path that never imports torch."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from eval.gold import load_gold
from eval.scorecard import score
from indexer import (
    CorruptIndexError,
    FormatVersionError,
    build_corpus_index,
    load_index,
    load_query_encoder,
    publishing,
)
from tests.conftest import REPO

PARITY = 0.999  # least cosine between the two models' vectors of one text
METRICS = 0.005  # most a gold-set metric may move between the two


def test_every_gold_question_gets_the_same_vector(index_dir, embedder):
    encoder = load_query_encoder(load_index(index_dir))
    questions = [item.question for item in load_gold()]
    reference = embedder.encode(questions)
    one_by_one = np.vstack([encoder.encode([q]) for q in questions])
    batched = encoder.encode(questions)  # padded to the longest: the mask must hide the padding
    assert one_by_one.dtype == np.float32 and np.allclose(np.linalg.norm(one_by_one, axis=1), 1, atol=1e-5)
    assert (one_by_one * reference).sum(axis=1).min() >= PARITY
    assert (batched * reference).sum(axis=1).min() >= PARITY


def test_word_pieces_match_the_sentence_transformers_ones(index_dir, embedder):
    encoder = load_query_encoder(load_index(index_dir))
    questions = [item.question for item in load_gold()][:40] + ["ÉCOLE naïve 😀 纤维肌痛?", "?"]
    vectors, pieces = encoder.encode_with_tokens(questions)  # one batch: padding and specials dropped
    reference_vectors, reference = embedder.encode_with_tokens(questions)
    assert np.allclose(vectors, encoder.encode(questions), atol=1e-6)
    assert (vectors * reference_vectors).sum(axis=1).min() >= PARITY
    for ours, theirs in zip(pieces, reference, strict=True):
        assert ours.ids.tolist() == theirs.ids.tolist()
        assert len(ours.ids) == 0 or (ours.vectors * theirs.vectors).sum(axis=1).min() >= PARITY
    assert len(pieces[-1].ids) == 0  # punctuation alone: no word piece
    assert len(pieces[0].ids) > 0 and np.allclose(np.linalg.norm(pieces[0].vectors, axis=1), 1, atol=1e-5)


def test_long_and_unusual_texts_get_the_same_vector(index_dir, embedder, sources):
    encoder = load_query_encoder(load_index(index_dir))
    text = sources["corpus/003_adc36a2e2c4ab3c7.txt"]
    texts = [text[:6000], text[2000:2600], "  spaced   out  ", "ÉCOLE naïve 😀 纤维肌痛", "x", "?"]  # the first is cut at 256 tokens
    cosines = (encoder.encode(texts) * embedder.encode(texts)).sum(axis=1)
    assert cosines.min() >= PARITY, cosines


def test_gold_set_metrics_match_the_sentence_transformers_path(bot, st_bot):
    items = load_gold()
    onnx, reference = score(bot, items).metrics, score(st_bot, items).metrics
    moved = {
        (split, name): (round(reference[split][name], 4), round(value, 4))
        for split, row in onnx.items()
        for name, value in row.items()
        if abs(value - reference[split][name]) > METRICS
    }
    assert moved == {}


def test_the_version_links_its_query_model_and_checksums_it(index_dir):
    index = load_index(index_dir)
    files = index.manifest["files"]
    assert {"query_model/model.onnx", "query_model/model.onnx.data", "query_model/tokenizer.json"} <= set(files)
    spec = index.manifest["query_model"]
    assert spec["model"] == index.manifest["model"]["name"] and spec["fingerprint"] == index.manifest["model"]["fingerprint"]
    assert spec["dimension"] == 384 and spec["max_length"] == 256
    export = index_dir / "cache" / "onnx" / f"{spec['fingerprint']}-v{spec['export_version']}"  # exported once, into the cache
    for name in ("model.onnx", "model.onnx.data"):
        assert os.path.samefile(export / name, index.folder / "query_model" / name)


def test_an_older_format_or_a_missing_query_model_is_refused_with_what_to_do(workspace):
    corpus, index = workspace
    build_corpus_index(corpus, index)
    manifest_path = publishing.current_version(index) / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest_path.write_text(json.dumps({**manifest, "format_version": 1}), encoding="utf-8")
    with pytest.raises(FormatVersionError, match="older than this program reads.*python -m indexer --rebuild"):
        load_index(index)
    del manifest["query_model"]
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(CorruptIndexError, match="no usable query model.*--rebuild"):
        load_index(index)


QUERY_PATH = """
import json, sys, threading, time, urllib.request
import uvicorn
from chatbot import Chatbot
from chatbot.webapp import AppSettings, create_app
from pathlib import Path

index, work, port = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
bot = Chatbot.load(index)
assert bot.ask("What is dermatographism?").status == "answered"
app = create_app(bot, AppSettings(feedback_path=work / "f.sqlite3", conversations_path=work / "c.sqlite3"))
server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
threading.Thread(target=server.run, daemon=True).start()
while not server.started:
    time.sleep(0.05)
request = urllib.request.Request(f"http://127.0.0.1:{port}/api/ask", data=json.dumps({"question": "What is tactile allodynia?"}).encode(),
                                 headers={"Content-Type": "application/json"})
answer = json.load(urllib.request.urlopen(request))
page = urllib.request.urlopen(f"http://127.0.0.1:{port}/").read()
server.should_exit = True
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "sentence_transformers", "transformers", "sklearn"))
print(json.dumps({"status": answer["status"], "page": b"Fibro Quote Bot" in page, "heavy": heavy}))
"""


def test_the_query_path_never_imports_torch(index_dir, tmp_path):
    """Load, answer, and serve the API and the page in a fresh process: no torch, no
    sentence-transformers, no transformers, no scikit-learn in it afterwards."""
    from tests.ui_server import free_port

    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"}
    done = subprocess.run(
        [sys.executable, "-c", QUERY_PATH, str(index_dir), str(tmp_path), str(free_port())],
        cwd=REPO, capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"status": "answered", "page": True, "heavy": []}


FIRST_RUN = """
import sys
from pathlib import Path
from chatbot.cli import ensure_index
from indexer import load_index
ensure_index(Path(sys.argv[1]), None)
print(len(load_index(Path(sys.argv[1])).sentence_offsets) > 1, "torch" in sys.modules)
"""


def test_a_first_run_builds_the_index_in_a_child_so_the_answering_process_stays_light(tmp_path):
    """With no index yet, `chatbot` (serve or ask) builds one through `python -m indexer` in a
    child process: the process that goes on to answer never loads torch (~1 GB) for it."""
    done = subprocess.run(
        [sys.executable, "-c", FIRST_RUN, str(tmp_path / "index")], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split() == ["True", "False"]  # built, and torch never imported here
    assert "building it from the corpus" in done.stderr and "published" in done.stderr  # the child's report, on stderr
