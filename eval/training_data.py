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

import hashlib
import re
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from indexer import Document

from .qa import span_hit
from .qa_data import QAItem

HOLDOUT_SHARE = 4  # one paragraph in this many is left out of an article's holdout copy
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


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


def _left_out(file: str, paragraph: int) -> bool:
    digest = hashlib.sha256(f"{file}#{paragraph}".encode()).digest()
    return digest[0] % HOLDOUT_SHARE == 0


def holdout(documents: list[Document], items: list[QAItem]) -> tuple[list[Document], list[QAItem]]:
    """Copies of `documents` without one paragraph (blank-line separated) in HOLDOUT_SHARE, chosen
    by hash, and the answerable `items` whose every gold span lay in a left-out paragraph: asked of
    those copies, they are questions on the documents' own subject that the documents no longer
    answer ("How much does it cost?" of articles that never give a price). Their spans are dropped
    (the offsets no longer hold): a quote hits them only by holding an answer's words, which the
    rest of the article sometimes does.

    >>> docs, missing = holdout(read_corpus(folder)[0], qa.select("train", "answerable"))
    """
    kept: list[Document] = []
    left_out: dict[str, list[tuple[int, int]]] = {}
    for document in documents:
        name = Path(document.file).name
        bounds, start = [], 0
        for gap in _BLANK_LINE.finditer(document.text):
            bounds.append((start, gap.start()))
            start = gap.end()
        bounds.append((start, len(document.text)))
        dropped = [b for n, b in enumerate(bounds) if _left_out(name, n)]
        if not dropped or len(dropped) == len(bounds):
            kept.append(document)
            continue
        left_out[name] = dropped
        text = "\n\n".join(document.text[a:b] for n, (a, b) in enumerate(bounds) if not _left_out(name, n))
        kept.append(Document(document.file, text, hashlib.sha256(text.encode("utf-8")).hexdigest()))
    missing = [
        replace(item, spans=())
        for item in items
        if item.kind == "answerable"
        and item.spans
        and all(any(a <= s and e <= b for a, b in left_out.get(f, ())) for f, s, e in item.spans)
    ]
    return kept, missing


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


def ask_for_training(bot, item: QAItem, vector: np.ndarray, tokens, present: bool) -> Asked:
    """The chatbot's evidence for one question (its own retrieval, candidates and features), from
    its vector and word-piece vectors (`encode_with_tokens`)."""
    evidence = bot.evidence(search_query(item), vector, tokens)
    hit, minimal = window_hits(bot.index, bot.windows, evidence.windows, item) if present else (
        np.zeros(len(evidence.windows), dtype=bool),
        np.zeros(len(evidence.windows), dtype=bool),
    )
    return Asked(item, present, evidence.features, minimal, hit, evidence)


def collect(bot, items: list[QAItem], encoder, present: bool = True, progress=None) -> list[Asked]:
    say = progress or (lambda message: None)
    vectors, tokens = encoder.encode_with_tokens([search_query(i) for i in items]) if items else (np.zeros((0, 384), dtype=np.float32), [])
    asked = []
    for n, (item, vector, pieces) in enumerate(zip(items, vectors, tokens, strict=True), 1):
        asked.append(ask_for_training(bot, item, vector, pieces, present))
        if n % 1000 == 0:
            say(f"  {n} of {len(items)} questions")
    return asked
