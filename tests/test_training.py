"""The ranker and abstention trainer's pure parts, without a model: merging an ensemble, leaving
paragraphs out for in-domain unanswerable questions, choosing the abstention threshold."""

from __future__ import annotations

import hashlib

import numpy as np

from chatbot.learned import Classifier
from eval.qa_data import QAItem
from eval.train_ranker import averaged_mlps, choose_threshold
from eval.training_data import holdout
from indexer import Document


def _mlp(rng: np.random.Generator, inputs: int, hidden: int):
    return ((rng.normal(size=(inputs, hidden)), rng.normal(size=hidden)), (rng.normal(size=(hidden, 1)), rng.normal(size=1)))


def test_an_averaged_ensemble_scores_the_mean_of_its_members():
    rng = np.random.default_rng(0)
    members = [_mlp(rng, 4, 3) for _ in range(3)]
    X = rng.normal(size=(7, 4))
    features, mean, scale = ("a", "b", "c", "d"), np.zeros(4), np.ones(4)
    alone = [Classifier("m", features, mean, scale, layers).logits(X) for layers in members]
    merged = Classifier("m", features, mean, scale, averaged_mlps(members))
    assert np.allclose(merged.logits(X), np.mean(alone, axis=0))
    assert merged.layers[0][0].shape == (4, 9)


def _document(name: str, paragraphs: list[str]) -> Document:
    text = "\n\n".join(paragraphs)
    return Document(name, text, hashlib.sha256(text.encode()).hexdigest())


def test_holdout_leaves_out_whole_paragraphs_and_keeps_the_questions_they_answered():
    paragraphs = [f"Paragraph {n} says that fact {n} holds." for n in range(40)]
    document = _document("a.txt", paragraphs)
    text = document.text
    items = []
    for n in range(len(paragraphs)):
        start = text.index(f"fact {n} ")
        items.append(QAItem(f"q{n}", f"Which fact does paragraph {n} give?", "answerable", ("a.txt",), (f"fact {n}",),
                            (("a.txt", start, start + len(f"fact {n}")),)))
    items.append(QAItem("u", "Unanswerable?", "unanswerable"))
    (kept,), missing = holdout([document], items)
    left = [p for p in paragraphs if p not in kept.text.split("\n\n")]
    assert 0 < len(left) < len(paragraphs)  # about one in four
    assert kept.text.split("\n\n") == [p for p in paragraphs if p not in left]
    assert {m.id for m in missing} == {f"q{paragraphs.index(p)}" for p in left}
    assert all(m.spans == () and m.answers for m in missing)  # offsets no longer hold; the words still count
    assert kept.sha256 == hashlib.sha256(kept.text.encode()).hexdigest()


def test_the_abstention_threshold_keeps_false_abstention_within_bounds_on_every_answerable_group():
    probabilities = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.05, 0.1, 0.2, 0.95, 0.4])
    kinds = ["answerable"] * 5 + ["absent"] * 3 + ["gold answerable"] * 2
    threshold, rates = choose_threshold(probabilities, kinds)
    # one gold answerable question (0.4) of two would be refused by any threshold above 0.4
    assert threshold <= 0.4 and rates["absent_refused"] > 0
    assert rates["answerable_refused"] == 0 and rates["gold_answerable_refused"] == 0


def test_a_tree_ensemble_scores_as_scikit_learn_does_and_round_trips(tmp_path):
    from sklearn.ensemble import HistGradientBoostingClassifier

    from chatbot.learned import TreeEnsemble, load_model

    rng = np.random.default_rng(1)
    X = rng.normal(size=(400, 3))
    y = X[:, 0] + 0.5 * X[:, 1] ** 2 > 0.3
    fitted = HistGradientBoostingClassifier(max_iter=20, max_depth=4, random_state=0).fit(X, y)
    trees = TreeEnsemble.from_sklearn("ranker", ("a", "b", "c"), fitted, {"embedding_model": {"fingerprint": "f"}})
    Z = rng.normal(size=(50, 3)) * 3  # beyond the training range too
    assert np.allclose(trees.logits(Z), fitted.decision_function(Z))
    trees.save(tmp_path)
    loaded = load_model("ranker", tmp_path)
    assert isinstance(loaded, TreeEnsemble) and np.allclose(loaded.logits(Z), trees.logits(Z))
    assert loaded.meta == {"embedding_model": {"fingerprint": "f"}}


def test_trees_never_extrapolate_past_what_training_saw():
    from sklearn.ensemble import HistGradientBoostingClassifier

    from chatbot.learned import TreeEnsemble

    rng = np.random.default_rng(2)
    X = rng.uniform(0, 1, size=(300, 1))
    fitted = HistGradientBoostingClassifier(max_iter=10, random_state=0).fit(X, X[:, 0] > 0.5)
    trees = TreeEnsemble.from_sklearn("m", ("x",), fitted, {})
    far = trees.logits(np.array([[1.0], [50.0], [1e6]]))
    assert far[0] == far[1] == far[2]
