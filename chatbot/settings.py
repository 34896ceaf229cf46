"""Answer-engine settings with their defaults, in one place. Tuned on the dev half of the gold set
with `python -m eval compare` / `python -m eval tune` (see the README for the evidence)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

MODES = ("hybrid", "dense", "bm25")
FUSIONS = ("rrf", "weighted", "zscore")


@dataclass(frozen=True)
class AnswerSettings:
    mode: str = "hybrid"  # which retrievers feed the answer: "hybrid", "dense" or "bm25"
    fusion: str = "rrf"  # "rrf", "weighted" or "zscore" (see chatbot/retrieval.py)
    dense_weight: float = 0.3  # share of the dense retriever in the fusion; BM25 gets the rest
    rrf_k: int = 60
    candidates: int = 50  # passages taken from each retriever before fusion
    passages: int = 5  # best fused passages whose sentences compete for quotes
    sentence_candidates: int = 15  # best sentences by each sentence retriever that also compete
    max_quotes: int = 3
    min_quote_share: float = 0.5  # later quotes need at least this share of the best one's probability
    # Answer only when the abstention classifier's probability that the best quote answers is at
    # least this; None takes the operating point chosen on the tune split (chatbot/models/abstention.json).
    answer_threshold: float | None = None
    max_history_turns: int = 6

    def __post_init__(self):
        if self.mode not in MODES:
            raise ValueError(f"mode {self.mode!r} is not one of {MODES}")
        if self.fusion not in FUSIONS:
            raise ValueError(f"fusion {self.fusion!r} is not one of {FUSIONS}")

    def to_dict(self) -> dict:
        return asdict(self)
