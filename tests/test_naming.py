"""Other names of a subject read as its title (chatbot.naming): which names, then the rewriting."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from chatbot.naming import Renamer
from indexer import tokenize
from indexer.records import Article


def article(title: str, names: tuple[str, ...], duplicate_of: str | None = None) -> Article:
    return Article(id=title, file=f"{title}.txt", title=title, byline="", start=0, end=1, line=1, sections=(),
                   names=names, duplicate_of=duplicate_of)


def index(articles: list[Article], sentences: list[str]):
    """An index of `sentences` (and nothing else)."""
    held = [set(stems) for stems in tokenize(sentences)]
    rows_with = lambda stem: np.array([row for row, stems in enumerate(held) if stem in stems], dtype=np.int64)  # noqa: E731
    return SimpleNamespace(articles={a.id: a for a in articles}, sentences=SimpleNamespace(rows_with=rows_with),
                           sentence_table=SimpleNamespace(words=np.array([len(s.split()) for s in sentences], dtype=np.int32)))


def test_only_names_no_sentence_uses_of_one_subject_with_a_short_title_are_read():
    renamer = Renamer.of(index([
        article("Hemorrhoids", ("Piles", "haemorrhoids")),
        article("ASTHMA (BRONCHIAL)", ("bronchial asthma", "wheezing disease")),
        article("Restless legs syndrome: your questions answered", ("Willis-Ekbom disease",)),
        article("Frozen shoulder", ("adhesive capsulitis", "Piles")),
        article("Gout copy", ("podagra",), duplicate_of="Gout"),
        article("Tinnitus", ("ringing in the ears",)),
    ], ["Hemorrhoids bleed.", "Asthma makes it hard to breathe.", "A frozen shoulder is stiff.", "The capsule is inflamed.",
        "The ringing stops.", "Wax in the ears."]))
    assert renamer.titles == {
        ("haemorrhoid",): "Hemorrhoids",  # "Piles" names two subjects: read as asked
        ("wheez", "diseas"): "asthma",  # all capitals read as a word, the aside left out
        ("bronchial", "asthma"): "asthma",  # no sentence holds both words
        ("adhes", "capsul"): "Frozen shoulder",  # "capsule" (stem "capsul") is in the text, but not with "adhesive"
        ("ring", "ear"): "Tinnitus",
    }


def test_a_names_section_listing_a_name_is_not_a_use_of_it():
    renamer = Renamer.of(index([
        article("Neurofibromatosis Type 1", ("von Recklinghausen disease", "NF1", "Peripheral neurofibromatosis")),
    ], ["Von Recklinghausen disease", "NF1", "Peripheral neurofibromatosis",  # the section "Other Names for This Condition"
        "One altered copy of the NF1 gene causes it.", "It is named after von Recklinghausen, who described it."]))
    # "NF1" is used in a sentence of the text: searched as it is.
    assert renamer.titles == {("von", "recklinghausen", "diseas"): "Neurofibromatosis Type 1",
                              ("peripher", "neurofibromatosi"): "Neurofibromatosis Type 1"}


@pytest.mark.parametrize(
    ("asked", "searched"),
    [
        ("what are piles", "what are Hemorrhoids"),
        ("Typical sign of internal PILES?", "Typical sign of internal Hemorrhoids?"),
        ("what is adhesive capsulitis", "what is frozen shoulder"),
        ("is the capsulitis adhesive", "is the capsulitis adhesive"),  # not the name's words in a row
        ("how long do I use salicylic acid on a verruca", "how long do I use salicylic acid on a plantar warts"),
        ("what is gout", "what is gout"),
    ],
)
def test_a_name_in_a_question_is_replaced_by_its_title(asked, searched):
    renamer = Renamer({("pile",): "Hemorrhoids", ("adhes", "capsul"): "frozen shoulder", ("verruca",): "plantar warts"})
    assert renamer.rename(asked) == searched
