"""Candidate quotes: windows of one to a few whole sentences of one paragraph, around the sentences
the retrievers bring up (every sentence of the best passages, and the best sentences by dense and
by lexical search over all sentences).

A window never starts with a sentence that leans on the one before it ("This is called …"): it
takes that sentence in. It never ends on a list label ("Symptoms include:") or on a question of the
document's own ("But how does ketamine do this?"): it takes the next sentence in, the items or the
answer. A very short sentence is never quoted alone: it takes the next one in.

Every window of an index is worked out once, when the chatbot opens the index (`WindowSet.of`);
answering a question only looks up the windows around its seed sentences.

>>> windows = WindowSet.of(index.sentence_table, index.sentence_vectors)
>>> ids = windows.around(np.array([12, 40, 41]))
>>> windows.first[ids], windows.last[ids]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from indexer.sentence_table import SentenceFlag, SentenceTable

MIN_QUOTE_WORDS = 5  # a shorter sentence ("Dermatographism.") is quoted with the next one
MIN_ALONE_WORDS = 3  # a fragment shorter than this, with nothing after it to join, is never quoted
MAX_WINDOW = 4  # sentences, after the expansions above
WIDTHS = (1, 2, 3)  # sentences a window is grown from, before the expansions
# A quote of part of a list is widened to the whole list (its label and every item) when the list
# is no longer than this: 94% of the lists of the team's written pages are (median 7 sentences and
# 56 words, the longest 14 sentences); the sentence bound only stops a very long list of one-word items.
MAX_LIST_SENTENCES, MAX_LIST_WORDS = 20, 100
# A quote from a paragraph of at most this many words is widened to the whole paragraph: a patient
# page's paragraph is a few sentences on one point, and the sentence beside the best window is often
# the one that answers. The smallest bound at which the tune pages' hit@1 stopped rising (0 / 60 /
# 80 / 100 / 150 words: 0.678 / 0.690 / 0.694 / 0.694 / 0.694; docs/evaluation.md).
MAX_PARAGRAPH_WORDS = 80

_LEANS_BACK = int(SentenceFlag.LEANS_BACK)
_LEADS_ON = int(SentenceFlag.LABEL | SentenceFlag.QUESTION)  # a window may not end on one
_LABEL, _ITEM = int(SentenceFlag.LABEL), int(SentenceFlag.LIST_ITEM)


def complete(table: SentenceTable, first: int, last: int) -> tuple[int, int] | None:
    """The window first..last made quotable: widened back over leaning sentences, forward over a
    trailing label or question or a too-short sentence; None when it would grow past MAX_WINDOW
    sentences, or still ends on a label or a question, or stays a fragment."""
    block, flags, words = table.block, table.flags, table.words
    size = len(block)
    while flags[first] & _LEANS_BACK and first > 0 and block[first - 1] == block[first]:
        first -= 1
    while last + 1 < size and block[last + 1] == block[last] and (
        flags[last] & _LEADS_ON or int(words[first : last + 1].sum()) < MIN_QUOTE_WORDS
    ):
        last += 1
    if last - first + 1 > MAX_WINDOW or flags[last] & _LEADS_ON:
        return None
    if int(words[first : last + 1].sum()) < MIN_ALONE_WORDS:
        return None
    return first, last


def whole_list(table: SentenceTable, first: int, last: int) -> tuple[int, int]:
    """first..last widened to the whole list it quotes part of: back over the items before it to
    their label, forward over the items after it (a list stays within its paragraph and ends at
    the next label). Unchanged when it quotes no list item or label, or when the list is longer
    than MAX_LIST_SENTENCES sentences or MAX_LIST_WORDS words: "Symptoms include:" and two of its
    five items would leave out three symptoms."""
    block, flags = table.block, table.flags
    if not any(flags[first : last + 1] & (_LABEL | _ITEM)):
        return first, last
    start, end = first, last
    while start > 0 and block[start - 1] == block[start] and flags[start] & _ITEM and not flags[start] & _LABEL:
        start -= 1
        if flags[start] & _LABEL:
            break
    while end + 1 < len(block) and block[end + 1] == block[end] and flags[end + 1] & _ITEM and not flags[end + 1] & _LABEL:
        end += 1
    if end - start + 1 > MAX_LIST_SENTENCES or int(table.words[start : end + 1].sum()) > MAX_LIST_WORDS:
        return first, last
    return start, end


def whole_paragraph(table: SentenceTable, first: int, last: int) -> tuple[int, int]:
    """first..last widened to the whole paragraph holding it, when the paragraph has at most
    MAX_PARAGRAPH_WORDS words and does not end on a label or a question; unchanged otherwise."""
    start = first - int(table.block_position[first])
    end = start + int(table.block_size[first]) - 1
    if int(table.words[start : end + 1].sum()) > MAX_PARAGRAPH_WORDS or table.flags[end] & _LEADS_ON:
        return first, last
    return start, end


@dataclass(frozen=True)
class WindowSet:
    """Every candidate window of an index: window i is sentences first[i]..last[i], and `norm[i]`
    the length of the sum of its sentence vectors (so its cosine to a question is the sum of its
    sentences' cosines over it); the windows grown from sentence r are
    window_ids[indptr[r]:indptr[r + 1]]."""

    first: np.ndarray
    last: np.ndarray
    norm: np.ndarray
    indptr: np.ndarray
    window_ids: np.ndarray

    @classmethod
    def of(cls, table: SentenceTable, sentence_vectors: np.ndarray, widths: tuple[int, ...] = WIDTHS) -> WindowSet:
        # Plain Python lists: this walks every sentence once per index load.
        block = table.block.tolist()
        ids: dict[tuple[int, int], int] = {}
        grown: list[list[int]] = [[] for _ in block]
        for seed in range(len(block)):
            for width in widths:
                for first in range(seed - width + 1, seed + 1):
                    last = first + width - 1
                    if first < 0 or last >= len(block) or block[first] != block[seed] or block[last] != block[seed]:
                        continue
                    window = complete(table, first, last)
                    if window is not None:
                        grown[seed].append(ids.setdefault(window, len(ids)))
        spans = np.array(list(ids), dtype=np.int64).reshape(-1, 2)
        counts = np.array([len(g) for g in grown], dtype=np.int64)
        sums = np.zeros((len(spans), sentence_vectors.shape[1]), dtype=np.float64)
        for offset in range(MAX_WINDOW):  # add each window's k-th sentence, for k = 0, 1, ...
            inside = spans[:, 0] + offset <= spans[:, 1]
            sums[inside] += sentence_vectors[spans[inside, 0] + offset]
        return cls(
            first=spans[:, 0],
            last=spans[:, 1],
            norm=np.maximum(np.linalg.norm(sums, axis=1), 1e-9),
            indptr=np.concatenate([[0], np.cumsum(counts)]),
            window_ids=np.array([w for g in grown for w in g], dtype=np.int64),
        )

    def __len__(self) -> int:
        return len(self.first)

    def around(self, seeds: np.ndarray) -> np.ndarray:
        """Ids of the windows grown from any of the seed sentences, in order of (first, last)."""
        seeds = np.asarray(seeds, dtype=np.int64)
        if not len(seeds):
            return np.zeros(0, dtype=np.int64)
        found = np.concatenate([self.window_ids[self.indptr[s] : self.indptr[s + 1]] for s in np.unique(seeds)])
        found = np.unique(found)
        return found[np.lexsort((self.last[found], self.first[found]))]

    def rows(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(rows, owner): the sentence rows of the windows `ids`, flattened, and the position in
        `ids` of the window each row belongs to."""
        sizes = self.last[ids] - self.first[ids] + 1
        owner = np.repeat(np.arange(len(ids)), sizes)
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]) if len(ids) else np.zeros(0, dtype=np.int64)
        rows = self.first[ids][owner] + (np.arange(len(owner)) - starts[owner])
        return rows, owner
