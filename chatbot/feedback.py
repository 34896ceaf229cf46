"""The feedback store: one record per vote, in an SQLite database (WAL mode) that every worker
process of the server writes to at once without losing or mixing records; maintainers read it as
JSONL with `python -m chatbot feedback --export FILE`.

>>> store = FeedbackStore(Path("feedback/feedback.sqlite3"))
>>> store.append(feedback_record(answer.to_dict(), vote="up"))
>>> store.export(Path("votes.jsonl"))
1
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from indexer.paths import REPO_ROOT

from .shared_sqlite import open_shared

VOTES = ("up", "down", "withdrawn")
# Characters that json.dumps(ensure_ascii=False) leaves raw but that str.splitlines() treats as
# line breaks: escaped so that no reader can ever see one record as two lines.
_LINE_BREAKS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}
# What a quote keeps in the log: enough to find it again, not the whole passage.
_QUOTE_FIELDS = ("text", "file", "start", "end", "line", "title", "section", "score")


def default_feedback_path() -> Path:
    """`$CHATBOT_FEEDBACK_PATH`, else `feedback/feedback.sqlite3` in the repository."""
    return Path(os.environ.get("CHATBOT_FEEDBACK_PATH") or REPO_ROOT / "feedback" / "feedback.sqlite3")


def voted_answer(answer: dict) -> dict:
    """What a vote records of an answer (`answer` as `Answer.to_dict()` gives it): the question,
    what was searched, the status, the quotes without their passages, the safety route, and the
    probability that the best quote answers."""
    return {
        "question": answer.get("question"),
        "query": answer.get("query"),
        "status": answer.get("status"),
        "quotes": [{k: q.get(k) for k in _QUOTE_FIELDS} for q in answer.get("quotes") or []],
        "route": answer.get("route"),
        "answerable": answer.get("answerable"),
    }


def feedback_record(answer: dict, vote: str, session: str | None = None, message: int | None = None) -> dict:
    """A record for a vote on an answer (`answer` as `Answer.to_dict()` or `voted_answer` gives
    it). `session` and `message` say which answer of which conversation was voted on, so a later
    vote on the same answer (changed or withdrawn) can be matched with the earlier one."""
    if vote not in VOTES:
        raise ValueError(f"vote {vote!r} is not one of {VOTES}")
    return {
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "vote": vote,
        **voted_answer(answer),
        "session": session,
        "message": message,
    }


def jsonl_line(record: dict) -> str:
    """One record as one line of JSON (no line break inside, whatever the texts hold)."""
    line = json.dumps(record, ensure_ascii=False)
    for raw, escaped in _LINE_BREAKS.items():
        line = line.replace(raw, escaped)
    return line


class FeedbackStore:
    """Votes in an SQLite database whose path is fixed when the store is made (a server setting),
    never taken from a visitor. Safe to share between threads; any number of processes may append
    at once (SQLite serialises the writes; each record is one row, whole or absent)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = open_shared(self.path, ("CREATE TABLE IF NOT EXISTS votes (id INTEGER PRIMARY KEY AUTOINCREMENT, record TEXT NOT NULL)",))
        return self._db

    def append(self, record: dict) -> None:
        # ASCII JSON: a lone surrogate (a visitor can put one in a Gradio session id) cannot be
        # UTF-8, but its JSON escape (\ud800) can; the vote is kept and the record stays JSON.
        text = json.dumps(record, ensure_ascii=True)
        with self._lock:
            db = self._connect()
            with db:
                db.execute("INSERT INTO votes (record) VALUES (?)", (text,))

    def records(self) -> Iterator[dict]:
        """Every record, oldest first."""
        if not self.path.exists():
            return
        with self._lock:
            rows = self._connect().execute("SELECT record FROM votes ORDER BY id").fetchall()
        for (text,) in rows:
            yield json.loads(text)

    def export(self, target: Path | TextIO) -> int:
        """Write every record as JSONL to a file (or an open text stream); returns how many."""
        if not isinstance(target, Path):
            return self._write(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        # errors: a lone surrogate is written as its JSON escape, so the line stays valid JSON.
        with target.open("w", encoding="utf-8", errors="backslashreplace") as f:
            return self._write(f)

    def _write(self, stream: TextIO) -> int:
        count = 0
        for record in self.records():
            stream.write(jsonl_line(record) + "\n")
            count += 1
        return count

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


def export_command(path: Path, target: str) -> int:
    """`python -m chatbot feedback --export FILE` (`-` for standard output)."""
    store = FeedbackStore(path)
    if target == "-":
        sys.stdout.reconfigure(errors="backslashreplace")
        count = store.export(sys.stdout)
    else:
        count = store.export(Path(target))
    print(f"exported {count} votes from {path}" + ("" if target == "-" else f" to {target}"), file=sys.stderr)
    return 0
