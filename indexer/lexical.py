"""The lexical side: one tokenizer (bm25s, English stop words, Snowball stemmer, accents folded)
shared by the BM25 index and every query, so both always cut words the same way."""

from __future__ import annotations

import logging
import unicodedata
from functools import lru_cache
from pathlib import Path

BM25_PARAMS = {"k1": 1.2, "b": 0.75, "method": "lucene"}
TOKENIZER = {"stopwords": "en", "stemmer": "english", "accents": "folded"}


@lru_cache(maxsize=1)
def _bm25s():
    """The bm25s module, its logger quieted: on import it sets that logger to DEBUG, so its notes
    ("Building index from tokens") would reach any handler the program has, as "warning: …"
    lines in `python -m indexer` and on the chat's first run."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.ERROR)
    return bm25s


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer(TOKENIZER["stemmer"])


def fold_accents(text: str) -> str:
    """`text` without accents, as visitors often type names: "Hervé" -> "Herve", "wüstite" ->
    "wustite", "Ménière" -> "Meniere" (compatibility decomposition, combining marks dropped)."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def tokenize(texts: list[str]) -> list[list[str]]:
    """Stemmed content tokens of each text, e.g. ["Flare ups lasted"] -> [["flare", "up", "last"]];
    accents are folded, so "Ménière" and "Meniere" are one token."""
    return _bm25s().tokenize(
        [fold_accents(text) for text in texts],
        stopwords=TOKENIZER["stopwords"],
        stemmer=_stemmer(),
        return_ids=False,
        show_progress=False,
    )


def stem_words(words: list[str]) -> list[str]:
    """The stem of each lower-case word, as `tokenize` stems it (["opioids"] -> ["opioid"])."""
    return _stemmer().stemWords(words)


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """English function words, lower-case (NLTK's list of 179, as bm25s ships it: pronouns,
    auxiliaries, prepositions, "more", "only"...): never what a question is about, though BM25's
    shorter stop list keeps most of them."""
    _bm25s()  # imported quietly first: bm25s.stopwords imports bm25s
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    return frozenset(STOPWORDS_EN_PLUS)


def build_bm25(texts: list[str]):
    retriever = _bm25s().BM25(**BM25_PARAMS)
    retriever.index(tokenize(texts), show_progress=False)
    return retriever


def save_bm25(retriever, folder: Path) -> None:
    retriever.save(str(folder))


def load_bm25(folder: Path):
    return _bm25s().BM25.load(str(folder))


def leave_out_numba() -> None:
    """Make numba and scipy unavailable to bm25s in this process, before bm25s is first imported.

    bm25s imports numba (a faster retriever) and scipy (a faster index builder) whenever they are
    installed (ranx brings them, for the evals), though answering a question only uses bm25s's
    numpy scoring: in a process that only answers (the server's workers, `chatbot ask`) they cost
    ~90 MB and ~0.4 s for nothing. bm25s is written to work without either (it catches the
    ImportError, and falls back to numpy)."""
    import sys

    if "bm25s" not in sys.modules:
        for name in ("numba", "scipy"):
            if name not in sys.modules:
                sys.modules[name] = None  # an import of it now raises ImportError
