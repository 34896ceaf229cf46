"""symspellpy's list of 82,765 English words, looked up without holding the words themselves:
whether a word is English (the speller leaves English words as typed), whether a stem is the stem
of an English word, and whether a word is one edit from an English word (a question word the
documents never use, that no English word stems to and that is no typo of one, "celiac",
"Marfan", names a subject they do not cover: chatbot/evidence.py).

>>> is_english("addictive"), is_english_stem("opioid"), is_english_stem("celiac"), near_english("tinintus")
(True, True, False, True)
"""

from __future__ import annotations

import re
import string
from functools import lru_cache
from importlib.resources import files

import numpy as np

from indexer.lexical import stem_words

ENGLISH_WORDS = "frequency_dictionary_en_82_765.txt"  # shipped with symspellpy: "word count" lines
POSSESSIVE = re.compile(r"['’]s?$")  # the ending of a word in the possessive ("Parkinson's", "patients'")
# Everyday prefixes that make English words of English words, which the list seldom holds
# ("misremembering", "overthinking", "unblinded", "nonsmokers"); not the prefixes of medical terms
# ("post-", "pre-", "anti-": "postherpetic", "prediabetes" name subjects). Only before a stem of
# PREFIXED_STEM_LETTERS letters or more, so that a drug's name is not read as one ("Suboxone").
PREFIXES = ("counter", "inter", "under", "over", "self", "out", "mis", "non", "dis", "sub", "un", "re")
PREFIXED_STEM_LETTERS = 5


def _words() -> list[str]:
    with (files("symspellpy") / ENGLISH_WORDS).open(encoding="utf-8") as lines:
        return [line.split(" ", 1)[0] for line in lines if line.strip()]


def _sorted_hashes(words: list[str]) -> np.ndarray:
    """Sorted hashes: 0.7 MB for the whole list, where a set of the words themselves holds 11 MB in
    every server worker. Python's string hashes differ from process to process, so the arrays are
    made in the process that looks words up in them."""
    return np.unique(np.fromiter((hash(word) for word in words), dtype=np.int64, count=len(words)))


@lru_cache(maxsize=1)
def _hashes() -> tuple[np.ndarray, np.ndarray]:
    """(the words' hashes, their stems' hashes), from one reading of the list."""
    words = _words()
    return _sorted_hashes(words), _sorted_hashes(stem_words(words))


def _holds(hashes: np.ndarray, text: str) -> bool:
    at = int(np.searchsorted(hashes, hash(text)))
    return bool(at < len(hashes) and hashes[at] == hash(text))


def load() -> None:
    """Read the list now (about 0.2 s), not at the first question."""
    _hashes()


def is_english(word: str) -> bool:
    """Whether `word` (lower case) is on the list."""
    return _holds(_hashes()[0], word)


def is_english_stem(stem: str) -> bool:
    """Whether `stem` (as `indexer.tokenize` stems) is the stem of a word on the list: "opioid" is
    the stem of "opioid", so "opioids" counts as English though the list holds only the singular;
    or such a stem behind one of the PREFIXES ("misrememb": "mis" + "rememb")."""
    stems = _hashes()[1]
    return _holds(stems, stem) or any(
        stem.startswith(prefix) and len(stem) - len(prefix) >= PREFIXED_STEM_LETTERS and _holds(stems, stem[len(prefix):])
        for prefix in PREFIXES
    )


def near_english(word: str) -> bool:
    """Whether one edit (a letter inserted, deleted or changed, or two adjacent ones swapped) makes
    `word` (lower case) an English word: "tinintus" may be a typo of "tinnitus"."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    edits = {a + b[1:] for a, b in splits if b}
    edits |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    edits |= {a + c + b[1:] for a, b in splits if b for c in string.ascii_lowercase}
    edits |= {a + c + b for a, b in splits for c in string.ascii_lowercase}
    edits.discard(word)
    candidates = np.fromiter((hash(edit) for edit in edits), dtype=np.int64, count=len(edits))
    hashes = _hashes()[0]
    at = np.minimum(np.searchsorted(hashes, candidates), len(hashes) - 1)
    return bool((hashes[at] == candidates).any())
