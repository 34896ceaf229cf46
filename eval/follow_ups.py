"""Conversations for `python -m eval qa --follow-ups`: the set's answerable questions asked as the
third turn of a conversation about their document's subject, with the subject a pronoun.

A question naming its document's subject ("Who typically gets rosacea?") becomes "Who typically
gets it?", asked after "What is rosacea?" and another question of the same document asked the same
way ("What is the bulbous swollen nose caused by it called?"): what a visitor types once the
conversation has named what it is about. Its gold answers do not change, so the report scores how
well follow-up resolution carries the subject over two turns, against the same questions asked as
written. Questions that do not name the subject, and documents with fewer than two that do, are
left out.

>>> chains = follow_up_chains(qa.items, {"p5_rosacea.txt": "rosacea"})
>>> chains[1].history, chains[1].question
(('What is rosacea?', 'what is the bulbous swollen nose caused by it called'), 'Who typically gets it?')
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from .qa_data import QAItem

_ASIDE = re.compile(r"\s*\([^)]*\)")  # "Conjunctivitis (Pink Eye)"
_TAIL = re.compile(r"\s*(?::|\s-\s|\s–\s).*$")  # "Bell's Palsy: Frequently Asked Questions", "Urinary tract infection - adults"


def subject_name(title: str, file: str) -> str:
    """What a document is about, as a question would name it: its title without Markdown marks, an
    aside in brackets or what follows a colon or a dash; else its file name ("Black_Death.txt" ->
    "Black Death")."""
    name = _TAIL.sub("", _ASIDE.sub("", title.lstrip("# ").strip())).strip()
    return name or Path(file).stem.replace("_", " ")


def _naming(subject: str) -> re.Pattern:
    return re.compile(rf"(?:\bthe )?\b{re.escape(subject)}(['’]s?)?(?!\w)", re.IGNORECASE)


def with_pronoun(question: str, subject: str) -> str:
    """`question` with its first mention of `subject` as "it" ("its" for a possessive), an article
    before it included ("When were the Normans in Normandy?" -> "When were it in Normandy?")."""
    return _naming(subject).sub(lambda m: "its" if m.group(1) else "it", question, count=1)


def follow_up_chains(items: list[QAItem], subjects: dict[str, str]) -> list[QAItem]:
    """Each answerable question of one document that names that document's subject (`subjects`:
    file name -> subject), asked with "it" after "What is <subject>?" and the next such question of
    the document (in the set's order, the last one followed by the first) asked with "it"."""
    named: dict[str, list[QAItem]] = {}
    for item in items:
        subject = subjects.get(item.article, "")
        if item.kind == "answerable" and subject and not item.history and _naming(subject).search(item.question):
            if with_pronoun(item.question, subject).strip(" ?").lower() != "what is it":
                named.setdefault(item.article, []).append(item)
    chains = []
    for article, asked in named.items():
        if len(asked) < 2:
            continue
        subject = subjects[article]
        for n, item in enumerate(asked):
            before = asked[(n + 1) % len(asked)]
            chains.append(replace(
                item,
                id=f"{item.id}~follow-up",
                question=with_pronoun(item.question, subject),
                history=(f"What is {subject}?", with_pronoun(before.question, subject)),
            ))
    return chains
