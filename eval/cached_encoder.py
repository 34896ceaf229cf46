"""An encoder that remembers: evals ask the same questions run after run, so their vectors (and
word-piece vectors) are kept in the eval cache (the indexer's embedding cache, keyed by model
fingerprint and text).

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
    """`encode` as the wrapped embedder's, for texts it has seen from the cache."""

    def __init__(self, embedder: Embedder):
        self.embedder = embedder
        self.info = embedder.info
        self._cache = EmbeddingCache(cache_dir() / "questions" / "embeddings.sqlite3", embedder.info.fingerprint)
        self._tokens: TokenCache | None = None  # opened on first use (it needs the model's dimension)

    def encode(self, texts: list[str], *args, **kwargs) -> np.ndarray:
        if not texts:
            return self.embedder.encode(texts)
        vectors, _ = encode_cached(list(texts), self._cache, lambda todo: self.embedder.encode(todo, *args, **kwargs))
        return vectors

    def encode_with_tokens(self, texts: list[str], *args, **kwargs) -> tuple[np.ndarray, list[TokenVectors]]:
        if not texts:
            return self.embedder.encode_with_tokens(texts)
        if self._tokens is None:
            self._tokens = TokenCache(cache_dir() / "questions" / "embeddings.sqlite3", self.info.fingerprint, self.embedder.dimension)
        vectors, tokens, _ = encode_with_tokens_cached(
            list(texts), self._cache, self._tokens, lambda todo: self.embedder.encode_with_tokens(todo, *args, **kwargs)
        )
        return vectors, tokens

    def warm(self, texts: list[str], batch_size: int = 128) -> None:
        """Encode every text the cache lacks, in batches (much faster than one by one)."""
        self.encode_with_tokens(list(dict.fromkeys(texts)), batch_size)
