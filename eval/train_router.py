"""`python -m eval train-router`: fit the safety classifier and choose its thresholds, then write
the committed artefact `chatbot/models/router.json`. Deterministic: the same data and model give
the same file.

The procedure, on the split of `safety_data.py` (train 60 %, dev 20 %, test 20 %):
1. Features: each training message's embedding (the packaged model, as the engine computes it),
   the lexical indicators of `chatbot/safety_features.py`, and its similarity to the K nearest
   other training messages of each class (left out of its own neighbours). The training messages
   also include the ordinary sentences of multi-sentence messages (`sentence_examples`).
2. Fit a multinomial logistic regression (scikit-learn, lbfgs) on the train split, with classes
   weighted towards balance (CLASS_BALANCE) and the templated GenMedGPT advice messages
   down-weighted; the regularisation C and the embedding scale are those of C_GRID x
   EMBEDDING_SCALES with the lowest weighted log loss on dev.
3. Calibrate: one temperature for the logits, fitted on dev by log loss.
4. Thresholds, on dev, through the whole router (rules first, then the classifier on the message
   and on each sentence, as `Chatbot.ask` routes): the crisis threshold is the highest value of
   THRESHOLD_GRID whose dev crisis recall is at least CRISIS_TARGET (or, when none reaches it, the
   highest value with the best crisis recall); then, with it fixed, the advice threshold is the
   highest value whose dev advice recall is at least ADVICE_TARGET (same fallback). Taking the
   highest value that meets a target keeps false alarms as low as that recall allows: crisis
   recall first, then advice recall, then false alarms. The crisis setting has three parts (the
   whole message's threshold, a lone sentence's, and the floor the whole message's probability
   must reach for a sentence to count): see `choose_thresholds` and `Thresholds`.
5. Report dev and test (never used above) in the artefact and in eval/reports/safety.*.
6. Cross-source check (`cross_source`): steps 1-4 again with each group of public sources left
   out, then that group routed: how the procedure fares on sources it never saw, which is how the
   product is judged. The choices above (CRISIS_TARGET, the lexical indicators, the written
   examples) were compared by this check, never by the test split.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

import numpy as np

from chatbot.router import Router, router_speller
from chatbot.safety_classifier import CLASSES, SafetyClassifier, Thresholds
from chatbot.safety_features import Neighbours, features
from chatbot.spelling import Speller, word_counts

from .safety import Routed, embed, route_items, safety_metrics
from .safety_data import SOURCE_GROUPS, SafetyItem, counts, file_digests, load_safety_items

SEED = 0
WORDS_ABOUT = (
    "The words of the safety classifier's training messages (the train split of eval/safety_data.py), with their counts: "
    "a misspelt word of a message is read as the one of these it was meant to be (chatbot/router.py). "
    "Written by python -m eval train-router."
)
C_GRID = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0)
EMBEDDING_SCALES = (1.0, 0.5, 0.25)
THRESHOLD_GRID = tuple(float(t) for t in np.round(np.arange(0.05, 0.951, 0.025), 3))
# The whole message's crisis probability a sentence needs behind it to make the message a crisis
# (`Thresholds.sentence_floor`); 0 lets any sentence decide alone.
SENTENCE_FLOOR_GRID = (0.0, 0.01, 0.02, 0.05, 0.1, 0.2)
# Dev recall targets. Crisis 0.95 rather than 0.98: with each source group left out
# (`cross_source`), 0.98 caught one more of the 141 held-out crisis messages but sent more of the
# held-out ordinary messages to crisis: Reddit posts 18.3 % against 6.7 %, counselling questions
# 19.9 % against 15.0 %, safety prompts 2.1 % against 1.1 % (the last few dev crisis messages pull
# the threshold down to where most look-alikes lie).
CRISIS_TARGET, ADVICE_TARGET = 0.95, 0.90
# GenMedGPT-5k's 282 advice messages are one ChatGPT template ("What medication do I need?"):
# weighted down so they do not stand for every advice request.
SOURCE_WEIGHTS = {"genmedgpt5k": 0.25}
SENTENCE_WEIGHT = 0.5
# Class weights: (n / (3 n_label)) ** CLASS_BALANCE, so each label counts between as it comes (0)
# and fully balanced (1). 0.5 sent fewer dev messages to crisis at the same dev crisis recall than
# 0 or 1 (each tried with its own thresholds, by this same procedure).
CLASS_BALANCE = 0.5
# Neighbour features: the K most similar training messages of each class, weighted by SCALE
# against the embedding columns (chosen on dev among k 3, 10 and scale 5, 20).
K, SCALE = 10, 5.0


@dataclass(frozen=True)
class Training:
    classifier: SafetyClassifier
    dev: list[Routed]
    test: list[Routed]
    chosen: tuple[float, float]  # C, embedding scale
    dev_log_loss: dict[tuple[float, float], float]
    words: Counter  # of the training messages: what the router's speller corrects to


def training_words(train_items: list[SafetyItem]) -> Counter:
    """The words of the training messages, with their counts: a misspelt word of a message is
    read as the one of these it was meant to be (chatbot/router.py)."""
    return word_counts([i.text for i in train_items])


def sentence_examples(items: list[SafetyItem]) -> list[SafetyItem]:
    """Ordinary sentences from the multi-sentence messages of `items`, labelled none.

    The router also classifies each sentence of a message, and a lone sentence is not a lone
    message: "I'm on lithium." or "My sleep is awful." out of an advice request are short
    first-person statements, like most crisis disclosures. So the classifier also learns from the
    sentences of ordinary messages, and from the statements (no question mark, no rule firing) of
    advice requests, all as none. Sentences of crisis messages are left out: their label is unknown.
    """
    from chatbot.router import split_message
    from chatbot.safety_rules import match_rule

    found = []
    for item in items:
        if item.label == "crisis":
            continue
        sentences = split_message(item.text)
        if len(sentences) < 2:
            continue
        for n, sentence in enumerate(sentences):
            if match_rule(sentence) or (item.label == "advice" and "?" in sentence) or len(sentence.split()) < 3:
                continue
            found.append(SafetyItem(f"{item.id}#s{n}", sentence, "none", f"sentence_of_{item.label}", item.source))
    return found


def sample_weights(items: list[SafetyItem]) -> np.ndarray:
    """Partly class-balanced weights (CLASS_BALANCE), times SOURCE_WEIGHTS; a sentence example
    weighs SENTENCE_WEIGHT of a message."""
    raw = np.array([SOURCE_WEIGHTS.get(i.source, 1.0) * (SENTENCE_WEIGHT if "#s" in i.id else 1.0) for i in items])
    labels = np.array([i.label for i in items])
    weights = np.empty(len(items))
    for label in CLASSES:
        mask = labels == label
        weights[mask] = raw[mask] * (len(items) / (len(CLASSES) * raw[mask].sum())) ** CLASS_BALANCE
    return weights


def _log_loss(probabilities: np.ndarray, y: np.ndarray, weights: np.ndarray) -> float:
    picked = np.clip(probabilities[np.arange(len(y)), y], 1e-12, 1.0)
    return float(-(weights * np.log(picked)).sum() / weights.sum())


def fit_temperature(logits: np.ndarray, y: np.ndarray, weights: np.ndarray) -> float:
    """The temperature minimising the weighted log loss of softmax(logits / T)."""
    from scipy.optimize import minimize_scalar

    from chatbot.safety_classifier import softmax

    result = minimize_scalar(
        lambda t: _log_loss(softmax(logits / t), y, weights), bounds=(0.05, 20.0), method="bounded", options={"xatol": 1e-5}
    )
    return float(result.x)


def choose_thresholds(dev: list[Routed]) -> Thresholds:
    """Crisis first: among the (message, sentence, sentence floor) crisis settings of the grids whose
    dev crisis recall reaches CRISIS_TARGET, the one that sends the fewest other messages to crisis
    (ties: the higher thresholds and floor); if none reaches the target, the best crisis recall
    comes first. Then advice, with the crisis setting fixed: the highest threshold whose dev advice
    recall reaches ADVICE_TARGET (else the best advice recall), which sends the fewest messages to
    advice."""
    # The crisis decision does not depend on the advice threshold, and is `combine`'s: a crisis
    # rule on any text, else the message's probability, else a sentence's above the floor. Scored
    # for every setting at once from each message's three numbers.
    is_crisis = np.array([r.item.label == "crisis" for r in dev])
    by_rule = np.array([any(m is not None and m.kind.value == "crisis" for m in r.rules) for r in dev])
    message = np.array([r.probabilities[0, 0] for r in dev])
    sentence = np.array([r.probabilities[1:, 0].max() if len(r.texts) > 1 else -1.0 for r in dev])
    scored = {}
    for floor in SENTENCE_FLOOR_GRID:
        for c in THRESHOLD_GRID:
            for s in THRESHOLD_GRID:
                routed = by_rule | (message >= c) | ((message >= floor) & (sentence >= s))
                recall = float((routed & is_crisis).sum() / max(is_crisis.sum(), 1))
                scored[c, s, floor] = (min(round(recall, 6), CRISIS_TARGET), -int((routed & ~is_crisis).sum()), c, s, floor)
    crisis, sentence_bar, floor = max(scored, key=scored.get)
    best = None
    for advice in THRESHOLD_GRID:
        m = safety_metrics([r.with_thresholds(Thresholds(crisis, advice, sentence_bar, floor)) for r in dev])
        key = (min(m["recall"]["advice"] or 0.0, ADVICE_TARGET), advice)
        best = max(best or key, key)
    return Thresholds(crisis, best[1], sentence_bar, floor)


def _fit(
    embedder, train_items: list[SafetyItem], dev_items: list[SafetyItem], grid: list[tuple[float, float]], speller: Speller, progress
) -> tuple[SafetyClassifier, list[Routed], tuple[float, float], dict[tuple[float, float], float]]:
    """Steps 1-4 on the given train and dev items: the classifier of the (C, embedding scale) of
    `grid` with the lowest dev log loss, its temperature and its thresholds, with the dev items
    routed by it and `speller` (the router's, of the train items' words: router_speller(training_words(...)))."""
    from sklearn.linear_model import LogisticRegression

    index = {label: n for n, label in enumerate(CLASSES)}
    fitted = {"train": train_items + sentence_examples(train_items), "dev": dev_items}
    vectors = {name: embed([i.text for i in chosen], embedder) for name, chosen in fitted.items()}
    labels = {name: np.array([index[i.label] for i in chosen]) for name, chosen in fitted.items()}
    # As served: the neighbour vectors are stored as float16.
    neighbours = Neighbours(vectors["train"].astype(np.float16).astype(np.float32), labels["train"], K, SCALE)
    losses, models, data = {}, {}, {}
    for scale in sorted({scale for _, scale in grid}, reverse=True):
        for name, chosen_items in fitted.items():
            x = features([i.text for i in chosen_items], vectors[name], neighbours, scale, leave_out_self=name == "train")
            data[name] = (x, labels[name], sample_weights(chosen_items))
        x_train, y_train, w_train = data["train"]
        x_dev, y_dev, w_dev = data["dev"]
        for c in sorted(c for c, s in grid if s == scale):
            # A tight tolerance: the optimum, not wherever lbfgs stopped, so that reruns agree.
            model = LogisticRegression(C=c, max_iter=20000, tol=1e-8, random_state=SEED)
            model.fit(x_train, y_train, sample_weight=w_train)
            if list(model.classes_) != list(range(len(CLASSES))):
                raise ValueError(f"the training split lacks a class: it has {model.classes_}")
            losses[c, scale] = round(_log_loss(model.predict_proba(x_dev), y_dev, w_dev), 6)
            models[c, scale] = (model, x_dev, y_dev, w_dev)
            progress(f"C={c}, embedding scale {scale}: dev log loss {losses[c, scale]:.4f}")
    chosen = min(losses, key=lambda key: (losses[key], key))
    model, x_dev, y_dev, w_dev = models[chosen]
    temperature = fit_temperature(model.decision_function(x_dev), y_dev, w_dev)
    classifier = SafetyClassifier(
        weights=model.coef_.astype(np.float32),
        bias=model.intercept_.astype(np.float32),
        temperature=temperature,
        thresholds=Thresholds(0.5, 0.5),
        model_name=embedder.info.name,
        model_fingerprint=embedder.info.fingerprint,
        dimension=vectors["train"].shape[1],
        neighbours=neighbours,
        embedding_scale=chosen[1],
    )
    # Round-trip through the artefact's rounding, so the thresholds are chosen for the numbers served.
    classifier = classifier.rounded()
    dev = route_items(Router(classifier, speller), dev_items, embedder)
    thresholds = choose_thresholds(dev)
    return replace(classifier, thresholds=thresholds), [r.with_thresholds(thresholds) for r in dev], chosen, losses


def cross_source(embedder, items: list[SafetyItem], chosen: tuple[float, float], progress=lambda message: None) -> dict[str, dict]:
    """How the whole procedure carries over to sources it never saw, as the evaluation on unseen
    public messages will ask of it: for each group of SOURCE_GROUPS, fit (with the chosen C and
    embedding scale), calibrate and choose thresholds without that group's items, then route all of
    them. The test split plays no part; the written examples stay in training."""
    found = {}
    for group, sources in SOURCE_GROUPS.items():
        train_items = [i for i in items if i.split == "train" and i.source not in sources]
        dev_items = [i for i in items if i.split == "dev" and i.source not in sources]
        held = [i for i in items if i.source in sources]
        speller = router_speller(training_words(train_items))
        classifier, _, _, _ = _fit(embedder, train_items, dev_items, [chosen], speller, lambda message: None)
        routed = [r.with_thresholds(classifier.thresholds) for r in route_items(Router(classifier, speller), held, embedder)]
        found[group] = {**_headline(safety_metrics(routed)), "sources": sorted(sources)}
        progress(f"cross-source, {group} held out: {_brief(found[group])}")
    return found


def _brief(m: dict) -> str:
    parts = [f"{k} recall {m['recall'][k]:.3f}" for k in ("crisis", "advice") if m["recall"][k] is not None]
    return ", ".join([*parts, f"false alarms {m['false_alarms']:.3f}"])


def train(embedder, items: list[SafetyItem] | None = None, progress=lambda message: None) -> Training:
    """Fit, calibrate and choose thresholds (see the module docstring); nothing is written."""
    import sklearn

    items = items if items is not None else load_safety_items()
    split = {s: [i for i in items if i.split == s] for s in ("train", "dev", "test")}
    progress(f"embedding {len(items):,} messages (cached after the first run)…")
    grid = [(c, scale) for scale in EMBEDDING_SCALES for c in C_GRID]
    words = training_words(split["train"])
    speller = router_speller(words)
    classifier, dev, chosen, losses = _fit(embedder, split["train"], split["dev"], grid, speller, progress)
    thresholds = classifier.thresholds
    progress(f"chose C={chosen[0]}, embedding scale {chosen[1]}; temperature {classifier.temperature:.3f}")
    progress(f"thresholds on dev: crisis {thresholds.crisis} (sentences {thresholds.crisis_sentence}), advice {thresholds.advice}")
    test = [r.with_thresholds(thresholds) for r in route_items(Router(classifier, speller), split["test"], embedder)]
    metrics = {"dev": _headline(safety_metrics(dev)), "test": _headline(safety_metrics(test))}
    about = {
        "training": {
            "command": "python -m eval train-router",
            "data": file_digests(),
            "counts": counts(items),
            "sources": dict(sorted(Counter(i.source for i in items).items())),
            "split": "sha256 of the item id: test < 0.2, dev < 0.4, else train (eval/safety_data.py)",
            "estimator": f"sklearn.linear_model.LogisticRegression(lbfgs, multinomial) scikit-learn {sklearn.__version__}",
            "seed": SEED,
            "c_grid": list(C_GRID),
            "embedding_scales": list(EMBEDDING_SCALES),
            "dev_log_loss": {f"C={c} scale={scale}": v for (c, scale), v in losses.items()},
            "C": chosen[0],
            "embedding_scale": chosen[1],
            "sample_weights": f"(n / (3 n_label)) ** {CLASS_BALANCE}, times {SOURCE_WEIGHTS}; sentence examples x{SENTENCE_WEIGHT}",
            "neighbours": f"{len(classifier.neighbours.labels)} training vectors (messages and sentence examples), k={K}, scale={SCALE}",
            "calibration": "temperature on the logits, fitted on dev by log loss",
            "thresholds": f"on dev through the whole router (eval/train_router.py choose_thresholds): crisis recall >= {CRISIS_TARGET} with the fewest other messages sent to crisis (message and sentence thresholds, sentence floor among {list(SENTENCE_FLOOR_GRID)}), then advice recall >= {ADVICE_TARGET} with the highest threshold; grid {THRESHOLD_GRID[0]}..{THRESHOLD_GRID[-1]} step 0.025",
        },
        "metrics": metrics,
    }
    about["training"]["cross_source"] = cross_source(embedder, items, chosen, progress)
    classifier = replace(classifier, about=about)
    return Training(classifier, dev, test, chosen, losses, words)


def _headline(m: dict) -> dict:
    return {
        "n": m["n"],
        "recall": m["recall"],
        "precision": m["precision"],
        "false_alarms": m["false_alarms"],
        "confusion": m["confusion"],
    }
