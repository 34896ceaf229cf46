"""Spelling correction of question words: the rules without a model, then the real chatbot."""

from __future__ import annotations

from collections import Counter

import pytest

from chatbot.spelling import Speller
from indexer import tokenize

DOCUMENT_WORDS = Counter(
    {"fibromyalgia": 12, "ketamine": 9, "infusions": 4, "dermatographism": 3, "addiction": 2, "zorvalin": 1, "zorvalix": 1, "velmipran": 2,
     "duloxetine": 2}
)


def speller(words: Counter = DOCUMENT_WORDS) -> Speller:
    stems = {stem for (stem,) in tokenize(list(words))}
    return Speller(words, lambda asked: [not s or all(stem in stems for stem in s) for s in tokenize(asked)])


@pytest.mark.parametrize(
    ("asked", "searched"),
    [
        ("what is fibromyalga", "what is fibromyalgia"),  # a letter dropped
        ("how is fibromylagia treated", "how is fibromyalgia treated"),  # two swapped
        ("Fibromyallgia and sleep", "Fibromyalgia and sleep"),  # one doubled; the capital kept
        ("side effects of ketmine infusions", "side effects of ketamine infusions"),
        ("what is dermographism", "what is dermatographism"),  # two edits in a long word
        ("is duloxteine safe", "is duloxetine safe"),
        ("is uloxetine safe", "is duloxetine safe"),  # one edit may be the first letter
    ],
)
def test_a_misspelt_word_of_the_documents_is_searched_as_they_spell_it(asked, searched):
    assert speller().correct(asked) == searched


@pytest.mark.parametrize(
    "asked",
    [
        "Is ketamine addictive?",  # an English word, though two edits from the documents' "addiction"
        "how many infusion sessions",  # the documents know its stem
        "can a nerve blok help",  # too short to guess
        "what about zorvalis",  # as near to two of the documents' words: no guess
        "the velmiprant trial",  # it only goes on past the documents' "velmipran": another word
        "what is Marfan syndrome",  # nothing near: a subject the documents lack stays one
        "is KETMINE safe",  # capitals past the first letter: an acronym or a name, not a typo
        "is fluoxetine better",  # two edits from "duloxetine", one of them its first letter: another drug
    ],
)
def test_what_is_not_a_typo_of_the_documents_words_is_left_as_asked(asked):
    assert speller().correct(asked) == asked


def test_the_chatbot_searches_the_corrected_question_and_shows_it(bot):
    typed = bot.ask("what is dermatographsim")
    right = bot.ask("what is dermatographism")
    assert typed.query == "what is dermatographism" and typed.question == "what is dermatographsim"
    assert typed.status == right.status == "answered" and typed.quotes[0].text == right.quotes[0].text
    follow_up = bot.ask("How long do its flare ups last?", history=["What is dermatographsim?"])
    assert "dermatographism" in follow_up.query and follow_up.status == "answered"
