"""`python -m chatbot serve --workers 2`: conversations and votes reach either worker, and the
feedback store keeps every vote, whole, whichever worker took it."""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import httpx
import psutil

from eval.server import running_server
from tests.conftest import REPO
from tests.page_events import Page

SESSIONS = 24
VOTES = ("up", "down", "withdrawn")


def test_votes_at_two_workers_at_once_are_all_kept_and_whole(index_dir, tmp_path):
    feedback = tmp_path / "feedback.sqlite3"
    with running_server(index_dir, feedback=feedback, workers=2) as server:
        workers = server.workers()
        assert len(workers) == 2

        def visitor(n: int) -> None:
            # own connections: the kernel hands each new one to either worker
            with httpx.Client(timeout=60) as client:
                page = Page(server.url, f"visitor-{n}", client)
                first = page.ask("What is dermatographism?")
                assert first.status_code == 200
                # an answer, not the error shown when the turn could not be stored (no history then)
                assert "dermatographism" in json.dumps(first.json()["data"][0][-1]).lower()
                follow_up = page.ask("How long do its flare ups last?").json()["data"][0][-1]
                assert "dermatographism" in json.dumps(follow_up).lower()  # the history, whichever worker
                for liked in (True, False, None):
                    assert page.vote(liked, index=3).status_code == 200

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(visitor, range(SESSIONS)))
        # both workers took votes: each has the store open
        writers = [pid for pid in workers if any(f.path == str(feedback) for f in psutil.Process(pid).open_files())]
        assert len(writers) == 2, "one worker took every vote; rerun with more sessions"
        rss = [psutil.Process(pid).memory_info().rss / 2**20 for pid in workers]
    export = tmp_path / "votes.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "chatbot", "feedback", "--feedback", str(feedback), "--export", str(export)],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = export.read_text(encoding="utf-8").split("\n")[:-1]
    records = [json.loads(line) for line in lines]
    assert len(records) == SESSIONS * 3
    for n in range(SESSIONS):
        mine = [r for r in records if r["session"] == f"visitor-{n}"]
        assert [r["vote"] for r in mine] == list(VOTES) and all(r["message"] == 3 for r in mine)
        assert all("dermatographism" in r["query"].lower() for r in mine)
    print(f"{len(records)} votes from {SESSIONS} visitors at 2 workers; worker RSS {', '.join(f'{m:.0f} MB' for m in rss)}")
    # Measured 271-273 MB each here (README: `python -m eval bench`); the target is 300 MB,
    # and this bound leaves a noisy test machine some room.
    assert max(rss) < 330
