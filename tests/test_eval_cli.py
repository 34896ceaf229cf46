"""`python -m eval` through its entry point: help, a BEIR run on a four-document dataset, the
gate's exit codes, and errors for the person running it."""

from __future__ import annotations

import json

import pytest

from eval.cli import main

DOCS = [
    ("d1", "Dermatographism and fibromyalgia", "Dermatographism is a skin condition where light scratches raise welts. The flare ups last about an hour."),
    ("d2", "Blood donation", "Donating blood takes about ten minutes. Afterwards you rest in an observation area for fifteen minutes."),
    ("d3", "Whole body vibration", "Vibration therapy uses a platform that shakes the body. Kellogg invented a vibrating chair."),
    ("d4", "Ketamine history.", "Ketamine was first discovered in 1962. It was used as an anesthetic on the battlefield."),
]
QUERIES = [("q1", "What skin condition causes welts from scratching?"), ("q2", "When was ketamine discovered?"),
           ("q3", "Who invented a vibrating chair?")]


@pytest.fixture
def beir_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("EVAL_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "tiny"
    (folder / "qrels").mkdir(parents=True)
    (folder / "corpus.jsonl").write_text("\n".join(json.dumps({"_id": d, "title": t, "text": x}) for d, t, x in DOCS))
    (folder / "queries.jsonl").write_text("\n".join(json.dumps({"_id": q, "text": t}) for q, t in QUERIES))
    (folder / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td4\t1\nq3\td3\t1\n")
    return folder


def test_help_lists_the_commands_with_examples(capsys):
    with pytest.raises(SystemExit) as exit:
        main(["--help"])
    assert exit.value.code == 0
    out = capsys.readouterr().out
    for word in ("compare", "tune", "beir", "bench", "--check", "python -m eval beir ../shared/datasets/scifact"):
        assert word in out


def test_beir_indexes_through_the_indexer_and_scores_every_mode(beir_dir, tmp_path, capsys):
    reports = tmp_path / "reports"
    assert main(["beir", str(beir_dir), "--mode", "all", "--json", "--reports", str(reports)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["documents"] == 4 and data["queries"] == 3 and data["dropped_documents"] == []
    # Every fusion at the chatbot's dense weight (its own fusion first), then at equal weights.
    assert [r["config"] for r in data["rows"]] == [
        "bm25", "dense", "hybrid weighted 0.7", "hybrid rrf 0.7", "hybrid zscore 0.7",
        "hybrid weighted 0.5", "hybrid rrf 0.5", "hybrid zscore 0.5",
    ]
    for row in data["rows"]:
        assert row["ndcg@10"] == 1.0 and row["recall@100"] == 1.0 and row["mrr@10"] == 1.0, row
    assert {p.name for p in reports.iterdir()} == {"beir-tiny.json", "beir-tiny.md", "beir-tiny.png"}
    # A rerun finds its index up to date in the cache.
    assert main(["beir", str(beir_dir), "--mode", "bm25", "--json", "--reports", str(reports)]) == 0
    assert json.loads(capsys.readouterr().out)["build"]["up_to_date"] is True


@pytest.fixture
def qa_dir(tmp_path, monkeypatch):
    """The four documents as a QA folder: one question each (its first sentence answers it) and
    one unanswerable question filed under d1."""
    monkeypatch.setenv("EVAL_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "pages"
    (folder / "corpus").mkdir(parents=True)
    questions = []
    for doc, title, text in DOCS:
        body = f"{title.rstrip('.')}\n\n{text}\n"
        (folder / "corpus" / f"{doc}.txt").write_text(body)
        first = text.split(". ")[0]
        questions.append({"id": doc, "question": f"What about {title.lower()}?", "file": f"{doc}.txt", "answers": [first],
                          "kind": "answerable", "spans": [[body.index(first), body.index(first) + len(first)]]})
    questions.append({"id": "u1", "question": "Who won the 2018 FIFA World Cup?", "file": "d1.txt", "answers": [], "kind": "unanswerable", "spans": []})
    (folder / "questions.jsonl").write_text("\n".join(json.dumps(q) for q in questions))
    return folder


def test_qa_reports_and_writes_every_questions_outcome(qa_dir, tmp_path, capsys):
    folder = qa_dir
    records = tmp_path / "records.jsonl"
    assert main(["qa", str(folder), "--records", str(records), "--json", "--reports", str(tmp_path / "reports")]) == 0
    data = json.loads(capsys.readouterr().out)
    lines = [json.loads(line) for line in records.read_text().splitlines()]
    assert [r["id"] for r in lines] == ["d1", "d2", "d3", "d4", "u1"] and data["questions"] == {"answerable": 4, "unanswerable": 1}
    assert all({"status", "rank", "top_quote", "answerable"} <= set(r) for r in lines)
    low, high = data["metrics"]["chatbot"]["hit@1_interval"]
    assert low <= data["metrics"]["chatbot"]["hit@1"] <= high


def test_qa_each_document_asks_every_document_alone_its_own_questions(qa_dir, tmp_path, capsys):
    reports = tmp_path / "reports"
    assert main(["qa", str(qa_dir), "--each-document", "--json", "--reports", str(reports)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["each_document"] and data["documents"] == 4 and data["questions"] == {"answerable": 4, "unanswerable": 1}
    assert data["sentences"] == sum(len(text.split(". ")) for _, _, text in DOCS)  # every document's sentences, each indexed once
    assert "indexed **alone**" in (reports / "qa-pages-each-document.md").read_text()
    # Documents alone have no absent subjects to be asked about.
    assert main(["qa", str(qa_dir), "--each-document", "--absent-from", "gold", "--reports", str(reports)]) == 2
    assert "--absent-from" in capsys.readouterr().err


def test_qa_follow_ups_asks_questions_naming_their_subject_later_in_a_conversation_about_it(qa_dir, tmp_path, capsys):
    questions = qa_dir / "questions.jsonl"
    body = (qa_dir / "corpus" / "d2.txt").read_text()
    extra = []
    for n, (question, answer) in enumerate([("How long does blood donation take?", "Donating blood takes about ten minutes"),
                                            ("After blood donation, where do you rest?", "Afterwards you rest in an observation area")]):
        start = body.index(answer)
        extra.append({"id": f"b{n}", "question": question, "file": "d2.txt", "answers": [answer], "kind": "answerable",
                      "spans": [[start, start + len(answer)]]})
    questions.write_text(questions.read_text() + "\n" + "\n".join(json.dumps(q) for q in extra))
    records = tmp_path / "records.jsonl"
    assert main(["qa", str(qa_dir), "--follow-ups", "--json", "--reports", str(tmp_path), "--records", str(records)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["follow_ups"] and data["questions"] == {"answerable": 3}  # d2's own question names it too
    asked = [json.loads(line) for line in records.read_text().splitlines()]
    assert [(r["id"], r["question"]) for r in asked] == [("d2~follow-up", "What about it?"), ("b0~follow-up", "How long does it take?"),
                                                         ("b1~follow-up", "After it, where do you rest?")]
    assert all("blood donation" in r["query"].lower() for r in asked), asked  # searched with the conversation's subject
    assert (tmp_path / "qa-pages-follow-ups.md").exists()
    assert main(["qa", str(qa_dir), "--follow-ups", "--absent-from", "gold", "--reports", str(tmp_path)]) == 2


def test_a_missing_beir_file_is_an_error_naming_it(tmp_path, capsys):
    assert main(["beir", str(tmp_path), "--reports", str(tmp_path)]) == 2
    assert "corpus.jsonl is missing" in capsys.readouterr().err


def test_check_passes_against_its_own_numbers_and_fails_with_a_diff_when_a_metric_drops(index_dir, tmp_path, capsys):
    from eval.paths import GOLD_PATH

    # Two questions of each kind keep this fast: the command's behaviour is the subject here.
    per_kind: dict[str, list[str]] = {}
    for line in GOLD_PATH.read_text(encoding="utf-8").splitlines():
        per_kind.setdefault(json.loads(line)["kind"], []).append(line)
    small = [line for lines in per_kind.values() for line in lines[:2]]
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(small) + "\n", encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    args = ["--gold", str(gold), "--index", str(index_dir), "--reports", str(tmp_path / "reports"), "--baseline", str(baseline)]
    assert main([*args, "--update-baseline", "--check"]) == 0
    assert "passed" in capsys.readouterr().err
    record = json.loads(baseline.read_text())
    record["metrics"]["all"]["quote_hit@3"] += 0.5  # as if the chatbot had got worse since
    baseline.write_text(json.dumps(record))
    assert main(["check", *args]) == 1
    err = capsys.readouterr().err
    assert "FAILED: 1 metric(s) worse than the baseline: quote_hit@3" in err
    assert "| quote_hit@3 |" in err and "**WORSE**" in err
    assert {p.name for p in (tmp_path / "reports").iterdir()} == {"gold.json", "gold.md", "gold-metrics.png"}
