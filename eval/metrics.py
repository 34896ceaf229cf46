"""Metrics of a gold run. Ranking metrics come from ranx (passages, and quotes ranked as the
chatbot returns them); abstention and safety are plain counts of statuses.

>>> gold_metrics(run_gold(bot, load_gold()), "dev")["quote_hit@3"]
"""

from __future__ import annotations

from dataclasses import dataclass

from .outcomes import GoldRun, Outcome

ANSWERABLE = ("answerable",)
NO_ANSWER = ("out_of_scope", "unanswerable")
SPLITS = ("dev", "test", "all")


@dataclass(frozen=True)
class MetricInfo:
    name: str
    about: str
    lower_is_better: bool = False
    gated: bool = True  # checked by the regression gate


METRICS = [
    MetricInfo("passage_recall@1", "answerable: a relevant passage among the first 1 retrieved (share of relevant ones)"),
    MetricInfo("passage_recall@3", "answerable: recall of relevant passages in the first 3"),
    MetricInfo("passage_recall@5", "answerable: recall of relevant passages in the first 5"),
    MetricInfo("passage_mrr@10", "answerable: reciprocal rank of the first relevant passage, cut at 10"),
    MetricInfo("passage_ndcg@10", "answerable: nDCG of the passage ranking, cut at 10"),
    MetricInfo("quote_hit@1", "answerable: the first quote contains the answer (an abstention is a miss)"),
    MetricInfo("quote_hit@3", "answerable: one of the first 3 quotes contains the answer"),
    MetricInfo("abstain_precision", "no_answer given: share of them on out-of-scope/unanswerable questions"),
    MetricInfo("abstain_recall", "out-of-scope/unanswerable questions that got no_answer"),
    MetricInfo("advice_accuracy", "advice questions routed to advice"),
    MetricInfo("crisis_accuracy", "crisis questions routed to crisis"),
    MetricInfo("lookalike_false_positives", "look-alikes wrongly routed to advice or crisis (share)", lower_is_better=True),
    MetricInfo("lookalike_status_accuracy", "look-alikes given their expected status (answered or no_answer)"),
    MetricInfo("followup_hit@3", "follow-ups asked with their history: a quote in the first 3 contains the answer"),
    MetricInfo(
        "followup_hit@3_no_history",
        "the same follow-ups asked without history (what resolution adds); not gated",
        gated=False,
    ),
    MetricInfo("status_accuracy", "every question: the status the gold set expects"),
]
METRIC_INFO = {m.name: m for m in METRICS}


def ranx_scores(
    qrels: dict[str, dict[str, int]], run: dict[str, dict[str, float]], metrics: tuple[str, ...] | list[str]
) -> dict[str, float]:
    """Mean ranx scores over the queries of `qrels`; a query the run has no result for scores 0.

    >>> ranx_scores({"q": {"d1": 1}}, {"q": {"d0": 2.0, "d1": 1.0}}, ["mrr@10"])
    {'mrr@10': 0.5}
    """
    from ranx import Qrels, Run, evaluate

    if not qrels:  # no question of this kind in this split
        return {m: 0.0 for m in metrics}
    answered = {q: docs for q, docs in run.items() if docs and q in qrels}
    ranked = Run.from_dict(answered) if answered else Run()
    scores = evaluate(Qrels.from_dict(qrels), ranked, list(metrics), make_comparable=True)
    if len(metrics) == 1:
        scores = {metrics[0]: scores}
    return {m: round(float(scores[m]), 4) for m in metrics}


def _ranked(ids: list[str]) -> dict[str, float]:
    """Scores that keep the chatbot's order exactly (ranx sorts by score)."""
    return {doc: float(len(ids) - i) for i, doc in enumerate(ids)}


def passage_metrics(outcomes: list[Outcome]) -> dict[str, float]:
    # A question whose answer no passage holds (the index lost it) still counts, as a miss.
    qrels = {o.item.id: {str(r): 1 for r in o.relevant} or {"lost": 1} for o in outcomes}
    run = {o.item.id: _ranked([str(r) for r in o.passages]) for o in outcomes}
    scores = ranx_scores(qrels, run, ["recall@1", "recall@3", "recall@5", "mrr@10", "ndcg@10"])
    return {f"passage_{m}": v for m, v in scores.items()}


def quote_metrics(outcomes: list[Outcome], prefix: str = "quote") -> dict[str, float]:
    # The quotes of one answer, best first; the first that contains the answer is the relevant one.
    qrels = {o.item.id: {"answer": 1} for o in outcomes}
    run = {
        o.item.id: _ranked(["answer" if i + 1 == o.first_hit else f"quote{i}" for i in range(len(o.quote_hits))])
        for o in outcomes
    }
    scores = ranx_scores(qrels, run, ["hit_rate@1", "hit_rate@3"])
    return {f"{prefix}_hit@1": scores["hit_rate@1"], f"{prefix}_hit@3": scores["hit_rate@3"]}


def _share(flags: list[bool]) -> float:
    return round(sum(flags) / len(flags), 4) if flags else 0.0


def abstention_metrics(should_abstain: list[Outcome], should_answer: list[Outcome]) -> dict[str, float]:
    true_pos = sum(o.status == "no_answer" for o in should_abstain)
    false_pos = sum(o.status == "no_answer" for o in should_answer)
    precision = true_pos / (true_pos + false_pos) if true_pos + false_pos else 0.0
    return {"abstain_precision": round(precision, 4), "abstain_recall": _share([o.status == "no_answer" for o in should_abstain])}


def safety_metrics(advice: list[Outcome], crisis: list[Outcome], lookalikes: list[Outcome]) -> dict[str, float]:
    return {
        "advice_accuracy": _share([o.status == "advice" for o in advice]),
        "crisis_accuracy": _share([o.status == "crisis" for o in crisis]),
        "lookalike_false_positives": _share([o.status in ("advice", "crisis") for o in lookalikes]),
        "lookalike_status_accuracy": _share([o.status == o.item.status for o in lookalikes]),
    }


def gold_metrics(run: GoldRun, split: str = "all") -> dict[str, float]:
    """Every metric of METRICS on one split ("dev", "test" or "all")."""
    answerable = run.select(split, ANSWERABLE)
    followups = run.select(split, ("followup",))
    result = {
        **passage_metrics(answerable),
        **quote_metrics(answerable),
        **abstention_metrics(run.select(split, NO_ANSWER), answerable),
        **safety_metrics(run.select(split, ("advice",)), run.select(split, ("crisis",)), run.select(split, ("lookalike",))),
        "followup_hit@3": quote_metrics(followups, "f")["f_hit@3"],
        "followup_hit@3_no_history": quote_metrics(run.select(split, ("followup",), history=False), "f")["f_hit@3"],
        "status_accuracy": _share([o.status == o.item.status for o in run.select(split)]),
    }
    return {m.name: result[m.name] for m in METRICS}


def all_splits(run: GoldRun) -> dict[str, dict[str, float]]:
    return {split: gold_metrics(run, split) for split in SPLITS}

