"""Misspelt question words, corrected to the documents' own words ("fibromyalga" -> "fibromyalgia",
"ketmine" -> "ketamine"), so that a typo neither misses the passages nor reads, to the abstention
classifier, as a subject the documents never mention.

A word is corrected only when all of these hold: it has MIN_LETTERS letters or more, in lower case
but for the first (not an acronym or a name like "DTIME", "vBNS"); the index does not know it (no passage holds its stem); it is not an English word (symspellpy's list of 82,765:
"addictive" or "sciatica", asked of documents without them, stay as asked, to be refused); exactly
one word of the documents is closest to it, within one edit (two from LONG_WORD letters on; an edit
inserts, deletes or changes a letter, or swaps two adjacent ones); and neither word begins the
other ("sciatic" in the documents is not a misspelt "sciatica"). The answer shows what was searched.

>>> Speller.of(index).correct("what is fibromyalga")
'what is fibromyalgia'
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from importlib.resources import files

from indexer import Index
from indexer.lexical import tokenize

MIN_LETTERS = 5  # shorter words have too many neighbours one edit away ("blok": block, blot, bloc)
LONG_WORD = 9  # from this length on, two edits ("fibromylagia", "dermographism")
ENGLISH_WORDS = "frequency_dictionary_en_82_765.txt"  # shipped with symspellpy: "word count" lines
_WORD = re.compile(r"[A-Za-z]+")


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """The English words symspellpy ships a frequency list of, lower-case."""
    text = (files("symspellpy") / ENGLISH_WORDS).read_text(encoding="utf-8")
    return frozenset(line.split(" ", 1)[0] for line in text.splitlines() if line)


def max_edits(word: str) -> int:
    return 2 if len(word) >= LONG_WORD else 1


class Speller:
    """Corrects question words to the words of one index (see the module's rules)."""

    def __init__(self, index: Index, counts: Counter):
        from symspellpy import SymSpell

        self._index = index
        self._symspell = SymSpell(max_dictionary_edit_distance=max_edits("x" * LONG_WORD))
        for word, count in counts.items():
            if len(word) >= MIN_LETTERS - max_edits(word):  # a correction is never shorter than that
                self._symspell.create_dictionary_entry(word, count)

    @classmethod
    def of(cls, index: Index) -> Speller:
        """The speller of the words of an index's passages, titles and headings."""
        english_words()  # read once now, not at the first question
        texts = [chunk.text for chunk in index.chunks]
        texts += [part for article in index.articles.values() for part in (article.title, *(s.heading for s in article.sections))]
        return cls(index, Counter(word.lower() for text in texts for word in _WORD.findall(text)))

    def correct(self, text: str) -> str:
        """`text` with each misspelt word replaced by the documents' word (lower case, or
        capitalised like the word it replaces); `text` itself when there is none."""
        candidates = [
            m for m in _WORD.finditer(text)
            if len(m.group()) >= MIN_LETTERS and m.group()[1:].islower() and m.group().lower() not in english_words()
        ]
        if not candidates:
            return text
        stems = tokenize([m.group() for m in candidates])
        pieces, end = [], 0
        for match, word_stems in zip(candidates, stems, strict=True):
            if not word_stems or all(self._index.passages.document_frequency(s) for s in word_stems):
                continue  # a function word, or one the documents use
            fixed = self._closest(match.group().lower())
            if fixed is None:
                continue
            if match.group()[0].isupper():
                fixed = fixed[0].upper() + fixed[1:]
            pieces += [text[end : match.start()], fixed]
            end = match.end()
        return "".join(pieces) + text[end:] if pieces else text

    def _closest(self, word: str) -> str | None:
        from symspellpy import Verbosity

        found = self._symspell.lookup(word, Verbosity.CLOSEST, max_edit_distance=max_edits(word))
        if len(found) != 1:
            return None  # none near enough, or two as near: no guess
        fixed = found[0].term
        return None if fixed.startswith(word) or word.startswith(fixed) else fixed
