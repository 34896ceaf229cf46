"""Load test: many clients at once asking the real chat server mixed questions over loopback, through
its JSON API (POST /api/ask).

python scripts/load_test.py                                   # 32 clients, 2,000 questions, own server on index/
python scripts/load_test.py --clients 8 --questions 200 --workers 2 --json report.json
python scripts/load_test.py --url http://127.0.0.1:8000/      # a server that is already running (no memory figures)

The questions are the gold set's (answerable, follow-ups with their history, out-of-scope,
advice, crisis, look-alikes) plus invalid ones (empty, whitespace, control characters, over the
length cap). Each distinct question is first asked alone: that answer is its reference. Under
load, an error is any failed request, an answer that breaks the JSON contract or quotes other than
exact spans of the corpus, or one that differs from its reference. Memory is the server's RSS
after a warm-up and after the run (with workers, the largest worker's).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from chatbot import STATUSES  # noqa: E402
from eval.load import ask_sync, run_level  # noqa: E402
from eval.server import running_server  # noqa: E402

LOOPBACK = ("127.0.0.1", "localhost", "::1")
QUOTE_FIELDS = {"text", "file", "start", "end", "line", "title", "section", "score", "also_in"}
INVALID = (
    "",
    "   \n\t  ",
    "\x00\x01\x1b",
    "x" * 5000,
    "What is fibromyalgia? " * 100,
)


@dataclass(frozen=True)
class Case:
    """One question to ask: its kind (the gold set's, or "invalid") and the previous questions."""

    kind: str
    question: str
    history: tuple[str, ...] = ()


@dataclass
class Report:
    clients: int
    questions: int
    errors: int
    seconds: float
    throughput: float  # answers per second
    p50_ms: float
    p95_ms: float
    max_ms: float
    kinds: dict[str, int]
    statuses: dict[str, int]
    rss_warm_mb: float | None = None
    rss_after_mb: float | None = None
    rss_growth: float | None = None  # (after - warm) / warm
    problems: list[str] = field(default_factory=list)  # the first few errors, for the reader

    def lines(self) -> list[str]:
        out = [
            f"{self.questions} questions from {self.clients} concurrent clients in {self.seconds:.1f} s: "
            f"{self.throughput:.1f} answers/s, {self.errors} errors",
            f"latency p50 {self.p50_ms:.0f} ms, p95 {self.p95_ms:.0f} ms, max {self.max_ms:.0f} ms",
            "kinds: " + ", ".join(f"{k} {n}" for k, n in sorted(self.kinds.items())),
            "statuses: " + ", ".join(f"{k} {n}" for k, n in sorted(self.statuses.items())),
        ]
        if self.rss_warm_mb is not None:
            out.append(
                f"server RSS {self.rss_warm_mb:.0f} MB after warm-up, {self.rss_after_mb:.0f} MB after the run "
                f"({self.rss_growth:+.1%})"
            )
        out += [f"error: {p}" for p in self.problems]
        return out


def cases() -> list[Case]:
    """Every distinct question of the mix."""
    from eval.gold import load_gold

    gold = [Case(item.kind, item.question, item.history) for item in load_gold()]
    return gold + [Case("invalid", q) for q in INVALID]


def corpus_texts(corpus: Path = REPO / "corpus") -> dict[str, str]:
    """The corpus files' texts by file name, read as the design says quotes are spans of."""
    return {p.name: p.read_bytes().decode("utf-8") for p in sorted(corpus.iterdir()) if p.is_file()}


def contract_problems(answer: object, texts: dict[str, str] | None = None) -> list[str]:
    """What is wrong with an /ask answer: the JSON contract of DESIGN.md, and (given the corpus
    texts by file name) whether every quote and its context are exact spans of their file."""
    if not isinstance(answer, dict):
        return [f"not a JSON object: {answer!r:.200}"]
    problems = []
    missing = {"question", "query", "status", "quotes", "notice", "error", "route"} - set(answer)
    if missing:
        problems.append(f"missing {sorted(missing)}")
    if answer.get("status") not in STATUSES:
        problems.append(f"status {answer.get('status')!r}")
    if answer.get("status") == "invalid" and not answer.get("error"):
        problems.append("invalid without an error message")
    if answer.get("status") in ("crisis", "invalid") and answer.get("quotes"):
        problems.append(f"quotes with status {answer.get('status')}")
    for quote in answer.get("quotes") or []:
        if not isinstance(quote, dict) or QUOTE_FIELDS - set(quote):
            problems.append(f"bad quote {quote!r:.200}")
            continue
        if texts is None:
            continue
        text = texts.get(PurePosixPath(quote["file"]).name)
        if text is None or text[quote["start"] : quote["end"]] != quote["text"]:
            problems.append(f"quote not an exact span of {quote['file']}: {quote['text']!r:.80}")
        context = quote.get("context") or {}
        at = context.get("start", 0)
        if text is not None and context.get("text") and text[at : at + len(context["text"])] != context["text"]:
            problems.append(f"context not an exact span of {quote['file']}")
    return problems


def signature(answer: dict) -> tuple:
    """What must not change between two answers to the same question (scores may differ in the
    last digits between runs of the model)."""
    quotes = tuple((q["file"], q["start"], q["end"], q["text"]) for q in answer.get("quotes") or [])
    return answer.get("status"), answer.get("query"), quotes, answer.get("notice"), answer.get("error")


def _rss_mb(pids: list[int] | None) -> float | None:
    """The largest resident memory among the server's processes (its workers), in MB."""
    if not pids:
        return None
    import psutil

    return max(psutil.Process(pid).memory_info().rss for pid in pids) / 2**20


def run_load(
    url: str,
    clients: int = 32,
    questions: int = 2000,
    pids: list[int] | None = None,
    warmup: int | None = None,
    texts: dict[str, str] | None = None,
    distinct: int | None = None,
    seed: int = 6,
    time_limit: float = 900,
) -> Report:
    """Warm up (each distinct question alone, then `warmup` questions under load), take the
    server's RSS, run `questions` questions from `clients` concurrent clients, take the RSS again.
    `distinct` draws that many distinct questions (every kind kept) instead of all of them.
    Questions not asked within `time_limit` seconds (of the warm-up, and of the run) count as errors.
    `pids`: the server's processes, whose memory is reported.

    >>> run_load("http://127.0.0.1:8000/", clients=8, questions=200).errors
    0
    """
    texts = corpus_texts() if texts is None else texts
    rng = random.Random(seed)
    pool = cases()
    if distinct is not None and distinct < len(pool):
        by_kind: dict[str, list[Case]] = {}
        for case in pool:
            by_kind.setdefault(case.kind, []).append(case)
        share = max(1, distinct // len(by_kind))
        pool = [case for group in by_kind.values() for case in rng.sample(group, min(share, len(group)))]

    reference = {case: signature(ask_sync(url, case.question, case.history)) for case in pool}
    kinds = {(case.question, case.history): case.kind for case in pool}

    def check(case: tuple, answer: dict) -> list[str]:
        """What is wrong with an answer: the contract, exact spans, and sameness with the answer
        the question got alone."""
        wrong = contract_problems(answer, texts)
        if kinds[case] == "invalid" and answer.get("status") != "invalid":
            wrong.append(f"status {answer.get('status')!r} for invalid input")
        if signature(answer) != reference[Case(kinds[case], *case)]:
            wrong.append("differs from the answer the same question got alone")
        return wrong

    def asked(cases: list[Case]) -> list[tuple]:
        return [(case.question, case.history) for case in cases]

    # The allocator keeps growing its pools for the first few hundred answers under load: warm up
    # past that, so that what the run adds afterwards is what it leaks.
    warmup = max(clients * 8, questions // 4) if warmup is None else warmup
    warm = run_level(url, asked(rng.choices(pool, k=warmup)), clients, check, time_limit)
    time.sleep(1)  # let the server finish its bookkeeping before measuring
    rss_warm = _rss_mb(pids)

    mix = rng.choices(pool, k=questions)
    run = run_level(url, asked(mix), clients, check, time_limit)
    time.sleep(1)
    rss_after = _rss_mb(pids)

    ms = sorted(x * 1000 for x in run.latencies) or [0.0]
    return Report(
        clients=clients,
        questions=questions,
        errors=run.errors + warm.errors,
        seconds=run.seconds,
        throughput=run.throughput,
        p50_ms=statistics.median(ms),
        p95_ms=ms[min(len(ms) - 1, int(0.95 * len(ms)))],
        max_ms=ms[-1],
        kinds=dict(Counter(case.kind for case in mix)),
        statuses=dict(Counter(answer.get("status") for answer in run.answers)),
        rss_warm_mb=rss_warm,
        rss_after_mb=rss_after,
        rss_growth=(rss_after - rss_warm) / rss_warm if rss_warm else None,
        problems=(warm.problems + run.problems)[:10],
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--clients", type=int, default=32, help="concurrent clients (default: %(default)s)")
    p.add_argument("--questions", type=int, default=2000, help="questions in all (default: %(default)s)")
    p.add_argument("--url", help="a running server (default: start one on a free loopback port)")
    p.add_argument("--index", type=Path, help="index folder for the server started here (default: index/)")
    p.add_argument("--workers", type=int, default=1, help="worker processes of the server started here (default: %(default)s)")
    p.add_argument("--json", type=Path, metavar="FILE", help="also write the report as JSON")
    p.add_argument("--max-growth", type=float, default=0.10, help="allowed RSS growth (default: %(default)s)")
    p.add_argument("--time-limit", type=float, default=900, help="seconds for the run (default: %(default)s)")
    args = p.parse_args(argv)
    if args.url and urlsplit(args.url).hostname not in LOOPBACK:
        p.error(f"--url {args.url}: only a server on this machine (127.0.0.1) may be load-tested")
    if args.clients < 1 or args.questions < 1:
        p.error("--clients and --questions must be at least 1")

    with tempfile.TemporaryDirectory() as tmp:
        app = (
            nullcontext(None)
            if args.url
            else running_server(args.index, feedback=Path(tmp) / "feedback.sqlite3", workers=args.workers)
        )
        with app as server:
            url = args.url or server.url
            print(f"load test: {args.clients} clients, {args.questions} questions, against {url}", file=sys.stderr)
            pids = server.workers() if server else None
            report = run_load(url, args.clients, args.questions, pids=pids, time_limit=args.time_limit)
    print("\n".join(report.lines()))
    if args.json:
        args.json.write_text(json.dumps(asdict(report), indent=2) + "\n", encoding="utf-8")
    leaked = report.rss_growth is not None and report.rss_growth > args.max_growth
    return 1 if report.errors or leaked else 0


if __name__ == "__main__":
    sys.exit(main())
