"""Misspelt words, corrected to the words of a vocabulary: a question searched with the documents'
own words ("fibromyalga" -> "fibromyalgia", "ketmine" -> "ketamine", `Speller.of(index)`), so that
a typo neither misses the passages nor reads, to the abstention classifier, as a subject the
documents never mention; and a message routed with the words of the safety router's training
messages ("i feel suicidel" -> "suicidal", `Speller.of_words`), so that its rules and classifier
read what was meant.

A word is corrected only when all of these hold: it has MIN_LETTERS letters or more, in lower case
but for the first (not an acronym or a name like "DTIME", "vBNS"); the vocabulary does not know it
(for an index: no passage holds its stem); it is not an English word (symspellpy's list of 82,765:
"addictive" or "sciatica", asked of documents without them, stay as asked, to be refused); exactly
one word of the vocabulary is closest to it, within one edit (for an index two from LONG_WORD
letters on, keeping the first letter: "fluoxetine" is not a misspelt "duloxetine"; an edit
inserts, deletes or changes a letter, or swaps two adjacent ones), leaving out the words it only
goes on past ("velmiprant" is not a misspelt "velmipran", nor "suicidel" of "suicide"; a word cut
short, "thinkin", is one of "thinking"). The answer shows what was searched.

>>> Speller.of(index).correct("what is fibromyalga")
'what is fibromyalgia'
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from indexer import Index
from indexer.lexical import tokenize

from .english import is_english
from .english import load as load_english

MIN_LETTERS = 5  # shorter words have too many neighbours one edit away ("blok": block, blot, bloc)
LONG_WORD = 9  # from this length on, two edits ("fibromylagia", "dermographism")
# SymSpell indexes each word by what is left of its first PREFIX_LENGTH letters after deletions;
# candidates are then checked letter by letter, so a shorter prefix finds the same corrections with
# a smaller index (17,600 entries instead of 57,800 for the router's 4,045 words at two edits).
PREFIX_LENGTH = 5
_WORD = re.compile(r"[A-Za-z]+")


def word_counts(texts: list[str]) -> Counter:
    """How often each word (lower case) occurs in `texts`."""
    return Counter(word.lower() for text in texts for word in _WORD.findall(text))


class Speller:
    """Corrects words to those of a vocabulary (see the module's rules): `counts` holds its words
    (lower case) with how often they occur, `knows` says which of a list of other words it also
    knows (another form of one of them)."""

    def __init__(self, counts: Counter, knows: Callable[[list[str]], list[bool]], long_word_edits: int = 2):
        from symspellpy import SymSpell

        load_english()  # read once now, not at the first question
        self._words = frozenset(counts)
        self._knows = knows
        self._long_word_edits = long_word_edits
        self._symspell = SymSpell(max_dictionary_edit_distance=long_word_edits, prefix_length=PREFIX_LENGTH)
        for word, count in counts.items():
            if len(word) >= MIN_LETTERS - 1:  # a correction is never shorter than that
                self._symspell.create_dictionary_entry(word, count)

    @classmethod
    def of(cls, index: Index) -> Speller:
        """The speller of the words of an index's passages, titles, subjects' other names and
        headings; a word is known when a passage holds its stem ("infusion" for "infusions")."""
        texts = [chunk.text for chunk in index.chunks]
        texts += [
            part for article in index.articles.values() for part in (article.title, *article.names, *(s.heading for s in article.sections))
        ]

        def knows(words: list[str]) -> list[bool]:
            return [not stems or all(index.passages.document_frequency(s) for s in stems) for stems in tokenize(words)]

        return cls(word_counts(texts), knows)

    @classmethod
    def of_words(cls, counts: Counter, also_known: Callable[[str], bool] = lambda word: False) -> Speller:
        """The speller of a list of words with their counts; a word is known when it is one of
        them or `also_known` says so. One edit at most, however long the word: two would take a
        name it does not hold for one it does ("prednisolone" for "prednisone")."""
        return cls(counts, lambda words: [also_known(w) for w in words], long_word_edits=1)

    def max_edits(self, word: str) -> int:
        return self._long_word_edits if len(word) >= LONG_WORD else 1

    def correct(self, text: str) -> str:
        """`text` with each misspelt word replaced by the vocabulary's word (lower case, or
        capitalised like the word it replaces); `text` itself when there is none."""
        candidates = [
            m for m in _WORD.finditer(text)
            if len(m.group()) >= MIN_LETTERS and m.group()[1:].islower() and m.group().lower() not in self._words
            and not is_english(m.group().lower())
        ]
        if not candidates:
            return text
        known = self._knows([m.group() for m in candidates])
        pieces, end = [], 0
        for match, is_known in zip(candidates, known, strict=True):
            if is_known:
                continue
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

        # A word that only goes on past one of the vocabulary's ("velmiprant" past "velmipran",
        # "suicidel" past "suicide") is another word, or another form of it, not a typo of it.
        found = [s for s in self._symspell.lookup(word, Verbosity.ALL, max_edit_distance=self.max_edits(word)) if not word.startswith(s.term)]
        nearest = [s for s in found if s.distance == min((s.distance for s in found), default=0)]
        if len(nearest) != 1:
            return None  # none near enough, or two as near: no guess
        # Two edits that also change the first letter make another word, not a typo of this one
        # ("fluoxetine" is not a misspelt "duloxetine"): typing seldom gets the first letter wrong.
        if nearest[0].distance > 1 and nearest[0].term[0] != word[0]:
            return None
        return nearest[0].term
