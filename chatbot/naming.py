"""A question that names a subject as only a page's header does ("what are piles", "what is
adhesive capsulitis"), searched with the page's own name for it ("what are Hemorrhoids").

The indexer reads the other names a page gives its subject (`indexer.aliases`: "Also called:
Piles") and searches them with its passages, so such a question finds the page. But no sentence of
the page says "piles": to the ranker every sentence lacks the question's subject, and the one that
defines it ("Hemorrhoids are swollen veins …") looks no better than any other. So the name is read
as the title it stands for, as a misspelt word is read as the documents spell it; the answer shows
what was searched. A name is read so only when no sentence of the index holds all of its words
(a name the text also uses is searched as it is; the item of a names section that is the name
itself does not count as a use), it names one article's subject only, and that
article's title (without an aside in brackets) is short enough to stand in a question.

>>> Renamer.of(index).rename("what are piles")
'what are Hemorrhoids'
"""

from __future__ import annotations

import re
from functools import reduce

import numpy as np

from indexer import Index
from indexer.lexical import tokenize

MAX_TITLE_WORDS = 4  # a longer title ("Restless legs syndrome: your questions answered") names more than the subject
_WORD = re.compile(r"\w+")  # as the tokenizer cuts words: each gives one stem at most
_ASIDE = re.compile(r"\s*\([^)]*\)")  # "Sertraline (ser-tra-leen)", "ECZEMA (ATOPIC DERMATITIS)"


class Renamer:
    """Reads other names of a subject as its title: `titles` maps a name (its stemmed words) to
    the title it stands for."""

    def __init__(self, titles: dict[tuple[str, ...], str]):
        self.titles = titles

    @classmethod
    def of(cls, index: Index) -> Renamer:
        found: dict[tuple[str, ...], set[str]] = {}
        for article in index.articles.values():
            title = _ASIDE.sub("", article.title).strip()
            title = title.lower() if title.isupper() else title  # "ASTHMA"
            if article.duplicate_of is not None or not article.names or len(title.split()) > MAX_TITLE_WORDS:
                continue
            for name, stems in zip(article.names, tokenize(list(article.names)), strict=True):
                if stems and not len(_uses(index, name, stems)):
                    found.setdefault(tuple(stems), set()).add(title)
        return cls({name: titles.pop() for name, titles in found.items() if len(titles) == 1})

    def rename(self, text: str) -> str:
        """`text` with each name of `titles` (its words in a row, but for stop words) replaced by
        the title it stands for; `text` itself when it holds none."""
        if not self.titles:
            return text
        words = list(_WORD.finditer(text))
        stems = [(i, s[0]) for i, s in enumerate(tokenize([w.group() for w in words])) if s]  # content words
        pieces, end, at = [], 0, 0
        while at < len(stems):
            for length in range(min(len(stems) - at, max(map(len, self.titles))), 0, -1):  # the longest name first
                title = self.titles.get(tuple(s for _, s in stems[at : at + length]))
                if title is not None:
                    first, last = words[stems[at][0]], words[stems[at + length - 1][0]]
                    pieces += [text[end : first.start()], title]
                    end = last.end()
                    at += length
                    break
            else:
                at += 1
        return "".join(pieces) + text[end:] if pieces else text


def _uses(index: Index, name: str, stems: list[str]) -> np.ndarray:
    """The sentences that use `name` in text: those holding all its words, but for an item of a
    names section that is the name itself ("- Von Recklinghausen disease"), no more words than it."""
    rows = reduce(np.intersect1d, map(index.sentences.rows_with, stems))
    return rows[index.sentence_table.words[rows] > len(name.split())]
