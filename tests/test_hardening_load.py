"""A bounded load test of the real server on loopback (the short version of
`python scripts/load_test.py`, which runs 32 clients and 2,000 questions): mixed questions from
concurrent clients, zero errors, and no memory growth beyond 10% after warm-up."""

from __future__ import annotations

import os
import sys

import pytest

from eval.server import running_server
from tests.conftest import REPO

sys.path.insert(0, str(REPO / "scripts"))
import load_test  # noqa: E402

CLIENTS = int(os.environ.get("LOAD_CLIENTS", "8"))
QUESTIONS = int(os.environ.get("LOAD_QUESTIONS", "200"))


def test_concurrent_mixed_questions_get_correct_answers_without_leaking(index_dir, tmp_path):
    with running_server(index_dir, feedback=tmp_path / "feedback.sqlite3") as server:
        report = load_test.run_load(server.url, CLIENTS, QUESTIONS, pids=server.workers(), distinct=40)
    print("\n".join(report.lines()))
    assert report.errors == 0, report.problems
    assert sum(report.statuses.values()) == QUESTIONS
    assert set(report.kinds) >= {"answerable", "followup", "out_of_scope", "advice", "crisis", "invalid"}
    assert report.rss_growth is not None and report.rss_growth <= 0.10


def test_the_script_reports_and_fails_on_errors(monkeypatch, capsys, tmp_path):
    """`main()` prints the summary, writes --json, and exits 1 on an error or a leak."""
    report = load_test.Report(
        clients=2,
        questions=3,
        errors=0,
        seconds=1.0,
        throughput=3.0,
        p50_ms=10,
        p95_ms=20,
        max_ms=30,
        kinds={"crisis": 3},
        statuses={"crisis": 3},
        rss_warm_mb=100,
        rss_after_mb=105,
        rss_growth=0.05,
    )
    monkeypatch.setattr(load_test, "run_load", lambda *a, **k: report)
    out = tmp_path / "report.json"
    assert (
        load_test.main(["--url", "http://127.0.0.1:9/", "--clients", "2", "--questions", "3", "--json", str(out)]) == 0
    )
    assert "3 questions from 2 concurrent clients" in capsys.readouterr().out
    assert '"p95_ms": 20' in out.read_text()
    monkeypatch.setattr(
        load_test, "run_load", lambda *a, **k: load_test.Report(**{**report.__dict__, "rss_growth": 0.2})
    )
    assert load_test.main(["--url", "http://127.0.0.1:9/"]) == 1
    monkeypatch.setattr(load_test, "run_load", lambda *a, **k: load_test.Report(**{**report.__dict__, "errors": 1}))
    assert load_test.main(["--url", "http://127.0.0.1:9/"]) == 1
    with pytest.raises(SystemExit):  # load is only ever sent to this machine
        load_test.main(["--url", "http://example.com/"])
