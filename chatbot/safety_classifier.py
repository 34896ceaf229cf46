"""The trained safety classifier, applied with numpy: a multinomial logistic regression over
`safety_features.features` (sentence embedding + lexical indicators), temperature-calibrated, with
one threshold per class. `python -m eval train-router` fits it with scikit-learn and writes the
committed artefact `chatbot/models/router.json`; serving never imports scikit-learn.

>>> classifier = SafetyClassifier.load()
>>> classifier.probabilities(features(texts, vectors))   # rows: texts; columns: CLASSES
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from indexer import IndexerError

from .answers import RouteKind
from .safety_features import LEXICAL

CLASSES = ("crisis", "advice", "none")
FORMAT = 1
DEFAULT_PATH = Path(__file__).resolve().parent / "models" / "router.json"
RETRAIN = "python -m eval train-router"


class SafetyModelError(IndexerError):
    """The safety classifier's artefact is missing, damaged, or made for another embedding model."""


@dataclass(frozen=True)
class Thresholds:
    """A text is a crisis when its crisis probability reaches `crisis`; else advice when its advice
    probability reaches `advice`."""

    crisis: float
    advice: float

    def __post_init__(self):
        for name in ("crisis", "advice"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and 0.0 < value <= 1.0):
                raise ValueError(f"the {name} threshold must be a number in (0, 1]; got {value!r}")


@dataclass(frozen=True)
class Verdict:
    """What the probabilities of a message's texts decide: the kind (None: ordinary), the text that
    decided it (row index) and the probability behind it."""

    kind: RouteKind | None
    text: int
    probability: float


def pick(probabilities: np.ndarray, thresholds: Thresholds) -> Verdict:
    """The decision over a message's texts (row 0 the whole message, then its sentences; columns
    CLASSES): crisis if any text reaches the crisis threshold, else advice if any text reaches the
    advice threshold, else ordinary. The probability is the highest one of the decided class; for
    an ordinary message, the lowest probability of "none" among its texts (its least ordinary text).

    >>> pick(np.array([[0.1, 0.2, 0.7], [0.6, 0.1, 0.3]]), Thresholds(0.5, 0.5))
    Verdict(kind=<RouteKind.CRISIS: 'crisis'>, text=1, probability=0.6)
    """
    probabilities = np.asarray(probabilities, dtype=np.float64)
    for column, kind, threshold in ((0, RouteKind.CRISIS, thresholds.crisis), (1, RouteKind.ADVICE, thresholds.advice)):
        row = int(np.argmax(probabilities[:, column]))
        if probabilities[row, column] >= threshold:
            return Verdict(kind, row, float(probabilities[row, column]))
    row = int(np.argmin(probabilities[:, 2]))
    return Verdict(None, row, float(probabilities[row, 2]))


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


@dataclass(frozen=True)
class SafetyClassifier:
    """Weights (classes x features), bias, temperature and thresholds, with the embedding model
    the weights belong to and what they were trained on (`about`, written by the trainer)."""

    weights: np.ndarray
    bias: np.ndarray
    temperature: float
    thresholds: Thresholds
    model_name: str
    model_fingerprint: str
    dimension: int  # embedding columns; the lexical indicators follow
    about: dict = field(default_factory=dict, compare=False)

    def __post_init__(self):
        expected = (len(CLASSES), self.dimension + len(LEXICAL))
        if self.weights.shape != expected or self.bias.shape != (len(CLASSES),):
            raise ValueError(f"weights {self.weights.shape} and bias {self.bias.shape} do not fit {expected}")
        if not (self.temperature > 0 and math.isfinite(self.temperature)):
            raise ValueError(f"temperature must be a positive number; got {self.temperature!r}")

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """Calibrated probabilities, one row per feature row, columns in CLASSES order."""
        logits = np.asarray(features, dtype=np.float32) @ self.weights.T + self.bias
        return softmax(logits.astype(np.float64) / self.temperature)

    def check_model(self, fingerprint: str | None, name: str | None = None, source: str = "the index") -> None:
        """Refuse vectors from another embedding model than the one the weights were trained on."""
        if fingerprint is not None and fingerprint != self.model_fingerprint:
            raise SafetyModelError(
                f"the safety classifier ({DEFAULT_PATH.name}) was trained on embeddings of {self.model_name} "
                f"({self.model_fingerprint}), but {source} uses {name or 'another model'} ({fingerprint}); "
                f"its probabilities would be meaningless. Retrain it with that model ({RETRAIN} --model PATH) "
                "or use the model it was trained with"
            )

    def to_json(self) -> dict:
        return {
            "format": FORMAT,
            "classes": list(CLASSES),
            "model": {"name": self.model_name, "fingerprint": self.model_fingerprint, "dimension": self.dimension},
            "lexical_features": list(LEXICAL),
            "thresholds": {"crisis": self.thresholds.crisis, "advice": self.thresholds.advice},
            "temperature": self.temperature,
            "bias": [_num(v) for v in self.bias],
            "weights": [[_num(v) for v in row] for row in self.weights],
            **self.about,
        }

    def save(self, path: Path = DEFAULT_PATH) -> None:
        """Write the artefact (sorted, rounded numbers: a retrain on the same data gives the same bytes)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(self.to_json(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        tmp.replace(path)

    @classmethod
    def from_json(cls, data: dict, source: Path) -> SafetyClassifier:
        problem = _problem(data)
        if problem:
            raise SafetyModelError(f"{source} is not a usable safety classifier: {problem}; retrain it with {RETRAIN}")
        about = {k: v for k, v in data.items() if k not in _CORE}
        return cls(
            weights=_frozen(np.array(data["weights"], dtype=np.float32)),
            bias=_frozen(np.array(data["bias"], dtype=np.float32)),
            temperature=float(data["temperature"]),
            thresholds=Thresholds(**data["thresholds"]),
            model_name=data["model"]["name"],
            model_fingerprint=data["model"]["fingerprint"],
            dimension=int(data["model"]["dimension"]),
            about=about,
        )

    @classmethod
    def load(cls, path: Path | None = None) -> SafetyClassifier:
        """The committed artefact (or `path`), read once per process."""
        return _load(str(Path(path) if path is not None else DEFAULT_PATH))


_CORE = ("format", "classes", "model", "lexical_features", "thresholds", "temperature", "bias", "weights")


def _problem(data: object) -> str | None:
    if not isinstance(data, dict):
        return "it is not a JSON object"
    missing = [k for k in _CORE if k not in data]
    if missing:
        return f"it lacks {', '.join(missing)}"
    if data["format"] != FORMAT:
        return f"its format is {data['format']!r}, this code reads format {FORMAT}"
    if list(data["classes"]) != list(CLASSES):
        return f"its classes are {data['classes']}, expected {list(CLASSES)}"
    if list(data["lexical_features"]) != list(LEXICAL):
        return f"it was trained with lexical features {data['lexical_features']}, this code computes {list(LEXICAL)}"
    try:
        Thresholds(**data["thresholds"])
        weights = np.array(data["weights"], dtype=np.float32)
    except (TypeError, ValueError) as exc:
        return str(exc)
    if weights.shape != (len(CLASSES), int(data["model"]["dimension"]) + len(LEXICAL)):
        return f"its weights have shape {weights.shape}, which does not fit its model dimension and features"
    if not np.isfinite(weights).all():
        return "its weights are not all finite numbers"
    return None


@lru_cache(maxsize=8)
def _load(path: str) -> SafetyClassifier:
    source = Path(path)
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SafetyModelError(f"the safety classifier {source} is missing; train it with {RETRAIN}") from exc
    except (OSError, ValueError) as exc:
        raise SafetyModelError(f"the safety classifier {source} cannot be read ({exc}); retrain it with {RETRAIN}") from exc
    return SafetyClassifier.from_json(data, source)


def _frozen(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


def _num(value) -> float:
    """Seven significant digits: enough for the decision, and stable across reruns."""
    return float(f"{float(value):.7g}")
