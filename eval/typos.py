"""Questions typed with a typo, as visitors type them: `python -m eval qa DIR --misspell` asks every
question with its longest word (MIN_LETTERS letters or more) misspelt in one of the ways fast
typing does: two adjacent inner letters swapped, an inner letter dropped, or one doubled. Which
way, and where, follows from a checksum of the question's id, so every run asks the same.
Evaluation only.

>>> misspell("What is fibromyalgia?", "q1")
'What is firbomyalgia?'
"""

from __future__ import annotations

import re
import zlib
from dataclasses import replace

from .qa_data import QAItem

MIN_LETTERS = 7  # the subject words ("fibromyalgia", "symptoms"), not "gout" or "pain"
_WORD = re.compile(r"[A-Za-z]+")


def misspell(text: str, key: str) -> str:
    """`text` with its longest word of MIN_LETTERS letters or more misspelt (see the module); `text`
    itself when it has none."""
    words = [m for m in _WORD.finditer(text) if len(m.group()) >= MIN_LETTERS]
    if not words:
        return text
    match = max(words, key=lambda m: len(m.group()))  # the first of the longest
    word = match.group()
    seed = zlib.crc32(key.encode("utf-8"))
    at = 1 + seed % (len(word) - 3)  # an inner letter, with an inner letter after it
    kind = (seed // 7) % 3
    if kind == 0 and word[at] != word[at + 1]:
        typo = word[:at] + word[at + 1] + word[at] + word[at + 2 :]  # swapped
    elif kind == 1:
        typo = word[:at] + word[at + 1 :]  # dropped
    else:
        typo = word[: at + 1] + word[at:]  # doubled
    return text[: match.start()] + typo + text[match.end() :]


def misspelt(items: list[QAItem]) -> list[QAItem]:
    """The same questions, each asked with a typo (its history as it was)."""
    return [replace(item, question=misspell(item.question, item.id)) for item in items]
