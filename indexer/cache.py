"""Embedding cache: vectors keyed by model fingerprint + SHA-256 of the exact text embedded, so a
rebuild re-encodes only text that changed. SQLite keeps it whole if a build is killed."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import numpy as np

_BATCH = 500


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    def __init__(self, path: Path, model_fingerprint: str):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.model = model_fingerprint
        self._db = sqlite3.connect(str(path))
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS vectors (model TEXT, key TEXT, vector BLOB, PRIMARY KEY (model, key))"
        )

    def close(self) -> None:
        self._db.close()

    def get_many(self, keys: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(keys))
        for i in range(0, len(unique), _BATCH):
            batch = unique[i : i + _BATCH]
            rows = self._db.execute(
                f"SELECT key, vector FROM vectors WHERE model = ? AND key IN ({','.join('?' * len(batch))})",
                [self.model, *batch],
            )
            for key, blob in rows:
                found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                [(self.model, key, np.asarray(v, dtype=np.float32).tobytes()) for key, v in items.items()],
            )


def encode_cached(
    texts: list[str], cache: EmbeddingCache, encode: Callable[[list[str]], np.ndarray]
) -> tuple[np.ndarray, list[int]]:
    """Vectors for `texts`, encoding only those the cache lacks; returns them and the indices of
    the texts that were encoded. The model is not touched when everything is cached."""
    keys = [text_key(t) for t in texts]
    known = cache.get_many(keys)
    missing = [i for i, k in enumerate(keys) if k not in known]
    todo = list(dict.fromkeys(texts[i] for i in missing))
    if todo:
        fresh = encode(todo)
        cache.put_many({text_key(t): v for t, v in zip(todo, fresh, strict=True)})
        known.update({text_key(t): v for t, v in zip(todo, fresh, strict=True)})
    return np.stack([known[key] for key in keys]).astype(np.float32, copy=False), missing
