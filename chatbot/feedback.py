"""The feedback log: one JSON object per line, appended, in a file whose path is a setting."""

from __future__ import annotations

import os
from pathlib import Path

from indexer.paths import REPO_ROOT


def default_feedback_path() -> Path:
    """`$CHATBOT_FEEDBACK_PATH`, else `feedback/feedback.jsonl` in the repository."""
    return Path(os.environ.get("CHATBOT_FEEDBACK_PATH") or REPO_ROOT / "feedback" / "feedback.jsonl")
