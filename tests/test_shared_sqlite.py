"""Several worker processes opening one new SQLite store at the same moment (what the first
questions to a freshly started `serve --workers 2` do): every one of them gets its connection."""

from __future__ import annotations

import multiprocessing
import sqlite3
import time
from pathlib import Path

import pytest

from chatbot.conversations import Conversation, ConversationStore
from chatbot.shared_sqlite import open_shared

TRIALS = 60  # the unguarded opening failed in about 1 of 70 simultaneous pairs


def _open_at(path: str, start: float, results) -> None:
    while time.time() < start:
        pass
    try:
        store = ConversationStore(Path(path))
        store.put("visitor", Conversation(("What is dermatographism?",), {}))
        results.put("ok")
    except Exception as exc:  # reported to the test, not lost in the child
        results.put(repr(exc))


def test_workers_opening_a_new_store_at_once_all_get_it(tmp_path):
    # Forked from a fresh single-threaded process, as a server's workers start. Forked from the
    # test process, which runs the embedding model's and the servers' threads, a child can inherit
    # a lock one of them held and hang (seen once in a full run on a busy machine).
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    results = context.Queue()
    failures = []
    for trial in range(TRIALS):
        path = str(tmp_path / f"store-{trial}" / "conversations.sqlite3")
        start = time.time() + 0.1
        workers = [context.Process(target=_open_at, args=(path, start, results)) for _ in range(3)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=30)
        failures += [r for r in (results.get(timeout=5) for _ in workers) if r != "ok"]
        assert ConversationStore(Path(path)).count() == 1
    assert failures == []


def test_a_store_that_cannot_be_opened_fails_at_once(tmp_path):
    (tmp_path / "a-folder.sqlite3").mkdir()
    started = time.monotonic()
    with pytest.raises(sqlite3.OperationalError):
        open_shared(tmp_path / "a-folder.sqlite3", ())
    assert time.monotonic() - started < 1  # not retried: only a lock is worth waiting for


def test_a_shared_store_is_in_wal_mode_with_its_tables(tmp_path):
    db = open_shared(tmp_path / "new" / "votes.sqlite3", ("CREATE TABLE IF NOT EXISTS votes (record TEXT)",))
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall() == [("votes",)]
