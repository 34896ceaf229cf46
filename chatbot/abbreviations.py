"""A definition question about an abbreviation the documents spell out ("what is RLS", of a page
that says "restless legs syndrome (RLS)"), searched with the words it stands for ("what is
restless legs syndrome").

A page defines its subject once, by its full name ("Restless legs syndrome is a condition of the
nervous system …"), and then uses the abbreviation: asked "what is RLS", every sentence saying "RLS
is …" looks like a definition to the ranker except the one that gives it. So a question asking
what something is (`indexer.answer_types`: DEFINITION) is searched with the abbreviation written
out, as a header's other name is read as the page's title (`naming.py`); the answer shows what
was searched. An abbreviation is written out only when the documents give it one long form, found
as "long form (ABBR)" where the long form's words start with the abbreviation's letters in order
(after Schwartz & Hearst, 2003). Typed in lower case ("what is rls") an abbreviation of three
letters or more is read as one too, unless the documents use that word in lower case themselves
("cat" in a page about cats); "ms" or "af" in lower case are not.

>>> Abbreviations.of(index).expand("what is RLS")
'what is restless legs syndrome'
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from indexer import Index
from indexer.answer_types import AnswerType, question_types

_DEFINED = re.compile(r"\(([A-Z][A-Za-z0-9-]{1,9})\)")  # "(RLS)", "(NSAIDs)", "(IBS-C)"
_LETTERS_WORD = re.compile(r"[A-Za-z]+")  # "non-steroidal" gives "non" and "steroidal"
_QUESTION_WORD = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_LOWER_WORD = re.compile(r"\b[a-z][a-z0-9-]*\b")
# Small words a long form may hold that its abbreviation skips ("Department of Health", DH).
_SKIPPED = frozenset({"of", "and", "the", "in", "for", "to", "with", "on", "a", "an"})
MAX_SKIPPED = 2
MIN_LOWER_LETTERS = 3  # an abbreviation typed in lower case this long at least is read as one


def long_form(before: str, abbreviation: str) -> str | None:
    """The words just before "(ABBR)" that it abbreviates ("restless legs syndrome" for "RLS"),
    or None when their initials do not spell it."""
    letters = [c.lower() for c in abbreviation if c.isalpha()]
    if len(abbreviation) > 2 and abbreviation.endswith("s") and abbreviation[:-1].isupper():
        letters = letters[:-1]  # NSAIDs: the plural of NSAID
    if len(letters) < 2 or not any(c.isupper() for c in abbreviation[1:]):
        return None
    words = list(_LETTERS_WORD.finditer(before))
    for size in range(len(letters), len(letters) + MAX_SKIPPED + 1):
        tail = words[-size:]
        if len(tail) < size:
            break
        kept = [w.group() for w in tail if w.group().lower() not in _SKIPPED or w is tail[0]]
        if len(kept) == len(letters) and all(w[0].lower() == c for w, c in zip(kept, letters, strict=True)):
            return " ".join(before[tail[0].start() :].split())
    return None


def defined_abbreviations(texts: Iterable[str]) -> dict[str, set[str]]:
    """Every abbreviation the texts define as "long form (ABBR)", with its long forms (lower case)."""
    found: dict[str, set[str]] = {}
    for text in texts:
        for match in _DEFINED.finditer(text):
            line_start = text.rfind("\n", 0, match.start()) + 1
            form = long_form(text[line_start : match.start()], match.group(1))
            if form:
                found.setdefault(match.group(1), set()).add(form.lower())
    return found


class Abbreviations:
    """Writes out, in a definition question, the abbreviations of `long_forms`; `lower_words` are
    words the documents write in lower case, never read as an abbreviation typed in lower case."""

    def __init__(self, long_forms: dict[str, str], lower_words: frozenset[str] = frozenset()):
        self.long_forms = long_forms
        self.by_lower = {
            a.lower(): f for a, f in long_forms.items() if len(a) >= MIN_LOWER_LETTERS and a.lower() not in lower_words
        }

    @classmethod
    def of(cls, index: Index) -> Abbreviations:
        texts = list(index.sources.values())
        long_forms = {a: forms.pop() for a, forms in defined_abbreviations(texts).items() if len(forms) == 1}
        typed_lower = {a.lower() for a in long_forms}
        used_lower = {w for text in texts for w in _LOWER_WORD.findall(text) if w in typed_lower} if typed_lower else set()
        return cls(long_forms, frozenset(used_lower))

    def expand(self, question: str) -> str:
        """`question` with each abbreviation written out when it asks what something is; the
        question itself otherwise."""
        if not self.long_forms or not question_types(question) & AnswerType.DEFINITION:
            return question
        pieces, end = [], 0
        for word in _QUESTION_WORD.finditer(question):
            text = word.group()
            form = self.long_forms.get(text) or (self.by_lower.get(text) if text.islower() else None)
            if form:
                pieces += [question[end : word.start()], form]
                end = word.end()
        return "".join(pieces) + question[end:] if pieces else question
