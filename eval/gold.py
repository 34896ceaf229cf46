"""The gold question set: loading it (schema checked line by line) and checking it against the corpus.

>>> items = load_gold()
>>> [i.id for i in items if i.kind == "followup"][:2]
['fu-001', 'fu-002']
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from chatbot.answers import Status

from .errors import GoldSetError
from .jsonl import json_lines
from .paths import GOLD_PATH

KINDS = ("answerable", "followup", "out_of_scope", "unanswerable", "advice", "crisis", "lookalike")
SPLITS = ("dev", "test")
# The statuses a gold question can expect (every Status but invalid).
STATUSES = tuple(s.value for s in Status if s is not Status.INVALID)
# What issue 5 asks the gold set to hold, at least.
MINIMUMS = {
    "answerable": 60,
    "followup": 10,
    "out_of_scope": 10,
    "unanswerable": 5,
    "advice": 8,
    "crisis": 8,
    "lookalike": 8,
}
MIN_TOTAL = 100
# Kinds whose expected status is fixed by the kind (lookalikes may be answered or not).
STATUS_OF_KIND = {
    "answerable": "answered",
    "followup": "answered",
    "out_of_scope": "no_answer",
    "unanswerable": "no_answer",
    "advice": "advice",
    "crisis": "crisis",
}
FIELDS = ("id", "kind", "split", "question", "history", "status", "files", "answer")


@dataclass(frozen=True)
class GoldItem:
    id: str
    kind: str
    split: str
    question: str
    history: tuple[str, ...]
    status: str  # the status the chatbot should return
    files: tuple[str, ...]  # files holding the expected answer ("" tuple when none)
    answer: str | None  # a phrase copied exactly from each of `files`, or None

    @property
    def has_evidence(self) -> bool:
        return self.answer is not None and bool(self.files)


def _item(data: object, path: Path, line: int) -> GoldItem:
    if not isinstance(data, dict):
        raise GoldSetError(path, line, "is not a JSON object")
    missing = [f for f in FIELDS if f not in data]
    if missing:
        raise GoldSetError(path, line, f"lacks field(s) {', '.join(missing)} (every line needs {', '.join(FIELDS)})")
    for name, allowed in (("kind", KINDS), ("split", SPLITS), ("status", STATUSES)):
        if data[name] not in allowed:
            raise GoldSetError(path, line, f"{name} {data[name]!r} is not one of {', '.join(allowed)}")
    if not isinstance(data["question"], str) or not data["question"].strip():
        raise GoldSetError(path, line, "question is empty")
    for name in ("history", "files"):
        if not isinstance(data[name], list) or not all(isinstance(x, str) for x in data[name]):
            raise GoldSetError(path, line, f"{name} must be a list of strings")
    if data["answer"] is not None and (not isinstance(data["answer"], str) or not data["answer"]):
        raise GoldSetError(path, line, "answer must be a non-empty string or null")
    if (data["answer"] is None) != (not data["files"]):
        raise GoldSetError(path, line, "answer and files go together: both given, or answer null and files []")
    expected = STATUS_OF_KIND.get(data["kind"])
    if expected and data["status"] != expected:
        raise GoldSetError(path, line, f"kind {data['kind']} expects status {expected!r}, not {data['status']!r}")
    if data["kind"] == "followup" and not data["history"]:
        raise GoldSetError(path, line, "a followup needs its history (the earlier questions)")
    return GoldItem(
        id=data["id"],
        kind=data["kind"],
        split=data["split"],
        question=data["question"],
        history=tuple(data["history"]),
        status=data["status"],
        files=tuple(data["files"]),
        answer=data["answer"],
    )


def load_gold(path: Path | None = None) -> list[GoldItem]:
    """The gold items of a JSONL file (`eval/data/gold.jsonl` by default), in file order."""
    path = Path(path) if path is not None else GOLD_PATH
    items: list[GoldItem] = []
    seen: set[str] = set()
    for number, data in json_lines(path, GoldSetError):
        item = _item(data, path, number)
        if item.id in seen:
            raise GoldSetError(path, number, f"id {item.id!r} is used twice")
        seen.add(item.id)
        items.append(item)
    if not items:
        raise GoldSetError(path, 0, "holds no questions")
    return items


def counts(items: Iterable[GoldItem]) -> dict[str, dict[str, int]]:
    """{kind: {"dev": n, "test": n, "all": n}}."""
    table = Counter((i.kind, i.split) for i in items)
    return {
        kind: {**{s: table[kind, s] for s in SPLITS}, "all": sum(table[kind, s] for s in SPLITS)} for kind in KINDS
    }


def problems(items: list[GoldItem], read_file: Callable[[str], str]) -> list[str]:
    """What is wrong with a gold set: answer phrases missing from their files, kinds below the
    minimums. `read_file(file)` gives a file's text as the chatbot reads it.

    >>> problems(load_gold(), lambda f: (REPO_ROOT / f).read_bytes().decode("utf-8"))
    []
    """
    found = []
    texts: dict[str, str | None] = {}
    for item in items:
        for file in item.files:
            if file not in texts:
                try:
                    texts[file] = read_file(file)
                except OSError:
                    texts[file] = None
            if texts[file] is None:
                found.append(f"{item.id}: file {file} cannot be read")
            elif item.answer not in texts[file]:
                found.append(f"{item.id}: answer {item.answer!r} does not occur verbatim in {file}")
    table = counts(items)
    for kind, minimum in MINIMUMS.items():
        if table[kind]["all"] < minimum:
            found.append(f"kind {kind} has {table[kind]['all']} questions, fewer than the {minimum} required")
    if len(items) < MIN_TOTAL:
        found.append(f"the set has {len(items)} questions, fewer than the {MIN_TOTAL} required")
    return found
