"""The chatbot's small learned models (the quote ranker, the abstention classifier), applied with
numpy: one log-odds per row of features, from a small MLP (`Classifier`) or from gradient-boosted
trees (`TreeEnsemble`). They are trained by `python -m eval train-ranker` (scikit-learn, which
serving never imports) and committed in chatbot/models/ as `<name>.npz` (weights) and
`<name>.json` (kind, features, training data, embedding model, metrics, operating point).

>>> ranker = load_model("ranker")
>>> ranker.logits(features)          # one score per row of `features`
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from indexer.storage import replace_file

MODELS_DIR = Path(__file__).resolve().parent / "models"


class ModelFileError(Exception):
    """A model artefact is missing, damaged, or does not fit what it is applied to."""


class _Learned:
    """What both kinds share: probabilities from log-odds, the checks, the files."""

    name: str
    features: tuple[str, ...]
    meta: dict
    KIND = ""

    def logits(self, X: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def arrays(self) -> dict[str, np.ndarray]:
        raise NotImplementedError

    def probability(self, X: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.logits(X)))

    def check(self, features: tuple[str, ...], model_fingerprint: str | None = None) -> None:
        """Refuse to apply a model to other features, or to vectors of another embedding model."""
        if tuple(self.features) != tuple(features):
            raise ModelFileError(
                f"the {self.name} model was trained on other features than this code computes; "
                "retrain it with: python -m eval train-ranker"
            )
        trained = (self.meta.get("embedding_model") or {}).get("fingerprint")
        if model_fingerprint and trained and trained != model_fingerprint:
            raise ModelFileError(
                f"the {self.name} model was trained with embedding model {self.meta['embedding_model'].get('name')} "
                f"({trained}), but the index uses another ({model_fingerprint}); retrain it with "
                "python -m eval train-ranker, or build the index with that model"
            )

    def save(self, folder: Path = MODELS_DIR) -> list[Path]:
        folder.mkdir(parents=True, exist_ok=True)
        weights_path, meta_path = folder / f"{self.name}.npz", folder / f"{self.name}.json"
        def write_weights(path: Path) -> None:
            with path.open("wb") as f:
                np.savez(f, **self.arrays())

        replace_file(weights_path, write_weights)
        meta = {"name": self.name, "kind": self.KIND, "features": list(self.features), **self.meta}
        text = json.dumps(meta, indent=2, ensure_ascii=False) + "\n"
        replace_file(meta_path, lambda p: p.write_text(text, encoding="utf-8"))
        return [weights_path, meta_path]

    @classmethod
    def load(cls, name: str, folder: Path = MODELS_DIR):
        """The model `name` as saved, whichever its kind (`Classifier.load` may give a TreeEnsemble)."""
        return load_model(name, folder)


@dataclass(frozen=True)
class Classifier(_Learned):
    """(x - mean) / scale, then each (weights, bias) layer with ReLU between layers: log-odds."""

    name: str
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    layers: tuple[tuple[np.ndarray, np.ndarray], ...]
    meta: dict = field(default_factory=dict)  # training data, model, metrics, operating point
    KIND = "mlp"

    def logits(self, X: np.ndarray) -> np.ndarray:
        h = (np.asarray(X, dtype=np.float64) - self.mean) / self.scale
        for i, (weights, bias) in enumerate(self.layers):
            h = h @ weights + bias
            if i < len(self.layers) - 1:
                h = np.maximum(h, 0.0)
        return h[:, 0] if h.ndim == 2 else h

    def arrays(self) -> dict[str, np.ndarray]:
        arrays = {"mean": self.mean, "scale": self.scale}
        for i, (weights, bias) in enumerate(self.layers):
            arrays[f"weights_{i}"], arrays[f"bias_{i}"] = weights, bias
        return arrays

    @classmethod
    def from_arrays(cls, name: str, features: tuple[str, ...], arrays, meta: dict) -> Classifier:
        layers = tuple((arrays[f"weights_{i}"], arrays[f"bias_{i}"]) for i in range(len(arrays.files) // 2 - 1))
        return cls(name, features, arrays["mean"], arrays["scale"], layers, meta)


@dataclass(frozen=True)
class TreeEnsemble(_Learned):
    """Gradient-boosted regression trees, summed: log-odds = base + the leaf value each tree sends
    the row to. Tree t's node n splits on feature[t, n] at threshold[t, n] (a value at or below
    it goes left); leaves hold value[t, n] (shorter trees are padded with leaves). A tree never
    extrapolates: a feature far beyond what training saw scores as its largest seen value does,
    where an MLP's output can swing anywhere.

    >>> TreeEnsemble.from_sklearn("ranker", features, HistGradientBoostingClassifier().fit(X, y), {}).logits(X)
    """

    name: str
    features: tuple[str, ...]
    base: float
    feature: np.ndarray  # [trees, nodes] int
    threshold: np.ndarray  # [trees, nodes]
    left: np.ndarray  # [trees, nodes] int
    right: np.ndarray  # [trees, nodes] int
    leaf: np.ndarray  # [trees, nodes] bool
    value: np.ndarray  # [trees, nodes]
    meta: dict = field(default_factory=dict)
    KIND = "trees"

    def logits(self, X: np.ndarray) -> np.ndarray:
        X = np.ascontiguousarray(X, dtype=np.float64)
        trees, size = self.feature.shape
        feature, threshold, children, depth = self._walk
        # Flat positions (tree * size + node): every tree, every row, one level down per step.
        at = np.repeat(np.arange(trees, dtype=np.int64) * size, len(X))
        rows = np.tile(np.arange(len(X), dtype=np.int64) * X.shape[1], trees)
        values = X.ravel()
        for _ in range(depth):
            at = children[2 * at + (values[rows + feature[at]] > threshold[at])]
        return self.base + self.value.ravel()[at].reshape(trees, len(X)).sum(axis=0)

    @cached_property
    def _walk(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        """The trees flattened for `logits`: per flat node its feature, its threshold (+inf at a
        leaf, so a row never moves on), its two children as flat positions (a leaf's are itself),
        and the depth of the deepest leaf."""
        trees, size = self.feature.shape
        offset = (np.arange(trees, dtype=np.int64) * size)[:, None]
        here = offset + np.arange(size, dtype=np.int64)[None, :]
        children = np.stack(
            [np.where(self.leaf, here, offset + self.left), np.where(self.leaf, here, offset + self.right)], axis=-1
        )
        threshold = np.where(self.leaf, np.inf, self.threshold).ravel()
        feature = np.where(self.leaf, 0, self.feature).ravel()
        at, depth = offset.ravel(), 0
        while not self.leaf.ravel()[at].all():  # from every root, down to the deepest leaf
            at = np.unique(children.reshape(-1, 2)[at].ravel())
            depth += 1
        return feature, threshold, children.ravel(), depth

    def arrays(self) -> dict[str, np.ndarray]:
        return {
            "base": np.array([self.base]), "feature": self.feature, "threshold": self.threshold, "left": self.left,
            "right": self.right, "leaf": self.leaf, "value": self.value,
        }

    @classmethod
    def from_arrays(cls, name: str, features: tuple[str, ...], arrays, meta: dict) -> TreeEnsemble:
        fields = ("feature", "threshold", "left", "right", "leaf", "value")
        return cls(name, features, float(arrays["base"][0]), *(arrays[f] for f in fields), meta)

    @classmethod
    def from_sklearn(cls, name: str, features: tuple[str, ...], model, meta: dict) -> TreeEnsemble:
        """A fitted binary HistGradientBoostingClassifier (numeric features, no missing values)."""
        nodes = [predictors[0].nodes for predictors in model._predictors]
        size = max(len(n) for n in nodes)

        def padded(field: str, fill, dtype):
            out = np.full((len(nodes), size), fill, dtype=dtype)
            for t, n in enumerate(nodes):
                out[t, : len(n)] = n[field]
            return out

        return cls(
            name, tuple(features), float(np.ravel(model._baseline_prediction)[0]),
            padded("feature_idx", 0, np.int64), padded("num_threshold", 0.0, np.float64),
            padded("left", 0, np.int64), padded("right", 0, np.int64), padded("is_leaf", True, bool),
            padded("value", 0.0, np.float64), meta,
        )


KINDS = {model.KIND: model for model in (Classifier, TreeEnsemble)}


def load_model(name: str, folder: Path = MODELS_DIR) -> Classifier | TreeEnsemble:
    """The model saved as `<folder>/<name>.npz` and `.json`, of the kind its JSON names."""
    weights_path, meta_path = folder / f"{name}.npz", folder / f"{name}.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        kind = KINDS[meta.pop("kind", Classifier.KIND)]
        features = tuple(meta.pop("features"))
        meta.pop("name", None)
        meta.pop("layers", None)  # written by earlier versions
        with np.load(weights_path) as arrays:
            return kind.from_arrays(name, features, arrays, meta)
    except (OSError, ValueError, KeyError) as exc:
        raise ModelFileError(
            f"the {name} model in {folder} cannot be read ({exc}); restore chatbot/models from git "
            "or retrain it with: python -m eval train-ranker"
        ) from exc
