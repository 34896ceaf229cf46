"""An encoder that remembers: evals ask the same questions run after run, so their vectors (and
word-piece vectors) are kept in the eval cache (the indexer's embedding cache, keyed by model
fingerprint and text).

Texts the cache lacks are encoded one at a time. In a batch, a text's vector depends in its last
bits on the others (padded to the longest, it runs through matrix products of other shapes: up to
1.5e-7 apart here), so the cache, and the models `train-ranker` and `train-router` fit from it,
would depend on which evals had filled it before. One at a time, a text's vector is the same
whatever was asked before, as when the chatbot encodes a question (~9 ms a text, once).

>>> encoder = CachedEncoder(Embedder())
>>> encoder.encode(["What is fibromyalgia?"]).shape
(1, 384)
"""

from __future__ import annotations

import numpy as np

from indexer import Embedder
from indexer.cache import EmbeddingCache, TokenCache, encode_cached, encode_with_tokens_cached
from indexer.token_vectors import TokenVectors

from .paths import cache_dir


class CachedEncoder:
    """`encode` as the wrapped embedder's, for texts it has seen from the cache (the eval cache's
    folder `name`: "questions", or "safety" for the safety router's messages)."""

    def __init__(self, embedder: Embedder, name: str = "questions"):
        self.embedder = embedder
        self.info = embedder.info
        self._path = cache_dir() / name / "embeddings.sqlite3"
        self._cache = EmbeddingCache(self._path, embedder.info.fingerprint)
        self._tokens: TokenCache | None = None  # opened on first use (it needs the model's dimension)

    def close(self) -> None:
        self._cache.close()
        if self._tokens is not None:
            self._tokens.close()

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return self.embedder.encode(texts)
        vectors, _ = encode_cached(list(texts), self._cache, lambda todo: _one_at_a_time(self.embedder.encode, todo))
        return vectors

    def encode_with_tokens(self, texts: list[str]) -> tuple[np.ndarray, list[TokenVectors]]:
        if not texts:
            return self.embedder.encode_with_tokens(texts)
        if self._tokens is None:
            self._tokens = TokenCache(self._path, self.info.fingerprint, self.embedder.dimension)

        def each(todo: list[str]) -> tuple[np.ndarray, list[TokenVectors]]:
            encoded = [self.embedder.encode_with_tokens([text]) for text in todo]
            return np.concatenate([v for v, _ in encoded]), [t for _, (t,) in encoded]

        vectors, tokens, _ = encode_with_tokens_cached(list(texts), self._cache, self._tokens, each)
        return vectors, tokens

    def warm(self, texts: list[str]) -> None:
        """Encode every text the cache lacks."""
        self.encode_with_tokens(list(dict.fromkeys(texts)))


def _one_at_a_time(encode, texts: list[str]) -> np.ndarray:
    """`encode` of each text alone, stacked: the same vector for a text whatever else is encoded."""
    return np.concatenate([encode([text]) for text in texts])
