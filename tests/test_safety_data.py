"""The safety router's training data: the written examples are well-formed and stay apart from the
gold set, and the split is deterministic and stratified. No model is loaded."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import replace

import pytest

from eval.errors import EvalError
from eval.gold import load_gold
from eval.paths import QA_DATA_DIR, SAFETY_WRITTEN_DIR
from eval.safety_data import (
    LABELS,
    counts,
    gold_as_safety,
    load_check_items,
    load_safety_items,
    qa_questions_as_safety,
    split_of,
    typed_casually,
)


def words(text: str) -> list[str]:
    return re.sub(r"[^\w\s]", " ", text.lower().replace("’", "'").replace("'", "")).split()


@pytest.fixture(scope="module")
def written():
    return load_safety_items(sorted(SAFETY_WRITTEN_DIR.glob("*.jsonl")))


def test_written_examples_are_well_formed(written):
    assert len(written) >= 500
    assert {i.source for i in written} == {"written"}
    assert {i.label for i in written} == set(LABELS)
    for item in written:  # the id is a hash of the text: an edited example is a new example
        assert item.id == "written:" + hashlib.sha1(item.text.encode("utf-8")).hexdigest()[:12]


def test_written_examples_do_not_copy_the_gold_set(written):
    gold = [words(g.question) for g in load_gold()]
    runs = {tuple(g[i : i + 7]) for g in gold for i in range(len(g) - 6)}
    for item in written:
        w = words(item.text)
        assert w not in gold, item.text
        assert not any(tuple(w[i : i + 7]) in runs for i in range(len(w) - 6)), item.text


def test_the_split_is_stable_and_stratified():
    items = load_safety_items()
    assert split_of("written:abc") == split_of("written:abc")
    table = counts(items)
    for label in LABELS:
        share = {s: table[s][label] / table["all"][label] for s in ("train", "dev", "test")}
        assert 0.5 < share["train"] < 0.7 and 0.13 < share["dev"] < 0.27 and 0.13 < share["test"] < 0.27, (label, share)


def test_gold_kinds_map_to_safety_labels():
    mapped = Counter(i.label for i in gold_as_safety(load_gold()))
    assert mapped["crisis"] >= 8 and mapped["advice"] >= 8 and mapped["none"] > 100


def test_the_written_check_is_held_out_of_training():
    check = load_check_items()
    assert {i.label for i in check} == {"crisis", "none"} and len(check) >= 500
    trained = load_safety_items()
    assert not {i.id for i in check} & {i.id for i in trained}
    assert not {" ".join(words(i.text)) for i in check} & {" ".join(words(i.text)) for i in trained}


def test_the_qa_questions_are_ordinary_items_of_every_set():
    items = qa_questions_as_safety()
    assert {i.label for i in items} == {"none"}
    assert len({i.id for i in items}) == len(items)
    sets = Counter(i.subkind for i in items)
    assert sets["squad2"] > 10_000
    assert {p.parent.name for p in QA_DATA_DIR.glob("*/questions.jsonl")} <= set(sets)


def test_typed_casually_drops_case_and_final_punctuation_and_keeps_the_label():
    gold = gold_as_safety(load_gold())
    casual = typed_casually(gold)
    by_id = {i.id: i for i in gold}
    assert casual and len({i.id for i in casual}) == len(casual)
    for item in casual:
        original = by_id[item.id.removesuffix("~casual")]
        assert item.text == item.text.lower() and item.text[-1] not in ".?! " and item.label == original.label
        assert original.text.lower().startswith(item.text)
    assert typed_casually([replace(gold[0], text="already typed so")]) == []


def test_a_bad_line_names_its_file_and_line(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "hi", "label": "maybe", "subkind": "s", "source": "written"}) + "\n")
    with pytest.raises(EvalError, match=r"x.jsonl, line 1: label 'maybe' is not one of crisis, advice, none"):
        load_safety_items([path])
