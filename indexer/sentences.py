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


# pysbd rescans its whole input for every abbreviation it meets, so its time grows with the square
# of the text's length (a 140,000-character line took 6 s, a 550,000-character one 34 s): a longer
# span goes to it in windows of this many characters.
MAX_WINDOW_CHARS = 10_000


def split_sentences(text: str, start: int, end: int) -> tuple[Sentence, ...]:
    """Sentences of `text[start:end]` as spans of `text`, trimmed of surrounding whitespace.

    pysbd returns the pieces of its input in order; each is found again from a moving cursor, so
    the spans are exact even where pysbd's own offsets are not. Line breaks inside the span are
    read as spaces (pysbd would end a sentence at each one): a hard-wrapped paragraph keeps whole
    sentences, and the spans, cut from the original text, keep its line breaks. A span longer
    than MAX_WINDOW_CHARS is split a window at a time: every sentence of a window but its last
    is kept, and the next window starts where that last one starts (it may run on past the
    window), so each sentence end is decided with the text around it, as in one pass.
    """
    piece = text[start:end].replace("\r", " ").replace("\n", " ")
    spans: list[tuple[int, int]] = []
    at, size = 0, MAX_WINDOW_CHARS
    while at < len(piece):
        stop = min(len(piece), at + size)
        found = _pysbd_spans(piece, at, stop)
        if stop == len(piece):
            spans += found
            break
        if len(found) < 2:  # one sentence longer than the window: widen it
            size *= 2
            continue
        spans += found[:-1]
        at, size = found[-1][0], MAX_WINDOW_CHARS
    return tuple(Sentence(start + s, start + e) for s, e in spans)


def _pysbd_spans(piece: str, start: int, stop: int) -> list[tuple[int, int]]:
    """pysbd's sentences of piece[start:stop], as trimmed (start, end) spans of `piece`."""
    spans: list[tuple[int, int]] = []
    cursor = start
    for raw in _segmenter().segment(piece[start:stop]):
        sentence = trim(raw)
        if not sentence:
            continue
        found = piece.find(sentence, cursor, stop)
        if found < 0:  # pysbd changed the text after all: keep the rest as one sentence
            rest = trim(piece[cursor:stop])
            if rest:
                first = piece.index(rest, cursor, stop)
                spans.append((first, first + len(rest)))
            break
        spans.append((found, found + len(sentence)))
        cursor = found + len(sentence)
    return spans
