"""Training data for the quote ranker and the abstention classifier, from QA sets with span
answers (SQuAD 2.0 dev articles, split by article): each question is asked of an index, through
the chatbot's own evidence gathering, and every candidate window is labelled.

A window is a positive when it hits (it comes from the answer's file and holds a gold answer or
covers half of a gold span, as `eval qa` scores quotes) and is minimal: neither it without its
first sentence nor without its last still hits. The ranker so learns to prefer the shortest quote
that answers.

>>> samples = collect(bot, items)      # features, labels, groups
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .qa import span_hit
from .qa_data import QAItem


@dataclass(frozen=True)
class Asked:
    """One question asked of one index: its candidates' features and labels, and what the
    abstention classifier needs once a ranker has scored them."""

    item: QAItem
    present: bool  # the index holds the question's article (False: an absent-subject probe)
    features: np.ndarray  # [windows, WINDOW_FEATURES]
    labels: np.ndarray  # [windows] minimal hit
    hits: np.ndarray  # [windows] hit (minimal or not)
    evidence: object  # chatbot.evidence.Evidence, for answerability features


def window_hits(index, windows, ids: np.ndarray, item: QAItem) -> tuple[np.ndarray, np.ndarray]:
    """(hit, minimal hit) of each window for the item."""
    hit = np.zeros(len(ids), dtype=bool)
    minimal = np.zeros(len(ids), dtype=bool)
    if item.kind != "answerable":
        return hit, minimal

    def hits(first: int, last: int) -> bool:
        if first > last:
            return False
        chunk, head = index.sentence(first)
        _, tail = index.sentence(last)
        text = index.sources[chunk.file][head.start : tail.end]
        return span_hit(item, Path(chunk.file).name, head.start, tail.end, text)

    for i, w in enumerate(ids):
        first, last = int(windows.first[w]), int(windows.last[w])
        if hits(first, last):
            hit[i] = True
            minimal[i] = not hits(first + 1, last) and not hits(first, last - 1)
    return hit, minimal


def search_query(item: QAItem) -> str:
    """What the chatbot searches for the item: a follow-up resolved against its history."""
    from chatbot.followup import resolve

    return resolve(item.question, list(item.history)) if item.history else item.question


def ask_for_training(bot, item: QAItem, vector: np.ndarray, present: bool) -> Asked:
    """The chatbot's evidence for one question (its own retrieval, candidates and features)."""
    evidence = bot.evidence(search_query(item), vector)
    hit, minimal = window_hits(bot.index, bot.windows, evidence.windows, item) if present else (
        np.zeros(len(evidence.windows), dtype=bool),
        np.zeros(len(evidence.windows), dtype=bool),
    )
    return Asked(item, present, evidence.features, minimal, hit, evidence)


def collect(bot, items: list[QAItem], encoder, present: bool = True, progress=None) -> list[Asked]:
    say = progress or (lambda message: None)
    vectors = encoder.encode([search_query(i) for i in items]) if items else np.zeros((0, 384), dtype=np.float32)
    asked = []
    for n, (item, vector) in enumerate(zip(items, vectors, strict=True), 1):
        asked.append(ask_for_training(bot, item, vector, present))
        if n % 1000 == 0:
            say(f"  {n} of {len(items)} questions")
    return asked


def ranking_arrays(asked: list[Asked]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(X, y, group) over the answerable questions asked of their own index that have at least one
    positive candidate (the others teach the ranker nothing about which quote is right)."""
    chosen = [a for a in asked if a.present and a.item.kind == "answerable" and a.labels.any()]
    if not chosen:
        return np.zeros((0, 0), dtype=np.float32), np.zeros(0, dtype=bool), np.zeros(0, dtype=np.int64)
    X = np.concatenate([a.features for a in chosen])
    y = np.concatenate([a.labels for a in chosen])
    group = np.concatenate([np.full(len(a.labels), i) for i, a in enumerate(chosen)])
    return X, y, group
