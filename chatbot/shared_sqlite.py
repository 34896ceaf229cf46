"""Opening a SQLite file that the workers of one server share (the feedback and conversation
stores): WAL mode, so that writers never block readers, a busy timeout, so that a writer waits
for another instead of failing, and the store's tables created when missing.

Switching a new file to WAL mode needs the file to itself, and SQLite does not wait for that
(the busy timeout does not apply): when two workers open a new file at the same moment, one of
them got "database is locked" at once (6 of 400 opens in a trial of simultaneous pairs), and the
first question it took failed. So the opening is retried until the timeout.

>>> db = open_shared(Path("/tmp/chat/votes.sqlite3"), ("CREATE TABLE IF NOT EXISTS votes (record TEXT)",))
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

BUSY_TIMEOUT_S = 10.0
_RETRY_S = 0.01


def open_shared(path: Path, setup: tuple[str, ...], timeout: float = BUSY_TIMEOUT_S) -> sqlite3.Connection:
    """A connection to `path` (created with its folder when missing) in WAL mode with a busy
    timeout, after the `setup` statements (tables, indexes, per-connection pragmas) have run and
    been committed. Raises sqlite3.Error when the file cannot be opened within `timeout` seconds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + timeout
    while True:
        db = sqlite3.connect(str(path), timeout=timeout, check_same_thread=False)
        try:
            db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            db.execute("PRAGMA journal_mode = WAL")
            for statement in setup:
                db.execute(statement)
            db.commit()
            return db
        except sqlite3.OperationalError as exc:
            db.close()
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(_RETRY_S)
