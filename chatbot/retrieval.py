"""Passage retrieval: FAISS (dense) and bm25s (lexical) candidates, fused."""

from __future__ import annotations

from dataclasses import dataclass

from .settings import AnswerSettings


@dataclass(frozen=True)
class Hit:
    chunk: int  # row in index.chunks
    score: float  # fused score (higher is better)
    dense: float | None  # cosine, when the dense retriever returned it
    bm25: float | None  # BM25 score, when the lexical retriever returned it


def _ranks(scores: dict[int, float]) -> dict[int, int]:
    return {row: rank for rank, row in enumerate(sorted(scores, key=lambda r: -scores[r]), start=1)}


def fuse(dense: dict[int, float], lexical: dict[int, float], settings: AnswerSettings) -> list[Hit]:
    """Fused hits, best first. In dense or bm25 mode the other side is simply empty."""
    rows = set(dense) | set(lexical)
    w_dense, w_bm25 = settings.dense_weight, 1.0 - settings.dense_weight
    if settings.mode == "dense":
        w_dense, w_bm25 = 1.0, 0.0
    elif settings.mode == "bm25":
        w_dense, w_bm25 = 0.0, 1.0
    if settings.fusion == "rrf":
        dense_rank, bm25_rank = _ranks(dense), _ranks(lexical)
        score = {
            r: w_dense * (1 / (settings.rrf_k + dense_rank[r]) if r in dense_rank else 0)
            + w_bm25 * (1 / (settings.rrf_k + bm25_rank[r]) if r in bm25_rank else 0)
            for r in rows
        }
    else:
        top = max(lexical.values(), default=0.0) or 1.0
        score = {r: w_dense * max(dense.get(r, 0.0), 0.0) + w_bm25 * lexical.get(r, 0.0) / top for r in rows}
    hits = [Hit(r, score[r], dense.get(r), lexical.get(r)) for r in rows if score[r] > 0]
    return sorted(hits, key=lambda h: (-h.score, h.chunk))
