"""`python -m indexer`: build or refresh the index; `python -m indexer inspect`: show what it holds."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from .errors import IndexerError

EPILOG = """examples:
  python -m indexer                      build corpus/ into index/ (only if something changed)
  python -m indexer --rebuild            build a new version even if nothing changed
  python -m indexer --corpus docs/ --index /tmp/idx --model ~/models/my-st-model
  python -m indexer inspect              list articles, sections, duplicates and counts
"""


def parser() -> argparse.ArgumentParser:
    from .paths import default_corpus_dir, default_index_dir

    p = argparse.ArgumentParser(
        prog="python -m indexer",
        description="Turn the documents in a corpus folder into a searchable index, published atomically.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("command", nargs="?", choices=["build", "inspect"], default="build", help="default: build")
    p.add_argument("--corpus", type=Path, default=default_corpus_dir(), help="documents folder (default: %(default)s)")
    p.add_argument("--index", type=Path, default=default_index_dir(), help="index folder (default: %(default)s)")
    p.add_argument("--model", type=Path, default=None, help="sentence-transformers model folder (default: packaged all-MiniLM-L6-v2)")
    p.add_argument("--rebuild", action="store_true", help="build a new version even if the index is up to date")
    p.add_argument("--skip-bad-files", action="store_true", help="leave out unreadable files with a warning instead of failing")
    p.add_argument("--max-words", type=int, default=None, help="passage size in words (default: the tuned setting)")
    return p


def inspect_lines(index) -> list[str]:
    m = index.manifest
    counts = m["counts"]
    lines = [
        f"index {index.folder} (format {m['format_version']}, built {m['created']})",
        f"model {m['model']['name']} ({m['model']['fingerprint']}, {m['model']['dimension']} dims); "
        f"chunker {m['chunker']}; faiss {m['faiss']['type']}",
        "counts: " + ", ".join(f"{k} {v}" for k, v in counts.items()),
        "",
    ]
    per_article: dict[str, int] = {}
    for chunk in index.chunks:
        per_article[chunk.article_id] = per_article.get(chunk.article_id, 0) + 1
    for article in index.articles.values():
        title = article.title or "(no title line)"
        lines.append(f"{article.file}:{article.line}  {title}" + (f"  [by {article.byline}]" if article.byline else ""))
        if article.duplicate_of:
            lines.append(f"    duplicate of {article.duplicate_of}: not indexed, cited as also_in")
            continue
        lines.append(f"    {per_article.get(article.id, 0)} passages" + (f"; also in {', '.join(article.also_in)}" if article.also_in else ""))
        if article.names:
            lines.append(f"    also called: {'; '.join(article.names)}")
        for section in article.sections:
            lines.append(f"    - {section.heading or '(introduction)'}  (line {section.line})")
    lines.append("")
    lines.append("duplicates: " + ("; ".join(f"{d} duplicates {c}" for c, d in m["duplicates"]) or "none"))
    return lines


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="warning: %(message)s")
    try:
        if args.command == "inspect":
            from .loading import load_index

            index = load_index(args.index, args.model, check_model=args.model is not None)
            print("\n".join(inspect_lines(index)))
            return 0
        from .build import build_corpus_index
        from .settings import ChunkerSettings, IndexSettings

        settings = IndexSettings()
        if args.max_words:
            settings = IndexSettings(chunker=ChunkerSettings(max_words=args.max_words))
        summary = build_corpus_index(
            args.corpus,
            args.index,
            model_path=args.model,
            settings=settings,
            force=args.rebuild,
            skip_bad_files=args.skip_bad_files,
            progress=sys.stderr.isatty(),
        )
        print("\n".join(summary.lines()))
        return 0
    except IndexerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
