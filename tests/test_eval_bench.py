"""The benchmarks' parts, small: latency by stage against a bare encode, a cold and a warm build,
and the HTTP load client against the real app (in a thread) and against a closed port."""

from __future__ import annotations

import hashlib

from eval.bench import answer_latency, build_benchmark, http_load, report
from eval.gold import load_gold
from eval.load import ask_page
from eval.server import free_port
from indexer import Document


def doc(name: str, text: str) -> Document:
    return Document(name, text, hashlib.sha256(text.encode()).hexdigest())


def test_answer_latency_splits_stages_and_compares_with_a_bare_encode(index_dir, embedder):
    gold = load_gold()
    items = [i for i in gold if i.kind == "answerable"][:6] + [i for i in gold if i.kind == "crisis"][:1]
    result = answer_latency(index_dir, items, embedder, rounds=1)
    assert result["questions"] == len([i for i in items if i.kind != "crisis"])  # crisis never reaches retrieval
    assert {"embed", "retrieval", "ranking", "other", "ask (total)", "bare encode"} <= set(result["stages"])
    for row in result["stages"].values():
        assert 0 <= row["p50_ms"] <= row["p95_ms"]
    assert result["ratio_p50"] > 0
    assert result["torch_imported_by_asks"] is False  # timed as served


def test_build_benchmark_times_a_cold_build_a_warm_one_and_a_bare_encode(embedder):
    documents = [
        doc("a.txt", "Skin conditions\n\nDermatographism raises welts. The flare ups last an hour.\n"),
        doc("b.txt", "Blood donation\n\nDonating blood takes ten minutes. You rest for fifteen minutes after.\n"),
    ]
    result = build_benchmark(embedder, documents, "tiny")
    assert result["files"] == 2 and result["passages"] >= 2
    assert result["texts_encoded"] == result["bare_encode_texts"]
    assert 0 < result["warm_texts_encoded"] < result["texts_encoded"]  # only the changed file's texts
    assert result["warm_touched_file"] == "b.txt"
    assert result["ratio_to_bare_encode"] > 0


def test_http_load_drives_the_api_and_counts_errors_and_the_page_answers(bot, tmp_path):
    from chatbot.webapp import AppSettings, create_app
    from tests.ui_server import serving_in_thread

    app = create_app(bot, AppSettings(tmp_path / "feedback.sqlite3", tmp_path / "conversations.sqlite3", rate_limit=0))
    with serving_in_thread(app) as url:
        rows = http_load(url, ["What is fibromyalgia?", "What is dermatographism?"], levels=(1, 4), requests=8)
        question, answer = ask_page(url, "What is dermatographism?")  # as the chat page asks
    assert question["role"] == "user" and answer["role"] == "assistant" and "Dermatographism" in str(answer["content"])
    assert [r["clients"] for r in rows] == [1, 4]
    for row in rows:
        assert row["requests"] == 8 and row["ok"] == 8 and row["errors"] == 0
        assert 0 < row["p50_ms"] <= row["p95_ms"] and row["throughput_per_s"] > 0
    (down,) = http_load(f"http://127.0.0.1:{free_port()}/", ["What is fibromyalgia?"], levels=(2,), requests=4)
    assert down["ok"] == 0 and down["errors"] == 4 and down["error_examples"]


def test_report_renders_without_the_http_part():
    result = {
        "answer_latency": {"questions": 2, "ratio_p50": 1.2, "ratio_p95": 1.3,
                           "stages": {s: {"p50_ms": 1.0, "p95_ms": 2.0} for s in ("embed", "extraction", "ask (total)", "bare encode")}},
        "build": [{"corpus": "corpus", "files": 5, "passages": 89, "sentences": 395, "cold_seconds": 10.0,
                   "chunks_per_second": 8.9, "bare_encode_seconds": 9.0, "ratio_to_bare_encode": 1.11,
                   "warm_seconds": 1.0, "warm_texts_encoded": 3}],
        "cold_start": {"seconds_median": 9.0, "seconds": [9.0], "peak_rss_mb": 700.0},
    }
    info = {"command": "python -m eval bench", "created": "now", "machine": {"cpus": 2}}
    data, markdown, charts = report(result, info)
    assert "**1.2×** at p50" in markdown and "HTTP" not in markdown
    assert set(charts) == {"bench-latency"}
