"""The feedback log: one JSON object per line, appended, in a file whose path is a setting.

>>> log = FeedbackLog(Path("feedback/feedback.jsonl"))
>>> log.append(feedback_record(answer.to_dict(), vote="up"))
"""

from __future__ import annotations

import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path

from indexer.paths import REPO_ROOT

VOTES = ("up", "down", "withdrawn")
# Characters that json.dumps(ensure_ascii=False) leaves raw but that str.splitlines() treats as
# line breaks: escaped so that no reader can ever see one record as two lines.
_LINE_BREAKS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}
# What a quote keeps in the log: enough to find it again, not the whole passage.
_QUOTE_FIELDS = ("text", "file", "start", "end", "line", "title", "section", "score")


def default_feedback_path() -> Path:
    """`$CHATBOT_FEEDBACK_PATH`, else `feedback/feedback.jsonl` in the repository."""
    return Path(os.environ.get("CHATBOT_FEEDBACK_PATH") or REPO_ROOT / "feedback" / "feedback.jsonl")


def feedback_record(answer: dict, vote: str, session: str | None = None, message: int | None = None) -> dict:
    """A log record for a vote on an answer (`answer` as `Answer.to_dict()` gives it).
    `session` and `message` say which answer of which conversation was voted on, so a later
    vote on the same answer (changed or withdrawn) can be matched with the earlier one."""
    if vote not in VOTES:
        raise ValueError(f"vote {vote!r} is not one of {VOTES}")
    return {
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "vote": vote,
        "question": answer.get("question"),
        "query": answer.get("query"),
        "status": answer.get("status"),
        "quotes": [{k: q.get(k) for k in _QUOTE_FIELDS} for q in answer.get("quotes") or []],
        "route": answer.get("route"),
        "session": session,
        "message": message,
    }


class FeedbackLog:
    """Appends records to a JSONL file, one JSON object per line. The path is fixed when the log
    is made (a server setting), never taken from a visitor. Safe to share between threads."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()

    def append(self, record: dict) -> None:
        line = json.dumps(record, ensure_ascii=False)
        for raw, escaped in _LINE_BREAKS.items():
            line = line.replace(raw, escaped)
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # One write of one whole line, in append mode: concurrent writers never interleave.
            # A lone surrogate (a visitor can put one in their Gradio session id) cannot be UTF-8:
            # it is written as its JSON escape (\ud800), so the vote is kept and the line stays JSON.
            with self.path.open("a", encoding="utf-8", errors="backslashreplace") as f:
                f.write(line + "\n")
