"""The trained safety classifier, applied with numpy: a multinomial logistic regression over
`safety_features.features` (sentence embedding, lexical indicators, similarity to the nearest
training messages of each class), temperature-calibrated, with thresholds. `python -m eval
train-router` fits it with scikit-learn and writes the committed artefact: `chatbot/models/
router.json` (weights, thresholds, what it was trained on) and `router-neighbours.npy` (the
training vectors, float16); serving never imports scikit-learn.

>>> classifier = SafetyClassifier.load()
>>> classifier.probabilities(texts, vectors)   # rows: texts; columns: CLASSES
"""

from __future__ import annotations

import hashlib
import io
import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from indexer import IndexerError
from indexer.storage import replace_file

from .answers import RouteKind
from .safety_features import LEXICAL, NEIGHBOUR_FEATURES, Neighbours, features

CLASSES = ("crisis", "advice", "none")
FORMAT = 1
DEFAULT_PATH = Path(__file__).resolve().parent / "models" / "router.json"
NEIGHBOURS_SUFFIX = "-neighbours.npy"
RETRAIN = "python -m eval train-router"


class SafetyModelError(IndexerError):
    """The safety classifier's artefact is missing, damaged, or made for another embedding model."""


@dataclass(frozen=True)
class Thresholds:
    """A message is a crisis when its crisis probability reaches `crisis`, or when one of its
    sentences reaches `crisis_sentence` (a lone sentence is judged with less context, so it may
    need more evidence) while the whole message's crisis probability is at least `sentence_floor`;
    else advice when the message or a sentence reaches `advice`.

    The floor is for long ordinary posts: each of their sentences is another chance for a lone
    "I used to cut but stopped." or "Thank you for reading this." to look like a disclosure, while
    the whole post reads as ordinary. A crisis post whose intent is in one sentence still carries
    some of it into the whole message's probability. 0 lets any sentence decide alone."""

    crisis: float
    advice: float
    crisis_sentence: float | None = None  # None: the same as `crisis`
    sentence_floor: float = 0.0

    def __post_init__(self):
        if self.crisis_sentence is None:
            object.__setattr__(self, "crisis_sentence", self.crisis)
        for name in ("crisis", "advice", "crisis_sentence"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and 0.0 < value <= 1.0):
                raise ValueError(f"the {name} threshold must be a number in (0, 1]; got {value!r}")
        if not (isinstance(self.sentence_floor, int | float) and 0.0 <= self.sentence_floor < 1.0):
            raise ValueError(f"the sentence_floor must be a number in [0, 1); got {self.sentence_floor!r}")


@dataclass(frozen=True)
class Verdict:
    """What the probabilities of a message's texts decide: the kind (None: ordinary), the text that
    decided it (row index) and the probability behind it."""

    kind: RouteKind | None
    text: int
    probability: float


def pick(probabilities: np.ndarray, thresholds: Thresholds) -> Verdict:
    """The decision over a message's texts (row 0 the whole message, then its sentences; columns
    CLASSES): crisis if the message reaches the crisis threshold or a sentence the sentence crisis
    threshold (counted only when the message's own crisis probability reaches the sentence floor),
    else advice if any text reaches the advice threshold, else ordinary. The
    probability is the highest one of the decided class among the texts that reached it; for an
    ordinary message, the lowest probability of "none" among its texts (its least ordinary text).

    >>> pick(np.array([[0.1, 0.2, 0.7], [0.6, 0.1, 0.3]]), Thresholds(0.5, 0.5))
    Verdict(kind=<RouteKind.CRISIS: 'crisis'>, text=1, probability=0.6)
    """
    probabilities = np.asarray(probabilities, dtype=np.float64)
    sentences_count = probabilities[0, 0] >= thresholds.sentence_floor
    crisis_bar = np.full(len(probabilities), thresholds.crisis_sentence if sentences_count else np.inf)
    crisis_bar[0] = thresholds.crisis
    advice_bar = np.full(len(probabilities), thresholds.advice)
    for column, kind, bar in ((0, RouteKind.CRISIS, crisis_bar), (1, RouteKind.ADVICE, advice_bar)):
        reached = np.where(probabilities[:, column] >= bar, probabilities[:, column], -1.0)
        row = int(np.argmax(reached))
        if reached[row] >= 0:
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
    dimension: int  # embedding columns; the lexical indicators and neighbour features follow
    neighbours: Neighbours
    embedding_scale: float = 1.0
    about: dict = field(default_factory=dict, compare=False)

    def __post_init__(self):
        expected = (len(CLASSES), self.dimension + len(LEXICAL) + len(NEIGHBOUR_FEATURES))
        if self.weights.shape != expected or self.bias.shape != (len(CLASSES),):
            raise ValueError(f"weights {self.weights.shape} and bias {self.bias.shape} do not fit {expected}")
        if not (self.temperature > 0 and math.isfinite(self.temperature)):
            raise ValueError(f"temperature must be a positive number; got {self.temperature!r}")

    def logits(self, x: np.ndarray) -> np.ndarray:
        return (np.asarray(x, dtype=np.float32) @ self.weights.T + self.bias).astype(np.float64)

    def probabilities(self, texts: list[str], vectors: np.ndarray) -> np.ndarray:
        """Calibrated probabilities, one row per text, columns in CLASSES order."""
        return softmax(self.logits(features(texts, vectors, self.neighbours, self.embedding_scale)) / self.temperature)

    def check_model(self, fingerprint: str | None, name: str | None = None, source: str = "the index") -> None:
        """Refuse vectors from another embedding model than the one the weights were trained on."""
        if fingerprint is not None and fingerprint != self.model_fingerprint:
            raise SafetyModelError(
                f"the safety classifier ({DEFAULT_PATH.name}) was trained on embeddings of {self.model_name} "
                f"({self.model_fingerprint}), but {source} uses {name or 'another model'} ({fingerprint}); "
                f"its probabilities would be meaningless. Retrain it with that model ({RETRAIN} --model PATH) "
                "or use the model it was trained with"
            )

    def to_json(self, neighbours_file: str, neighbours_sha256: str) -> dict:
        return {
            "format": FORMAT,
            "classes": list(CLASSES),
            "model": {"name": self.model_name, "fingerprint": self.model_fingerprint, "dimension": self.dimension},
            "embedding_scale": self.embedding_scale,
            "lexical_features": list(LEXICAL),
            "neighbour_features": list(NEIGHBOUR_FEATURES),
            "neighbours": {
                "file": neighbours_file,
                "sha256": neighbours_sha256,
                "k": self.neighbours.k,
                "scale": self.neighbours.scale,
                "labels": [int(v) for v in self.neighbours.labels],
            },
            "thresholds": {
                "crisis": self.thresholds.crisis,
                "crisis_sentence": self.thresholds.crisis_sentence,
                "advice": self.thresholds.advice,
                "sentence_floor": self.thresholds.sentence_floor,
            },
            "temperature": self.temperature,
            "bias": [_num(v) for v in self.bias],
            "weights": [[_num(v) for v in row] for row in self.weights],
            **self.about,
        }

    def save(self, path: Path = DEFAULT_PATH) -> list[Path]:
        """Write the artefact: the JSON and, beside it, the neighbour vectors (rounded numbers and
        a plain .npy: a retrain on the same data gives the same bytes). Returns both paths."""
        path.parent.mkdir(parents=True, exist_ok=True)
        vectors_path = path.with_name(path.stem + NEIGHBOURS_SUFFIX)
        blob = _npy_bytes(self.neighbours.vectors)
        data = self.to_json(vectors_path.name, hashlib.sha256(blob).hexdigest())
        replace_file(vectors_path, lambda p: p.write_bytes(blob))
        replace_file(path, lambda p: p.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"))
        return [path, vectors_path]

    def rounded(self) -> SafetyClassifier:
        """The classifier exactly as `save` then `load` would give it back."""
        blob = _npy_bytes(self.neighbours.vectors)
        return SafetyClassifier.from_json(self.to_json("(memory)", hashlib.sha256(blob).hexdigest()), Path("(memory)"), blob)

    @classmethod
    def from_json(cls, data: dict, source: Path, neighbours_blob: bytes | None = None) -> SafetyClassifier:
        problem = _problem(data)
        if problem:
            raise SafetyModelError(f"{source} is not a usable safety classifier: {problem}; retrain it with {RETRAIN}")
        about = {k: v for k, v in data.items() if k not in _CORE}
        spec = data["neighbours"]
        if neighbours_blob is None:
            vectors_path = Path(source).with_name(spec["file"])
            try:
                neighbours_blob = vectors_path.read_bytes()
            except OSError as exc:
                raise SafetyModelError(f"the safety classifier's neighbour vectors {vectors_path} cannot be read ({exc}); retrain it with {RETRAIN}") from exc
        if hashlib.sha256(neighbours_blob).hexdigest() != spec["sha256"]:
            raise SafetyModelError(f"{spec['file']} does not belong to {Path(source).name} (checksum differs); retrain with {RETRAIN}")
        vectors = np.load(io.BytesIO(neighbours_blob), allow_pickle=False).astype(np.float32)
        labels = np.array(spec["labels"], dtype=np.int64)
        if vectors.shape != (len(labels), int(data["model"]["dimension"])):
            raise SafetyModelError(f"{spec['file']} holds {vectors.shape} vectors for {len(labels)} labels; retrain with {RETRAIN}")
        if np.bincount(labels, minlength=len(CLASSES)).min() < int(spec["k"]):
            raise SafetyModelError(f"{Path(source).name} has a class with fewer than k={spec['k']} neighbour vectors; retrain with {RETRAIN}")
        neighbours = Neighbours(_frozen(vectors), _frozen(labels), int(spec["k"]), float(spec["scale"]))
        return cls(
            weights=_frozen(np.array(data["weights"], dtype=np.float32)),
            bias=_frozen(np.array(data["bias"], dtype=np.float32)),
            temperature=float(data["temperature"]),
            thresholds=Thresholds(**data["thresholds"]),
            model_name=data["model"]["name"],
            model_fingerprint=data["model"]["fingerprint"],
            dimension=int(data["model"]["dimension"]),
            neighbours=neighbours,
            embedding_scale=float(data["embedding_scale"]),
            about=about,
        )

    @classmethod
    def load(cls, path: Path | None = None) -> SafetyClassifier:
        """The committed artefact (or `path`), read once per process."""
        return _load(str(Path(path) if path is not None else DEFAULT_PATH))


_CORE = (
    "format", "classes", "model", "embedding_scale", "lexical_features", "neighbour_features", "neighbours", "thresholds",
    "temperature", "bias", "weights",
)


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
    if list(data["neighbour_features"]) != list(NEIGHBOUR_FEATURES):
        return f"it was trained with neighbour features {data['neighbour_features']}, this code computes {list(NEIGHBOUR_FEATURES)}"
    try:
        Thresholds(**data["thresholds"])
        weights = np.array(data["weights"], dtype=np.float32)
    except (TypeError, ValueError) as exc:
        return str(exc)
    if weights.shape != (len(CLASSES), int(data["model"]["dimension"]) + len(LEXICAL) + len(NEIGHBOUR_FEATURES)):
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


def _npy_bytes(vectors: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(vectors, dtype=np.float16), allow_pickle=False)
    return buffer.getvalue()


def _frozen(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


def _num(value) -> float:
    """Seven significant digits: enough for the decision, and stable across reruns."""
    return float(f"{float(value):.7g}")
