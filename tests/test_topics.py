"""Questions about a subject as a whole, and whether a document is about it (chatbot.topics): fast,
without the model; the engine's refusal is tested over the real index in test_engine.py."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from chatbot.topics import Topics, topic_of
from indexer.records import Article, Section


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("What is glaucoma?", "glaucoma"),
        ("what are shingles", "shingles"),
        ("What are the symptoms of iron deficiency anemia?", "iron deficiency anemia"),
        ("What are the early signs of Lyme disease?", "lyme disease"),
        ("symptoms of an underactive thyroid", "underactive thyroid"),
        ("glaucoma symptoms", "glaucoma"),
        ("velmiprant side effects", "velmiprant"),
        ("What causes plantar fasciitis?", "plantar fasciitis"),
        ("How is asthma diagnosed?", "asthma"),
        ("how do doctors diagnose gout", "gout"),
        ("Who is at risk for glaucoma?", "glaucoma"),
        ("who is more likely to get plantar fasciitis", "plantar fasciitis"),
        ("How common is celiac disease?", "celiac disease"),
        ("Is impetigo contagious?", "impetigo"),
        ("Can psoriasis be cured?", "psoriasis"),
        ("tell me about sciatica", "sciatica"),
        ("What is Mycosis fungoides ?", "mycosis fungoides"),
        ("How to diagnose Parkinson's disease ?", "parkinson's disease"),
        ("What is Alzheimer's?", "alzheimer's"),
        ("How to prevent Lyme disease ?", "lyme disease"),
        ("How many people are affected by cystic fibrosis ?", "cystic fibrosis"),
        ("What are the genetic changes related to Marfan syndrome ?", "marfan syndrome"),
        ("What research (or clinical trials) is being done for gout ?", None),  # an aside: not read
        ("Do you have information about tinnitus", "tinnitus"),
        ("What are the signs and symptoms of Mycosis fungoides ?", "mycosis fungoides"),
        ("What are the side effects or risks of Warfarin ?", "warfarin"),
        ("What to do for Gout ?", "gout"),
        ("what is metformin used for", "metformin"),
        ("What's glaucoma?", "glaucoma"),
        ("whats glaucoma", "glaucoma"),
        ("What exactly is glaucoma?", "glaucoma"),
    ],
)
def test_a_question_about_a_subject_as_a_whole_names_it(question, subject):
    assert topic_of(question) == subject


@pytest.mark.parametrize(
    "question",
    [
        "How common is fibromyalgia in children?",  # a narrower question: a preposition
        "What is the most serious complication of Marfan syndrome?",
        "What is it?",  # a pronoun points back
        "What are the limitations of this study?",
        "What is Raghuram Rajan's career?",  # asks about the career
        "which scan confirms the diagnosis",
        "Is ketamine addictive?",  # asks one fact about it
        "which medicines are used for gout",
        "what is glaucoma exactly",  # an adverb left in the subject: not judged
        "How long does a flare last?",
        "",
    ],
)
def test_a_narrower_question_or_one_without_a_subject_names_none(question):
    assert topic_of(question) is None


def article(file: str, title: str, names: tuple[str, ...] = (), headings: tuple[str, ...] = (), duplicate_of=None) -> Article:
    sections = tuple(Section(heading=h, start=0, line=1, paragraphs=()) for h in headings)
    return Article(id=file, file=file, title=title, byline="", start=0, end=1, line=1, sections=sections,
                   names=names, duplicate_of=duplicate_of)


def topics(*articles: Article) -> Topics:
    return Topics.of(SimpleNamespace(articles={a.id: a for a in articles}))


def test_titles_file_names_other_names_and_headings_say_what_the_documents_are_about():
    known = topics(
        article("asthma.txt", "Asthma", names=("bronchial asthma",)),
        article("Iron_deficiency_anemia.txt", ""),  # no title line: the file name names it
        article("leaflet.txt", "Prednisolone tablets", headings=("Glaucoma and cataracts", "Side effects")),
        article("gout-copy.txt", "Lyme disease", duplicate_of="gout.txt"),  # a duplicate counts only once, as its canonical copy
    )
    assert known.covers("asthma") and known.covers("asthma attack")  # a title names part of the subject
    assert known.covers("bronchial asthma")
    assert known.covers("iron deficiency anemia") and known.covers("iron deficiency")  # the subject is part of a title
    assert known.covers("glaucoma")  # a section is about it
    assert known.covers("prednisolone")
    assert not known.covers("cataract surgery")  # a heading must hold the whole subject
    assert not known.covers("lyme disease")
    assert not known.covers("shingles")


def test_uncovered_names_the_subject_only_when_no_document_is_about_it():
    known = topics(article("asthma.txt", "Asthma"), article("leaflet.txt", "Ibuprofen", headings=("Who should not take it",)))
    assert known.uncovered("What is glaucoma?") == "glaucoma"
    assert known.uncovered("What causes asthma?") is None
    assert known.uncovered("Can I take ibuprofen if I have glaucoma?") is None  # not a question about glaucoma as a whole
    assert known.uncovered("What is the 8x8 rule?") is None  # a page may write it "8×8 rule"
