"""Searching one level of the index (passages or sentences): the one small interface readers use,
so that nothing outside the indexer touches FAISS or bm25s objects.

>>> index.passages.dense(question_vector, k=50)      # {row: cosine}
>>> index.sentences.lexical(tokenize([question])[0], k=50)   # {row: BM25 score}
>>> index.passages.idf("ketamin")
"""

from __future__ import annotations

import math
from typing import Protocol

import numpy as np


class Searcher(Protocol):
    """What a reader may ask of one level of the index."""

    def __len__(self) -> int: ...

    def dense(self, vector: np.ndarray, k: int) -> dict[int, float]: ...

    def lexical(self, tokens: list[str], k: int) -> dict[int, float]: ...

    def lexical_scores(self, tokens: list[str]) -> np.ndarray: ...

    def rows_with(self, token: str) -> np.ndarray: ...

    def idf(self, token: str) -> float: ...

    @property
    def unseen_idf(self) -> float: ...


class SearchLevel:
    """Dense (FAISS, inner product on normalised vectors) and lexical (bm25s) search over the rows
    of one level, and the statistics of its terms. Tokens are `indexer.tokenize` output."""

    def __init__(self, vector_index, bm25):
        self._vectors = vector_index
        self._bm25 = bm25
        self._vocab: dict[str, int] = bm25.vocab_dict
        self._indptr = np.asarray(bm25.scores["indptr"])  # column (token) -> its rows, CSC
        self._rows = np.asarray(bm25.scores["indices"])
        self._size = int(bm25.scores["num_docs"])

    def __len__(self) -> int:
        return self._size

    def dense(self, vector: np.ndarray, k: int) -> dict[int, float]:
        """The `k` rows nearest to a normalised vector, with their cosines."""
        k = min(k, self._vectors.ntotal)
        if k <= 0:
            return {}
        scores, rows = self._vectors.search(np.asarray(vector, dtype=np.float32).reshape(1, -1), k)
        return {int(r): float(s) for s, r in zip(scores[0], rows[0], strict=True) if r >= 0}

    def lexical_scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every row for the tokens (zeros when none is known)."""
        known = [t for t in tokens if t in self._vocab]
        if not known:
            return np.zeros(self._size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)

    def lexical(self, tokens: list[str], k: int) -> dict[int, float]:
        """The `k` best rows by BM25 (only rows that hold a query term), with their scores."""
        scores = self.lexical_scores(tokens)
        k = min(k, len(scores))
        if k <= 0 or not scores.any():
            return {}
        top = np.argpartition(-scores, k - 1)[:k]
        return {int(i): float(scores[i]) for i in top if scores[i] > 0}

    def rows_with(self, token: str) -> np.ndarray:
        """The rows that hold a token (sorted)."""
        column = self._vocab.get(token)
        if column is None or column + 1 >= len(self._indptr):
            return np.zeros(0, dtype=np.int64)
        return self._rows[self._indptr[column] : self._indptr[column + 1]]

    def document_frequency(self, token: str) -> int:
        return len(self.rows_with(token))

    def idf(self, token: str) -> float:
        """BM25's IDF of a token on this level; a token the index never saw gets the highest."""
        df = self.document_frequency(token)
        return math.log(1 + (self._size - df + 0.5) / (df + 0.5))

    @property
    def unseen_idf(self) -> float:
        """The IDF of a token no row holds: the scale that makes IDFs comparable across corpora."""
        return math.log(1 + (self._size + 0.5) / 0.5)
