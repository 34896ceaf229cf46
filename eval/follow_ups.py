"""Conversations for `python -m eval qa --follow-ups`: the set's answerable questions asked as a
visitor asks them once the conversation has named what it is about, the subject a pronoun.

A question naming its document's subject ("How do doctors figure out if I have rosacea?") becomes
"How do doctors figure out if I have it?", asked after the document's next question that names the
subject, as written ("Which oral antibiotic is used for rosacea?"), and the one after that with
the subject as "it" ("Who typically gets it?"; left out when the document has only two such
questions). So the resolver has to find the subject among the other things a question names, and
keep it through a turn that points back. The gold answers do not change, so the report scores the
top quote against the same questions asked as written. Questions that do not name the subject, and
documents with fewer than two that do, are left out.

>>> chains = follow_up_chains(qa.items, {"p5_rosacea.txt": "rosacea"})
>>> chains[0].history, chains[0].question
(('Who typically gets rosacea?', 'what is the bulbous swollen nose caused by it called'), 'things that make facial flushing from it worse')
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
    file name -> subject), asked with "it" after the document's next such question as written and
    the one after that with "it" (in the set's order, the last one followed by the first)."""
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
            opening = asked[(n + 1) % len(asked)].question
            pointing = (with_pronoun(asked[(n + 2) % len(asked)].question, subject),) if len(asked) > 2 else ()
            chains.append(replace(
                item,
                id=f"{item.id}~follow-up",
                question=with_pronoun(item.question, subject),
                history=(opening, *pointing),
            ))
    return chains
