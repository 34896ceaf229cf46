"""Answer-engine settings with their defaults, in one place. Tuned on the dev half of the gold set
with `python -m eval compare` / `python -m eval tune` (see the README for the evidence)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum

MODES = ("hybrid", "dense", "bm25")


class Fusion(StrEnum):
    """How the dense and the lexical passage rankings become one (see chatbot/retrieval.py)."""

    RRF = "rrf"
    WEIGHTED = "weighted"
    ZSCORE = "zscore"

    @classmethod
    def from_str(cls, value: str) -> Fusion:
        try:
            return cls(value)
        except ValueError:
            raise ValueError(f"fusion {value!r} is not one of {', '.join(FUSIONS)}") from None


FUSIONS = tuple(f.value for f in Fusion)


@dataclass(frozen=True)
class AnswerSettings:
    mode: str = "hybrid"  # which retrievers feed the answer: "hybrid", "dense" or "bm25"
    # Weighted fusion of each retriever's scores over its own best, the dense side weighing 0.7:
    # chosen by `python -m eval tune` on dev data only (the gold dev half and SQuAD's tune
    # articles, each also with BM25 made the weaker side), where it never lost to the better single
    # retriever and had the best mean nDCG@10 (eval/reports/tune.md). Rank fusion (rrf) fell below
    # the better single retriever there: ranks cannot tell a retriever that is sure from one
    # that is guessing.
    fusion: str = "weighted"  # one of FUSIONS (see chatbot/retrieval.py)
    dense_weight: float = 0.7  # share of the dense retriever in the fusion, 0 to 1; BM25 gets the rest
    rrf_k: int = 60  # rank offset of rrf: larger flattens the difference between the first ranks
    candidates: int = 50  # passages taken from each retriever before fusion
    passages: int = 5  # best fused passages whose sentences compete for quotes
    sentence_candidates: int = 15  # best sentences by each sentence retriever that also compete
    max_quotes: int = 3
    min_quote_share: float = 0.5  # later quotes need at least this share of the best one's probability
    # Answer only when the abstention classifier's probability that the best quote answers is at
    # least this; None takes the operating point chosen on the tune split (chatbot/models/abstention.json).
    answer_threshold: float | None = None
    # Answered, yet the classifier finds the best quote less likely to answer than not: the quotes
    # come with a notice that they may not answer the question directly (docs/evaluation.md
    # measures how often such a top quote is wrong, against the others). Below it, a question about
    # a subject as a whole that no document is about is refused instead (chatbot/topics.py).
    unsure_below: float = 0.5
    max_history_turns: int = 6
    # Misspelt question words are searched as the documents' own words (chatbot/spelling.py).
    correct_spelling: bool = True

    def __post_init__(self):
        if self.mode not in MODES:
            raise ValueError(f"mode {self.mode!r} is not one of {MODES}")
        Fusion.from_str(self.fusion)
        if not 0.0 <= self.dense_weight <= 1.0:
            raise ValueError(f"dense_weight {self.dense_weight!r} must lie between 0 and 1 (BM25 gets 1 - dense_weight)")
        if not 0.0 <= self.unsure_below <= 1.0:
            raise ValueError(f"unsure_below {self.unsure_below!r} must lie between 0 and 1 (a probability)")
        if self.rrf_k < 1 or self.candidates < 1:
            raise ValueError(f"rrf_k ({self.rrf_k!r}) and candidates ({self.candidates!r}) must be at least 1")

    def to_dict(self) -> dict:
        return asdict(self)
