"""Sentence splitting with exact offsets (pysbd, which knows "Dr.", "U.S." and the like)."""

from __future__ import annotations

import re
from functools import lru_cache

from .records import Sentence

# Whitespace and the invisible characters editors leave at the edges of lines: a byte order mark
# (a UTF-8 file saved by Notepad starts with one) and zero-width spaces and joiners.
_EDGES = re.compile(r"^[\s\ufeff\u200b-\u200d\u2060]+|[\s\ufeff\u200b-\u200d\u2060]+$")


def trim(text: str) -> str:
    """`text` without whitespace or invisible characters at either end."""
    return _EDGES.sub("", text)


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def split_sentences(text: str, start: int, end: int) -> tuple[Sentence, ...]:
    """Sentences of `text[start:end]` as spans of `text`, trimmed of surrounding whitespace.

    pysbd returns the pieces of its input in order; each is found again from a moving cursor, so
    the spans are exact even where pysbd's own offsets are not. Line breaks inside the span are
    read as spaces (pysbd would end a sentence at each one): a hard-wrapped paragraph keeps whole
    sentences, and the spans, cut from the original text, keep its line breaks.
    """
    piece = text[start:end].replace("\r", " ").replace("\n", " ")
    spans: list[Sentence] = []
    cursor = 0
    for raw in _segmenter().segment(piece):
        sentence = trim(raw)
        if not sentence:
            continue
        found = piece.find(sentence, cursor)
        if found < 0:  # pysbd changed the text after all: keep the rest as one sentence
            rest = trim(piece[cursor:])
            if rest:
                first = piece.index(rest, cursor)
                spans.append(Sentence(start + first, start + first + len(rest)))
            break
        spans.append(Sentence(start + found, start + found + len(sentence)))
        cursor = found + len(sentence)
    return tuple(spans)
