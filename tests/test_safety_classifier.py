"""The classifier's decision logic and artefact, without the embedding model: thresholds, how the
texts of a message combine with the rules, loading, and the refusals."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from chatbot.answers import RouteKind
from chatbot.router import Router, combine, split_message
from chatbot.safety_classifier import CLASSES, SafetyClassifier, SafetyModelError, Thresholds, pick, softmax
from chatbot.safety_features import LEXICAL, NEIGHBOUR_FEATURES, Neighbours, lexical_features, neighbour_features
from chatbot.safety_rules import RuleMatch

CRISIS, ADVICE = RouteKind.CRISIS, RouteKind.ADVICE


def probs(*rows):
    return np.array(rows, dtype=np.float64)


def test_thresholds_are_checked():
    assert Thresholds(0.5, 0.6).crisis_sentence == 0.5
    for bad in (0.0, -0.1, 1.5, "0.5", None):
        with pytest.raises(ValueError, match="threshold"):
            Thresholds(bad, 0.5)


def test_pick_crisis_first_then_advice_then_ordinary():
    t = Thresholds(crisis=0.5, advice=0.6, crisis_sentence=0.8)
    assert pick(probs([0.55, 0.44, 0.01]), t) == pick(probs([0.55, 0.44, 0.01]), t)
    verdict = pick(probs([0.55, 0.9, 0.0]), t)
    assert (verdict.kind, verdict.text, verdict.probability) == (CRISIS, 0, 0.55)  # crisis wins over advice
    assert pick(probs([0.2, 0.7, 0.1]), t).kind == ADVICE
    ordinary = pick(probs([0.2, 0.1, 0.7], [0.3, 0.1, 0.6]), t)
    assert ordinary.kind is None and ordinary.probability == 0.6  # the least ordinary text


def test_a_sentence_needs_the_sentence_threshold():
    t = Thresholds(crisis=0.5, advice=0.9, crisis_sentence=0.8)
    assert pick(probs([0.1, 0.0, 0.9], [0.7, 0.0, 0.3]), t).kind is None  # 0.7 < 0.8 for a sentence
    verdict = pick(probs([0.1, 0.0, 0.9], [0.7, 0.0, 0.3], [0.85, 0.0, 0.15]), t)
    assert (verdict.kind, verdict.text) == (CRISIS, 2)
    assert pick(probs([0.1, 0.95, 0.0], [0.0, 0.1, 0.9]), t).kind == ADVICE  # advice: any text


def test_a_sentence_needs_the_message_behind_it_when_there_is_a_floor():
    t = Thresholds(crisis=0.5, advice=0.9, crisis_sentence=0.8, sentence_floor=0.05)
    # The whole post reads as ordinary (0.01 < 0.05): a lone sentence at 0.9 does not decide.
    assert pick(probs([0.01, 0.0, 0.99], [0.9, 0.0, 0.1]), t).kind is None
    verdict = pick(probs([0.06, 0.0, 0.94], [0.9, 0.0, 0.1]), t)
    assert (verdict.kind, verdict.text) == (CRISIS, 1)
    assert pick(probs([0.6, 0.0, 0.4]), t).kind == CRISIS  # the message itself needs no floor
    assert pick(probs([0.01, 0.0, 0.99], [0.0, 0.95, 0.05]), t).kind == ADVICE  # the floor is for crisis only
    for bad in (-0.1, 1.0, "0"):
        with pytest.raises(ValueError, match="sentence_floor"):
            Thresholds(0.5, 0.5, sentence_floor=bad)


def test_rules_and_classifier_combine_crisis_first():
    t = Thresholds(0.5, 0.5)
    advice_rule, crisis_rule = RuleMatch(ADVICE, "stop or taper"), RuleMatch(CRISIS, "want to die")
    # An advice rule does not hide the classifier's crisis.
    route, decided = combine([advice_rule, None], probs([0.1, 0.8, 0.1], [0.9, 0.0, 0.1]), t)
    assert (route.kind, route.rule, route.probability, decided) == (CRISIS, None, 0.9, 1)
    # A crisis rule decides, with the classifier's probability for that text beside it.
    route, decided = combine([None, crisis_rule], probs([0.1, 0.8, 0.1], [0.3, 0.0, 0.7]), t)
    assert (route.kind, route.rule, route.probability, decided) == (CRISIS, "want to die", 0.3, 1)
    route, _ = combine([advice_rule], probs([0.1, 0.2, 0.7]), t)
    assert (route.kind, route.rule) == (ADVICE, "stop or taper")
    route, decided = combine([None], probs([0.1, 0.2, 0.7]), t)
    assert (route.kind, route.rule, route.probability, decided) == (None, None, 0.7, None)
    assert combine([None], None, None)[0].to_dict() == {"kind": None, "rule": None, "probability": None}


def test_a_one_sentence_question_about_cutting_a_medicine_is_no_crisis():
    t = Thresholds(0.5, 0.5, crisis_sentence=0.5, sentence_floor=0.2)
    splitting = RuleMatch(ADVICE, "splitting a medicine")
    route, decided = combine([splitting], probs([0.94, 0.05, 0.01]), t)  # "can i cut my pills in half"
    assert (route.kind, route.rule, decided) == (ADVICE, "splitting a medicine", 0)
    # "Everything is pointless. Can I crush my pills?": in a longer message every sentence counts.
    route, decided = combine([splitting, None, splitting], probs([0.3, 0.6, 0.1], [0.1, 0.0, 0.9], [0.8, 0.1, 0.1]), t)
    assert (route.kind, decided) == (CRISIS, 2)


def test_a_question_about_the_world_is_no_crisis_by_the_classifier():
    t = Thresholds(0.5, 0.5, crisis_sentence=0.5, sentence_floor=0.2)
    route, decided = combine([None], probs([0.99, 0.0, 0.01]), t, [True])  # "Which bridge has the best views?"
    assert (route.kind, route.rule, decided) == (None, "question about the world", 0)  # the guard decided, and says so
    route, decided = combine([None], probs([0.1, 0.0, 0.9]), t, [True])  # nothing to set aside: no rule named
    assert (route.kind, route.rule, decided) == (None, None, None)
    # Only the classifier's crisis is set aside: a rule still fires.
    route, _ = combine([RuleMatch(CRISIS, "method to die")], probs([0.99, 0.0, 0.01]), t, [True])
    assert (route.kind, route.rule, route.probability) == (CRISIS, "method to die", 0.99)  # the classifier's own reading
    # In a longer message every sentence counts: "relapsed after 2 years. did it twice tonight."
    route, decided = combine([None, None, None], probs([0.6, 0.0, 0.4], [0.1, 0.0, 0.9], [0.9, 0.0, 0.1]), t, [False, False, True])
    assert (route.kind, decided) == (CRISIS, 2)


def test_router_without_a_classifier_uses_the_rules():
    router = Router()
    assert router.decide(router.texts("I want to kill myself")).rule == "kill myself"
    assert router.decide(router.texts("Is fibromyalgia genetic?")).kind is None


def test_messages_are_split_only_when_they_hold_several_sentences():
    assert split_message("How much ketamine should I take?") == ["How much ketamine should I take?"]
    assert split_message("What is fibro fog...") == ["What is fibro fog..."]
    assert split_message("I take Lyrica. Can I stop it?") == ["I take Lyrica.", "Can I stop it?"]
    assert Router().texts("I take Lyrica. Can I stop it?") == ["I take Lyrica. Can I stop it?", "I take Lyrica.", "Can I stop it?"]
    assert Router().texts("Dr. Smith said so") == ["Dr. Smith said so"]


def test_features_and_softmax():
    assert lexical_features("My hips are killing me lol").tolist()[LEXICAL.index("hyperbole")] == 1.0
    assert lexical_features("My husband says he wants to die").tolist()[LEXICAL.index("someone_else")] == 1.0
    assert lexical_features("I used to cut when I was a teenager").tolist()[LEXICAL.index("past")] == 1.0
    assert lexical_features("I'm not suicidal, just exhausted").tolist()[LEXICAL.index("denies_intent")] == 1.0
    assert lexical_features("I want to die").tolist()[LEXICAL.index("denies_intent")] == 0.0
    assert lexical_features("I've never tried or contemplated suicide.").tolist()[LEXICAL.index("denies_intent")] == 1.0
    assert lexical_features("I'd never act on it, I'm safe").tolist()[LEXICAL.index("denies_intent")] == 1.0
    assert lexical_features("I used to cut but stopped.").tolist()[LEXICAL.index("past")] == 1.0
    assert lexical_features("I haven't self-harmed in three years").tolist()[LEXICAL.index("past")] == 1.0
    assert lexical_features("I've been cutting again").tolist()[LEXICAL.index("past")] == 0.0
    p = softmax(np.array([[0.0, 1.0, 2.0], [1000.0, 0.0, 0.0]]))
    assert np.allclose(p.sum(axis=1), 1) and p[1, 0] == pytest.approx(1.0)
    reference = Neighbours(np.eye(3, dtype=np.float32), np.array([0, 1, 2]), k=1, scale=1.0)
    near = neighbour_features(np.array([[1.0, 0, 0]], np.float32), reference)
    assert near.tolist() == [[1.0, 0.0, 1.0, 0.0]]  # closer to crisis than to none by 1
    left_out = neighbour_features(reference.vectors, reference, leave_out_self=True)
    assert left_out[0, 0] == -1.0  # its own entry does not count: -1 (crisis) - 0 (none)


def test_leaving_out_self_skips_exactly_each_rows_own_entry_whatever_the_label_order():
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(9, 4)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)  # normalised, as embeddings are
    labels = np.array([2, 0, 1, 2, 0, 1, 2, 0, 1])
    neighbours = Neighbours(vectors, labels, k=2, scale=1.0)
    left_out = neighbour_features(vectors, neighbours, leave_out_self=True)
    for row in range(len(vectors)):  # each row against the others only, as an unseen text would be
        others = Neighbours(np.delete(vectors, row, axis=0), np.delete(labels, row), k=2, scale=1.0)
        assert np.allclose(left_out[row], neighbour_features(vectors[row], others)[0], atol=1e-6)


def tiny_classifier(**changes) -> SafetyClassifier:
    rng = np.random.default_rng(0)
    dimension = 4
    width = dimension + len(LEXICAL) + len(NEIGHBOUR_FEATURES)
    neighbours = Neighbours(np.eye(dimension, dtype=np.float32)[:3], np.array([0, 1, 2]), k=1, scale=2.0)
    made = SafetyClassifier(
        weights=rng.normal(size=(len(CLASSES), width)).astype(np.float32),
        bias=np.zeros(len(CLASSES), np.float32),
        temperature=1.5,
        thresholds=Thresholds(0.4, 0.7, 0.6, 0.05),
        model_name="tiny",
        model_fingerprint="f00d",
        dimension=dimension,
        neighbours=neighbours,
    )
    return replace(made, **changes)


def test_artefact_round_trip_is_exact_and_deterministic(tmp_path):
    classifier = tiny_classifier()
    first = classifier.save(tmp_path / "router.json")
    loaded = SafetyClassifier.load(tmp_path / "router.json")
    vectors = np.eye(4, dtype=np.float32)
    texts = ["a", "b", "c", "d"]
    assert np.allclose(loaded.probabilities(texts, vectors), classifier.rounded().probabilities(texts, vectors))
    assert loaded.thresholds == Thresholds(0.4, 0.7, 0.6, 0.05)
    before = [p.read_bytes() for p in first]
    loaded.save(tmp_path / "router.json")
    assert [p.read_bytes() for p in first] == before


def test_model_mismatch_is_refused(tmp_path):
    classifier = tiny_classifier()
    classifier.check_model("f00d")
    with pytest.raises(SafetyModelError, match=r"trained on embeddings of tiny \(f00d\).*other-model \(beef\).*train-router"):
        classifier.check_model("beef", "other-model")
    classifier.save(tmp_path / "router.json")
    with pytest.raises(SafetyModelError, match="trained on embeddings of tiny"):
        Router.load("beef", "other-model", path=tmp_path / "router.json")


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda d: d.pop("weights"), "lacks weights"),
        (lambda d: d.update(format=99), "format is 99"),
        (lambda d: d.update(lexical_features=["x"]), "lexical features"),
        (lambda d: d["neighbours"].update(sha256="0" * 64), "does not belong"),
        (lambda d: d["thresholds"].update(crisis=2), "threshold"),
        (lambda d: d["neighbours"].update(k=5), "fewer than k"),
    ],
)
def test_damaged_artefacts_are_refused_with_a_clear_message(tmp_path, damage, message):
    path = tmp_path / "router.json"
    tiny_classifier().save(path)
    data = json.loads(path.read_text())
    damage(data)
    path.write_text(json.dumps(data))
    with pytest.raises(SafetyModelError, match=message):
        SafetyClassifier.load(path)


def test_a_missing_artefact_says_how_to_make_it(tmp_path):
    with pytest.raises(SafetyModelError, match="missing; train it with python -m eval train-router"):
        SafetyClassifier.load(tmp_path / "nothing.json")
