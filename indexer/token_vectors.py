"""Token-level matching: the contextual vector of every word piece of every indexed sentence, and
how closely each word piece of a question is met by some word piece of a sentence.

The embedding model computes these vectors anyway (it averages them into the sentence vector), so
they come with no second model: the index stores each sentence's, and a question's come out of the
same encode as its sentence vector. Where the sentence cosine blurs a question into one point,
matching piece by piece finds "physiotherapy" in "physical therapy" or "knock you out" near
"unconscious" in one sentence of a paragraph on anaesthesia, and keeps the rare words of the
question (weighted by how few sentences use them) from being outvoted by its common ones.

Punctuation pieces are left out on both sides, as are the model's special tokens.

>>> table = load_index().sentence_tokens
>>> best = table.best_matches(question_tokens, rows=np.array([3, 4]))   # [2, question pieces]
>>> table.weights(question_tokens) @ best.T                             # one score per sentence
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

VECTORS_FILE = "sentence_tokens.npy"  # float16 [pieces, dimension], L2-normalised rows
IDS_FILE = "sentence_token_ids.npy"  # int32 [pieces], the vocabulary id of each piece
OFFSETS_FILE = "sentence_token_offsets.npy"  # int64 [sentences + 1]: sentence i is pieces offsets[i]:offsets[i+1]
FILES = (VECTORS_FILE, IDS_FILE, OFFSETS_FILE)


def is_word_piece(piece: str) -> bool:
    """A piece that holds a letter or a digit ("fibro", "##my", "12"), not punctuation ("?", "'")."""
    return any(ch.isalnum() for ch in piece)


@dataclass(frozen=True)
class TokenVectors:
    """One text's word pieces (special tokens and punctuation left out): their vocabulary ids and
    contextual vectors, L2-normalised."""

    ids: np.ndarray  # int32 [pieces]
    vectors: np.ndarray  # float32 [pieces, dimension]

    @classmethod
    def of(cls, ids, pieces: list[str], vectors: np.ndarray, special: list[int] | np.ndarray) -> TokenVectors:
        """From a model's output for one text: every token's id, string, vector and whether it is
        a special token ([CLS], [SEP], padding); only word pieces are kept."""
        keep = np.array([not s and is_word_piece(p) for p, s in zip(pieces, special, strict=True)], dtype=bool)
        vectors = np.asarray(vectors, dtype=np.float32)[keep]
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return cls(np.asarray(ids, dtype=np.int32)[keep], vectors / np.maximum(norms, 1e-12))


@dataclass(frozen=True)
class TokenTable:
    """The word pieces of every indexed sentence, in sentence-row order."""

    ids: np.ndarray  # int32 [pieces]
    vectors: np.ndarray  # float16 [pieces, dimension] (memory-mapped when loaded)
    offsets: np.ndarray  # int64 [sentences + 1]

    @classmethod
    def of(cls, texts: list[TokenVectors], dimension: int) -> TokenTable:
        sizes = np.array([len(t.ids) for t in texts], dtype=np.int64)
        return cls(
            ids=np.concatenate([t.ids for t in texts]).astype(np.int32) if texts else np.zeros(0, np.int32),
            vectors=np.concatenate([t.vectors for t in texts]).astype(np.float16) if texts else np.zeros((0, dimension), np.float16),
            offsets=np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64),
        )

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def save(self, folder: Path) -> None:
        np.save(folder / VECTORS_FILE, self.vectors)
        np.save(folder / IDS_FILE, self.ids)
        np.save(folder / OFFSETS_FILE, self.offsets)

    @classmethod
    def load(cls, folder: Path) -> TokenTable:
        """The stored table; the vectors are mapped, not read: a question touches a few sentences'."""
        table = cls(
            ids=np.load(folder / IDS_FILE),
            vectors=np.load(folder / VECTORS_FILE, mmap_mode="r"),
            offsets=np.load(folder / OFFSETS_FILE),
        )
        if (
            table.offsets.ndim != 1 or not len(table.offsets) or table.offsets[0] != 0
            or np.any(np.diff(table.offsets) < 0) or table.offsets[-1] != len(table.ids) or len(table.ids) != len(table.vectors)
        ):
            raise ValueError("the sentence token tables do not fit together")
        return table

    @cached_property
    def _idf(self) -> np.ndarray:
        """IDF of every vocabulary id over the sentences: log((N + 1) / (df + 1)); ids no sentence
        holds get the highest value (they are looked up past the end)."""
        sentences = np.repeat(np.arange(len(self), dtype=np.int64), np.diff(self.offsets))
        width = int(self.ids.max()) + 1 if len(self.ids) else 1
        pairs = np.unique(sentences * width + self.ids.astype(np.int64))
        df = np.bincount(pairs % width, minlength=width)
        return np.log((len(self) + 1) / (df + 1.0))

    def weights(self, question: TokenVectors) -> np.ndarray:
        """[pieces] the question's pieces weighted by IDF, summing to 1 (equal when all are common)."""
        idf = self._idf
        unseen = float(np.log(len(self) + 1.0))
        ids = question.ids.astype(np.int64)
        values = np.where(ids < len(idf), idf[np.minimum(ids, len(idf) - 1)], unseen)
        total = values.sum()
        return values / total if total > 0 else np.full(len(ids), 1.0 / max(len(ids), 1))

    def best_matches(self, question: TokenVectors, rows: np.ndarray) -> np.ndarray:
        """[len(rows), question pieces]: for each sentence row, the best cosine any of its pieces
        reaches with each piece of the question (0 for a sentence without pieces)."""
        rows = np.asarray(rows, dtype=np.int64)
        best = np.zeros((len(rows), len(question.ids)), dtype=np.float32)
        if not len(rows) or not len(question.ids):
            return best
        starts, ends = self.offsets[rows], self.offsets[rows + 1]
        sizes = ends - starts
        filled = sizes > 0
        if not filled.any():
            return best
        starts, sizes = starts[filled], sizes[filled]
        bounds = np.concatenate([[0], np.cumsum(sizes)[:-1]])  # where each row's pieces begin in `pieces`
        pieces = np.repeat(starts - bounds, sizes) + np.arange(int(sizes.sum()))
        # einsum, not @: BLAS would spread this small product over its threads, which then spin,
        # and a server answering on both cores would pay for it in CPU per answer.
        similarity = np.einsum("id,qd->iq", np.asarray(self.vectors[pieces], dtype=np.float32), question.vectors)
        best[filled] = np.maximum.reduceat(similarity, bounds, axis=0)
        return best
