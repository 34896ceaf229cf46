"""Public benchmarks in BEIR format (corpus.jsonl, queries.jsonl, qrels/test.tsv), run through the
project's own indexer and the chatbot's retrieve(), scored with ranx at document level.

>>> data = load_beir(Path("../shared/datasets/scifact"))
>>> result = run_beir(data, embedder=Embedder(), mode="all")
>>> result.rows[0]["ndcg@10"]
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from chatbot.settings import FUSIONS
from indexer import Document, Embedder

from .errors import EvalError
from .indexes import build_family_index, index_settings
from .metrics import ranx_scores

METRICS = ("ndcg@10", "recall@100", "mrr@10")
# Published nDCG@10 on BEIR SciFact (test), from ../shared/datasets/README.md.
PUBLISHED_SCIFACT = [
    ("BM25 (Pyserini, flat index)", 0.679),
    ("BM25 (Pyserini, multifield; BEIR paper)", 0.665),
    ("bm25s, Lucene variant, k1=1.2 b=0.75", 0.680),
    ("all-MiniLM-L6-v2, dense (MTEB)", 0.645),
]
BEIR_CANDIDATES = 1000  # passages per retriever, so that 100 distinct documents survive fusion


@dataclass(frozen=True)
class BeirData:
    name: str
    corpus: dict[str, tuple[str, str]]  # doc id -> (title, text)
    queries: dict[str, str]  # query id -> text, only those judged in qrels
    qrels: dict[str, dict[str, int]]  # query id -> {doc id: relevance}


def _read_jsonl(path: Path) -> list[dict]:
    if not path.is_file():
        raise EvalError(f"{path} is missing: a BEIR folder holds corpus.jsonl, queries.jsonl and qrels/test.tsv")
    rows = []
    with path.open(encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except ValueError as exc:
                    raise EvalError(f"{path}, line {number}: not valid JSON ({exc})") from exc
    return rows


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    """query-id, corpus-id, score per line, tab-separated; a header line is skipped when present."""
    if not path.is_file():
        raise EvalError(f"{path} is missing: a BEIR folder holds qrels/test.tsv")
    qrels: dict[str, dict[str, int]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        parts = line.split("\t") if "\t" in line else line.split()
        if not parts or not line.strip():
            continue
        if len(parts) < 3:
            raise EvalError(f"{path}, line {number}: expected query-id, corpus-id and score, got {line!r}")
        try:
            score = int(float(parts[2]))
        except ValueError as exc:
            if number == 1:  # the header line ("query-id corpus-id score")
                continue
            raise EvalError(f"{path}, line {number}: score {parts[2]!r} is not a number") from exc
        if score > 0:
            qrels.setdefault(parts[0], {})[parts[1]] = score
    if not qrels:
        raise EvalError(f"{path} holds no relevance judgement with a positive score")
    return qrels


def qa_paragraphs(folder: Path, split: str, splits_file: Path | None = None) -> BeirData:
    """A QA folder in the layout of squad2/dev-corpus (corpus/, paragraphs.jsonl, questions.jsonl)
    as a BEIR benchmark: every paragraph of the articles of `split` is a document (titled with its
    article), every answerable question of theirs a query whose one relevant document is the
    paragraph holding its answer. SQuAD's tune articles so give a benchmark with real judgements
    to choose fusion settings on, where SciFact has only its test split."""
    from .qa_data import load_folder

    qa = load_folder(folder, splits_file)
    files = qa.files_of(split)
    corpus: dict[str, tuple[str, str]] = {}
    bounds: dict[str, list[tuple[int, int, str]]] = {}
    texts = {f: (qa.corpus / f).read_bytes().decode("utf-8") for f in sorted(files)}
    for row in _read_jsonl(folder / "paragraphs.jsonl"):
        if row["file"] in files:
            doc = f"{row['file'][: -len('.txt')]}#{row['paragraph']}"
            corpus[doc] = (row["title"].replace("_", " "), texts[row["file"]][row["start"] : row["end"]])
            bounds.setdefault(row["file"], []).append((row["start"], row["end"], doc))
    queries, qrels = {}, {}
    for item in qa.select(split, "answerable"):
        judged = {doc: 1 for file, start, end in item.spans for lo, hi, doc in bounds.get(file, ()) if lo <= start < hi}
        if judged:
            queries[item.id], qrels[item.id] = item.question, judged
    return BeirData(f"{qa.name}-{split}", corpus, queries, qrels)


def load_beir(folder: Path, split: str = "test") -> BeirData:
    """A BEIR folder (qrels/`split`.tsv), or a QA folder of paragraphs (see qa_paragraphs)."""
    folder = Path(folder)
    if (folder / "paragraphs.jsonl").is_file():
        return qa_paragraphs(folder, split)
    corpus = {str(r["_id"]): (r.get("title") or "", r.get("text") or "") for r in _read_jsonl(folder / "corpus.jsonl")}
    qrels = read_qrels(folder / "qrels" / f"{split}.tsv")
    all_queries = {str(r["_id"]): r["text"] for r in _read_jsonl(folder / "queries.jsonl")}
    missing = sorted(set(qrels) - set(all_queries))
    if missing:
        raise EvalError(f"qrels name queries not in queries.jsonl: {', '.join(missing[:5])}")
    queries = {q: all_queries[q] for q in qrels}
    return BeirData(folder.resolve().name, corpus, queries, qrels)


def beir_document(doc_id: str, title: str, text: str) -> Document:
    """A BEIR record as one corpus file: the title on its own line (without a final period, so
    the segmenter takes it for the article title and every passage is embedded with it), a blank
    line, then the text as one paragraph."""
    title = title.strip()
    if title.endswith(".") and not title.endswith(".."):
        title = title[:-1]
    body = "\n\n".join(p for p in (title, text.strip()) if p)
    return Document(file=doc_id, text=body, sha256=hashlib.sha256(body.encode("utf-8")).hexdigest())


@dataclass(frozen=True)
class BeirResult:
    dataset: str
    documents: int
    queries: int
    build: dict  # the build summary (passages, seconds, ...)
    settings: dict  # max_words and retrieval settings
    rows: list[dict] = field(default_factory=list)  # one per mode: mode, metrics, seconds
    dropped: list[str] = field(default_factory=list)  # documents the segmenter left no text of

    def to_dict(self) -> dict:
        return {
            "dataset": self.dataset,
            "documents": self.documents,
            "queries": self.queries,
            "build": self.build,
            "settings": self.settings,
            "rows": self.rows,
            "dropped_documents": self.dropped,
        }


def best_per_document(index, hits, depth: int = 100) -> dict[str, float]:
    """{doc id: score} of fused passage hits (best first): each document scores its best passage;
    a duplicate article's other copies (also_in) score the same."""
    scores: dict[str, float] = {}
    for hit in hits:
        chunk = index.chunks[hit.chunk]
        article = index.articles[chunk.article_id]
        for doc in (chunk.file, *(index.articles[a].file for a in article.also_in)):
            if hit.score > scores.get(doc, float("-inf")):
                scores[doc] = hit.score
        if len(scores) >= depth:
            break  # hits come best first: later ones cannot enter the top `depth`
    return scores


def document_run(bot, queries: dict[str, str], depth: int = 100) -> dict[str, dict[str, float]]:
    """{query id: {doc id: score}} of the chatbot's retrieve(), a document scoring its best passage."""
    return {qid: best_per_document(bot.index, bot.retrieve(text), depth) for qid, text in queries.items()}


def beir_index(data: BeirData, embedder: Embedder, max_words: int | None = None, *, progress: bool = False, rebuild: bool = False):
    """(folder, build summary, documents) of `data` indexed with the indexer's settings (passages
    of `max_words`, its default when None), kept in the eval cache; `rebuild` forces a new one
    (the cache knows files and settings, not changes to the indexer's code)."""
    documents = [beir_document(d, title, text) for d, (title, text) in data.corpus.items()]
    folder, summary = build_family_index(
        documents, f"beir-{data.name}", index_settings(max_words), embedder, progress=progress, corpus_label=data.name,
        force=rebuild,
    )
    return folder, summary, documents


MODES = ("bm25", "dense", "hybrid", "all")
EQUAL_WEIGHT = 0.5  # "all" also runs every fusion at equal weights, the comparison point of earlier runs


def variants(mode: str, fusion: str, dense_weight: float) -> list[tuple[str, dict]]:
    """(label, AnswerSettings overrides) per configuration a --mode asks for; "all" runs every
    fusion, at `dense_weight` and at equal weights."""
    if mode not in MODES:
        raise EvalError(f"mode {mode!r} is not one of {', '.join(MODES)}")
    if mode != "all":
        fusions, weights = (fusion,), (dense_weight,)
    else:
        fusions = (fusion, *(f for f in FUSIONS if f != fusion))
        weights = tuple(dict.fromkeys((dense_weight, EQUAL_WEIGHT)))
    hybrid = [
        (f"hybrid {f} {w:g}", {"mode": "hybrid", "fusion": f, "dense_weight": w}) for w in weights for f in fusions
    ]
    single = {"bm25": [("bm25", {"mode": "bm25"})], "dense": [("dense", {"mode": "dense"})], "hybrid": hybrid}
    return single[mode] if mode != "all" else single["bm25"] + single["dense"] + hybrid


def run_beir(
    data: BeirData,
    embedder: Embedder,
    mode: str = "all",
    *,
    max_words: int | None = None,
    fusion: str | None = None,
    dense_weight: float | None = None,
    rrf_k: int | None = None,
    candidates: int = BEIR_CANDIDATES,
    progress: bool = False,
    rebuild: bool = False,
) -> BeirResult:
    """Index `data` (see beir_index) and score each configuration of `mode`; fusion settings not
    given are the chatbot's defaults."""
    from chatbot import AnswerSettings, Chatbot
    from indexer import load_index

    given = {"fusion": fusion, "dense_weight": dense_weight, "rrf_k": rrf_k, "candidates": candidates}
    base_settings = replace(AnswerSettings(), **{k: v for k, v in given.items() if v is not None})
    folder, summary, documents = beir_index(data, embedder, max_words, progress=progress, rebuild=rebuild)
    index = load_index(folder)
    indexed = {c.file for c in index.chunks} | {a.file for a in index.articles.values()}
    dropped = sorted(d.file for d in documents if d.file not in indexed)
    base = Chatbot(index, embedder)
    rows = []
    for label, overrides in variants(mode, base_settings.fusion, base_settings.dense_weight):
        answer_settings = replace(base_settings, **overrides)
        clock = time.perf_counter()
        run = document_run(base.with_settings(answer_settings), data.queries)
        seconds = time.perf_counter() - clock
        scores = ranx_scores(data.qrels, run, METRICS)
        chosen = {k: getattr(answer_settings, k) for k in ("mode", "fusion", "dense_weight", "rrf_k", "candidates")}
        rows.append({"config": label, **chosen, **scores, "seconds": round(seconds, 2)})
    return BeirResult(
        dataset=data.name,
        documents=len(documents),
        queries=len(data.queries),
        build={
            "passages": summary.passages,
            "sentences": summary.sentences,
            "duplicates": len(summary.duplicates),
            "embedded": summary.embedded,
            "reused": summary.reused,
            "up_to_date": summary.up_to_date,
            "seconds": round(summary.seconds, 1),
            "index": str(folder),
        },
        settings={
            "max_words": index.manifest["chunker"]["max_words"],
            **{k: getattr(base_settings, k) for k in ("fusion", "dense_weight", "rrf_k", "candidates")},
        },
        rows=rows,
        dropped=dropped,
    )


def report(result: BeirResult, info: dict) -> tuple[dict, str, dict]:
    from .reports import bar_chart, markdown_table

    single = [r["ndcg@10"] for r in result.rows if r["mode"] != "hybrid"]
    best_single = max(single) if len(single) == 2 else None  # both retrievers ran
    rows = [
        [r["config"], r["ndcg@10"], r["recall@100"], r["mrr@10"],
         f"{r['ndcg@10'] - best_single:+.3f}" if best_single is not None and r["mode"] == "hybrid" else "", r["seconds"]]
        for r in result.rows
    ]
    published = PUBLISHED_SCIFACT if result.dataset.lower() == "scifact" else []
    build = result.build
    s = result.settings
    built = (
        "found up to date in the eval cache"
        if build["up_to_date"]
        else f"built in {build['seconds']} s ({build['embedded']:,} texts encoded, {build['reused']:,} from the cache)"
    )
    markdown = f"""# BEIR {result.dataset}

Command: `{info['command']}` ({info['created']}).
{result.documents:,} documents, {result.queries} judged queries. Index: {build['passages']:,} passages of at most
{s['max_words']} words ({build['duplicates']} duplicate articles), {built}. Retrieval: the chatbot's
`retrieve()` with {s['candidates']} candidates per retriever; a document scores its best passage.
The chatbot's default is **hybrid {s['fusion']} {s['dense_weight']:g}** (RRF k {s['rrf_k']}), chosen by
`python -m eval tune` on dev data only; "vs best single": nDCG@10 over the better of bm25 and dense.

{markdown_table(["configuration", "nDCG@10", "Recall@100", "MRR@10", "vs best single", "seconds"], rows)}
"""
    if published:
        markdown += "\nPublished nDCG@10 on the same split:\n\n" + markdown_table(["system", "nDCG@10"], published) + "\n"
    if result.dropped:
        markdown += f"\nDocuments the segmenter left no text of ({len(result.dropped)}): {', '.join(result.dropped)}\n"
    chart = bar_chart(
        f"BEIR {result.dataset}: nDCG@10 and Recall@100",
        [r["config"] for r in result.rows],
        {"nDCG@10": [r["ndcg@10"] for r in result.rows], "Recall@100": [r["recall@100"] for r in result.rows]},
        lines=[(f"published {name}: {value}", value) for name, value in published[2:4]],
    )
    return {**info, **result.to_dict()}, markdown, {f"beir-{result.dataset.lower()}": chart}
