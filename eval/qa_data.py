"""Question-answering sets for `python -m eval qa`: a folder of documents with questions whose
answers are spans of them (the layout of ../shared/datasets/squad2/dev-corpus), or the gold set.

A folder holds `corpus/*.txt` and `questions.jsonl`, one question a line:
`{"id", "question", "file", "answers", "spans", "kind"}` with `kind` "answerable" or
"unanswerable" and `spans[i]` the `[start, end]` of `answers[i]` in `file`. Optional extra field:
`history` (earlier questions of the conversation). Articles can be split (train / tune / report)
by a splits file: `{"questions_sha256", "<split>": [file names]...}`.

>>> qa = load_qa_set("../shared/datasets/squad2/dev-corpus")
>>> len(qa.items), sorted(qa.splits)
(11873, ['report', 'train', 'tune'])
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from .errors import EvalError
from .paths import EVAL_DIR, REPO_ROOT

KINDS = ("answerable", "unanswerable")
SPLITS_FILES = (EVAL_DIR / "data" / "squad2-splits.json",)  # known splits, matched by the questions' hash
GOLD = "gold"


@dataclass(frozen=True)
class QAItem:
    id: str
    question: str
    kind: str  # "answerable" or "unanswerable"
    files: tuple[str, ...] = ()  # names of the files that answer it
    answers: tuple[str, ...] = ()
    spans: tuple[tuple[str, int, int], ...] = ()  # (file name, start, end) of each gold answer
    history: tuple[str, ...] = ()
    split: str = ""  # the split of its article (or the gold set's dev / test)
    article: str = ""  # the file the question was written about ("" when not one file)


@dataclass(frozen=True)
class QASet:
    name: str
    corpus: Path  # the documents' folder
    items: tuple[QAItem, ...]
    splits: dict[str, frozenset[str]] = field(default_factory=dict)  # split -> file names

    def select(self, split: str | None = None, kind: str | None = None) -> list[QAItem]:
        return [i for i in self.items if (split is None or i.split == split) and (kind is None or i.kind == kind)]

    def files_of(self, split: str) -> frozenset[str]:
        if split not in self.splits:
            raise EvalError(f"{self.name} has no split {split!r}; it has: {', '.join(sorted(self.splits)) or 'none'}")
        return self.splits[split]


def load_qa_set(spec: str | Path, splits_file: Path | None = None) -> QASet:
    """`spec` is "gold" (the gold set over corpus/) or a folder in the layout above."""
    if str(spec) == GOLD:
        return gold_set()
    return load_folder(Path(spec), splits_file)


def _splits_for(questions: Path, explicit: Path | None) -> dict[str, frozenset[str]]:
    digest = hashlib.sha256(questions.read_bytes()).hexdigest()
    for path in [explicit] if explicit else SPLITS_FILES:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise EvalError(f"splits file {path} cannot be read ({exc})") from exc
        if explicit or data.get("questions_sha256") == digest:
            return {k: frozenset(v) for k, v in data.items() if isinstance(v, list)}
    return {}


def load_folder(folder: Path, splits_file: Path | None = None) -> QASet:
    questions = folder / "questions.jsonl"
    if not (folder / "corpus").is_dir() or not questions.is_file():
        raise EvalError(f"{folder} must hold corpus/*.txt and questions.jsonl (the layout of squad2/dev-corpus)")
    splits = _splits_for(questions, splits_file)
    split_of = {f: name for name, files in splits.items() for f in files}
    items = []
    for number, line in enumerate(questions.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            kind = row["kind"]
            if kind not in KINDS:
                raise ValueError(f"kind {kind!r} is not one of {KINDS}")
            file = row.get("file") or ""
            spans = tuple((file, int(s), int(e)) for s, e in row.get("spans") or [])
            items.append(
                QAItem(
                    id=str(row["id"]),
                    question=row["question"],
                    kind=kind,
                    files=(file,) if kind == "answerable" else (),
                    answers=tuple(row.get("answers") or ()),
                    spans=spans,
                    history=tuple(row.get("history") or ()),
                    split=split_of.get(file, ""),
                    article=file,
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise EvalError(f"{questions}, line {number}: {exc}") from exc
    name = folder.resolve().name if folder.resolve().name != "dev-corpus" else folder.resolve().parent.name
    return QASet(name, folder / "corpus", tuple(items), splits)


def gold_set() -> QASet:
    """The gold set as QA items: answerable and follow-up questions (with their history) are
    answerable; out-of-scope and unanswerable ones are unanswerable. Safety kinds are left to the
    safety evals."""
    from .gold import load_gold

    corpus = REPO_ROOT / "corpus"
    texts: dict[str, str] = {}
    items = []
    for gold in load_gold():
        if gold.kind in ("answerable", "followup"):
            names = tuple(Path(f).name for f in gold.files)
            spans = []
            for name in names:
                text = texts.setdefault(name, (corpus / name).read_bytes().decode("utf-8"))
                at = text.find(gold.answer)
                if at >= 0:
                    spans.append((name, at, at + len(gold.answer)))
            items.append(
                QAItem(gold.id, gold.question, "answerable", names, (gold.answer,), tuple(spans), gold.history, gold.split)
            )
        elif gold.kind in ("out_of_scope", "unanswerable"):
            items.append(QAItem(gold.id, gold.question, "unanswerable", history=gold.history, split=gold.split))
    splits = {s: frozenset(p.name for p in corpus.iterdir()) for s in ("dev", "test")}
    return QASet(GOLD, corpus, tuple(items), splits)
