"""The chatbot's small learned models (the quote ranker, the abstention classifier), applied with
numpy: standardised features through a few dense layers to one log-odds per row. They are trained
by `python -m eval train-ranker` (scikit-learn, which serving never imports) and committed in
chatbot/models/ as `<name>.npz` (weights) and `<name>.json` (features, training data, embedding
model, metrics, operating point).

>>> ranker = Classifier.load("ranker")
>>> ranker.logits(features)          # one score per row of `features`
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MODELS_DIR = Path(__file__).resolve().parent / "models"


class ModelFileError(Exception):
    """A model artefact is missing, damaged, or does not fit what it is applied to."""


@dataclass(frozen=True)
class Classifier:
    """(x - mean) / scale, then each (weights, bias) layer with ReLU between layers: log-odds."""

    name: str
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    layers: tuple[tuple[np.ndarray, np.ndarray], ...]
    meta: dict = field(default_factory=dict)  # training data, model, metrics, operating point

    def logits(self, X: np.ndarray) -> np.ndarray:
        h = (np.asarray(X, dtype=np.float64) - self.mean) / self.scale
        for i, (weights, bias) in enumerate(self.layers):
            h = h @ weights + bias
            if i < len(self.layers) - 1:
                h = np.maximum(h, 0.0)
        return h[:, 0] if h.ndim == 2 else h

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
        arrays = {"mean": self.mean, "scale": self.scale}
        for i, (weights, bias) in enumerate(self.layers):
            arrays[f"weights_{i}"], arrays[f"bias_{i}"] = weights, bias
        weights_path, meta_path = folder / f"{self.name}.npz", folder / f"{self.name}.json"
        with weights_path.open("wb") as f:
            np.savez(f, **arrays)
        meta = {"name": self.name, "features": list(self.features), "layers": len(self.layers), **self.meta}
        meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return [weights_path, meta_path]

    @classmethod
    def load(cls, name: str, folder: Path = MODELS_DIR) -> Classifier:
        weights_path, meta_path = folder / f"{name}.npz", folder / f"{name}.json"
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            with np.load(weights_path) as arrays:
                layers = tuple((arrays[f"weights_{i}"], arrays[f"bias_{i}"]) for i in range(meta["layers"]))
                mean, scale = arrays["mean"], arrays["scale"]
        except (OSError, ValueError, KeyError) as exc:
            raise ModelFileError(
                f"the {name} model in {folder} cannot be read ({exc}); restore chatbot/models from git "
                "or retrain it with: python -m eval train-ranker"
            ) from exc
        features = tuple(meta.pop("features"))
        meta.pop("name", None)
        meta.pop("layers", None)
        return cls(name, features, mean, scale, layers, meta)
