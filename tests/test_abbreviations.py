"""Abbreviations the documents spell out, written out in definition questions (chatbot.abbreviations)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from chatbot.abbreviations import Abbreviations, defined_abbreviations, long_form


@pytest.mark.parametrize(
    ("before", "abbreviation", "expected"),
    [
        ("Low vitamin D may add to the symptoms of restless legs syndrome ", "RLS", "restless legs syndrome"),
        ("Benign Paroxysmal Positional Vertigo ", "BPPV", "Benign Paroxysmal Positional Vertigo"),
        ("avoid non-steroidal anti-inflammatory drugs ", "NSAIDs", "non-steroidal anti-inflammatory drugs"),
        ("advice from the Department of Health ", "DH", "Department of Health"),  # "of" skipped
        ("a protein called brain-derived neurotrophic factor ", "BDNF", "brain-derived neurotrophic factor"),
        ("it is carried by the virus ", "HIV", None),  # the initials do not spell it
        ("Take one tablet ", "Tablet", None),  # one capital: a word, not an abbreviation
        ("chronic obstructive ", "COPD", None),  # too few words before it
    ],
)
def test_the_long_form_is_the_words_whose_initials_spell_the_abbreviation(before, abbreviation, expected):
    assert long_form(before, abbreviation) == expected


def test_abbreviations_are_found_with_every_long_form_the_texts_give():
    texts = [
        "Restless Legs Syndrome (RLS)\n\nRLS is common. Iron (Fe) helps. See the table (below).",
        "Adults with restless legs syndrome (RLS) took part.\nOne regional legal service (RLS) paid.",
    ]
    assert defined_abbreviations(texts) == {"RLS": {"restless legs syndrome", "regional legal service"}}


def test_an_abbreviation_with_two_long_forms_is_never_written_out():
    pages = SimpleNamespace(sources={
        "a.txt": "Restless legs syndrome (RLS) is a condition of the nervous system.",
        "b.txt": "The regional legal service (RLS) pays. Patients with irritable bowel syndrome (IBS) and cats.",
    })
    abbreviations = Abbreviations.of(pages)
    assert abbreviations.long_forms == {"IBS": "irritable bowel syndrome"}
    assert abbreviations.expand("what is RLS") == "what is RLS"


@pytest.mark.parametrize(
    ("asked", "searched"),
    [
        ("what is RLS", "what is restless legs syndrome"),
        ("What is BPPV?", "What is benign paroxysmal positional vertigo?"),
        ("what is rls", "what is restless legs syndrome"),  # typed in lower case
        ("define RLS", "define restless legs syndrome"),
        ("how is RLS treated", "how is RLS treated"),  # not a definition question: the page uses "RLS" there
        ("what does RLS stand for", "what does RLS stand for"),
        ("what is cat", "what is cat"),  # the documents write "cat" in lower case
        ("what is ms", "what is ms"),  # two letters in lower case: not read as MS
        ("what is MS", "what is multiple sclerosis"),
        ("what is gout", "what is gout"),
    ],
)
def test_a_definition_question_searches_the_abbreviation_written_out(asked, searched):
    abbreviations = Abbreviations(
        {"RLS": "restless legs syndrome", "BPPV": "benign paroxysmal positional vertigo", "CAT": "copd assessment test",
         "MS": "multiple sclerosis"},
        lower_words=frozenset({"cat", "is"}),
    )
    assert abbreviations.expand(asked) == searched
