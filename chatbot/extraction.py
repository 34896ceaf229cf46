"""Quotes from ranked windows: the best candidates that do not overlap, cut verbatim from their
files with their sources.

>>> chosen = choose(windows, evidence.windows, probabilities, max_quotes=3, min_share=0.5)
>>> [make_quote(index, windows, w, p) for w, p in chosen]
"""

from __future__ import annotations

import numpy as np

from indexer import Index

from .answers import Quote
from .candidates import WindowSet


def choose(
    windows: WindowSet, ids: np.ndarray, probabilities: np.ndarray, max_quotes: int, min_share: float
) -> list[tuple[int, float]]:
    """(window id, probability) of up to `max_quotes` windows, best first: none overlapping an
    earlier one, each at least `min_share` of the best's probability."""
    chosen: list[tuple[int, float]] = []
    taken: list[tuple[int, int]] = []
    best = float(probabilities.max()) if len(probabilities) else 0.0
    for position in np.argsort(-probabilities, kind="stable"):
        probability = float(probabilities[position])
        if len(chosen) == max_quotes or probability < min_share * best:
            break
        window = int(ids[position])
        first, last = int(windows.first[window]), int(windows.last[window])
        if any(first <= b and a <= last for a, b in taken):
            continue
        taken.append((first, last))
        chosen.append((window, probability))
    return chosen


def make_quote(index: Index, windows: WindowSet, window: int, score: float) -> Quote:
    """The window's sentences as a verbatim quote, with the passage(s) around it as context."""
    head_chunk, head = index.sentence(int(windows.first[window]))
    tail_chunk, tail = index.sentence(int(windows.last[window]))
    source = index.sources[head_chunk.file]
    start, end = head.start, tail.end
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
