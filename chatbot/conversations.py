"""What the chat remembers of each visitor's conversation, by the page's session id: the questions
asked so far (the history follow-ups are resolved against) and each answer by its message number
(what a vote on it is recorded with, never what the browser claims the answer was).

Kept in SQLite, not in the process: with `--workers N` a visitor's next event may reach another
worker, which must know the conversation as well. Conversations unused for `ttl` seconds are
dropped, and at most `capacity` are kept (the least recently used go first).

>>> store = ConversationStore(Path("/tmp/chat/conversations.sqlite3"))
>>> store.put("session-1", Conversation(questions=("What is dermatographism?",), answers={2: {...}}))
>>> store.get("session-1").questions
('What is dermatographism?',)
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .shared_sqlite import open_shared

TTL_SECONDS = 6 * 3600
CAPACITY = 10_000
_PRUNE_EVERY = 100  # writes between two prunes


@dataclass(frozen=True)
class Conversation:
    questions: tuple[str, ...] = ()  # valid questions, oldest first
    answers: dict[int, dict] = field(default_factory=dict)  # message number -> answer, as votes log it


class ConversationStore:
    """Safe to share between threads and between processes (SQLite in WAL mode)."""

    def __init__(self, path: Path, ttl: float = TTL_SECONDS, capacity: int = CAPACITY):
        self.path = Path(path)
        self.ttl = ttl
        self.capacity = capacity
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._writes = 0

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = open_shared(
                self.path,
                (
                    "PRAGMA synchronous = NORMAL",  # a crash may lose recent chats, never corrupt them
                    "CREATE TABLE IF NOT EXISTS conversations (session TEXT PRIMARY KEY, used REAL NOT NULL, data TEXT NOT NULL)",
                    "CREATE INDEX IF NOT EXISTS conversations_used ON conversations (used)",
                ),
            )
        return self._db

    def get(self, session: str) -> Conversation:
        with self._lock:
            row = self._connect().execute(
                "SELECT data FROM conversations WHERE session = ? AND used > ?", (_key(session), time.time() - self.ttl)
            ).fetchone()
        if row is None:
            return Conversation()
        data = json.loads(row[0])
        return Conversation(tuple(data["questions"]), {int(k): v for k, v in data["answers"].items()})

    def put(self, session: str, conversation: Conversation) -> None:
        # ASCII JSON: visitors' texts may hold lone surrogates, which are not UTF-8.
        data = json.dumps({"questions": list(conversation.questions), "answers": conversation.answers})
        with self._lock:
            db = self._connect()
            with db:
                db.execute(
                    "INSERT OR REPLACE INTO conversations (session, used, data) VALUES (?, ?, ?)",
                    (_key(session), time.time(), data),
                )
            self._writes += 1
            if self._writes % _PRUNE_EVERY == 0:
                self._prune(db)

    def forget(self, session: str) -> None:
        with self._lock:
            db = self._connect()
            with db:
                db.execute("DELETE FROM conversations WHERE session = ?", (_key(session),))

    def count(self) -> int:
        with self._lock:
            return self._connect().execute("SELECT COUNT(*) FROM conversations").fetchone()[0]

    def prune(self) -> None:
        with self._lock:
            self._prune(self._connect())

    def _prune(self, db: sqlite3.Connection) -> None:
        with db:
            db.execute("DELETE FROM conversations WHERE used <= ?", (time.time() - self.ttl,))
            db.execute(
                "DELETE FROM conversations WHERE session IN "
                "(SELECT session FROM conversations ORDER BY used DESC LIMIT -1 OFFSET ?)",
                (self.capacity,),
            )

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


def _key(session: str) -> str:
    """The session id as stored: ASCII JSON, whatever the page sent (lone surrogates included)."""
    return json.dumps(session)
