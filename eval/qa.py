"""`python -m eval qa DIR`: quote QA on any folder of documents with span-answer questions.

The documents are indexed through the indexer; every question is asked through `Chatbot.ask`,
as a visitor would. A quote hits when it comes from a file that answers the question and either
contains one of the gold answers or covers at least half of a gold answer span. Beside the
chatbot, three baselines rank the same indexed sentences in the same run: BM25 (bm25s), dense
(MiniLM cosine) and their reciprocal-rank fusion; they never abstain.

Reported per set: top-quote hit@1 / hit@3 over answerable questions (an abstention is a miss),
false abstention (answerable questions refused), refusal of unanswerable questions, and refusal
of questions about subjects absent from the documents (questions of articles left out of the
index, or of another set with --absent-from); and how often the top quote of an answer shown as
unsure (maybe not an answer) is wrong, against the other answers. With --each-document every
document is indexed alone and asked its own questions: how the chatbot does on a corpus of one.

>>> result = run_qa(load_qa_set("../shared/datasets/squad2/dev-corpus"), Embedder(), split="report")
>>> result.metrics["chatbot"]["hit@1"]
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from indexer import Embedder, tokenize
from indexer.storage import replace_file

from .cached_encoder import CachedEncoder
from .errors import EvalError
from .follow_ups import follow_up_chains, subject_name
from .indexes import build_family_index, index_settings
from .qa_data import QAItem, QASet
from .typos import misspelt

BASELINES = ("bm25 sentences", "dense sentences", "rrf sentences")
RRF_K = 60
BASELINE_DEPTH = 100  # sentences each baseline retriever ranks before the fusion
ABSENT_SAMPLE = 300  # questions of left-out articles asked as absent-subject probes
TOP = 3


@dataclass(frozen=True)
class QARecord:
    """One question's outcome: the chatbot's status and the rank of its first hitting quote, and
    each baseline's rank (None: no hit in the top 3)."""

    id: str
    kind: str  # answerable / unanswerable / absent
    question: str
    query: str
    status: str
    rank: int | None
    baselines: dict[str, int | None] = field(default_factory=dict)
    top_quote: str = ""
    unsure: bool = False  # answered with the notice that the quotes may not answer
    top_words: int | None = None  # words of the top quote (None: no quote)
    answers_held: float | None = None  # share of a list question's gold answers the top quote holds (see held_share)
    answerable: float | None = None  # the abstention classifier's probability that the top quote answers


@dataclass(frozen=True)
class QAResult:
    name: str
    split: str | None
    documents: int
    sentences: int
    records: tuple[QARecord, ...]
    settings: dict
    seconds: float
    misspelt: bool = False  # every question asked with a typo (eval/typos.py)
    each_document: bool = False  # every document indexed alone and asked its own questions
    follow_ups: bool = False  # answerable questions asked as the third turn of a conversation (eval/follow_ups.py)

    @property
    def metrics(self) -> dict[str, dict[str, float]]:
        return qa_metrics(self.records)

    def to_dict(self) -> dict:
        return {
            "set": self.name,
            "split": self.split,
            "misspelt": self.misspelt,
            "each_document": self.each_document,
            "follow_ups": self.follow_ups,
            "documents": self.documents,
            "sentences": self.sentences,
            "questions": counts(self.records),
            "metrics": self.metrics,
            "settings": self.settings,
            "seconds": round(self.seconds, 1),
            "misses": [r.__dict__ for r in self.records if r.kind == "answerable" and r.rank != 1][:200],
        }


def write_records(result: QAResult, path: Path) -> Path:
    """Every question's outcome as a JSON line (`--records`): two runs on the same set compare
    question by question, where the report's rates can only be compared as a whole."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = "".join(json.dumps(r.__dict__, ensure_ascii=False) + "\n" for r in result.records)
    replace_file(path, lambda p: p.write_text(lines, encoding="utf-8"))
    return path


def counts(records) -> dict[str, int]:
    found: dict[str, int] = {}
    for r in records:
        found[r.kind] = found.get(r.kind, 0) + 1
    return found


def span_hit(item: QAItem, file_name: str, start: int, end: int, text: str) -> bool:
    """Does a quote of `file_name[start:end]` answer `item`: from one of its files, holding one of
    its answers or covering at least half of one of its answer spans."""
    if file_name not in item.files:
        return False
    if any(answer and answer in text for answer in item.answers):
        return True
    return any(
        f == file_name and e > s and min(end, e) - max(start, s) >= (e - s) / 2 for f, s, e in item.spans
    )


def quote_hit(item: QAItem, quote) -> bool:
    """A chatbot quote (or any of the places its words also appear) hits the item."""
    places = [(quote.file, quote.start, quote.end), *((loc.file, loc.start, loc.end) for loc in quote.also_in)]
    return any(span_hit(item, Path(f).name, s, e, quote.text) for f, s, e in places)


LIST_ANSWERS = 3  # a question with this many gold answers or more asks for a list (the pages' "symptoms include: ...")


def held_share(item: QAItem, quote) -> float | None:
    """For an answerable question with LIST_ANSWERS gold answers or more whose top quote comes from
    one of its files and holds at least one of them: the share of them the quote holds (a whole
    list or a piece of it). None otherwise."""
    if item.kind != "answerable" or len(item.answers) < LIST_ANSWERS or quote is None:
        return None
    if Path(quote.file).name not in item.files:
        return None
    held = [answer in quote.text for answer in item.answers]
    return sum(held) / len(held) if any(held) else None


def first_hit(hits: list[bool]) -> int | None:
    return next((i for i, hit in enumerate(hits[:TOP], 1) if hit), None)


def _rrf(*rankings: dict[int, float]) -> list[int]:
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, row in enumerate(sorted(ranking, key=lambda r: -ranking[r]), start=1):
            fused[row] = fused.get(row, 0.0) + 1 / (RRF_K + rank)
    return sorted(fused, key=lambda r: (-fused[r], r))


def baseline_ranks(index, item: QAItem, vector) -> dict[str, int | None]:
    """Where each sentence baseline first hits, ranking the index's sentences for the question."""
    tokens = tokenize([item.question])[0]
    lexical = index.sentences.lexical(tokens, BASELINE_DEPTH)
    dense = index.sentences.dense(vector, BASELINE_DEPTH)
    rankings = {
        "bm25 sentences": sorted(lexical, key=lambda r: (-lexical[r], r)),
        "dense sentences": sorted(dense, key=lambda r: (-dense[r], r)),
        "rrf sentences": _rrf(lexical, dense),
    }
    ranks = {}
    for name, rows in rankings.items():
        hits = []
        for row in rows[:TOP]:
            chunk, sentence = index.sentence(row)
            text = index.sources[chunk.file][sentence.start : sentence.end]
            hits.append(span_hit(item, Path(chunk.file).name, sentence.start, sentence.end, text))
        ranks[name] = first_hit(hits)
    return ranks


def absent_probes(qa: QASet, split: str | None, other: QASet | None, sample: int, seed: int = 9) -> list[QAItem]:
    """Answerable questions whose documents are not in the index, relabelled "absent": those of
    the other splits' articles (when a split is indexed) and of `other`."""
    rng = random.Random(seed)
    pool: list[QAItem] = []
    if split is not None and qa.name != "gold":
        indexed = qa.files_of(split)
        pool += [i for i in qa.items if i.kind == "answerable" and i.article not in indexed]
    if other is not None:
        pool += [i for i in other.items if i.kind == "answerable" and not i.history]
    picked = rng.sample(pool, min(sample, len(pool)))
    return [QAItem(i.id, i.question, "absent", split="absent") for i in picked]


def run_qa(
    qa: QASet,
    embedder: Embedder,
    *,
    split: str | None = None,
    absent_from: QASet | None = None,
    absent_sample: int = ABSENT_SAMPLE,
    limit: int | None = None,
    misspell: bool = False,
    settings=None,
    each_document: bool = False,
    follow_ups: bool = False,
    progress=None,
) -> QAResult:
    """Index the set's documents (those of `split` only, when given), ask its questions (of that
    split) and the absent-subject probes, each with a typo when `misspell` (eval/typos.py), and
    score the chatbot and the baselines. With `each_document`, every document is indexed alone
    and asked its own questions, as a corpus of one document (no absent-subject probes). With
    `follow_ups`, the answerable questions that name their document's subject are asked as
    follow-ups with that subject a pronoun (eval/follow_ups.py; no other questions)."""
    from chatbot.settings import AnswerSettings
    from indexer.reading import read_corpus

    say = progress or (lambda message: None)
    started = time.perf_counter()
    settings = settings or AnswerSettings()
    documents, _ = read_corpus(qa.corpus)
    if split is not None:
        keep = qa.files_of(split)
        documents = [d for d in documents if Path(d.file).name in keep]
    items = [i for i in qa.items if split is None or i.split == split]
    if limit is not None:
        items = random.Random(5).sample(items, min(limit, len(items)))
    if follow_ups:
        if absent_from is not None or each_document:
            raise EvalError("--follow-ups asks the set's own answerable questions as follow-ups: leave out --absent-from and --each-document")
        items = follow_up_chains(items, {Path(d.file).name: _subject(d) for d in documents})
        if not items:
            raise EvalError(f"--follow-ups needs documents with two or more questions naming their subject; {qa.name} has none")
    elif each_document:
        if absent_from is not None:
            raise EvalError("--each-document asks each document its own questions only: leave out --absent-from")
        if not any(i.article for i in items):
            raise EvalError(f"--each-document needs questions filed under one document each; those of {qa.name} are not")
    else:
        items += absent_probes(qa, split, absent_from, absent_sample)
    if misspell:
        items = misspelt(items)
    family = f"qa-{qa.name}-{split or 'all'}"
    if each_document:
        corpora = [
            (f"{family}-one-{Path(d.file).stem}", [d], [i for i in items if i.article == Path(d.file).name]) for d in documents
        ]
    else:
        corpora = [(family, documents, items)]
    encoder = CachedEncoder(embedder)
    say(f"{qa.name}: encoding {len(items)} questions")
    encoder.warm([i.question for i in items])
    say(f"{qa.name}: indexing {len(documents)} documents" + (", each alone" if each_document else ""))
    records, sentences = [], 0
    for name, indexed, asked in corpora:
        folder, _ = build_family_index(indexed, name, index_settings(), embedder, corpus_label=str(qa.corpus))
        done = len(records)  # the progress line counts over the whole run, not per document
        indexed_sentences, records_of = _asked(
            folder, encoder, asked, settings, done, lambda n: say(f"{qa.name}: {n} of {len(items)} asked")
        )
        records += records_of
        sentences += indexed_sentences
    return QAResult(
        name=qa.name,
        split=split,
        documents=len(documents),
        sentences=sentences,
        records=tuple(records),
        settings=settings.to_dict(),
        seconds=time.perf_counter() - started,
        misspelt=misspell,
        each_document=each_document,
        follow_ups=follow_ups,
    )


def _subject(document) -> str:
    """What a document is about, from the title the indexer reads (eval/follow_ups.py)."""
    from indexer.segmenting import segment

    articles = segment(document)
    return subject_name(articles[0].title if articles else "", document.file)


def _asked(folder: Path, encoder, items: list[QAItem], settings, done: int, progress) -> tuple[int, list[QARecord]]:
    """(the index's sentences, each item's record): `items` asked of the index in `folder`
    through `Chatbot.ask`, with the baselines ranked on the same sentences; `progress` is told
    the count every 500 questions, counting on from `done` asked before."""
    from chatbot import Chatbot
    from indexer import load_index

    index = load_index(folder)
    bot = Chatbot(index, encoder, settings)
    records = []
    for n, item in enumerate(items, done + 1):
        answer = bot.ask(item.question, history=list(item.history))
        top = answer.quotes[0] if answer.quotes else None
        ranks = {}
        if item.kind == "answerable":
            ranks = baseline_ranks(index, item, encoder.encode([item.question])[0])
        records.append(
            QARecord(
                id=item.id,
                kind=item.kind,
                question=item.question,
                query=answer.query,
                status=answer.status.value,
                rank=first_hit([quote_hit(item, q) for q in answer.quotes]) if item.kind == "answerable" else None,
                baselines=ranks,
                top_quote=top.text[:300] if top else "",
                unsure=answer.unsure,
                top_words=len(top.text.split()) if top else None,
                answers_held=held_share(item, top),
                answerable=None if answer.answerable is None else round(answer.answerable, 4),
            )
        )
        if n % 500 == 0:
            progress(n)
    return len(index.sentence_vectors), records


def _share(flags: list[bool]) -> float | None:
    return round(sum(flags) / len(flags), 4) if flags else None


def _interval(flags: list[bool]) -> list[float] | None:
    """The 95% Wilson interval of the share of `flags` that are true: how far chance alone moves
    it on a set this size (a page set of 200 questions: about ±0.065)."""
    from scipy.stats import binomtest

    if not flags:
        return None
    interval = binomtest(sum(flags), len(flags)).proportion_ci(confidence_level=0.95, method="wilson")
    return [round(float(interval.low), 4), round(float(interval.high), 4)]


def qa_metrics(records) -> dict[str, dict[str, float | None]]:
    """{system: {hit@1, hit@3, ...}}; refusal rates for the chatbot only (baselines never refuse)."""
    answerable = [r for r in records if r.kind == "answerable"]
    refused = {kind: [r.status == "no_answer" for r in records if r.kind == kind] for kind in ("unanswerable", "absent")}
    metrics: dict[str, dict[str, float | None]] = {
        "chatbot": {
            "hit@1": _share([r.rank == 1 for r in answerable]),
            "hit@1_interval": _interval([r.rank == 1 for r in answerable]),
            "hit@3": _share([r.rank is not None for r in answerable]),
            "false_abstention": _share([r.status == "no_answer" for r in answerable]),
            "unanswerable_refused": _share(refused["unanswerable"]),
            "absent_refused": _share(refused["absent"]),
            **unsure_metrics(records),
            **quote_shape(records),
        }
    }
    for name in BASELINES:
        ranks = [r.baselines.get(name) for r in answerable]
        metrics[name] = {"hit@1": _share([r == 1 for r in ranks]), "hit@3": _share([r is not None for r in ranks])}
    return metrics


def quote_shape(records) -> dict[str, float | None]:
    """Words per top quote (median and mean over the answered questions), and for list questions
    (`held_share`) how many of them and the mean share of their gold answers the top quote holds."""
    words = [r.top_words for r in records if r.status == "answered" and r.top_words is not None]
    held = [r.answers_held for r in records if r.answers_held is not None]
    return {
        "top_quote_words_median": float(np.median(words)) if words else None,
        "top_quote_words_mean": round(float(np.mean(words)), 1) if words else None,
        "list_questions": len(held),
        "list_answers_held": round(float(np.mean(held)), 4) if held else None,
        "list_answers_all_held": _share([h == 1.0 for h in held]),
    }


def unsure_metrics(records) -> dict[str, float | None]:
    """How well the notice that the quotes may not answer is placed: the share of answered
    questions that carry it, and how often the top quote is wrong (an unanswerable or absent
    question answered, or an answerable one whose top quote misses) with and without it; and, per
    kind of question, the share refused or answered with it."""
    answered = [r for r in records if r.status == "answered"]

    def wrong(r: QARecord) -> bool:
        return r.kind != "answerable" or r.rank != 1

    def doubted(kind: str) -> float | None:
        return _share([r.status == "no_answer" or r.unsure for r in records if r.kind == kind])

    return {
        "answered_unsure": _share([r.unsure for r in answered]),
        "unsure_top_wrong": _share([wrong(r) for r in answered if r.unsure]),
        "sure_top_wrong": _share([wrong(r) for r in answered if not r.unsure]),
        **{f"{kind}_refused_or_unsure": doubted(kind) for kind in ("answerable", "unanswerable", "absent")},
    }


def _shown(interval: list[float] | None) -> str:
    return f"{interval[0]:.3f} to {interval[1]:.3f}" if interval else "–"


def report(result: QAResult, info: dict) -> tuple[dict, str, dict]:
    from .reports import bar_chart, markdown_table

    m = result.metrics
    bot = m["chatbot"]
    rows = [["chatbot (Chatbot.ask)", bot["hit@1"], bot["hit@3"]]] + [[name, m[name]["hit@1"], m[name]["hit@3"]] for name in BASELINES]
    best = max(BASELINES, key=lambda name: m[name]["hit@1"] or 0)
    numbers = counts(result.records)
    split = f", split **{result.split}**" if result.split else ""
    typed = (
        "\nEvery question is asked **with a typo** in its longest word (eval/typos.py: two letters swapped, one dropped or one doubled)."
        if result.misspelt
        else ""
    )
    if not result.settings.get("correct_spelling", True):
        typed += "\nThe chatbot's spelling correction is **off** (`--no-spelling`)."
    if result.each_document:
        typed += "\nEvery document is indexed **alone** and asked its own questions (`--each-document`), as a corpus of one document."
    if result.follow_ups:
        typed += (
            "\nEvery answerable question that names its document's subject is asked **as a follow-up** (`--follow-ups`, "
            "eval/follow_ups.py): the subject as \"it\", after another such question of the document as written and a third with \"it\"."
        )
    markdown = f"""# Quote QA: {result.name}{split}{" (typos)" if result.misspelt else ""}

Command: `{info['command']}` ({info['created']}).
{result.documents} documents ({result.sentences:,} indexed sentences); questions: {', '.join(f'{k} {v}' for k, v in numbers.items())}.{typed}
A quote hits when it comes from an answer's file and contains a gold answer or covers half of its span;
an abstention is a miss. The baselines rank the same indexed sentences and never abstain.

{markdown_table(["system", "top-quote hit@1", "hit@3"], rows)}

Chatbot hit@1 minus the best baseline's ({best}): **{(bot['hit@1'] or 0) - (m[best]['hit@1'] or 0):+.3f}**.
95% interval of the chatbot's hit@1 (Wilson, {numbers.get('answerable', 0)} answerable questions): {_shown(bot['hit@1_interval'])}, the
uncertainty of this estimate: what the same system would score on other questions written the same way.

{markdown_table(["chatbot refusals", "share"], [
    ["answerable questions refused (false abstention)", bot["false_abstention"]],
    ["unanswerable questions refused", bot["unanswerable_refused"]],
    ["questions about absent subjects refused", bot["absent_refused"]],
    ["answered questions shown as maybe not answered (unsure)", bot["answered_unsure"]],
    ["top quote wrong, unsure answers", bot["unsure_top_wrong"]],
    ["top quote wrong, other answers", bot["sure_top_wrong"]],
    ["answerable questions refused or shown as unsure", bot["answerable_refused_or_unsure"]],
    ["unanswerable questions refused or shown as unsure", bot["unanswerable_refused_or_unsure"]],
    ["questions about absent subjects refused or shown as unsure", bot["absent_refused_or_unsure"]],
])}

{markdown_table(["top quotes", "value"], [
    ["words per top quote, median / mean", f"{bot['top_quote_words_median']} / {bot['top_quote_words_mean']}"],
    [f"questions with {LIST_ANSWERS}+ gold answers whose top quote, from their file, holds one (on web pages mostly lists; in SQuAD, several annotators' wordings)", bot["list_questions"]],
    ["their gold answers the top quote holds, mean share", bot["list_answers_held"]],
    ["of them, those whose top quote holds every gold answer", bot["list_answers_all_held"]],
])}
"""
    chart = bar_chart(
        f"Quote QA: {result.name}" + (f" ({result.split})" if result.split else ""),
        ["chatbot", *BASELINES],
        {"hit@1": [bot["hit@1"] or 0] + [m[n]["hit@1"] or 0 for n in BASELINES],
         "hit@3": [bot["hit@3"] or 0] + [m[n]["hit@3"] or 0 for n in BASELINES]},
    )
    return {**info, **result.to_dict()}, markdown, {report_name(result): chart}


def report_name(result: QAResult) -> str:
    name = f"qa-{result.name.lower()}" + (f"-{result.split}" if result.split else "")
    name += "-each-document" if result.each_document else ""
    name += "-follow-ups" if result.follow_ups else ""
    return name + ("-misspelt" if result.misspelt else "") + ("" if result.settings.get("correct_spelling", True) else "-no-spelling")
