"""The quote-QA sets the team wrote, without a model: `health-pages`, `check-pages` and `paper-pages`
(development checks, never trained on), `written-pages` (training pages for `python -m eval train-ranker`) and
`tune-pages` (where it checks the abstention threshold). Their spans must be where their answers
are, and neither the training nor the tune pages may leak into a check."""

from __future__ import annotations

import json
import re

import pytest

from eval.paths import QA_DATA_DIR
from eval.qa_data import load_folder

SETS = ("health-pages", "check-pages", "paper-pages", "written-pages", "tune-pages")
CHECKS = ("health-pages", "check-pages", "paper-pages")
RUN = 12  # words: a shared run this long would be copied text, not stock wording ("the primary outcomes were the sensitivity and specificity")


@pytest.mark.parametrize("name", SETS)
def test_every_answer_is_its_span_in_its_file(name):
    folder = QA_DATA_DIR / name
    rows = [json.loads(line) for line in (folder / "questions.jsonl").read_text(encoding="utf-8").splitlines()]
    assert rows
    assert len({r["id"] for r in rows}) == len(rows)
    for row in rows:
        text = (folder / "corpus" / row["file"]).read_bytes().decode("utf-8")
        assert row["kind"] in ("answerable", "unanswerable"), row["id"]
        assert bool(row["answers"]) == (row["kind"] == "answerable"), row["id"]
        assert len(row["spans"]) == len(row["answers"]), row["id"]
        for answer, (start, end) in zip(row["answers"], row["spans"], strict=True):
            assert text[start:end] == answer, row["id"]
    assert len(load_folder(folder).items) == len(rows)  # and the eval reads it as written


def _runs(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}


def _subject(page) -> str:
    """"p9_chronic_cough_velmiprant_trial" -> "chronic_cough_velmiprant_trial" (health-pages' names have no prefix)."""
    prefix, _, rest = page.stem.partition("_")
    return rest if re.fullmatch(r"p\d+", prefix) else page.stem


@pytest.mark.parametrize("check_name", CHECKS)
@pytest.mark.parametrize("name", ["written-pages", "tune-pages"])
def test_the_pages_used_in_training_share_no_subject_and_no_text_with_a_development_check(name, check_name):
    check, training = QA_DATA_DIR / check_name / "corpus", QA_DATA_DIR / name / "corpus"
    assert not {_subject(p) for p in check.glob("*.txt")} & {_subject(p) for p in training.glob("*.txt")}
    check_runs = set().union(*(_runs(p.read_text(encoding="utf-8")) for p in check.glob("*.txt")))
    check_runs |= set().union(*(_runs(json.loads(line)["question"]) for line in (QA_DATA_DIR / check_name / "questions.jsonl").open()))
    for page in training.glob("*.txt"):
        shared = _runs(page.read_text(encoding="utf-8")) & check_runs
        assert not shared, (page.name, sorted(" ".join(run) for run in shared)[:3])
