"""The safety router: decides, before anything is retrieved, whether a message is a crisis, a
request for personal medical advice, or an ordinary question, and says why.

A message is judged whole and sentence by sentence (any sentence can make it a crisis): the rules
(`safety_rules.py`) first, for their precision and readable names, then the trained classifier
(`safety_classifier.py`) on the texts' embeddings. A misspelt word is first read as the word of the
classifier's training messages it was meant to be ("i feel suicidel": `router-words.json`, beside
the classifier; see `spelling.py`). The engine encodes every text the router asks for together with
the search query, in one call, and hands the router those vectors: the router never encodes
anything itself.

>>> router = Router.load()
>>> texts = router.texts("How much ketamine should I take?")
>>> router.decide(texts, encoder.encode(texts))
Route(kind=<RouteKind.ADVICE: 'advice'>, rule='personal dose', probability=0.97)
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from indexer.storage import replace_file

from .answers import Route, RouteKind
from .safety_classifier import DEFAULT_PATH, SafetyClassifier, Thresholds, pick
from .safety_rules import (
    IMPERSONAL,
    SPLITTING,
    RuleMatch,
    impersonal_question,
    match_rule,
    names_medicine,
    standard_forms,
)
from .spelling import Speller

WORDS_SUFFIX = "-words.json"  # beside the classifier's JSON: the words of its training messages

# pysbd costs ~0.2-0.4 ms a call; a message without a sentence end followed by more text is one
# sentence, and most questions are.
_MAYBE_SEVERAL = re.compile(r"[.!?…;]\s*\S")


def split_message(message: str) -> list[str]:
    """The message's sentences (pysbd, as the indexer splits the corpus), or [message] when it has one."""
    if not _MAYBE_SEVERAL.search(message.rstrip(".!?… ")):
        return [message]
    from indexer.sentences import split_sentences

    sentences = [message[s.start : s.end] for s in split_sentences(message, 0, len(message))]
    return sentences if len(sentences) > 1 else [message]


@dataclass(frozen=True)
class TextVerdict:
    """One text of a message: the rule that fired on it, and the classifier's probabilities."""

    text: str
    rule: RuleMatch | None
    probabilities: dict[str, float] | None  # class -> probability; None without a classifier
    impersonal: bool = False  # a question about the world (safety_rules.impersonal_question)


@dataclass(frozen=True)
class Assessment:
    """The router's decision with what led to it, text by text (row 0 the whole message)."""

    route: Route
    texts: tuple[TextVerdict, ...]
    decided_by: int | None  # the text that decided a crisis or advice route

    def to_dict(self) -> dict:
        return {
            "route": self.route.to_dict(),
            "decided_by": self.decided_by,
            "texts": [
                {
                    "text": t.text,
                    "rule": {"kind": t.rule.kind.value, "name": t.rule.rule} if t.rule else None,
                    "probabilities": {k: round(v, 4) for k, v in t.probabilities.items()} if t.probabilities else None,
                    "impersonal": t.impersonal,
                }
                for t in self.texts
            ],
        }


class Router:
    """Rules, then the classifier when one is given (`Router.load()` gives the committed one)."""

    def __init__(self, classifier: SafetyClassifier | None = None, speller: Speller | None = None):
        self.classifier = classifier
        self.speller = speller

    @classmethod
    def load(cls, model_fingerprint: str | None = None, model_name: str | None = None, path: Path | None = None) -> Router:
        """The router with the committed classifier, refused (SafetyModelError) when it was trained
        on another embedding model than `model_fingerprint` (the index's), and the speller of its
        training messages' words when the classifier has them beside it."""
        classifier = SafetyClassifier.load(path)
        classifier.check_model(model_fingerprint, model_name)
        words = words_path(path or DEFAULT_PATH)
        return cls(classifier, router_speller(load_words(words)) if words.exists() else None)

    def texts(self, message: str) -> list[str]:
        """The texts whose vectors the decision needs: the message (chat forms written out, its
        misspelt words corrected), then each of its sentences when it has several."""
        message = standard_forms(message)
        if self.speller is not None:
            message = self.speller.correct(message)
        sentences = split_message(message)
        return [message] if sentences == [message] else [message, *sentences]

    def assess(self, texts: list[str], vectors: np.ndarray | None = None) -> Assessment:
        """The decision for a message with its reasons, given `texts(message)` and their vectors
        (row i = texts[i])."""
        rules = [match_rule(t) for t in texts]
        impersonal = [impersonal_question(t) for t in texts]
        probabilities = None
        if self.classifier is not None:
            if vectors is None or len(vectors) != len(texts):
                raise ValueError(f"the router needs one vector per text: {len(texts)} texts, {0 if vectors is None else len(vectors)} vectors")
            probabilities = self.classifier.probabilities(texts, vectors)
        verdicts = tuple(
            TextVerdict(t, r, None if p is None else dict(zip(("crisis", "advice", "none"), map(float, p), strict=True)), i)
            for t, r, p, i in zip(texts, rules, probabilities if probabilities is not None else [None] * len(texts), impersonal, strict=True)
        )
        thresholds = self.classifier.thresholds if self.classifier is not None else None
        route, decided_by = combine(rules, probabilities, thresholds, impersonal)
        return Assessment(route, verdicts, decided_by)

    def decide(self, texts: list[str], vectors: np.ndarray | None = None) -> Route:
        """The decision for a message, given `texts(message)` and their vectors (row i = texts[i])."""
        return self.assess(texts, vectors).route


def words_path(classifier_path: Path) -> Path:
    return classifier_path.with_name(classifier_path.stem + WORDS_SUFFIX)


def load_words(path: Path) -> Counter:
    """The words (with their counts) a router's speller corrects to, as `save_words` wrote them."""
    return Counter(json.loads(path.read_text(encoding="utf-8"))["words"])


def save_words(words: Counter, path: Path, about: str) -> Path:
    """Write the words of the classifier's training messages beside it (sorted: the same data
    gives the same bytes)."""
    data = {"about": about, "words": dict(sorted(words.items()))}
    replace_file(path, lambda p: p.write_text(json.dumps(data, indent=0, ensure_ascii=False) + "\n", encoding="utf-8"))
    return path


def router_speller(words: Counter) -> Speller:
    """Corrects a message's words to `words`; a medicine's name ("prednisolone") is never a typo."""
    return Speller.of_words(words, names_medicine)


def combine(
    rules: list[RuleMatch | None],
    probabilities: np.ndarray | None,
    thresholds: Thresholds | None,
    impersonal: list[bool] | None = None,
) -> tuple[Route, int | None]:
    """The route from each text's rule match and class probabilities (rows = texts), and the text
    that decided it. A crisis rule, then the classifier's crisis, then an advice rule, then the
    classifier's advice: so a crisis is never hidden behind an advice rule, but for a one-sentence
    message asking how to cut or crush a medicine (SPLITTING) or asking about the world
    (`impersonal`, per text: `safety_rules.impersonal_question`), both of which the classifier reads
    as crises from their topic alone. In a longer message every sentence still counts, these too: a
    sentence takes its meaning from the others ("relapsed after 2 years. did it twice tonight.").
    An ordinary route the question-about-the-world guard decided names it (IMPERSONAL) as its rule."""
    read = probabilities  # the classifier's own probabilities: those reported with the route
    one_sentence = probabilities is not None and len(rules) == 1
    if one_sentence and ((rules[0] is not None and rules[0].rule == SPLITTING) or (impersonal and impersonal[0])):
        probabilities = np.array(probabilities, dtype=np.float64)
        probabilities[0, 0] = 0.0
    verdict = pick(probabilities, thresholds) if probabilities is not None else None
    for kind, column in ((RouteKind.CRISIS, 0), (RouteKind.ADVICE, 1)):
        matched = [i for i, r in enumerate(rules) if r is not None and r.kind == kind]
        # Point at the sentence that fired rather than the whole message, when both did.
        fired = (matched[1] if len(matched) > 1 and matched[0] == 0 else matched[0]) if matched else None
        if fired is not None:
            p = None if read is None else float(read[fired, column])
            return Route(kind, rules[fired].rule, p), fired
        if verdict is not None and verdict.kind == kind:
            return Route(kind, None, verdict.probability), verdict.text
    if probabilities is not read and pick(read, thresholds).kind == RouteKind.CRISIS:
        return Route(None, IMPERSONAL, verdict.probability), 0  # the classifier alone would have said crisis
    return Route(None, None, None if verdict is None else verdict.probability), None
