"""Evals: how good (gold questions, BEIR benchmarks) and how fast (benchmarks) the chatbot is.
Everything drives the chatbot through its public API, as a visitor would.

>>> from chatbot import Chatbot
>>> from eval import load_gold, score
>>> score(Chatbot.load(), load_gold()).metrics["test"]["quote_hit@3"]
"""

from .errors import EvalError, GoldSetError
from .gold import GoldItem, load_gold
from .metrics import METRICS, all_splits, gold_metrics, ranx_scores
from .outcomes import GoldRun, Outcome, run_gold
from .scorecard import Scorecard, score

__all__ = [
    "METRICS",
    "EvalError",
    "GoldItem",
    "GoldRun",
    "GoldSetError",
    "Outcome",
    "Scorecard",
    "all_splits",
    "gold_metrics",
    "load_gold",
    "ranx_scores",
    "run_gold",
    "score",
]
