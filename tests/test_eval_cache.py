"""The eval's question cache: a text's vector does not depend on what was encoded with it."""

from __future__ import annotations

import numpy as np

from eval.cached_encoder import CachedEncoder

SHORT = "what is gout"
LONGER = [
    "How many patients were in the velmiprant cough trial, and how long were they followed up afterwards?",
    "Is ketamine addictive when it is used at home for a long time, and what are the risks of that?",
]


def test_a_cached_vector_is_the_same_whatever_shared_its_first_encoding(embedder, tmp_path, monkeypatch):
    """Models are trained from these vectors: in a batch, padding to the longest text changes a
    text's vector in its last bits, and a retrain then depended on which evals had run before."""
    found = []
    for folder, texts in (("with-others", [SHORT, *LONGER]), ("alone", [SHORT])):
        monkeypatch.setenv("EVAL_CACHE_DIR", str(tmp_path / folder))
        encoder = CachedEncoder(embedder)
        encoder.warm(texts)
        vectors, tokens = encoder.encode_with_tokens([SHORT])
        found.append((vectors[0], tokens[0].vectors, encoder.encode([SHORT])[0]))
    (mixed_vector, mixed_pieces, mixed_plain), (alone_vector, alone_pieces, alone_plain) = found
    assert np.array_equal(mixed_vector, alone_vector) and np.array_equal(mixed_plain, alone_plain)
    assert np.array_equal(mixed_pieces, alone_pieces)
