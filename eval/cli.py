"""`python -m eval`: the gold-set evaluation (default), its regression gate, configuration
comparison, tuning, BEIR benchmarks and performance benchmarks."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

EPILOG = """examples:
  python -m eval                         gold set on the default settings -> eval/reports/gold.*
  python -m eval --check                 ... and fail when a metric is worse than eval/baseline.json
  python -m eval --update-baseline       accept the current numbers as the baseline
  python -m eval compare                 bm25, dense, every fusion side by side (dev / test)
  python -m eval tune                    choose fusion, chunk size on dev data; report test
  python -m eval beir ../shared/datasets/scifact --mode all
  python -m eval beir ../shared/datasets/squad2/dev-corpus --split tune    SQuAD tune paragraphs as a benchmark
  python -m eval qa ../shared/datasets/squad2/dev-corpus --split report
  python -m eval qa gold --absent-from ../shared/datasets/squad2/dev-corpus
  python -m eval train-ranker            retrain chatbot/models/ranker.* and abstention.*
  python -m eval bench                   latency, build time, cold start, memory, HTTP load
  python -m eval train-router            retrain the safety classifier -> chatbot/models/router.json
  python -m eval safety                  safety routing on the test split, the gold set and the held-out checks -> eval/reports/safety.*
"""


def _common(p: argparse.ArgumentParser, top: bool = False) -> None:
    # Options given before the command stay set: a command's parser only sets what it was given.
    default = None if top else argparse.SUPPRESS
    p.add_argument("--gold", type=Path, default=default, help="gold set, JSONL (default: eval/data/gold.jsonl)")
    p.add_argument(
        "--index",
        type=Path,
        default=default,
        help="evaluate this existing index (default: the eval's own index of corpus/ with the indexer's "
        "default settings, built or refreshed in the eval cache)",
    )
    p.add_argument("--reports", type=Path, default=default, help="folder for the reports (default: eval/reports)")
    p.add_argument(
        "--json", action="store_true", default=False if top else argparse.SUPPRESS, help="print the report's data as JSON"
    )


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m eval",
        description="Measure how good and how fast the chatbot is.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _common(p, top=True)
    p.add_argument("--check", action="store_true", help="fail (exit 1) when a metric is worse than the baseline")
    p.add_argument("--update-baseline", action="store_true", help="write the current numbers to eval/baseline.json")
    p.add_argument("--baseline", type=Path, default=None, help="baseline file (default: eval/baseline.json)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser("check", help="the regression gate (same as --check)")
    _common(check)
    check.add_argument("--baseline", type=Path, default=argparse.SUPPRESS, help="baseline file (default: eval/baseline.json)")

    compare = sub.add_parser("compare", help="retrieval configurations side by side on the gold set")
    _common(compare)

    tune = sub.add_parser("tune", help="choose chunk size, fusion and threshold on the dev split")
    _common(tune)
    tune.add_argument("--chunk-sizes", default="60,90,120,180", help="passage sizes (max words) to try (default: %(default)s)")

    beir = sub.add_parser("beir", help="a BEIR-format benchmark folder, through the project's indexer")
    beir.add_argument("data_dir", type=Path, help="folder with corpus.jsonl, queries.jsonl, qrels/test.tsv, or a QA folder")
    beir.add_argument("--mode", default="all", choices=["bm25", "dense", "hybrid", "all"], help="(default: %(default)s)")
    beir.add_argument("--fusion", default=None, choices=["rrf", "weighted", "zscore"], help="fusion for hybrid (default: the chatbot's; --mode all runs every fusion)")
    beir.add_argument("--dense-weight", type=float, default=None, help="dense share in the fusion (default: the chatbot's)")
    beir.add_argument("--rrf-k", type=int, default=None, help="(default: the chatbot's)")
    beir.add_argument("--max-words", type=int, default=None, help="passage size in words (default: the indexer's setting)")
    beir.add_argument("--rebuild", action="store_true", help="rebuild the cached index (e.g. after an indexer change)")
    beir.add_argument("--candidates", type=int, default=None, help="passages per retriever (default: 1000)")
    beir.add_argument("--split", default="test", help="qrels file qrels/SPLIT.tsv; of a QA folder (squad2/dev-corpus), the paragraphs of SPLIT's articles (default: %(default)s)")
    beir.add_argument("--reports", type=Path, default=argparse.SUPPRESS, help="folder for the reports (default: eval/reports)")
    beir.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print the result as JSON")

    qa = sub.add_parser("qa", help="quote QA on a folder of documents with span-answer questions (or the gold set)")
    qa.add_argument("data_dir", help='a folder with corpus/*.txt and questions.jsonl, or "gold"')
    qa.add_argument("--split", default=None, help="index and ask only this split's articles (e.g. report); "
                    "the other articles' questions become absent-subject probes")
    qa.add_argument("--splits-file", type=Path, default=None, help="splits of the articles (default: known for SQuAD 2.0 dev)")
    qa.add_argument("--absent-from", default=None, metavar="DIR", help='also ask questions of this set ("gold" or a folder) as absent-subject probes')
    qa.add_argument("--absent-sample", type=int, default=300, help="absent-subject probes to ask (default: %(default)s)")
    qa.add_argument("--limit", type=int, default=None, help="ask a random sample of this many questions (quick looks)")
    qa.add_argument("--misspell", action="store_true", help="ask every question with a typo in its longest word (eval/typos.py)")
    qa.add_argument("--no-spelling", action="store_true", help="turn the chatbot's spelling correction off (to measure what it does)")
    qa.add_argument("--each-document", action="store_true", help="index every document alone and ask it its own questions: how the chatbot does on a corpus of one document")
    qa.add_argument("--follow-ups", action="store_true", help="ask every answerable question that names its document's subject as a follow-up, "
                    "the subject as \"it\", after two other questions about it (eval/follow_ups.py)")
    qa.add_argument("--records", type=Path, default=None, metavar="FILE",
                    help="also write every question's outcome (status, rank, top quote, probability) as JSON lines, to compare runs question by question")
    qa.add_argument("--reports", type=Path, default=argparse.SUPPRESS, help="folder for the reports (default: eval/reports)")
    qa.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print the result as JSON")

    train = sub.add_parser("train-ranker", help="train the quote ranker and the abstention classifier (SQuAD 2.0 dev articles)")
    train.add_argument("data_dir", nargs="?", default=None, help="QA folder with train/tune splits (default: ../shared/datasets/squad2/dev-corpus)")
    train.add_argument("--splits-file", type=Path, default=None, help="splits of the articles (default: known for SQuAD 2.0 dev)")
    train.add_argument("--models", type=Path, default=None, help="where to write the models (default: chatbot/models)")
    train.add_argument("--reports", type=Path, default=argparse.SUPPRESS, help="folder for the reports (default: eval/reports)")
    train.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print the report as JSON")

    bench = sub.add_parser("bench", help="performance: latency, build time, cold start, memory, HTTP load")
    _common(bench)
    bench.add_argument("--scifact", type=Path, default=None, metavar="DATA_DIR", help="also time a cold build of this BEIR folder (slow)")
    bench.add_argument("--no-http", action="store_true", help="skip the HTTP load test of the server")
    bench.add_argument("--workers", default="1,2", help="server worker counts to load-test (default: %(default)s)")
    bench.add_argument("--clients", default="1,8,32", help="concurrent HTTP clients per level (default: %(default)s)")
    bench.add_argument("--requests", type=int, default=64, help="requests per level (default: %(default)s)")

    train_router = sub.add_parser(
        "train-router",
        help="retrain the safety classifier on ../shared/datasets/safety-train and eval/data/safety/",
        description="Fit the safety classifier, choose its thresholds on the dev split and write the committed "
        "artefact (chatbot/models/router.json and router-neighbours.npy). Deterministic: the same data give the same files.",
    )
    train_router.add_argument("--model", type=Path, default=None, help="embedding model folder (default: the packaged all-MiniLM-L6-v2)")
    train_router.add_argument("--out", type=Path, default=None, help="artefact path (default: chatbot/models/router.json)")

    safety = sub.add_parser("safety", help="safety routing: recall, precision, false alarms on the test split, the gold set and the held-out checks")
    safety.add_argument("--gold", type=Path, default=argparse.SUPPRESS, help="gold set, JSONL (default: eval/data/gold.jsonl)")
    safety.add_argument("--reports", type=Path, default=argparse.SUPPRESS, help="folder for the reports (default: eval/reports)")
    safety.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print the report's data as JSON")
    safety.add_argument("--router", type=Path, default=None, help="classifier artefact (default: chatbot/models/router.json)")
    safety.add_argument("--no-spelling", action="store_true", help="route without the router's spelling correction (to measure what it does)")
    return p


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _ints(text: str, name: str) -> tuple[int, ...]:
    from .errors import EvalError

    try:
        values = tuple(int(v) for v in text.split(",") if v.strip())
    except ValueError as exc:
        raise EvalError(f"{name} must be comma-separated whole numbers, like 60,90,120; got {text!r}") from exc
    if not values or min(values) < 1:
        raise EvalError(f"{name} must hold numbers of at least 1; got {text!r}")
    return values


def _bot(args, embedder):
    """The chatbot to evaluate: over --index, or over the eval's own default index of corpus/."""
    from chatbot import Chatbot

    from .indexes import build_corpus_family

    folder = args.index if args.index is not None else build_corpus_family(embedder)
    return Chatbot.load(folder), folder  # as served: the index's own query model (ONNX)


def _emit(args, name: str, made: tuple[dict, str, dict]) -> None:
    from .reports import write_report

    data, markdown, charts = made
    paths = write_report(name, data, markdown, charts, args.reports)
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        print(markdown)
    _say("wrote " + ", ".join(str(p) for p in paths))


def gold_command(args, embedder) -> int:
    from . import gate, scorecard
    from .gold import load_gold
    from .reports import command_line, run_info

    items = load_gold(args.gold)
    bot, _ = _bot(args, embedder)
    card = scorecard.score(bot, items)
    info = run_info(command_line())
    check = args.check or args.command == "check"
    _emit(args, "gold", scorecard.report(card, info, items))
    if getattr(args, "update_baseline", False):
        from .paths import BASELINE_PATH

        path = args.baseline or BASELINE_PATH
        record = gate.baseline_record(card.metrics, info, card.index, card.settings)
        path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        _say(f"baseline written to {path}")
    if check:
        rows = gate.compare(card.metrics, gate.load_baseline(args.baseline))
        failed = [r for r in rows if r.failed]
        print(f"\nRegression gate ({rows[0].tolerance if rows else gate.DEFAULT_TOLERANCE} tolerance, whole gold set):\n", file=sys.stderr)
        print(gate.diff_table(rows), file=sys.stderr)
        if failed:
            print(f"\nFAILED: {len(failed)} metric(s) worse than the baseline: {', '.join(r.metric for r in failed)}", file=sys.stderr)
            return 1
        print("\npassed: no metric worse than the baseline beyond the tolerance", file=sys.stderr)
    return 0


def compare_command(args, embedder) -> int:
    from . import compare
    from .gold import load_gold
    from .reports import command_line, run_info
    from .scorecard import describe_index

    items = load_gold(args.gold)
    bot, _ = _bot(args, embedder)
    rows = compare.compare_configs(bot, items)
    _emit(args, "compare", compare.report(rows, run_info(command_line()), describe_index(bot.index)))
    return 0


def tune_command(args, embedder) -> int:
    from . import tune
    from .gold import load_gold
    from .reports import command_line, run_info

    sizes = _ints(args.chunk_sizes, "--chunk-sizes")
    result = tune.tune(embedder, load_gold(args.gold), chunk_sizes=sizes, progress=_say)
    _emit(args, "tune", tune.report(result, run_info(command_line())))
    return 0


def beir_command(args, embedder) -> int:
    from . import beir
    from .reports import command_line, run_info

    data = beir.load_beir(args.data_dir, args.split)
    _say(f"{data.name}: {len(data.corpus):,} documents, {len(data.queries)} judged queries; building the index…")
    result = beir.run_beir(
        data,
        embedder,
        args.mode,
        max_words=args.max_words,
        fusion=args.fusion,
        dense_weight=args.dense_weight,
        rrf_k=args.rrf_k,
        candidates=args.candidates or beir.BEIR_CANDIDATES,
        progress=True,
        rebuild=args.rebuild,
    )
    _emit(args, f"beir-{data.name.lower()}", beir.report(result, run_info(command_line())))
    return 0


def qa_command(args, embedder) -> int:
    from chatbot.settings import AnswerSettings

    from . import qa
    from .qa_data import load_qa_set
    from .reports import command_line, run_info

    data = load_qa_set(args.data_dir, args.splits_file)
    absent = load_qa_set(args.absent_from) if args.absent_from else None
    result = qa.run_qa(
        data,
        embedder,
        split=args.split,
        absent_from=absent,
        absent_sample=args.absent_sample,
        limit=args.limit,
        misspell=args.misspell,
        settings=AnswerSettings(correct_spelling=False) if args.no_spelling else None,
        each_document=args.each_document,
        follow_ups=args.follow_ups,
        progress=_say,
    )
    _emit(args, qa.report_name(result), qa.report(result, run_info(command_line())))
    if args.records:
        _say(f"wrote {qa.write_records(result, args.records)}")
    return 0


def train_ranker_command(args, embedder) -> int:
    from . import train_ranker
    from .paths import SQUAD_DIR
    from .qa_data import load_qa_set
    from .reports import command_line, run_info

    data = load_qa_set(args.data_dir or SQUAD_DIR, args.splits_file)
    result = train_ranker.train(data, embedder, progress=_say)
    paths = train_ranker.save(result, args.models)
    info = run_info(command_line())
    _emit(args, "train-ranker", ({**info, **result.report}, train_ranker.report_markdown(result, info), {}))
    _say("models written: " + ", ".join(str(p) for p in paths))
    return 0


def bench_command(args, embedder) -> int:
    from . import bench
    from .gold import load_gold
    from .reports import command_line, run_info

    items = load_gold(args.gold)
    _, folder = _bot(args, embedder)
    result = bench.run_bench(
        embedder,
        items,
        index_dir=folder,
        scifact=args.scifact,
        http=not args.no_http,
        levels=_ints(args.clients, "--clients"),
        requests=args.requests,
        workers=_ints(args.workers, "--workers"),
        progress=_say,
    )
    _emit(args, "bench", bench.report(result, run_info(command_line())))
    return 0


def train_router_command(args, embedder) -> int:
    from chatbot.router import save_words, words_path
    from chatbot.safety_classifier import DEFAULT_PATH

    from . import train_router
    from .safety import safety_metrics, summary_table

    training = train_router.train(embedder, progress=_say)
    out = args.out or DEFAULT_PATH
    paths = training.classifier.save(out)
    paths.append(save_words(training.words, words_path(out), train_router.WORDS_ABOUT))
    print(summary_table({"dev": safety_metrics(training.dev), "test": safety_metrics(training.test)}))
    t = training.classifier.thresholds
    print(f"\nC {training.chosen[0]}, embedding scale {training.chosen[1]}, temperature {training.classifier.temperature:.3f}; thresholds: crisis {t.crisis} "
          f"(a lone sentence {t.crisis_sentence}), advice {t.advice}")
    _say("wrote " + ", ".join(str(p) for p in paths) + "; see the full report with: python -m eval safety")
    return 0


def safety_command(args, embedder) -> int:
    from chatbot.router import Router
    from chatbot.safety_classifier import DEFAULT_PATH
    from indexer.paths import display_path

    from . import safety
    from .gold import load_gold
    from .reports import command_line, run_info
    from .safety_data import (
        gold_as_safety,
        load_check_items,
        load_safety_items,
        qa_questions_as_safety,
        typed_casually,
        typed_with_typos,
    )

    router = Router.load(embedder.info.fingerprint, embedder.info.name, path=args.router)
    if args.no_spelling:
        router = Router(router.classifier)
    items = load_safety_items()
    gold, qa_questions = gold_as_safety(load_gold(args.gold)), qa_questions_as_safety()
    test = [i for i in items if i.split == "test"]
    sets = {
        "test": test,
        "gold": gold,
        "dev": [i for i in items if i.split == "dev"],
        "written check": load_check_items(),
        "qa questions": qa_questions,
        "gold, typed casually": typed_casually(gold),
        "qa questions, typed casually": typed_casually(qa_questions),
        "test, with typos": typed_with_typos(test),
        "written check, with typos": typed_with_typos(load_check_items()),
        "gold, with typos": typed_with_typos(gold),
        "qa questions, with typos": typed_with_typos(qa_questions),
    }
    results = {}
    for name, chosen in sets.items():
        routed = safety.route_items(router, chosen, embedder)
        results[name] = (routed, safety.safety_metrics(routed))
    about = {k: router.classifier.about.get(k) for k in ("training",)}
    artefact = display_path(args.router or DEFAULT_PATH)
    _emit(args, "safety", safety.report(results, router.classifier.thresholds, run_info(command_line()), about, artefact))
    return 0


COMMANDS = {
    "compare": compare_command,
    "tune": tune_command,
    "beir": beir_command,
    "qa": qa_command,
    "train-ranker": train_ranker_command,
    "bench": bench_command,
    "train-router": train_router_command,
    "safety": safety_command,
}


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from indexer import Embedder, IndexerError

    from .errors import EvalError

    try:
        embedder = Embedder(getattr(args, "model", None))
        return COMMANDS.get(args.command, gold_command)(args, embedder)
    except (EvalError, IndexerError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
