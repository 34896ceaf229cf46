"""The gold set: well-formed, every answer phrase verbatim in its files, every kind above its minimum."""

from __future__ import annotations

import json

import pytest

from eval.errors import GoldSetError
from eval.gold import MIN_TOTAL, MINIMUMS, counts, load_gold, problems
from eval.paths import REPO_ROOT


def read(file: str) -> str:
    return (REPO_ROOT / file).read_bytes().decode("utf-8")  # as the chatbot reads corpus files


def test_every_answer_phrase_occurs_verbatim_in_each_of_its_files():
    items = load_gold()
    missing = [
        f"{i.id}: {i.answer!r} not in {f}" for i in items if i.has_evidence for f in i.files if i.answer not in read(f)
    ]
    assert missing == []


def test_counts_per_kind_meet_the_minimums_and_both_splits_cover_every_kind():
    items = load_gold()
    table = counts(items)
    for kind, minimum in MINIMUMS.items():
        assert table[kind]["all"] >= minimum, kind
        assert table[kind]["dev"] > 0 and table[kind]["test"] > 0, kind
    assert len(items) >= MIN_TOTAL
    assert problems(items, read) == []


def test_answerable_and_followup_items_carry_evidence_and_followups_their_history():
    for item in load_gold():
        if item.kind in ("answerable", "followup"):
            assert item.has_evidence, item.id
        assert bool(item.history) == (item.kind == "followup"), item.id


def _write(tmp_path, rows) -> object:
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


GOOD = {
    "id": "ans-001", "kind": "answerable", "split": "dev", "question": "What is it?", "history": [],
    "status": "answered", "files": ["corpus/x.txt"], "answer": "a phrase",
}


@pytest.mark.parametrize(
    "bad, message",
    [
        ("{not json", "line 2: is not valid JSON"),
        ({**GOOD, "id": "ans-002", "kind": "weird"}, "kind 'weird' is not one of"),
        ({**GOOD, "id": "ans-002", "split": "train"}, "split 'train' is not one of"),
        ({**GOOD, "id": "ans-002", "answer": None}, "answer and files go together"),
        ({**GOOD, "id": "ans-002", "status": "no_answer"}, "kind answerable expects status 'answered'"),
        ({k: v for k, v in GOOD.items() if k != "files"} | {"id": "ans-002"}, "lacks field(s) files"),
        (GOOD, "id 'ans-001' is used twice"),
    ],
)
def test_a_bad_line_is_refused_with_its_file_and_line_number(tmp_path, bad, message):
    path = _write(tmp_path, [GOOD, bad])
    with pytest.raises(GoldSetError) as caught:
        load_gold(path)
    assert str(caught.value).startswith(f"{path}, line 2: ")
    assert message in str(caught.value)


def test_problems_names_a_phrase_missing_from_its_file_and_a_short_kind(tmp_path):
    items = load_gold(_write(tmp_path, [GOOD]))
    found = problems(items, lambda f: "other text")
    assert found[0] == "ans-001: answer 'a phrase' does not occur verbatim in corpus/x.txt"
    assert any("kind followup has 0 questions, fewer than the 10 required" == p for p in found)
