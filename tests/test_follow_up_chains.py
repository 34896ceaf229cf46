"""The follow-up conversations of `python -m eval qa --follow-ups`, without a model."""

from __future__ import annotations

import pytest

from eval.follow_ups import follow_up_chains, subject_name, with_pronoun
from eval.qa_data import QAItem


@pytest.mark.parametrize("title, file, subject", [
    ("# Endometriosis", "p6_endometriosis.txt", "Endometriosis"),
    ("Conjunctivitis (Pink Eye)", "p6_conjunctivitis.txt", "Conjunctivitis"),
    ("Bell's Palsy: Frequently Asked Questions", "p6_bells_palsy.txt", "Bell's Palsy"),
    ("Urinary tract infection - adults", "p5_uti.txt", "Urinary tract infection"),
    ("", "Black_Death.txt", "Black Death"),  # no title line: the file names the subject
])
def test_the_subject_is_the_title_without_asides_or_subtitles(title, file, subject):
    assert subject_name(title, file) == subject


def test_the_first_mention_becomes_a_pronoun_keeping_a_possessive():
    assert with_pronoun("Who typically gets Rosacea?", "rosacea") == "Who typically gets it?"
    assert with_pronoun("What is rosacea's main symptom?", "rosacea") == "What is its main symptom?"
    assert with_pronoun("Is rosaceae a word?", "rosacea") == "Is rosaceae a word?"  # whole words only
    assert with_pronoun("When were the Normans in Normandy?", "Normans") == "When were it in Normandy?"
    assert with_pronoun("Who was the Normans' main enemy?", "Normans") == "Who was its main enemy?"


def _item(id, question, article, kind="answerable", history=()):
    return QAItem(id, question, kind, (article,), ("a",), ((article, 0, 1),), history, "", article)


def test_each_question_naming_the_subject_is_asked_two_turns_into_a_conversation_about_it():
    items = [
        _item("r1", "Who typically gets rosacea?", "rosacea.txt"),
        _item("r2", "what is rosacea", "rosacea.txt"),  # "what is it" asks nothing: left out
        _item("r3", "How is rosacea treated?", "rosacea.txt"),
        _item("r4", "Does it itch?", "rosacea.txt"),  # names no subject: left out
        _item("r5", "Is rosacea contagious?", "rosacea.txt", kind="unanswerable"),
        _item("g1", "What causes gout?", "gout.txt"),  # the only one of its document: no second turn
    ]
    chains = follow_up_chains(items, {"rosacea.txt": "rosacea", "gout.txt": "gout"})
    assert [(c.id, c.history, c.question) for c in chains] == [
        ("r1~follow-up", ("How is rosacea treated?",), "Who typically gets it?"),
        ("r3~follow-up", ("Who typically gets rosacea?",), "How is it treated?"),
    ]
    assert chains[0].answers == items[0].answers and chains[0].spans == items[0].spans  # scored as before
    # with three or more, the turn before points back too
    three = follow_up_chains([*items, _item("r6", "Can rosacea affect the eyes?", "rosacea.txt")], {"rosacea.txt": "rosacea"})
    assert (three[0].history, three[0].question) == (("How is rosacea treated?", "Can it affect the eyes?"), "Who typically gets it?")
