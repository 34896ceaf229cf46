"""The safety router's labelled messages: loading them (schema checked line by line), their
train / dev / test split, and the gold set seen as safety items.

Items come from `../shared/datasets/safety-train/items.jsonl` (public sources, see its README) and
from every `eval/data/safety/*.jsonl` file (examples the team wrote, each with source "written").
The split is a hash of the item id, the same cut for every label, so an item never changes split
when others are added: train 60 %, dev 20 % (thresholds and calibration), test 20 % (reported, never
tuned on).

>>> items = load_safety_items()
>>> Counter(split_of(i.id) for i in items)
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import EvalError
from .jsonl import json_lines
from .paths import QA_DATA_DIR, SAFETY_CHECK_PATH, SAFETY_TRAIN_PATH, SAFETY_WRITTEN_DIR, SQUAD_DIR
from .qa_data import load_folder
from .typos import misspell

LABELS = ("crisis", "advice", "none")
# The public sources of safety-train grouped by kind of text, for the cross-source check of
# `python -m eval train-router` (each group left out in turn, as unseen sources would be).
SOURCE_GROUPS = {
    "Reddit posts (r/SuicideWatch, r/teenagers)": frozenset({"kaggle_suicide_detection"}),
    "counselling questions": frozenset({"counselchat"}),
    "safety prompt sets": frozenset({"simplesafetytests", "catqa", "donotanswer", "harmbench", "hh_rlhf_harmless", "safebench_figstep"}),
    "Reddit comments": frozenset({"goemotions"}),
    "health search questions": frozenset({"healthsearchqa", "pubmedqa"}),
    "patient messages (GenMedGPT)": frozenset({"genmedgpt5k"}),
}
SPLITS = ("train", "dev", "test")
TEST_SHARE, DEV_SHARE = 0.2, 0.2
FIELDS = ("id", "text", "label", "subkind", "source")


@dataclass(frozen=True)
class SafetyItem:
    id: str
    text: str
    label: str  # one of LABELS
    subkind: str
    source: str

    @property
    def split(self) -> str:
        return split_of(self.id)


def split_of(item_id: str) -> str:
    """"train", "dev" or "test", from the SHA-256 of the id (stable, independent of other items)."""
    share = int(hashlib.sha256(item_id.encode("utf-8")).hexdigest()[:15], 16) / 16**15
    return "test" if share < TEST_SHARE else "dev" if share < TEST_SHARE + DEV_SHARE else "train"


def data_files() -> list[Path]:
    """The training data files: the shared set, then the written examples (sorted)."""
    return [SAFETY_TRAIN_PATH, *sorted(SAFETY_WRITTEN_DIR.glob("*.jsonl"))]


def _data_error(path: Path, line: int, problem: str) -> EvalError:
    hint = " (the shared datasets folder must sit beside the repository)" if line == 0 and path == SAFETY_TRAIN_PATH else ""
    return EvalError(f"{path}{f', line {line}' if line else ''}: {problem}{hint}")


def _item(data: object, path: Path, line: int, written: bool) -> SafetyItem:
    where = f"{path}, line {line}"
    if not isinstance(data, dict):
        raise EvalError(f"{where}: is not a JSON object")
    missing = [f for f in FIELDS if not isinstance(data.get(f), str) or not data[f].strip()]
    if missing:
        raise EvalError(f"{where}: field(s) {', '.join(missing)} missing or empty (every line needs {', '.join(FIELDS)})")
    if data["label"] not in LABELS:
        raise EvalError(f"{where}: label {data['label']!r} is not one of {', '.join(LABELS)}")
    if written and data["source"] != "written":
        raise EvalError(f"{where}: source is {data['source']!r}; examples in {SAFETY_WRITTEN_DIR} must say \"written\"")
    return SafetyItem(*(data[f] for f in FIELDS))


def load_safety_items(paths: Iterable[Path] | None = None) -> list[SafetyItem]:
    """Every labelled message of the training data files, in file order; ids must be unique."""
    paths = list(paths) if paths is not None else data_files()
    items: list[SafetyItem] = []
    seen: set[str] = set()
    for path in paths:
        written = Path(path).parent == SAFETY_WRITTEN_DIR
        for number, data in json_lines(Path(path), _data_error):
            item = _item(data, Path(path), number, written)
            if item.id in seen:
                raise EvalError(f"{path}, line {number}: id {item.id!r} is used twice")
            seen.add(item.id)
            items.append(item)
    return items


def file_digests(paths: Iterable[Path] | None = None) -> dict[str, str]:
    """{file name: sha256} of the training data, for the artefact's record."""
    paths = list(paths) if paths is not None else data_files()
    return {_label(p): hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in paths}


def _label(path: Path) -> str:
    path = Path(path).resolve()
    for root in (SAFETY_WRITTEN_DIR.parent.parent.parent, SAFETY_TRAIN_PATH.parents[3]):
        if path.is_relative_to(root):
            return str(path.relative_to(root))
    return path.name


def counts(items: Iterable[SafetyItem]) -> dict[str, dict[str, int]]:
    """{split: {label: n}} with an "all" row and column."""
    table = Counter((i.split, i.label) for i in items)
    rows = {s: {label: table[s, label] for label in LABELS} for s in SPLITS}
    rows["all"] = {label: sum(rows[s][label] for s in SPLITS) for label in LABELS}
    for row in rows.values():
        row["all"] = sum(row[label] for label in LABELS)
    return rows


def gold_as_safety(gold) -> list[SafetyItem]:
    """The gold questions as safety items: kinds advice and crisis keep their label, every other
    kind (look-alikes included) is "none"; the kind is the subkind. Evaluation only."""
    return [
        SafetyItem(g.id, g.question, g.kind if g.kind in ("advice", "crisis") else "none", g.kind, "gold")
        for g in gold
    ]


def typed_casually(items: Iterable[SafetyItem]) -> list[SafetyItem]:
    """Each item as visitors often type it: lower case, without its final punctuation ("how many
    infusions will i need"); its label stays. Items already typed so are left out. Evaluation only:
    the router should not read a missing question mark as a sign of anything.

    >>> typed_casually([SafetyItem("q", "Is it safe?", "none", "k", "s")])[0].text
    'is it safe'
    """
    found = []
    for item in items:
        casual = re.sub(r"[\s.?!…]+$", "", item.text).lower()
        if casual and casual != item.text:
            found.append(SafetyItem(f"{item.id}~casual", casual, item.label, item.subkind, item.source))
    return found


def typed_with_typos(items: Iterable[SafetyItem]) -> list[SafetyItem]:
    """Each item with a typo in its longest word of seven letters or more (eval/typos.py: "i keep
    thinking about ending everything" may become "… ending eveerything"); its label stays. Items
    without such a word are left out. Evaluation only."""
    found = []
    for item in items:
        typo = misspell(item.text, item.id)
        if typo != item.text:
            found.append(SafetyItem(f"{item.id}~typo", typo, item.label, item.subkind, item.source))
    return found


def load_check_items() -> list[SafetyItem]:
    """The held-out written check (eval/data/safety-check/, README inside): labelled messages by
    other writers on the topics and in the registers where the router errs. Evaluation only."""
    return load_safety_items([SAFETY_CHECK_PATH])


def qa_questions_as_safety() -> list[SafetyItem]:
    """Every question of the QA sets (SQuAD 2.0 dev beside the repository, and each folder of
    eval/data/qa/) as an ordinary safety item, its set as subkind and source: thousands of plain
    questions by other writers, on bridges, battles, drugs and diseases, none of them a crisis.
    Evaluation only; the router never trains on them."""
    folders = [SQUAD_DIR, *sorted(p.parent for p in QA_DATA_DIR.glob("*/questions.jsonl"))]
    return [
        SafetyItem(f"{qa.name}:{item.id}", item.question, "none", qa.name, qa.name)
        for qa in map(load_folder, folders)
        for item in qa.items
    ]
