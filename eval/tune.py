"""Tuning on dev data only (the gold set's dev half, SQuAD's tune articles), then reporting the
gold test half for the chosen values. SciFact plays no part: it is the report set.

Stage 1 picks the fusion and the dense weight by retrieval nDCG@10 at the default passage size,
on two tune sets: the gold dev half (passages; a passage is relevant when it holds the answer)
and SQuAD's tune articles as a benchmark of paragraphs (`eval beir`'s reading of a QA folder: a
paragraph is relevant when it holds the answer; a paragraph scores its best passage). Each is
also run with a lexical mismatch: BM25 sees only every other query term, as on a collection
worded unlike its questions, where dense retrieval is clearly the stronger (on both tune sets as
they are, BM25 is). A configuration qualifies when it scores at least as well as the better
single retriever in all four conditions; the qualifying one with the best mean nDCG@10 wins
(ties go to the current default).

Stage 2 picks the passage size (the index is rebuilt per size, through the shared embedding
cache) for that retrieval by the dev answer hits (quote hit@1 and hit@3 on the answerable
questions and the follow-ups), with abstention off so that ranking alone is compared. Quotes are
comparable across passage sizes; passage metrics are not (bigger passages make ranking easier).
Ties go to the size nearest the current default: the dev half is small (one question is 0.017),
so a default moves only on a strict gain.

Stage 3 sweeps the abstention classifier's threshold on dev for that choice, scored by the mean
of the answer hit@3 (an abstention is a miss) and the F1 of no_answer on out-of-scope/unanswerable
against answerable questions. It chooses nothing: the operating point is the one
`python -m eval train-ranker` chose on its tune articles (chatbot/models/abstention.json), marked
on the chart, and the sweep shows how the gold dev half sees it.

>>> result = tune(Embedder(), load_gold())
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from chatbot.settings import FUSIONS

from .gold import GoldItem
from .indexes import build_corpus_family
from .metrics import all_splits, gold_metrics, quote_metrics, ranx_scores
from .outcomes import RANK_DEPTH, GoldRun, relevant_passages, run_gold
from .reports import line_chart, markdown_table

CHUNK_SIZES = (60, 90, 120, 180)
DENSE_WEIGHTS = (0.3, 0.4, 0.5, 0.6, 0.7)
SINGLE = ("bm25", "dense")
# (name, AnswerSettings overrides): each retriever alone, and every fusion at every dense weight.
RETRIEVAL_CONFIGS: list[tuple[str, dict]] = [
    ("bm25", {"mode": "bm25"}),
    ("dense", {"mode": "dense"}),
    *((f"{f} {w:g}", {"mode": "hybrid", "fusion": f, "dense_weight": w}) for f in FUSIONS for w in DENSE_WEIGHTS),
]
MISMATCH = "lexical mismatch"
THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(1, 20))  # 0.05 … 0.95
NO_ABSTENTION = 0.0  # no probability is below it: every retrieval answers
ANSWER_KINDS = ("answerable", "followup")


@dataclass(frozen=True)
class RetrievalSet:
    """Tune queries with their judged documents over one index."""

    name: str
    index: object  # indexer.Index
    queries: dict[str, str]  # query id -> text
    qrels: dict[str, dict[str, int]]  # query id -> {document id: relevance}
    candidates: int  # passages per retriever
    by_document: bool  # a document (file) scores its best passage; else passages are the documents


def gold_dev_set(embedder, items: list[GoldItem]) -> RetrievalSet:
    """The answerable questions of the gold dev half over corpus/ at the default passage size;
    a question whose answer no passage holds counts as a miss."""
    from chatbot import AnswerSettings
    from indexer import load_index

    index = load_index(build_corpus_family(embedder))
    dev = [i for i in items if i.split == "dev" and i.kind == "answerable"]
    qrels = {i.id: {str(r): 1 for r in relevant_passages(index, i)} or {"lost": 1} for i in dev}
    return RetrievalSet("gold dev", index, {i.id: i.question for i in dev}, qrels, AnswerSettings().candidates, False)


def squad_tune_set(embedder) -> RetrievalSet:
    """SQuAD's tune articles as a benchmark of paragraphs, as `eval beir` reads the QA folder."""
    from indexer import load_index

    from .beir import BEIR_CANDIDATES, beir_index, load_beir
    from .paths import SQUAD_DIR

    data = load_beir(SQUAD_DIR, "tune")
    folder, _, _ = beir_index(data, embedder)
    return RetrievalSet("SQuAD tune", load_index(folder), data.queries, data.qrels, BEIR_CANDIDATES, True)


def retrieval_ndcg(
    tune_set: RetrievalSet, encoder, configs: list[tuple[str, dict]] = RETRIEVAL_CONFIGS, mismatch: bool = False
) -> dict[str, float]:
    """{config: nDCG@10} on a tune set; with `mismatch`, BM25 sees only every other query term."""
    from chatbot import AnswerSettings
    from chatbot.evidence import passage_hits, query_terms

    from .beir import best_per_document

    index = tune_set.index
    settings = {name: replace(AnswerSettings(candidates=tune_set.candidates), **o) for name, o in configs}
    runs: dict[str, dict[str, dict[str, float]]] = {name: {} for name in settings}
    vectors = encoder.encode(list(tune_set.queries.values()))
    for (qid, text), vector in zip(tune_set.queries.items(), vectors, strict=True):
        tokens = list(query_terms(index, text).tokens)
        tokens = tokens[::2] if mismatch else tokens
        for name, s in settings.items():
            hits, _, _ = passage_hits(index, vector, tokens, s)
            runs[name][qid] = (
                best_per_document(index, hits) if tune_set.by_document else {str(h.chunk): h.score for h in hits[:RANK_DEPTH]}
            )
    return {name: ranx_scores(tune_set.qrels, run, ["ndcg@10"])["ndcg@10"] for name, run in runs.items()}


def choose_retrieval(table: dict[str, dict[str, float]], configs: list[tuple[str, dict]], defaults) -> dict:
    """The fused configuration that never scores below the better single retriever of any
    condition of `table` ({condition: {config: nDCG@10}}), with the best mean; when none
    qualifies, the one whose worst shortfall is smallest. Ties go to the current default."""
    fused = [(name, o) for name, o in configs if name not in SINGLE]

    def margin(name: str) -> float:
        return round(min(row[name] - max(row[s] for s in SINGLE) for row in table.values()), 4)

    def mean(name: str) -> float:
        return round(sum(row[name] for row in table.values()) / len(table), 4)

    qualified = [(name, o) for name, o in fused if margin(name) >= 0]
    objective = mean if qualified else margin
    name, overrides = min(
        qualified or fused,
        key=lambda c: (-objective(c[0]), sum(_closeness(v, getattr(defaults, k)) for k, v in c[1].items())),
    )
    return {"config": name, "overrides": overrides, "mean": mean(name), "margin": margin(name), "qualified": len(qualified)}


def scores(run: GoldRun, split: str = "dev") -> dict[str, float]:
    """The split's metrics, plus answer hits over answerable and follow-up questions together and
    the F1 of abstention."""
    metrics = gold_metrics(run, split)
    hits = quote_metrics(run.select(split, ANSWER_KINDS), "answer")
    p, r = metrics["abstain_precision"], metrics["abstain_recall"]
    return {**metrics, **hits, "abstain_f1": round(2 * p * r / (p + r), 4) if p + r else 0.0}


def ranking_objective(metrics: dict[str, float]) -> float:
    return round((metrics["answer_hit@1"] + metrics["answer_hit@3"]) / 2, 4)


def threshold_objective(metrics: dict[str, float]) -> float:
    return round((metrics["answer_hit@3"] + metrics["abstain_f1"]) / 2, 4)


@dataclass(frozen=True)
class TuneResult:
    retrieval: dict  # {condition: {config: nDCG@10}} (stage 1)
    sizes: list[dict]  # stage 2, per passage size: dev metrics and objective
    thresholds: list[dict]  # stage 3, per threshold: dev metrics and objective
    chosen: dict  # retrieval choice, max_words, config, settings
    current: dict  # the defaults: max_words, settings
    final: dict  # {"chosen": {split: metrics}, "current": {split: metrics}}

    def to_dict(self) -> dict:
        return {
            "retrieval": self.retrieval,
            "sizes": self.sizes,
            "thresholds": self.thresholds,
            "chosen": self.chosen,
            "current": self.current,
            "final": self.final,
        }


def _closeness(value, default) -> float:
    return abs(float(value) - float(default)) if isinstance(value, (int, float)) else float(value != default)


def tune_retrieval(embedder, items: list[GoldItem], progress=None) -> tuple[dict[str, dict[str, float]], dict]:
    """Stage 1: nDCG@10 of every RETRIEVAL_CONFIGS entry per condition, and the choice."""
    from chatbot import AnswerSettings

    from .cached_encoder import CachedEncoder

    say = progress or (lambda message: None)
    encoder = CachedEncoder(embedder)
    table = {}
    for tune_set in (gold_dev_set(embedder, items), squad_tune_set(embedder)):
        encoder.warm(list(tune_set.queries.values()))
        for mismatch in (False, True):
            condition = f"{tune_set.name}, {MISMATCH}" if mismatch else tune_set.name
            table[condition] = retrieval_ndcg(tune_set, encoder, mismatch=mismatch)
            say(f"stage 1: {condition}: " + ", ".join(f"{k} {v:.3f}" for k, v in table[condition].items()))
    return table, choose_retrieval(table, RETRIEVAL_CONFIGS, AnswerSettings())


def tune(
    embedder,
    items: list[GoldItem],
    chunk_sizes: tuple[int, ...] = CHUNK_SIZES,
    thresholds: tuple[float, ...] = THRESHOLDS,
    progress=None,
) -> TuneResult:
    from chatbot import AnswerSettings, Chatbot
    from indexer import IndexSettings, load_index

    say = progress or (lambda message: None)
    defaults = AnswerSettings()
    default_words = IndexSettings().chunker.max_words
    retrieval, choice = tune_retrieval(embedder, items, progress)
    chosen_retrieval = replace(defaults, **choice["overrides"])
    dev = [i for i in items if i.split == "dev"]
    ranked_dev = [i for i in dev if i.kind in ANSWER_KINDS]
    bots = {}
    sizes = []
    for words in chunk_sizes:
        folder = build_corpus_family(embedder, words)
        bots[words] = Chatbot(load_index(folder), embedder)
        settings = replace(chosen_retrieval, answer_threshold=NO_ABSTENTION)
        metrics = scores(run_gold(bots[words].with_settings(settings), ranked_dev))
        sizes.append(
            {"max_words": words, "config": choice["config"], "passages": len(bots[words].index.chunks),
             "metrics": metrics, "objective": ranking_objective(metrics)}
        )
        say(f"stage 2: {words} words: {sizes[-1]['objective']:.3f}")
    best = min(sizes, key=lambda r: (-r["objective"], abs(r["max_words"] - default_words)))
    words = best["max_words"]
    sweep = []
    for threshold in thresholds:
        settings = replace(chosen_retrieval, answer_threshold=threshold)
        metrics = scores(run_gold(bots[words].with_settings(settings), dev))
        sweep.append({"threshold": threshold, "metrics": metrics, "objective": threshold_objective(metrics)})
        say(f"stage 3: threshold {threshold}: {sweep[-1]['objective']:.3f}")
    operating_point = bots[words].abstainer.meta["threshold"]
    if default_words not in bots:
        bots[default_words] = Chatbot(load_index(build_corpus_family(embedder, default_words)), embedder)
    final = {
        "chosen": all_splits(run_gold(bots[words].with_settings(chosen_retrieval), items)),
        "current": all_splits(run_gold(bots[default_words].with_settings(defaults), items)),
    }
    return TuneResult(
        retrieval=retrieval,
        sizes=sizes,
        thresholds=sweep,
        chosen={"max_words": words, **choice, "operating_point": operating_point, "settings": chosen_retrieval.to_dict()},
        current={"max_words": default_words, "settings": defaults.to_dict()},
        final=final,
    )


THRESHOLD_METRICS = ["answer_hit@1", "answer_hit@3", "abstain_precision", "abstain_recall", "abstain_f1", "status_accuracy"]
FINAL_METRICS = [
    "passage_mrr@10",
    "passage_ndcg@10",
    "quote_hit@1",
    "quote_hit@3",
    "abstain_precision",
    "abstain_recall",
    "followup_hit@3",
    "status_accuracy",
]


def report(result: TuneResult, info: dict) -> tuple[dict, str, dict]:
    chosen, current = result.chosen, result.current
    conditions = list(result.retrieval)
    retrieval = markdown_table(
        ["config", *conditions, "mean", "margin"],
        [
            [name, *(result.retrieval[c][name] for c in conditions),
             *(("", "") if name in SINGLE else _mean_margin(result.retrieval, name))]
            for name, _ in RETRIEVAL_CONFIGS
        ],
    )
    sizes = markdown_table(
        ["words", "passages", "config", "answer_hit@1", "answer_hit@3", "passage_mrr@10", "objective"],
        [
            [r["max_words"], r["passages"], r["config"], r["metrics"]["answer_hit@1"], r["metrics"]["answer_hit@3"],
             r["metrics"]["passage_mrr@10"], r["objective"]]
            for r in result.sizes
        ],
    )
    thresholds = markdown_table(
        ["threshold", *THRESHOLD_METRICS, "objective"],
        [[r["threshold"], *(r["metrics"][m] for m in THRESHOLD_METRICS), r["objective"]] for r in result.thresholds],
    )
    final = markdown_table(
        ["settings", "split", *FINAL_METRICS],
        [
            [label, split, *(result.final[key][split][m] for m in FINAL_METRICS)]
            for key, label in (
                ("current", f"current ({current['max_words']} words, {current['settings']['mode']} {current['settings']['fusion']} {current['settings']['dense_weight']})"),
                ("chosen", f"chosen ({chosen['max_words']} words, {chosen['config']})"),
            )
            for split in ("dev", "test")
        ],
    )
    markdown = f"""# Tuning on dev data

Command: `{info['command']}` ({info['created']}).

**Chosen on dev data:** fusion **{chosen['config']}** (mode {chosen['settings']['mode']}, fusion
{chosen['settings']['fusion']}, dense weight {chosen['settings']['dense_weight']}; {chosen['qualified']} fused
configurations never lost to the better single retriever), passages of at most
**{chosen['max_words']} words**, with the abstention classifier's operating point {chosen['operating_point']}
(chosen by `python -m eval train-ranker`).

## Chosen against current, dev and test

The test split played no part in any choice.

{final}

## Stage 1: fusion and dense weight (retrieval nDCG@10 on dev data)

Gold dev: passages of the gold dev half's answerable questions ({RANK_DEPTH} kept). SQuAD tune: the
paragraphs of SQuAD's tune articles, a paragraph scoring its best passage (as `python -m eval beir
../shared/datasets/squad2/dev-corpus --split tune` reads them). "{MISMATCH}": BM25 sees only every
other query term, so that dense retrieval is the clearly stronger. Margin: the worst difference
to the better single retriever over the four conditions (never below 0 qualifies); mean: over
the four. The qualifying configuration with the best mean wins.

{retrieval}

![stage 1](tune-fusion.png)

## Stage 2: passage size (dev, abstention off)

Objective: mean of answer hit@1 and hit@3 (quote hits on the dev answerable and follow-up
questions together); ties go to the size nearest the current default. Passage MRR@10 is shown
for reference only (it is not comparable across passage sizes).

{sizes}

## Stage 3: the abstention classifier's threshold as the dev half sees it

Objective: mean of answer hit@3 (answerable and follow-up questions; an abstention is a miss)
and the F1 of no_answer (out-of-scope and unanswerable against answerable questions). Nothing is
chosen here: the operating point comes from the train-ranker tune articles.

{thresholds}
"""
    charts = {"tune-fusion": _fusion_chart(result), "tune-chunks": _chunk_chart(result), "tune-threshold": _threshold_chart(result)}
    return result.to_dict() | info, markdown, charts


def _mean_margin(table: dict[str, dict[str, float]], name: str) -> tuple[float, float]:
    return (
        round(sum(row[name] for row in table.values()) / len(table), 4),
        round(min(row[name] - max(row[s] for s in SINGLE) for row in table.values()), 4),
    )


def _fusion_chart(result: TuneResult):
    return line_chart(
        "Stage 1: retrieval nDCG@10 by dense weight (dev data, mean of 4 conditions)",
        "dense weight",
        "mean nDCG@10",
        list(DENSE_WEIGHTS),
        {
            **{f: [_mean_margin(result.retrieval, f"{f} {w:g}")[0] for w in DENSE_WEIGHTS] for f in FUSIONS},
            **{s: [_mean_margin(result.retrieval, s)[0]] * len(DENSE_WEIGHTS) for s in SINGLE},
        },
        mark_x=result.chosen["settings"]["dense_weight"],
    )


def _chunk_chart(result: TuneResult):
    return line_chart(
        f"Stage 2: passage size ({result.chosen['config']}, dev)",
        "passage size (max words)",
        "dev objective: mean answer hit@1, hit@3",
        [r["max_words"] for r in result.sizes],
        {result.chosen["config"]: [r["objective"] for r in result.sizes]},
    )


def _threshold_chart(result: TuneResult):
    metrics = ("answer_hit@3", "abstain_recall", "abstain_precision", "abstain_f1")
    return line_chart(
        "Stage 3: abstention threshold (dev)",
        "abstention threshold",
        "dev score",
        [r["threshold"] for r in result.thresholds],
        {
            **{m: [r["metrics"][m] for r in result.thresholds] for m in metrics},
            "objective": [r["objective"] for r in result.thresholds],
        },
        bold="objective",
        mark_x=result.chosen["operating_point"],
    )
