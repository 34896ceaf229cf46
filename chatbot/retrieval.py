"""Fusing the dense and lexical passage rankings into one.

- "rrf": reciprocal rank fusion, weighted (ranks only: robust, but blind to how sure each side is);
- "weighted": dense cosine plus BM25 over the query's best BM25;
- "zscore": each side's scores standardised over its own candidates (a passage one side did not
  return gets that side's lowest score), then weighted: score-aware, so a retriever that is very
  sure of one passage outweighs one that is not.
"""

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


def _standardised(scores: dict[int, float]) -> dict[int, float]:
    """Each score as (score - mean) / standard deviation over the candidates (0 when they all tie)."""
    if not scores:
        return {}
    values = list(scores.values())
    mean = sum(values) / len(values)
    spread = (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5
    return {r: (v - mean) / spread if spread > 0 else 0.0 for r, v in scores.items()}


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
    elif settings.fusion == "zscore":
        z_dense, z_bm25 = _standardised(dense), _standardised(lexical)
        floor_dense, floor_bm25 = min(z_dense.values(), default=0.0), min(z_bm25.values(), default=0.0)
        # Shifted so that every fused score is positive (hits with a score <= 0 are dropped below).
        score = {
            r: 10.0 + w_dense * z_dense.get(r, floor_dense) + w_bm25 * z_bm25.get(r, floor_bm25) for r in rows
        }
    else:
        top = max(lexical.values(), default=0.0) or 1.0
        score = {r: w_dense * max(dense.get(r, 0.0), 0.0) + w_bm25 * lexical.get(r, 0.0) / top for r in rows}
    hits = [Hit(r, score[r], dense.get(r), lexical.get(r)) for r in rows if score[r] > 0]
    return sorted(hits, key=lambda h: (-h.score, h.chunk))
