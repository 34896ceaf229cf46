"""Token matching without a model: the table of sentences' word pieces, its IDF weights, best
matches per sentence, and the window feature built from them."""

from __future__ import annotations

import numpy as np
import pytest

from chatbot.features import token_matches
from indexer.cache import EmbeddingCache, TokenCache, encode_with_tokens_cached
from indexer.token_vectors import TokenTable, TokenVectors, is_word_piece


def _unit(*rows) -> np.ndarray:
    array = np.array(rows, dtype=np.float32)
    return array / np.linalg.norm(array, axis=1, keepdims=True)


def _table() -> TokenTable:
    # Three sentences over a 3-d space: pieces along x, along y, and a sentence without pieces.
    return TokenTable.of(
        [
            TokenVectors(np.array([5, 7], np.int32), _unit([1, 0, 0], [0.6, 0.8, 0])),
            TokenVectors(np.array([7, 9], np.int32), _unit([0, 1, 0], [0, 0.6, 0.8])),
            TokenVectors(np.zeros(0, np.int32), np.zeros((0, 3), np.float32)),
        ],
        dimension=3,
    )


def test_best_matches_take_each_question_piece_best_cosine_per_sentence():
    question = TokenVectors(np.array([5, 9], np.int32), _unit([1, 0, 0], [0, 0, 1]))
    best = _table().best_matches(question, np.array([1, 0, 2, 0]))
    assert best.shape == (4, 2)
    assert np.allclose(best[1], [1.0, 0.0], atol=1e-3)  # sentence 0: x exactly, nothing along z
    assert np.allclose(best[0], [0.0, 0.8], atol=1e-3)  # sentence 1: y and (0, .6, .8)
    assert np.allclose(best[3], best[1]) and np.allclose(best[2], 0.0)  # repeated row; a sentence without pieces


def test_weights_favour_rare_pieces_and_pieces_no_sentence_holds():
    table = _table()
    weights = table.weights(TokenVectors(np.array([7, 5, 1000], np.int32), np.zeros((3, 3), np.float32)))
    assert np.isclose(weights.sum(), 1.0)
    assert weights[0] < weights[1] < weights[2]  # 7 in two sentences, 5 in one, 1000 in none
    assert table.weights(TokenVectors(np.zeros(0, np.int32), np.zeros((0, 3), np.float32))).shape == (0,)


def test_a_window_takes_each_piece_best_over_its_sentences():
    best = np.array([[0.9, 0.1], [0.2, 0.8], [0.5, 0.5]])
    owner = np.array([0, 0, 1])  # window 0: sentences 0 and 1; window 1: sentence 2
    assert np.allclose(token_matches(best, np.array([0.25, 0.75]), owner, 2), [0.825, 0.5])
    assert np.allclose(token_matches(np.zeros((3, 0)), np.zeros(0), owner, 2), 0.0)  # a question of punctuation only


def test_the_table_saves_and_loads_and_refuses_parts_that_do_not_fit(tmp_path):
    table = _table()
    table.save(tmp_path)
    loaded = TokenTable.load(tmp_path)
    assert len(loaded) == 3 and loaded.ids.tolist() == [5, 7, 7, 9] and loaded.vectors.dtype == np.float16
    np.save(tmp_path / "sentence_token_offsets.npy", np.array([0, 2, 5, 4]))
    with pytest.raises(ValueError, match="do not fit"):
        TokenTable.load(tmp_path)


def test_word_pieces_hold_a_letter_or_a_digit():
    assert [is_word_piece(p) for p in ("fibro", "##my", "12", "?", "'", "##.")] == [True, True, True, False, False, False]
    kept = TokenVectors.of([101, 2054, 1029, 102], ["[CLS]", "what", "?", "[SEP]"], np.eye(4, 3), [1, 0, 0, 1])
    assert kept.ids.tolist() == [2054] and np.allclose(np.linalg.norm(kept.vectors, axis=1), 1.0)


def test_the_cache_returns_word_pieces_alike_whether_just_encoded_or_read_back(tmp_path):
    rng = np.random.default_rng(1)
    texts = ["alpha beta", "gamma", "alpha beta"]
    computed = {t: (_unit(rng.standard_normal(4))[0], TokenVectors(np.arange(len(t.split()), dtype=np.int64), _unit(*rng.standard_normal((len(t.split()), 4))))) for t in dict.fromkeys(texts)}
    calls = []

    def encode(todo):
        calls.append(list(todo))
        return np.stack([computed[t][0] for t in todo]), [computed[t][1] for t in todo]

    path = tmp_path / "cache.sqlite3"
    runs = []
    for _ in range(2):
        vectors, tokens = EmbeddingCache(path, "m"), TokenCache(path, "m", 4)
        runs.append(encode_with_tokens_cached(texts, vectors, tokens, encode))
        vectors.close(), tokens.close()
    assert calls == [["alpha beta", "gamma"]]  # the second run touches no model
    (fresh_vectors, fresh, missing), (cached_vectors, cached, none) = runs
    assert missing == [0, 1, 2] and none == [] and np.array_equal(fresh_vectors, cached_vectors)
    for a, b in zip(fresh, cached, strict=True):
        assert a.ids.dtype == b.ids.dtype == np.int32 and np.array_equal(a.ids, b.ids)
        assert a.vectors.dtype == b.vectors.dtype == np.float32 and np.array_equal(a.vectors, b.vectors)
