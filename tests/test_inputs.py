"""Reading what a visitor types, without the model: cleaning, wording, and messages that ask nothing."""

from __future__ import annotations

import pytest

from chatbot.inputs import clean_text, is_pleasantry, plain_wording


def test_control_characters_go_and_whitespace_collapses():
    assert clean_text("What\x00 is\n\tfibro\u200b?  ") == "What is fibro?"


def test_a_verb_in_both_numbers_is_read_in_the_first():
    assert plain_wording("What is (are) Mycosis fungoides ?") == "What is Mycosis fungoides?"


@pytest.mark.parametrize("message", ["Thanks so much!", "hi", "Hello there!", "ok, bye", "thank you 🙏", "great, thanks again!"])
def test_greetings_and_thanks_are_pleasantries(message):
    assert is_pleasantry(message)


@pytest.mark.parametrize("message", ["thanks, is ketamine safe?", "thanks. I want to die", "how are you", "there", "again", "ok so what is fibro"])
def test_a_message_asking_anything_is_no_pleasantry(message):
    assert not is_pleasantry(message)
