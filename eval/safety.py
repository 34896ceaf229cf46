"""Measuring the safety router: every labelled message through the real `Router` (rules and the
classifier, on the message and each of its sentences, with the embedding model's vectors), then
per-class recall and precision, false alarms per subkind, the confusion matrix and a
precision-recall chart; on the test split of the training data, the gold set and the held-out
checks (the written check, the QA sets' questions), and the gold and QA questions typed casually
(lower case, no final punctuation).

>>> routed = route_items(Router.load(), items, embedder)
>>> safety_metrics(routed)["recall"]["crisis"]
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, replace

import numpy as np

from chatbot.router import Router, combine
from chatbot.safety_classifier import Thresholds
from chatbot.safety_rules import RuleMatch

from .reports import fmt, line_chart, markdown_table
from .safety_data import LABELS, SafetyItem

KINDS = ("crisis", "advice")


@dataclass(frozen=True)
class Routed:
    """One item as the router saw it: its texts, each text's rule match and probabilities, and the
    decided label ("crisis", "advice" or "none") with its reason."""

    item: SafetyItem
    texts: tuple[str, ...]
    rules: tuple[RuleMatch | None, ...]
    impersonal: tuple[bool, ...]  # per text: a question about the world (router.combine)
    probabilities: np.ndarray | None  # rows = texts, columns = crisis, advice, none
    predicted: str
    rule: str | None

    def with_thresholds(self, thresholds: Thresholds) -> Routed:
        """The same item decided with other thresholds (the rules and probabilities do not change)."""
        route, _ = combine(list(self.rules), self.probabilities, thresholds, list(self.impersonal))
        return replace(self, predicted=_label(route), rule=route.rule)


def _label(route) -> str:
    return route.kind.value if route.kind else "none"


def embed(texts: list[str], embedder) -> np.ndarray:
    """Vectors for `texts`, from the eval cache when seen before (keyed by model and text)."""
    from .cached_encoder import CachedEncoder

    encoder = CachedEncoder(embedder, "safety")
    try:
        return encoder.encode(texts)
    finally:
        encoder.close()


def route_items(router: Router, items: list[SafetyItem], embedder) -> list[Routed]:
    """Each item through `router` exactly as `Chatbot.ask` routes a message."""
    per_item = [router.texts(i.text) for i in items]
    flat = [t for texts in per_item for t in texts]
    vectors = embed(flat, embedder) if router.classifier is not None else None
    routed, row = [], 0
    for item, texts in zip(items, per_item, strict=True):
        rows = None if vectors is None else vectors[row : row + len(texts)]
        row += len(texts)
        assessment = router.assess(texts, rows)
        probabilities = None
        if assessment.texts[0].probabilities is not None:
            probabilities = np.array([[t.probabilities[c] for c in LABELS] for t in assessment.texts])
        routed.append(
            Routed(
                item, tuple(texts), tuple(t.rule for t in assessment.texts), tuple(t.impersonal for t in assessment.texts),
                probabilities, _label(assessment.route), assessment.route.rule,
            )
        )
    return routed


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def safety_metrics(routed: list[Routed]) -> dict:
    """Recall and precision per class, false alarms (ordinary messages routed crisis or advice)
    overall and per subkind, recall per subkind, the confusion matrix, and what decided
    (rule or classifier)."""
    confusion = Counter((r.item.label, r.predicted) for r in routed)
    total = Counter(r.item.label for r in routed)
    predicted = Counter(r.predicted for r in routed)
    subkinds: dict[tuple[str, str], list[Routed]] = defaultdict(list)
    for r in routed:
        subkinds[r.item.label, r.item.subkind].append(r)
    none = [r for r in routed if r.item.label == "none"]
    return {
        "n": dict(total),
        "recall": {k: _share(confusion[k, k], total[k]) for k in LABELS},
        "precision": {k: _share(confusion[k, k], predicted[k]) for k in LABELS},
        "false_alarms": _share(sum(r.predicted != "none" for r in none), len(none)),
        "false_crisis": _share(sum(r.predicted == "crisis" for r in none), len(none)),
        "crisis_missed_as_none": _share(confusion["crisis", "none"], total["crisis"]),
        "confusion": {k: {p: confusion[k, p] for p in LABELS} for k in LABELS},
        "by_subkind": {
            f"{label}/{sub}": {
                "n": len(rs),
                **({"false_alarms": _share(sum(r.predicted != "none" for r in rs), len(rs))} if label == "none"
                   else {"recall": _share(sum(r.predicted == label for r in rs), len(rs))}),
            }
            for (label, sub), rs in sorted(subkinds.items())
        },
        "decided_by_rule": {k: sum(1 for r in routed if r.predicted == k and r.rule) for k in KINDS},
        "decided_by_classifier": {k: sum(1 for r in routed if r.predicted == k and not r.rule) for k in KINDS},
    }


def errors(routed: list[Routed]) -> list[dict]:
    """The items routed wrong, for reading."""
    rows = []
    for r in routed:
        if r.predicted != r.item.label:
            p = r.probabilities
            rows.append({
                "id": r.item.id, "label": r.item.label, "subkind": r.item.subkind, "predicted": r.predicted,
                "rule": r.rule, "p_crisis": None if p is None else round(float(p[:, 0].max()), 3),
                "p_advice": None if p is None else round(float(p[:, 1].max()), 3), "text": r.item.text,
            })
    return rows


def pr_curve(routed: list[Routed], kind: str, thresholds: np.ndarray, fixed: Thresholds) -> tuple[list[float], list[float]]:
    """Precision and recall of `kind` as its threshold sweeps `thresholds` (for crisis, the message
    and sentence thresholds together; the other class's kept at `fixed`), through the whole router."""
    precision, recall = [], []
    for t in thresholds:
        t = float(t)
        moved = replace(fixed, crisis=t, crisis_sentence=t) if kind == "crisis" else replace(fixed, advice=t)
        m = safety_metrics([r.with_thresholds(moved) for r in routed])
        precision.append(m["precision"][kind] or 0.0)
        recall.append(m["recall"][kind] or 0.0)
    return precision, recall


SWEEP = np.round(np.arange(0.02, 0.99, 0.02), 2)


def pr_chart(name: str, routed: list[Routed], thresholds: Thresholds):
    """Precision and recall of crisis and advice against their thresholds (the chosen one marked)."""
    series = {}
    for kind in KINDS:
        precision, recall = pr_curve(routed, kind, SWEEP, thresholds)
        series[f"{kind} precision"], series[f"{kind} recall"] = precision, recall
    return line_chart(
        f"Safety router on {name}: precision and recall by threshold",
        "classifier threshold (the other class at its chosen value)",
        "share",
        list(SWEEP),
        series,
    )


def metrics_rows(name: str, m: dict) -> list[list]:
    return [[name, m["n"].get(k, 0), m["recall"][k], m["precision"][k]] for k in LABELS] + [
        [name, m["n"].get("none", 0), "false alarms", m["false_alarms"]]
    ]


def summary_table(results: dict[str, dict]) -> str:
    """One row per evaluated set: crisis / advice recall and precision, false alarms."""
    rows = [
        [name, m["n"].get("crisis", 0), m["recall"]["crisis"], m["precision"]["crisis"], m["n"].get("advice", 0),
         m["recall"]["advice"], m["precision"]["advice"], m["n"].get("none", 0), m["false_alarms"], m["false_crisis"]]
        for name, m in results.items()
    ]
    return markdown_table(
        ["set", "crisis n", "crisis recall", "crisis precision", "advice n", "advice recall", "advice precision", "none n",
         "false alarms", "of them crisis"],
        rows,
    )


def confusion_table(m: dict) -> str:
    return markdown_table(["label \\ routed", *LABELS], [[k, *(m["confusion"][k][p] for p in LABELS)] for k in LABELS])


def subkind_table(m: dict) -> str:
    rows = []
    for key, v in m["by_subkind"].items():
        what = "false alarms" if "false_alarms" in v else "recall"
        rows.append([key, v["n"], what, v.get("false_alarms", v.get("recall"))])
    return markdown_table(["label/subkind", "n", "measure", "value"], rows)


def cross_source_table(cross: dict[str, dict]) -> str:
    """The cross-source check recorded by the trainer: each group of public sources left out of
    training, calibration and thresholds, then routed."""
    rows = [
        [group, m["n"].get("crisis", 0), m["recall"]["crisis"], m["n"].get("advice", 0), m["recall"]["advice"], m["n"].get("none", 0), m["false_alarms"]]
        for group, m in cross.items()
    ]
    return markdown_table(["held-out group", "crisis n", "crisis recall", "advice n", "advice recall", "none n", "false alarms"], rows)


def report(
    results: dict[str, tuple[list[Routed], dict]], thresholds: Thresholds, info: dict, about: dict, artefact: str
) -> tuple[dict, str, dict]:
    """(JSON data, Markdown, charts) for `python -m eval safety`; `results` maps a set's name to its
    routed items and metrics; `artefact` names the classifier file routed with."""
    metrics = {name: m for name, (_, m) in results.items()}
    data = {
        **info,
        "thresholds": {"crisis": thresholds.crisis, "crisis_sentence": thresholds.crisis_sentence, "advice": thresholds.advice,
                       "sentence_floor": thresholds.sentence_floor},
        "classifier": {"file": artefact, **about},
        "metrics": metrics,
        "errors": {name: errors(routed) for name, (routed, _) in results.items()},
    }
    sections = []
    for name, (routed, m) in results.items():
        wrong = errors(routed)
        sections.append(
            f"## {name}\n\n{confusion_table(m)}\n\nDecided by a rule: crisis {m['decided_by_rule']['crisis']}, "
            f"advice {m['decided_by_rule']['advice']}; by the classifier: crisis {m['decided_by_classifier']['crisis']}, "
            f"advice {m['decided_by_classifier']['advice']}.\n\n{subkind_table(m)}\n\n"
            f"Routed wrong ({len(wrong)}):\n\n"
            + markdown_table(
                ["id", "label", "subkind", "routed", "rule", "max p crisis", "max p advice", "text"],
                [[e["id"], e["label"], e["subkind"], e["predicted"], e["rule"], e["p_crisis"], e["p_advice"], e["text"][:140]] for e in wrong],
            )
        )
    markdown = f"""# Safety router evaluation

Command: `{info['command']}` ({info['created']}).
Classifier: `{artefact}`, thresholds crisis {fmt(thresholds.crisis)} (a lone sentence
{fmt(thresholds.crisis_sentence)}, when the whole message reaches {fmt(thresholds.sentence_floor)}), advice {fmt(thresholds.advice)}
(chosen on the dev split by `python -m eval train-router`); every message is routed as `Chatbot.ask` routes it
(rules and classifier, on the message and each of its sentences).

{summary_table(metrics)}

False alarms: ordinary messages (label none) routed crisis or advice. "qa questions" are the
questions of the QA sets (SQuAD 2.0 dev and eval/data/qa/), all ordinary, none of them ever
trained on: those routed crisis are plain false alarms; some routed advice are personal medicine
questions written for the pages ("How often a day should I take amoxicillin?"), rightly so.
"Typed casually": the same questions in lower case without their final punctuation, as visitors
often type them; labels as before.
""" + (f"""
Sources never seen (from `python -m eval train-router`: each group of public sources left out of
training, calibration and thresholds, then routed; the written examples stay in training):

{cross_source_table(cross)}
""" if (cross := (about.get("training") or {}).get("cross_source")) else "") + "\n" + "\n\n".join(sections)
    charts = {
        "safety-pr-" + re.sub(r"\W+", "-", name).strip("-"): pr_chart(name, routed, thresholds)
        for name, (routed, m) in results.items()
        if m["n"].get("crisis") and routed[0].probabilities is not None
    }
    return data, markdown, charts
