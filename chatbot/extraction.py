"""Quotes from ranked windows: the best candidates (each widened to the whole of a short list it
quotes part of, and of the short paragraph it is from) that do not overlap, cut verbatim from
their files with their sources.

>>> chosen = choose(windows, index.sentence_table, evidence.windows, probabilities, max_quotes=3, min_share=0.5)
>>> distinct(make_quote(index, first, last, p) for first, last, p in chosen)
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from indexer import Index
from indexer.segmenting import marker_start
from indexer.sentence_table import SentenceFlag, SentenceTable

from .answers import Quote
from .candidates import WindowSet, whole_list, whole_paragraph


def choose(
    windows: WindowSet,
    table: SentenceTable,
    ids: np.ndarray,
    probabilities: np.ndarray,
    max_quotes: int,
    min_share: float,
) -> list[tuple[int, int, float]]:
    """(first sentence, last sentence, probability) of up to `max_quotes` windows, best first, each
    widened to the whole of a short list it quotes part of (`whole_list`) and to the whole of a
    short paragraph (`whole_paragraph`): none overlapping an earlier one, each at least
    `min_share` of the best's probability."""
    chosen: list[tuple[int, int, float]] = []
    best = float(probabilities.max()) if len(probabilities) else 0.0
    for position in np.argsort(-probabilities, kind="stable"):
        probability = float(probabilities[position])
        if len(chosen) == max_quotes or probability < min_share * best:
            break
        window = int(ids[position])
        first, last = whole_paragraph(table, *whole_list(table, int(windows.first[window]), int(windows.last[window])))
        if any(first <= b and a <= last for a, b, _ in chosen):
            continue
        chosen.append((first, last, probability))
    return chosen


def make_quote(index: Index, first: int, last: int, score: float) -> Quote:
    """Sentences first..last (index rows, one paragraph) as a verbatim quote, from the marker of its
    first list item if it starts with one, with the passage(s) around it as context."""
    head_chunk, head = index.sentence(first)
    tail_chunk, tail = index.sentence(last)
    source = index.sources[head_chunk.file]
    start, end = head.start, tail.end
    if index.sentence_table.flags[first] & SentenceFlag.LIST_ITEM:
        start = marker_start(source, start)  # "1. Rest …", as the items after it show theirs
    context_start, context_end = min(start, head_chunk.start), max(end, tail_chunk.end)
    return Quote(
        text=source[start:end],
        file=head_chunk.file,
        start=start,
        end=end,
        line=head_chunk.line + source.count("\n", head_chunk.start, start),
        title=head_chunk.title,
        section=head_chunk.section,
        score=score,
        also_in=index.locations_of(head_chunk, start, end),
        context=source[context_start:context_end],
        context_start=context_start,
    )


def distinct(quotes: Iterable[Quote]) -> tuple[Quote, ...]:
    """The quotes in order, each text once: a sentence a page repeats ("Talk to your doctor.") is
    shown where it scored best, not again from the other place."""
    seen: set[str] = set()
    kept = []
    for quote in quotes:
        words = " ".join(quote.text.split()).casefold()
        if words not in seen:
            seen.add(words)
            kept.append(quote)
    return tuple(kept)
