"""Embedding cache: vectors keyed by model fingerprint + SHA-256 of the exact text embedded, so a
rebuild re-encodes only text that changed. SQLite keeps it whole if a build is killed."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import numpy as np

from .token_vectors import TokenVectors

_BATCH = 500


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class _Table:
    """One table of the cache file: rows (model, key, values...) keyed by model fingerprint and text key."""

    NAME = ""
    COLUMNS: tuple[str, ...] = ()  # the value columns, each a BLOB

    def __init__(self, path: Path, model_fingerprint: str):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.model = model_fingerprint
        self._db = sqlite3.connect(str(path))
        columns = ", ".join(f"{c} BLOB" for c in self.COLUMNS)
        self._db.execute(f"CREATE TABLE IF NOT EXISTS {self.NAME} (model TEXT, key TEXT, {columns}, PRIMARY KEY (model, key))")

    def close(self) -> None:
        self._db.close()

    def _lookup(self, keys: list[str]):
        """(key, *values) of every stored key among `keys`."""
        unique = list(dict.fromkeys(keys))
        for i in range(0, len(unique), _BATCH):
            batch = unique[i : i + _BATCH]
            yield from self._db.execute(
                f"SELECT key, {', '.join(self.COLUMNS)} FROM {self.NAME} WHERE model = ? AND key IN ({','.join('?' * len(batch))})",
                [self.model, *batch],
            )

    def _store(self, rows: list[tuple]) -> None:
        """Write (key, *values) rows."""
        with self._db:
            self._db.executemany(
                f"INSERT OR REPLACE INTO {self.NAME} VALUES ({', '.join('?' * (len(self.COLUMNS) + 2))})",
                [(self.model, *row) for row in rows],
            )


class EmbeddingCache(_Table):
    NAME, COLUMNS = "vectors", ("vector",)

    def get_many(self, keys: list[str]) -> dict[str, np.ndarray]:
        return {key: np.frombuffer(blob, dtype=np.float32) for key, blob in self._lookup(keys)}

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        self._store([(key, np.asarray(v, dtype=np.float32).tobytes()) for key, v in items.items()])


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


class TokenCache(_Table):
    """Word-piece vectors (`TokenVectors`) by model fingerprint + SHA-256 of the text, beside the
    sentence vectors in the same SQLite file; vectors kept as float16, as the index stores them."""

    NAME, COLUMNS = "tokens", ("ids", "vectors")

    def __init__(self, path: Path, model_fingerprint: str, dimension: int):
        super().__init__(path, model_fingerprint)
        self.dimension = dimension

    def get_many(self, keys: list[str]) -> dict[str, TokenVectors]:
        return {
            key: TokenVectors(
                np.frombuffer(ids, dtype=np.int32),
                np.frombuffer(vectors, dtype=np.float16).reshape(-1, self.dimension).astype(np.float32),
            )
            for key, ids, vectors in self._lookup(keys)
        }

    @staticmethod
    def stored(tokens: TokenVectors) -> TokenVectors:
        """`tokens` exactly as `get_many` will read them back: int32 ids, vectors rounded to float16."""
        return TokenVectors(tokens.ids.astype(np.int32), tokens.vectors.astype(np.float16).astype(np.float32))

    def put_many(self, items: dict[str, TokenVectors]) -> None:
        self._store([(key, t.ids.astype(np.int32).tobytes(), t.vectors.astype(np.float16).tobytes()) for key, t in items.items()])


def encode_with_tokens_cached(
    texts: list[str],
    vectors: EmbeddingCache,
    tokens: TokenCache,
    encode: Callable[[list[str]], tuple[np.ndarray, list[TokenVectors]]],
) -> tuple[np.ndarray, list[TokenVectors], list[int]]:
    """Vectors and word-piece vectors for `texts`, with one pass of the model (`encode`, e.g.
    `Embedder.encode_with_tokens`) over the texts either cache lacks; returns both and the indices
    of the texts that were encoded. A vector already cached is kept as it was; word pieces are
    returned as the cache keeps them (float16), whether just encoded or read back."""
    keys = [text_key(t) for t in texts]
    known_vectors, known_tokens = vectors.get_many(keys), tokens.get_many(keys)
    missing = [i for i, k in enumerate(keys) if k not in known_vectors or k not in known_tokens]
    todo = list(dict.fromkeys(texts[i] for i in missing))
    if todo:
        fresh_vectors, fresh_tokens = encode(todo)
        todo_keys = [text_key(t) for t in todo]
        new_vectors = {k: v for k, v in zip(todo_keys, fresh_vectors, strict=True) if k not in known_vectors}
        new_tokens = {k: TokenCache.stored(t) for k, t in zip(todo_keys, fresh_tokens, strict=True)}
        vectors.put_many(new_vectors)
        tokens.put_many(new_tokens)
        known_vectors.update(new_vectors)
        known_tokens.update(new_tokens)
    stacked = np.stack([known_vectors[k] for k in keys]).astype(np.float32, copy=False)
    return stacked, [known_tokens[k] for k in keys], missing
