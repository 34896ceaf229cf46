"""Tuning on the dev half only, then reporting the test half for the chosen values.

Stage 1 picks the passage size (the index is rebuilt per size, through the shared embedding
cache) and the retrieval configuration by the dev answer hits (quote hit@1 and hit@3 on the
answerable questions and the follow-ups), with abstention off so that ranking alone is compared.
Quotes are comparable across passage sizes; passage metrics are not (bigger passages make
ranking easier). Ties go to the value nearest the current default: the dev half is small (one
question is 0.017), so a default moves only on a strict gain.

Stage 2 sweeps the abstention classifier's threshold on dev for that choice, scored by the mean
of the answer hit@3 (an abstention is a miss) and the F1 of no_answer on out-of-scope/unanswerable
against answerable questions. It chooses nothing: the operating point is the one
`python -m eval train-ranker` chose on its tune articles (chatbot/models/abstention.json), marked
on the chart, and the sweep shows how the gold dev half sees it.

>>> result = tune(Embedder(), load_gold())
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .compare import CONFIGS
from .gold import GoldItem
from .indexes import build_corpus_family
from .metrics import all_splits, gold_metrics, quote_metrics
from .outcomes import GoldRun, run_gold
from .reports import line_chart, markdown_table

CHUNK_SIZES = (60, 90, 120, 180)
THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(1, 20))  # 0.05 … 0.95
NO_ABSTENTION = 0.0  # no probability is below it: every retrieval answers
ANSWER_KINDS = ("answerable", "followup")


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
    stage1: list[dict]  # per (chunk size, config): dev metrics and objective
    stage2: list[dict]  # per threshold: dev metrics and objective
    chosen: dict  # max_words, config, settings
    current: dict  # the defaults: max_words, settings
    final: dict  # {"chosen": {split: metrics}, "current": {split: metrics}}

    def to_dict(self) -> dict:
        return {
            "stage1": self.stage1,
            "stage2": self.stage2,
            "chosen": self.chosen,
            "current": self.current,
            "final": self.final,
        }


def _closeness(value, default) -> float:
    return abs(float(value) - float(default)) if isinstance(value, (int, float)) else float(value != default)


def tune(
    embedder,
    items: list[GoldItem],
    chunk_sizes: tuple[int, ...] = CHUNK_SIZES,
    configs: list[tuple[str, dict]] = CONFIGS,
    thresholds: tuple[float, ...] = THRESHOLDS,
    progress=None,
) -> TuneResult:
    from chatbot import AnswerSettings, Chatbot
    from indexer import IndexSettings, load_index

    say = progress or (lambda message: None)
    defaults = AnswerSettings()
    default_words = IndexSettings().chunker.max_words
    dev = [i for i in items if i.split == "dev"]
    ranked_dev = [i for i in dev if i.kind in ANSWER_KINDS]
    bots = {}
    stage1 = []
    for words in chunk_sizes:
        folder = build_corpus_family(embedder, words)
        bots[words] = Chatbot(load_index(folder), embedder)
        for name, overrides in configs:
            settings = replace(defaults, **overrides, answer_threshold=NO_ABSTENTION)
            metrics = scores(run_gold(bots[words].with_settings(settings), ranked_dev))
            stage1.append(
                {"max_words": words, "config": name, "overrides": overrides, "passages": len(bots[words].index.chunks),
                 "metrics": metrics, "objective": ranking_objective(metrics)}
            )
            say(f"stage 1: {words} words, {name}: {stage1[-1]['objective']:.3f}")
    best = min(
        stage1,
        key=lambda r: (
            -r["objective"],
            abs(r["max_words"] - default_words),
            sum(_closeness(v, getattr(defaults, k)) for k, v in r["overrides"].items()),
        ),
    )
    words = best["max_words"]
    chosen_retrieval = replace(defaults, **best["overrides"])
    stage2 = []
    for threshold in thresholds:
        settings = replace(chosen_retrieval, answer_threshold=threshold)
        metrics = scores(run_gold(bots[words].with_settings(settings), dev))
        stage2.append({"threshold": threshold, "metrics": metrics, "objective": threshold_objective(metrics)})
        say(f"stage 2: threshold {threshold}: {stage2[-1]['objective']:.3f}")
    operating_point = bots[words].abstainer.meta["threshold"]
    chosen_settings = chosen_retrieval
    if default_words not in bots:
        bots[default_words] = Chatbot(load_index(build_corpus_family(embedder, default_words)), embedder)
    final = {
        "chosen": all_splits(run_gold(bots[words].with_settings(chosen_settings), items)),
        "current": all_splits(run_gold(bots[default_words].with_settings(defaults), items)),
    }
    return TuneResult(
        stage1=stage1,
        stage2=stage2,
        chosen={"max_words": words, "config": best["config"], "operating_point": operating_point, "settings": chosen_settings.to_dict()},
        current={"max_words": default_words, "settings": defaults.to_dict()},
        final=final,
    )


STAGE2_METRICS = ["answer_hit@1", "answer_hit@3", "abstain_precision", "abstain_recall", "abstain_f1", "status_accuracy"]
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
    s1 = markdown_table(
        ["words", "passages", "config", "answer_hit@1", "answer_hit@3", "passage_mrr@10", "objective"],
        [
            [r["max_words"], r["passages"], r["config"], r["metrics"]["answer_hit@1"], r["metrics"]["answer_hit@3"],
             r["metrics"]["passage_mrr@10"], r["objective"]]
            for r in result.stage1
        ],
    )
    s2 = markdown_table(
        ["threshold", *STAGE2_METRICS, "objective"],
        [[r["threshold"], *(r["metrics"][m] for m in STAGE2_METRICS), r["objective"]] for r in result.stage2],
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
    markdown = f"""# Tuning on the dev split

Command: `{info['command']}` ({info['created']}).

**Chosen on dev:** passages of at most **{chosen['max_words']} words**, **{chosen['config']}**
(mode {chosen['settings']['mode']}, fusion {chosen['settings']['fusion']}, dense weight {chosen['settings']['dense_weight']}),
with the abstention classifier's operating point {chosen['operating_point']} (chosen by `python -m eval train-ranker`).

## Chosen against current, dev and test

The test split played no part in any choice.

{final}

## Stage 1: passage size and retrieval (dev, abstention off)

Objective: mean of answer hit@1 and hit@3 (quote hits on the dev answerable and follow-up
questions together); ties go to the value nearest the current default. Passage MRR@10 is shown
for reference only (it is not comparable across passage sizes).

{s1}

## Stage 2: the abstention classifier's threshold as the dev half sees it

Objective: mean of answer hit@3 (answerable and follow-up questions; an abstention is a miss)
and the F1 of no_answer (out-of-scope and unanswerable against answerable questions). Nothing is
chosen here: the operating point comes from the train-ranker tune articles.

{s2}
"""
    return result.to_dict() | info, markdown, {"tune-chunks": _chunk_chart(result), "tune-threshold": _threshold_chart(result)}


def _chunk_chart(result: TuneResult):
    names = list(dict.fromkeys(r["config"] for r in result.stage1))
    sizes = list(dict.fromkeys(r["max_words"] for r in result.stage1))
    objective = {(r["config"], r["max_words"]): r["objective"] for r in result.stage1}
    return line_chart(
        "Stage 1: passage size and retrieval (dev)",
        "passage size (max words)",
        "dev objective: mean answer hit@1, hit@3",
        sizes,
        {name: [objective[name, size] for size in sizes] for name in names},
    )


def _threshold_chart(result: TuneResult):
    metrics = ("answer_hit@3", "abstain_recall", "abstain_precision", "abstain_f1")
    return line_chart(
        "Stage 2: abstention threshold (dev)",
        "abstention threshold",
        "dev score",
        [r["threshold"] for r in result.stage2],
        {
            **{m: [r["metrics"][m] for r in result.stage2] for m in metrics},
            "objective": [r["objective"] for r in result.stage2],
        },
        bold="objective",
        mark_x=result.chosen["operating_point"],
    )
