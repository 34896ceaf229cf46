"""`python -m chatbot`: serve the chat and its JSON API (default), answer one question from the
command line, or export the votes."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

EPILOG = """examples:
  python -m chatbot                                   start the chat on http://127.0.0.1:7860
  python -m chatbot serve --port 8000 --workers 2 --feedback /tmp/feedback.sqlite3
  python -m chatbot ask "When was ketamine first discovered?"
  python -m chatbot ask --json --history "What is dermatographism?" "How long do its flare ups last?"
  python -m chatbot feedback --export votes.jsonl     the votes, one JSON object per line
  python -m chatbot route "Can I stop my duloxetine? I feel fine now."
"""


def parser() -> argparse.ArgumentParser:
    from .feedback import default_feedback_path

    p = argparse.ArgumentParser(
        prog="python -m chatbot",
        description="Answer questions about the documents by quoting them, with sources.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_common_arguments(p, top=True)
    add_serve_arguments(p, top=True)
    sub = p.add_subparsers(dest="command")
    serve = sub.add_parser("serve", help="serve the chat and its JSON API (the default)")
    add_common_arguments(serve)
    add_serve_arguments(serve)
    ask = sub.add_parser("ask", help="answer one question and exit")
    add_common_arguments(ask)
    ask.add_argument("--json", action="store_true", help="print the answer as one JSON object")
    ask.add_argument("--history", action="append", default=[], metavar="Q", help="a previous question (repeat, oldest first)")
    ask.add_argument("question", help="the question (put -- before it if it starts with -)")
    feedback = sub.add_parser("feedback", help="export the votes visitors gave")
    feedback.add_argument("--feedback", type=Path, default=argparse.SUPPRESS, help=f"feedback store (default: {default_feedback_path()})")
    feedback.add_argument("--export", required=True, metavar="FILE", help="write every vote as JSONL to FILE (- for standard output)")
    route = sub.add_parser(
        "route",
        help="show how the safety router decides a message, and why",
        description="Route one message as the chatbot would (rules and classifier, on the message and each "
        "sentence) and print the decision with, for each text, the rule that fired and the class probabilities.",
    )
    route.add_argument("--model", type=Path, default=argparse.SUPPRESS, help="model folder (default: the packaged model)")
    route.add_argument("--json", action="store_true", help="print the decision as one JSON object")
    route.add_argument("message", help="the message (put -- before it if it starts with -)")
    return p


def _default(value, top: bool):
    """An option's default on the main parser; a command's parser leaves unset what it was not
    given, so that an option given before the command ("--index DIR ask …") stays set."""
    return value if top else argparse.SUPPRESS


def add_common_arguments(p: argparse.ArgumentParser, top: bool = False) -> None:
    from indexer import default_index_dir

    p.add_argument("--index", type=Path, default=_default(default_index_dir(), top), help=f"index folder (default: {default_index_dir()})")
    p.add_argument(
        "--model",
        type=Path,
        default=_default(None, top),
        help="model to build the index with when there is none, and that the index must have been built with "
        "(default: the packaged all-MiniLM-L6-v2; questions are always embedded with the index's own copy of its model)",
    )


def add_serve_arguments(p: argparse.ArgumentParser, top: bool = False) -> None:
    from .feedback import default_feedback_path
    from .ratelimit import default_rate_limit

    p.add_argument("--host", default=_default("127.0.0.1", top), help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=_default(7860, top), help="port (default: 7860)")
    p.add_argument("--workers", type=int, default=_default(1, top), help="worker processes, each answering on its own (default: 1)")
    p.add_argument(
        "--rate-limit",
        type=int,
        default=_default(default_rate_limit(), top),
        metavar="PER_MINUTE",
        help=f"asks, and votes, per client and minute; 0 turns the limit off (default: $CHATBOT_RATE_LIMIT or {default_rate_limit()})",
    )
    p.add_argument("--feedback", type=Path, default=_default(default_feedback_path(), top),
                   help=f"feedback store, SQLite (default: {default_feedback_path()})")


def ensure_index(index_dir: Path, model: Path | None) -> None:
    """Build the index first when there is none, with progress on the terminal. The build runs in
    a child process (`python -m indexer`): it loads torch and sentence-transformers (~1 GB), which
    the process that then answers must never hold."""
    from indexer import IndexerError, NoIndexError
    from indexer.publishing import current_version

    try:
        current_version(index_dir)  # existence only: the server or `ask` verifies it when loading
    except NoIndexError:
        print(f"No index yet in {index_dir}: building it from the corpus (first run only)…", file=sys.stderr)
        command = [sys.executable, "-m", "indexer", "--index", str(index_dir)]
        command += ["--model", str(model)] if model is not None else []
        if subprocess.run(command, stdout=2).returncode != 0:  # its report on stderr: stdout holds the answer
            raise IndexerError(f"the index could not be built (see above); fix that and rerun, or build it with: python {' '.join(command[1:])}") from None


def render(answer) -> str:
    """A readable answer: the quotes with their sources, or the notice."""
    lines = []
    if answer.error:
        return f"error: {answer.error}"
    if answer.query and answer.query != answer.question:
        lines.append(f"Searching for: {answer.query}")
    if answer.notice:
        lines.append(answer.notice)
    if answer.unsure:
        from .answers import UNSURE_NOTICE

        lines.append(UNSURE_NOTICE)
    for i, q in enumerate(answer.quotes, 1):
        where = " › ".join(p for p in (q.title, q.section) if p)
        lines.append(f"\n{i}. “{q.text}”")
        lines.append(f"   — {where + ', ' if where else ''}{q.file}, line {q.line} (score {q.score:.2f})")
        for loc in q.also_in:
            lines.append(f"     also in {loc.file}, line {loc.line}")
    return "\n".join(lines)


def render_route(assessment, thresholds) -> str:
    """The router's decision and, text by text, what it saw."""
    route = assessment.route
    if route.kind is None:
        head = "ordinary question: answered from the documents"
        if route.rule:  # a guard set the classifier's crisis aside
            head += f' (rule "{route.rule}": no crisis by the classifier alone)'
    else:
        why = f'rule "{route.rule}"' if route.rule else "classifier"
        head = f"{route.kind.value}: {why}"
    if route.probability is not None:
        head += f" (probability {route.probability:.3f})" if route.kind else f" (least ordinary text: p none {route.probability:.3f})"
    lines = [head]
    if thresholds is not None:
        lines.append(
            f"thresholds: crisis {thresholds.crisis} (a lone sentence {thresholds.crisis_sentence}, when the whole "
            f"message reaches {thresholds.sentence_floor}), advice {thresholds.advice}"
        )
    for i, t in enumerate(assessment.texts):
        where = "message" if i == 0 else f"sentence {i}"
        rule = f"rule {t.rule.rule} ({t.rule.kind.value})" if t.rule else "no rule"
        probabilities = " ".join(f"{k} {v:.3f}" for k, v in t.probabilities.items()) if t.probabilities else ""
        mark = "  <- decided" if i == assessment.decided_by else ""
        lines.append(f"  {where}: “{t.text}”\n    {rule}; {probabilities}{mark}")
    return "\n".join(lines)


def route_command(args) -> int:
    from indexer import Embedder

    from .inputs import validate_question
    from .router import Router

    message, error = validate_question(args.message)
    if error:
        print(json.dumps({"error": error}) if args.json else f"error: {error}")
        return 2
    embedder = Embedder(args.model)
    router = Router.load(embedder.info.fingerprint, embedder.info.name)
    texts = router.texts(message)
    assessment = router.assess(texts, embedder.encode(texts))
    if args.json:
        print(json.dumps(assessment.to_dict(), ensure_ascii=False, indent=2))
        return 0
    print(render_route(assessment, router.classifier.thresholds))
    if texts[0] != message:
        print(f"(read as meant: “{message}” → “{texts[0]}”)")
    return 0


def main(argv: list[str] | None = None) -> int:
    p = parser()
    args = p.parse_args(argv)
    from indexer import IndexerError

    if args.command == "feedback":
        from .feedback import export_command

        return export_command(args.feedback, args.export)
    if args.command in (None, "serve") and (args.workers < 1 or args.rate_limit < 0):
        p.error("--workers must be at least 1, and --rate-limit 0 (no limit) or more")
    try:
        if args.command == "route":  # needs the model and the classifier, not the index
            return route_command(args)
        ensure_index(args.index, args.model)
        if args.command == "ask":
            from indexer.lexical import leave_out_numba

            leave_out_numba()
            from .engine import Chatbot

            bot = Chatbot.load(args.index, args.model)
            answer = bot.ask(args.question, history=args.history)
            print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2) if args.json else render(answer))
            return 2 if answer.status == "invalid" else 0
        from .serving import ServeSettings, serve

        if args.model is not None:  # the workers embed with the index's own model: check it here, once
            from indexer import load_index

            load_index(args.index, args.model)
        serve(
            ServeSettings(
                index_dir=args.index,
                host=args.host,
                port=args.port,
                feedback_path=args.feedback,
                rate_limit=args.rate_limit,
                workers=args.workers,
            )
        )
        return 0
    except IndexerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader went away (`chatbot ask Q | head -3`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit flush cannot fail again
        return 1
