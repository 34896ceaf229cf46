"""Answer types, without a model: what a question asks for and what a sentence holds."""

from __future__ import annotations

import pytest

from indexer.answer_types import AnswerType, question_types, sentence_types

QUESTIONS = [
    ("When was ketamine first discovered?", AnswerType.DATE),
    ("How long do the flare ups last?", AnswerType.DURATION),
    ("How many Americans have fibromyalgia?", AnswerType.NUMBER),
    ("How much does an infusion cost?", AnswerType.MONEY),
    ("Who invented the vibrating chair?", AnswerType.PERSON),
    ("Where is the Rhine?", AnswerType.PLACE),
    ("Why does rosacea make your face red?", AnswerType.CAUSE),
    ("What is dermatographism?", AnswerType.DEFINITION),
    ("What does hyperalgesia mean?", AnswerType.DEFINITION),
    ("what type of drug is prednisolone", AnswerType.DEFINITION),  # "Prednisolone is a corticosteroid."
    ("What kind of study was this?", AnswerType.DEFINITION),
]
SENTENCES = [
    ("First discovered in 1962, ketamine quickly became a player.", AnswerType.DATE),
    ("The flare ups will last about a half an hour to an hour.", AnswerType.DURATION),
    ("It affects more than 5 million Americans.", AnswerType.NUMBER),
    ("Among the inventions of Dr. John Harvey Kellogg was the vibrating chair.", AnswerType.PERSON),
    ("Dermatographism is a skin condition where light scratches raise welts.", AnswerType.DEFINITION),
    ("The redness happens because blood vessels widen.", AnswerType.CAUSE),
    ("About 2% of people have it.", AnswerType.PERCENT),
    ("A session costs $400.", AnswerType.MONEY),
]


@pytest.mark.parametrize("question, kind", QUESTIONS)
def test_questions_ask_for_their_type(question, kind):
    assert question_types(question) & kind


@pytest.mark.parametrize("question", [
    "What are the symptoms of shingles?",
    "What is the outlook for people with gout?",
    "What is ketamine used for?",
    "What was the population of the city in 1900?",
    "Which type of glaucoma is most common?",
    "What kind of needlework was used in the creation of the Bayeux Tapestry?",
])
def test_a_question_about_a_property_of_something_is_not_a_definition_question(question):
    # It asks for the symptoms, the outlook, the use: "Shingles is a viral infection." does not answer it.
    assert not question_types(question) & AnswerType.DEFINITION


def test_yes_no_and_open_questions_ask_for_no_type():
    assert question_types("Is fibromyalgia hereditary?") == AnswerType(0)
    assert question_types("Can a nerve block help fibromyalgia?") == AnswerType(0)


@pytest.mark.parametrize("sentence, kind", SENTENCES)
def test_sentences_hold_their_types(sentence, kind):
    assert sentence_types(sentence) & kind


def test_a_plain_sentence_holds_no_date_number_or_name():
    types = sentence_types("Living with fibromyalgia can be incredibly challenging.")
    assert not types & (AnswerType.DATE | AnswerType.NUMBER | AnswerType.PERSON | AnswerType.DURATION)
