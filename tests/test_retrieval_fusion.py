"""Fusion of the dense and lexical passage rankings (chatbot/retrieval.py): pure functions, no model."""

from __future__ import annotations

import pytest

from chatbot.retrieval import fuse, fused_scores, rrf_scores, weighted_scores, zscore_scores
from chatbot.settings import FUSIONS, AnswerSettings, Fusion

DENSE = {1: 0.62, 2: 0.55, 3: 0.31}
LEXICAL = {2: 11.0, 4: 4.0}


def test_fusions_are_named_by_the_enum_and_an_unknown_one_is_refused_with_the_known_ones():
    assert FUSIONS == ("rrf", "weighted", "zscore")
    assert Fusion.from_str("weighted") is Fusion.WEIGHTED
    with pytest.raises(ValueError, match="'borda' is not one of rrf, weighted, zscore"):
        AnswerSettings(fusion="borda")


@pytest.mark.parametrize(
    "field, value, message",
    [("dense_weight", 1.5, "between 0 and 1"), ("dense_weight", -0.1, "between 0 and 1"), ("rrf_k", 0, "at least 1"),
     ("candidates", 0, "at least 1"), ("unsure_below", 1.2, "between 0 and 1")],
)
def test_weights_and_sizes_out_of_range_are_refused(field, value, message):
    with pytest.raises(ValueError, match=message):
        AnswerSettings(**{field: value})


def test_the_default_is_weighted_fusion_leaning_to_the_dense_side():
    settings = AnswerSettings()
    assert (settings.fusion, settings.dense_weight) == ("weighted", 0.7)


def test_weighted_fusion_scores_each_side_over_its_best():
    scores = weighted_scores(DENSE, LEXICAL, 0.6)
    assert scores[1] == pytest.approx(0.6)
    assert scores[2] == pytest.approx(0.6 * 0.55 / 0.62 + 0.4)
    assert scores[4] == pytest.approx(0.4 * 4.0 / 11.0)


def test_weighted_fusion_does_not_depend_on_how_deep_each_side_looked():
    # The same top of each list with a longer tail: the rows both lists hold keep their scores.
    deeper_dense = {**DENSE, 9: 0.10, 10: 0.05}
    deeper_lexical = {**LEXICAL, 11: 0.5}
    short, deep = weighted_scores(DENSE, LEXICAL, 0.6), weighted_scores(deeper_dense, deeper_lexical, 0.6)
    assert {r: deep[r] for r in short} == pytest.approx(short)


def test_a_retriever_that_is_sure_outweighs_one_that_barely_prefers_anything():
    # BM25 is very sure of passage 5; the dense side barely prefers passage 6. Ranks alone tie them.
    dense = {6: 0.52, 5: 0.50, 7: 0.49, 8: 0.48}
    lexical = {5: 20.0, 6: 2.0, 7: 1.9, 8: 1.8}
    for fusion in ("weighted", "zscore"):
        assert fuse(dense, lexical, AnswerSettings(fusion=fusion, dense_weight=0.5))[0].chunk == 5


def test_rrf_adds_the_weighted_reciprocal_ranks():
    scores = rrf_scores(DENSE, LEXICAL, 0.3, 60)
    assert scores[2] == pytest.approx(0.3 / 62 + 0.7 / 61)
    assert scores[3] == pytest.approx(0.3 / 63)


def test_zscore_gives_a_row_one_side_missed_that_sides_lowest_score():
    scores = zscore_scores(DENSE, LEXICAL, 0.5)
    # Row 4 (BM25 only) and row 3 (dense only) both take the missing side's floor.
    assert scores[4] < scores[2] and scores[3] < scores[2]
    assert all(s > 0 for s in scores.values())


@pytest.mark.parametrize("fusion", FUSIONS)
def test_every_fusion_keeps_what_either_retriever_found_best_first(fusion):
    hits = fuse(DENSE, LEXICAL, AnswerSettings(fusion=fusion, dense_weight=0.5))
    assert {h.chunk for h in hits} == {1, 2, 3, 4} and hits[0].chunk == 2
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert next(h for h in hits if h.chunk == 4).dense is None and next(h for h in hits if h.chunk == 2).bm25 == 11.0


@pytest.mark.parametrize("fusion", FUSIONS)
@pytest.mark.parametrize("mode, expected", [("dense", [1, 2, 3]), ("bm25", [2, 4])])
def test_a_single_retriever_mode_keeps_that_retrievers_order(fusion, mode, expected):
    hits = fuse(DENSE if mode == "dense" else {}, LEXICAL if mode == "bm25" else {}, AnswerSettings(mode=mode, fusion=fusion))
    assert [h.chunk for h in hits] == expected


def test_no_candidates_and_non_positive_cosines_give_no_hits():
    assert fuse({}, {}, AnswerSettings()) == []
    assert fused_scores({1: -0.2}, {}, AnswerSettings()) == {1: 0.0}
    assert fuse({1: -0.2}, {}, AnswerSettings()) == []


def test_ties_are_broken_by_row_so_runs_repeat():
    hits = fuse({3: 0.5, 1: 0.5}, {}, AnswerSettings(mode="dense"))
    assert [h.chunk for h in hits] == [1, 3]
