"""Fusing the dense and lexical passage rankings into one. Each fusion (settings.Fusion) is a small
pure function of the two retrievers' {row: score} and the dense weight w (BM25 weighs 1 - w):

- "weighted" (the default): each side's scores over its own best, weighted. Score-aware: a
  retriever that is sure of one passage (its runner-up far below) outweighs one that is not,
  and it needs no statistics over the candidate list, so it ranks alike whether each side gives
  50 candidates (the chatbot) or 1,000 (the BEIR runner);
- "zscore": each side standardised over its own candidates (a passage one side did not return
  gets that side's lowest score), then weighted; depends on how many candidates there are;
- "rrf": reciprocal rank fusion, weighted: ranks only, so blind to how sure each side is. On the
  tune data it fell below the better single retriever where one side was clearly the weaker.

>>> fuse({1: 0.62, 2: 0.55}, {2: 11.0, 3: 4.0}, AnswerSettings())[0].chunk
2
"""

from __future__ import annotations

from dataclasses import dataclass

from .settings import AnswerSettings, Fusion


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


def _relative(scores: dict[int, float]) -> dict[int, float]:
    """Each score over the best one, negative cosines as 0: the best is 1 on every query."""
    best = max(scores.values(), default=0.0)
    return {r: max(v, 0.0) / best for r, v in scores.items()} if best > 0 else {}


def rrf_scores(dense: dict[int, float], lexical: dict[int, float], w: float, k: int) -> dict[int, float]:
    """w / (k + dense rank) + (1 - w) / (k + BM25 rank); a side that missed a passage adds 0."""
    dense_rank, bm25_rank = _ranks(dense), _ranks(lexical)
    return {
        r: (w / (k + dense_rank[r]) if r in dense_rank else 0.0) + ((1 - w) / (k + bm25_rank[r]) if r in bm25_rank else 0.0)
        for r in dense.keys() | lexical.keys()
    }


def weighted_scores(dense: dict[int, float], lexical: dict[int, float], w: float) -> dict[int, float]:
    """w * cosine / best cosine + (1 - w) * BM25 / best BM25; a side that missed a passage adds 0."""
    rel_dense, rel_bm25 = _relative(dense), _relative(lexical)
    return {r: w * rel_dense.get(r, 0.0) + (1 - w) * rel_bm25.get(r, 0.0) for r in dense.keys() | lexical.keys()}


def zscore_scores(dense: dict[int, float], lexical: dict[int, float], w: float) -> dict[int, float]:
    """w * z(cosine) + (1 - w) * z(BM25), shifted by 10 so that fused scores stay positive."""
    z_dense, z_bm25 = _standardised(dense), _standardised(lexical)
    floor_dense, floor_bm25 = min(z_dense.values(), default=0.0), min(z_bm25.values(), default=0.0)
    return {
        r: 10.0 + w * z_dense.get(r, floor_dense) + (1 - w) * z_bm25.get(r, floor_bm25)
        for r in dense.keys() | lexical.keys()
    }


def fused_scores(dense: dict[int, float], lexical: dict[int, float], settings: AnswerSettings) -> dict[int, float]:
    """{row: fused score} by the settings' fusion; in dense or bm25 mode the other side weighs 0."""
    w = {"dense": 1.0, "bm25": 0.0}.get(settings.mode, settings.dense_weight)
    fusion = Fusion.from_str(settings.fusion)
    if fusion is Fusion.RRF:
        return rrf_scores(dense, lexical, w, settings.rrf_k)
    if fusion is Fusion.ZSCORE:
        return zscore_scores(dense, lexical, w)
    return weighted_scores(dense, lexical, w)


def fuse(dense: dict[int, float], lexical: dict[int, float], settings: AnswerSettings) -> list[Hit]:
    """Fused hits, best first (ties by row); hits whose fused score is not positive are dropped."""
    score = fused_scores(dense, lexical, settings)
    hits = [Hit(r, s, dense.get(r), lexical.get(r)) for r, s in score.items() if s > 0]
    return sorted(hits, key=lambda h: (-h.score, h.chunk))
