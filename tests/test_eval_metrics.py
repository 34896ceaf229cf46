"""Metrics on hand-made outcomes (the model is not the subject here), the gate's verdicts, and the
BEIR readers."""

from __future__ import annotations

import json

import pytest

from eval.beir import beir_document, qa_paragraphs, read_qrels
from eval.errors import EvalError
from eval.gate import GateRow, compare, diff_table
from eval.gold import GoldItem
from eval.metrics import METRICS, abstention_metrics, gold_metrics, passage_metrics, quote_metrics, ranx_scores
from eval.outcomes import GoldRun, Outcome


def item(id, kind="answerable", split="dev", status="answered", answer="phrase"):
    return GoldItem(id, kind, split, "q?", ("h?",) if kind == "followup" else (), status,
                    ("corpus/a.txt",) if answer else (), answer)


def outcome(id, passages=(), relevant=(), hits=(), status="answered", **kw):
    return Outcome(item(id, status=status, **kw), status, "q?", tuple(passages), frozenset(relevant), tuple(hits))


def test_ranx_scores_match_hand_computed_values_and_count_empty_runs_as_misses():
    qrels = {"a": {"d1": 1}, "b": {"d2": 1}}
    run = {"a": {"d0": 3.0, "d1": 2.0}, "b": {}}
    assert ranx_scores(qrels, run, ["mrr@10", "hit_rate@1", "recall@3"]) == {"mrr@10": 0.25, "hit_rate@1": 0.0, "recall@3": 0.5}


def test_passage_metrics_follow_the_chatbots_order_and_count_a_lost_answer_as_a_miss():
    outcomes = [
        outcome("a", passages=[5, 7, 9], relevant=[7]),  # rank 2
        outcome("b", passages=[1, 2], relevant=[1]),  # rank 1
        outcome("c", passages=[1, 2], relevant=[]),  # no passage holds the answer
    ]
    m = passage_metrics(outcomes)
    assert m["passage_recall@1"] == pytest.approx(1 / 3, abs=1e-4)
    assert m["passage_recall@3"] == pytest.approx(2 / 3, abs=1e-4)
    assert m["passage_mrr@10"] == pytest.approx((0.5 + 1) / 3, abs=1e-4)


def test_quote_hits_count_the_first_quote_containing_the_answer_and_abstention_as_a_miss():
    outcomes = [
        outcome("a", hits=[False, True, True]),
        outcome("b", hits=[True]),
        outcome("c", hits=[], status="no_answer"),
        outcome("d", hits=[False, False, False]),
    ]
    assert quote_metrics(outcomes) == {"quote_hit@1": 0.25, "quote_hit@3": 0.5}


def test_abstention_precision_and_recall():
    should_abstain = [outcome("x", status="no_answer", answer=None), outcome("y", status="answered", answer=None)]
    should_answer = [outcome("a", status="no_answer"), outcome("b"), outcome("c")]
    assert abstention_metrics(should_abstain, should_answer) == {"abstain_precision": 0.5, "abstain_recall": 0.5}
    assert abstention_metrics([], [outcome("b")]) == {"abstain_precision": 0.0, "abstain_recall": 0.0}


def test_gold_metrics_per_split_cover_every_metric_and_safety_counts():
    def o(id, kind, split, status, expected, hits=()):
        it = GoldItem(id, kind, split, "q?", ("h",) if kind == "followup" else (), expected,
                      ("corpus/a.txt",) if kind in ("answerable", "followup") else (),
                      "p" if kind in ("answerable", "followup") else None)
        return Outcome(it, status, "q?", (1,), frozenset([1]), tuple(hits))

    outcomes = (
        o("a1", "answerable", "dev", "answered", "answered", [True]),
        o("a2", "answerable", "test", "answered", "answered", [False]),
        o("f1", "followup", "dev", "answered", "answered", [False, True]),
        o("o1", "out_of_scope", "dev", "no_answer", "no_answer"),
        o("v1", "advice", "dev", "advice", "advice"),
        o("v2", "advice", "test", "answered", "advice"),
        o("c1", "crisis", "dev", "crisis", "crisis"),
        o("l1", "lookalike", "dev", "advice", "answered"),
        o("l2", "lookalike", "test", "answered", "answered"),
    )
    run = GoldRun(outcomes, (o("f1", "followup", "dev", "answered", "answered", []),))
    dev, test = gold_metrics(run, "dev"), gold_metrics(run, "test")
    assert set(dev) == {m.name for m in METRICS}
    assert dev["quote_hit@1"] == 1.0 and test["quote_hit@1"] == 0.0
    assert dev["followup_hit@3"] == 1.0 and dev["followup_hit@3_no_history"] == 0.0
    assert dev["advice_accuracy"] == 1.0 and test["advice_accuracy"] == 0.0
    assert dev["lookalike_false_positives"] == 1.0 and test["lookalike_false_positives"] == 0.0
    assert gold_metrics(run, "all")["status_accuracy"] == pytest.approx(7 / 9, abs=1e-4)


def test_gate_fails_only_beyond_the_tolerance_and_knows_which_way_is_worse():
    baseline = {"tolerance": 0.02, "gated_split": "all",
                "metrics": {"all": {"quote_hit@1": 0.50, "quote_hit@3": 0.60, "lookalike_false_positives": 0.0,
                                    "followup_hit@3_no_history": 0.4}}}
    now = {"all": {"quote_hit@1": 0.48, "quote_hit@3": 0.55, "lookalike_false_positives": 0.0625,
                   "followup_hit@3_no_history": 0.1}}
    rows = {r.metric: r for r in compare(now, baseline)}
    assert "followup_hit@3_no_history" not in rows  # diagnostic, not gated
    assert not rows["quote_hit@1"].failed  # exactly the tolerance
    assert rows["quote_hit@3"].failed and rows["lookalike_false_positives"].failed
    table = diff_table(list(rows.values()))
    assert "| quote_hit@3 | 0.600 | 0.550 | -0.050 | 0.020 | **WORSE** |" in table
    assert GateRow("quote_hit@1", 0.5, None, 0.02).failed


def test_qrels_are_read_with_or_without_a_header(tmp_path):
    with_header = tmp_path / "a.tsv"
    with_header.write_text("query-id\tcorpus-id\tscore\n1\td1\t1\n1\td2\t0\n2\td3\t2\n")
    without = tmp_path / "b.tsv"
    without.write_text("1\td1\t1\n2\td3\t2\n")
    assert read_qrels(with_header) == read_qrels(without) == {"1": {"d1": 1}, "2": {"d3": 2}}
    bad = tmp_path / "c.tsv"
    bad.write_text("1\td1\t1\n2\td3\tmany\n")
    with pytest.raises(EvalError, match="line 2: score 'many' is not a number"):
        read_qrels(bad)


@pytest.mark.parametrize(
    "title, text",
    [
        ("Microstructural development of human newborn cerebral white matter.", "Alterations of the architecture. A second sentence (n = 3)."),
        ("A very long title that has more than fifteen words in it so the segmenter cannot take it for a title at all.", "One sentence. Two sentences."),
        ("lowercase title", "Body text here. More text."),
    ],
)
def test_a_beir_record_becomes_title_and_paragraph_with_nothing_lost(title, text):
    from indexer.segmenting import segment

    document = beir_document("d1", title, text)
    [article] = segment(document)
    kept = [document.text[s.start : s.end] for sec in article.sections for p in sec.paragraphs for s in p.sentences]
    covered = "".join([article.title, *kept]).replace(" ", "")
    assert covered == (title.rstrip(".") + text).replace(" ", "") or covered == (title + text).replace(" ", "")
    if len(title.split()) <= 15 and title[0].isupper():
        assert article.title == title.rstrip(".")


def test_a_qa_folder_reads_as_a_benchmark_of_its_split_s_paragraphs(tmp_path):
    texts = {"Alpha.txt": "Alpha one is first.\n\nAlpha two holds 1962.", "Beta.txt": "Beta is elsewhere."}
    (tmp_path / "corpus").mkdir()
    for name, text in texts.items():
        (tmp_path / "corpus" / name).write_text(text, encoding="utf-8")
    paragraphs = [("Alpha.txt", 0, 0, 19), ("Alpha.txt", 1, 21, 42), ("Beta.txt", 0, 0, 18)]
    (tmp_path / "paragraphs.jsonl").write_text(
        "\n".join(json.dumps({"file": f, "title": f[:-4], "paragraph": p, "start": s, "end": e}) for f, p, s, e in paragraphs)
    )
    questions = [
        {"id": "q1", "question": "When?", "file": "Alpha.txt", "answers": ["1962"], "spans": [[37, 41]], "kind": "answerable"},
        {"id": "q2", "question": "Why?", "file": "Alpha.txt", "answers": [], "spans": [], "kind": "unanswerable"},
        {"id": "q3", "question": "Where?", "file": "Beta.txt", "answers": ["elsewhere"], "spans": [[8, 17]], "kind": "answerable"},
    ]
    (tmp_path / "questions.jsonl").write_text("\n".join(json.dumps(q) for q in questions))
    splits = tmp_path / "splits.json"
    splits.write_text(json.dumps({"tune": ["Alpha.txt"], "report": ["Beta.txt"]}))
    data = qa_paragraphs(tmp_path, "tune", splits)
    assert data.corpus == {"Alpha#0": ("Alpha", "Alpha one is first."), "Alpha#1": ("Alpha", "Alpha two holds 1962.")}
    # Only answerable questions of the split, judged by the paragraph that holds their answer.
    assert data.queries == {"q1": "When?"} and data.qrels == {"q1": {"Alpha#1": 1}}


def test_unsure_answers_are_scored_by_how_often_their_top_quote_is_wrong():
    from eval.qa import QARecord, unsure_metrics

    def record(kind, status, rank, unsure):
        return QARecord("x", kind, "q?", "q?", status, rank, unsure=unsure)

    records = [
        record("answerable", "answered", 1, False), record("answerable", "answered", 2, False),  # one wrong of two
        record("answerable", "answered", 1, True), record("absent", "answered", None, True),  # one wrong of two
        record("unanswerable", "answered", None, True), record("answerable", "no_answer", None, False),  # refused: not counted
    ]
    assert unsure_metrics(records) == {
        "answered_unsure": 0.6, "unsure_top_wrong": 0.6667, "sure_top_wrong": 0.5,
        "answerable_refused_or_unsure": 0.5, "unanswerable_refused_or_unsure": 1.0, "absent_refused_or_unsure": 1.0,
    }
    assert set(unsure_metrics([]).values()) == {None}


def test_a_list_question_is_scored_by_the_share_of_its_items_the_top_quote_holds():
    from types import SimpleNamespace

    from eval.qa import QARecord, held_share, quote_shape
    from eval.qa_data import QAItem

    items = ("intense pain", "swelling", "red skin", "stiffness")
    item = QAItem("q", "What are the symptoms of gout?", "answerable", ("gout.txt",), items)
    quote = SimpleNamespace(file="/corpus/gout.txt", text="Symptoms include:\n- intense pain\n- swelling")
    assert held_share(item, quote) == 0.5
    assert held_share(item, SimpleNamespace(file="/corpus/other.txt", text=quote.text)) is None  # another file
    assert held_share(item, SimpleNamespace(file="/corpus/gout.txt", text="Gout is arthritis.")) is None  # a miss
    assert held_share(QAItem("q", "When?", "answerable", ("gout.txt",), ("1962",)), quote) is None  # not a list
    assert held_share(item, None) is None

    def record(status, words, held):
        return QARecord("x", "answerable", "q?", "q?", status, 1, top_words=words, answers_held=held)

    shape = quote_shape([record("answered", 10, 0.5), record("answered", 30, 1.0), record("answered", 20, None), record("no_answer", None, None)])
    assert shape == {
        "top_quote_words_median": 20.0, "top_quote_words_mean": 20.0,
        "list_questions": 2, "list_answers_held": 0.75, "list_answers_all_held": 0.5,
    }
    assert quote_shape([])["list_answers_held"] is None


def test_a_question_is_misspelt_once_in_its_longest_word_the_same_way_every_run():
    from eval.qa_data import QAItem
    from eval.typos import misspell, misspelt

    asked = "What are the symptoms of fibromyalgia?"
    typos = {misspell(asked, f"q{n}") for n in range(40)}
    assert misspell(asked, "q7") == misspell(asked, "q7") and len(typos) > 10
    for typo in typos:
        changed = [(a, b) for a, b in zip(asked.split(), typo.split(), strict=True) if a != b]
        assert len(changed) == 1 and changed[0][0] == "fibromyalgia?" and changed[0][1][0] == "f"
        assert abs(len(changed[0][1]) - len(changed[0][0])) <= 1 and changed[0][1][-2:] == "a?"  # inner letters only
    assert misspell("Does gout hurt?", "q1") == "Does gout hurt?"  # no word of seven letters: as asked
    (item,) = misspelt([QAItem("q7", asked, "answerable", history=("What is it?",))])
    assert item.question == misspell(asked, "q7") and item.history == ("What is it?",)


def test_qa_metrics_give_hit_at_1_with_its_interval():
    from eval.qa import QARecord, qa_metrics

    records = [QARecord(f"a{i}", "answerable", "q?", "q?", "answered", 1 if i < 30 else None) for i in range(40)]
    records.append(QARecord("u", "unanswerable", "q?", "q?", "no_answer", None))
    bot = qa_metrics(records)["chatbot"]
    assert bot["hit@1"] == 0.75 and bot["unanswerable_refused"] == 1.0
    low, high = bot["hit@1_interval"]
    assert 0.59 < low < 0.75 < high < 0.87  # Wilson, 30 of 40
