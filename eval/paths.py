"""Where the evals read and write. The only place that reads a path variable."""

from __future__ import annotations

import os
from pathlib import Path

EVAL_DIR = Path(__file__).resolve().parent
REPO_ROOT = EVAL_DIR.parent
GOLD_PATH = EVAL_DIR / "data" / "gold.jsonl"
BASELINE_PATH = EVAL_DIR / "baseline.json"
# The public QA data the ranker and the abstention classifier learn from (beside the repository).
SQUAD_DIR = REPO_ROOT.parent / "shared" / "datasets" / "squad2" / "dev-corpus"
# The QA sets written for this project (each a folder with corpus/ and questions.jsonl).
QA_DATA_DIR = EVAL_DIR / "data" / "qa"
# The safety router's training data: the shared public set beside the repository, and the
# examples the team wrote (every *.jsonl file in eval/data/safety/).
SAFETY_TRAIN_PATH = REPO_ROOT.parent / "shared" / "datasets" / "safety-train" / "items.jsonl"
SAFETY_WRITTEN_DIR = EVAL_DIR / "data" / "safety"
# Messages written apart from the training examples, by other hands, that the router never trains on.
SAFETY_CHECK_PATH = EVAL_DIR / "data" / "safety-check" / "items.jsonl"


def cache_dir() -> Path:
    """`$EVAL_CACHE_DIR`, else `$XDG_CACHE_HOME/fibro-quote-bot/eval` (`~/.cache/…`): the indexes
    the evals build (per chunk size, per BEIR dataset) and their embedding caches, kept between
    runs so reruns are fast. Outside the repository: they are large and never committed."""
    explicit = os.environ.get("EVAL_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "fibro-quote-bot" / "eval"


def reports_dir() -> Path:
    """`eval/reports/`: every run's JSON, Markdown and charts (the README shows them)."""
    return EVAL_DIR / "reports"
