"""Answer-engine settings with their defaults, in one place. Tuned on the dev half of the gold set
with `python -m eval compare` / `python -m eval tune` (see the README for the evidence)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

MODES = ("hybrid", "dense", "bm25")
FUSIONS = ("rrf", "weighted")


@dataclass(frozen=True)
class AnswerSettings:
    mode: str = "hybrid"  # which retrievers feed the answer: "hybrid", "dense" or "bm25"
    fusion: str = "rrf"  # "rrf" (reciprocal rank fusion) or "weighted" (dense cosine + max-normalised BM25)
    dense_weight: float = 0.3  # share of the dense retriever in the fusion; BM25 gets the rest
    rrf_k: int = 60
    candidates: int = 50  # passages taken from each retriever before fusion
    passages: int = 5  # best fused passages whose sentences compete for quotes
    max_quotes: int = 3
    # A sentence's score: weights of its cosine to the question, of the share of the question's
    # (IDF-weighted) terms it contains, and of its passage's fused score (relative to the best).
    sentence_weight: float = 0.6
    lexical_weight: float = 0.25
    passage_weight: float = 0.15
    # Two neighbouring sentences of a paragraph also compete as one quote, this much behind a
    # single sentence of equal evidence (1 turns windows off).
    window_penalty: float = 0.03
    question_penalty: float = 0.1  # subtracted for sentences that are themselves questions
    min_quote_share: float = 0.85  # later quotes must score at least this share of the best
    # Best evidence below this: answer no_answer. Out-of-scope questions score at most 0.33 and
    # answerable ones mostly above 0.5; 0.475 was the best on dev (eval/reports/tune.md).
    threshold: float = 0.475
    max_history_turns: int = 6

    def __post_init__(self):
        if self.mode not in MODES:
            raise ValueError(f"mode {self.mode!r} is not one of {MODES}")
        if self.fusion not in FUSIONS:
            raise ValueError(f"fusion {self.fusion!r} is not one of {FUSIONS}")

    def to_dict(self) -> dict:
        return asdict(self)
