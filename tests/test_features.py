"""Ranker and answerability features, fusion and the learned-model files, without a model: plain
arrays in, numbers out."""

from __future__ import annotations

import numpy as np
import pytest

from chatbot.answers import unfamiliar_notice
from chatbot.english import is_english, is_english_stem, near_english
from chatbot.evidence import article_focus, unfamiliar_words
from chatbot.features import (
    ANSWERABILITY_FEATURES,
    WINDOW_FEATURES,
    Terms,
    answerability_features,
    penalised,
    presence,
    window_features,
)
from chatbot.learned import Classifier, ModelFileError
from chatbot.retrieval import fuse
from chatbot.settings import AnswerSettings
from indexer.answer_types import AnswerType
from indexer.sentence_table import SentenceFlag

COLUMN = {name: i for i, name in enumerate(WINDOW_FEATURES)}


def test_presence_says_which_rows_hold_which_terms():
    holders = (np.array([1, 4, 9]), np.array([], dtype=np.int64), np.array([0, 4]))
    found = presence(np.array([4, 5, 0, -1]), holders)
    assert found.tolist() == [[True, False, True], [False, False, False], [False, False, True], [False, False, False]]


def two_windows(**overrides):
    """Window 0 is sentence 0; window 1 is sentences 1 and 2 (a date, a leaning start)."""
    terms = Terms(("ketamin", "discov"), np.array([0.4, 0.8]), (), ())
    arrays = dict(
        window_norms=np.array([1.0, 1.5]),
        sentence_cos=np.array([0.2, 0.6, 0.3]),
        token_best=np.array([[0.9, 0.2], [0.3, 0.7], [0.5, 0.4]]),  # two question word pieces
        token_weights=np.array([0.25, 0.75]),
        sentence_bm25=np.array([0.0, 3.0, 1.0]),
        owner=np.array([0, 1, 1]),
        held=np.array([[True, False], [False, True], [True, False]]),
        passage_held=np.array([[True, False], [True, True]]),
        neighbour_held=np.array([[False, False], [False, False]]),
        previous_cos=np.array([0.0, 0.1]),
        terms=terms,
        passage_score=np.array([1.0, 0.5]),
        passage_rank=np.array([1, 0]),
        passage_dense=np.array([0.5, 0.4]),
        passage_bm25=np.array([1.0, 0.2]),
        sentence_dense_rank=np.array([0, 1, 4]),
        sentence_bm25_rank=np.array([2, 0, 0]),
        heading_cos=np.array([0.3, 0.9]),
        heading_held=np.array([[False, False], [False, True]]),  # window 1's heading: "Discovery"
        title_held=np.array([[False, True], [False, False]]),  # window 0's article: "Ketamine's discovery"
        lead_held=np.array([[True, False], [False, False]]),  # sentence 0 opens with "Ketamine …"
        first_flags=np.array([int(SentenceFlag.UNTITLED), int(SentenceFlag.LEANS_BACK)]),
        flags=np.array([int(SentenceFlag.UNTITLED), int(SentenceFlag.LEANS_BACK), int(SentenceFlag.QUESTION)]),
        types=np.array([0, int(AnswerType.DATE), 0]),
        block_position=np.array([0, 2]),
        section_position=np.array([0, 5]),
        words=np.array([10.0, 12.0, 8.0]),
        question_types=AnswerType.DATE | AnswerType.TIME,
    )
    return window_features(**{**arrays, **overrides})


def test_window_features_measure_each_window():
    f = two_windows()
    assert f.shape == (2, len(WINDOW_FEATURES))
    assert np.allclose(f[:, COLUMN["cos"]], [0.2, 0.9 / 1.5])
    assert np.allclose(f[:, COLUMN["cos_max"]], [0.2, 0.6])
    # window 1 meets piece 0 at 0.5 (sentence 2) and piece 1 at 0.7 (sentence 1)
    assert np.allclose(f[:, COLUMN["token_match"]], [0.25 * 0.9 + 0.75 * 0.2, 0.25 * 0.5 + 0.75 * 0.7])
    assert np.allclose(f[:, COLUMN["token_match_gap"]], [0.375 - 0.65, 0.0])
    assert np.allclose(f[:, COLUMN["bm25"]], [0.0, 1.0])
    assert np.allclose(f[:, COLUMN["coverage_idf"]], [0.4 / 1.2, 1.0])  # window 1 holds both terms
    assert np.allclose(f[:, COLUMN["missing_idf"]], [0.8, 0.0])
    # Window 0 lacks "discov", which its article's title holds; window 1's heading holds it.
    assert np.allclose(f[:, COLUMN["scoped_coverage_idf"]], [1.0, 1.0])
    assert np.allclose(f[:, COLUMN["scoped_missing_idf"]], [0.0, 0.0])
    assert f[:, COLUMN["type_match"]].tolist() == [0, 1] and f[:, COLUMN["type_asked"]].tolist() == [1, 1]
    assert f[:, COLUMN["has_question"]].tolist() == [0, 1] and f[:, COLUMN["leans_back"]].tolist() == [0, 1]
    assert f[:, COLUMN["untitled"]].tolist() == [1, 0]
    assert f[:, COLUMN["size"]].tolist() == [1, 2] and np.allclose(f[:, COLUMN["words_log"]], np.log1p([10, 20]))
    assert np.allclose(f[:, COLUMN["sentence_dense_rank"]], [0.0, 1.0])  # its best sentence ranked first
    assert np.allclose(f[:, COLUMN["passage_rank"]], [1.0, 0.0])
    assert np.allclose(f[:, COLUMN["section_start"]], [1.0, 1 / 6])
    assert np.allclose(f[:, COLUMN["heading_coverage_idf"]], [0.0, 0.8 / 1.2])
    assert np.allclose(f[:, COLUMN["lead_coverage_idf"]], [0.4 / 1.2, 0.0])
    assert f[:, COLUMN["definition_lead"]].tolist() == [0, 0]  # not a definition question


def test_a_definition_question_prefers_the_sentence_that_opens_with_its_subject():
    # "What is dermatographism?": window 0 opens "Dermatographism is a …", window 1 only mentions it.
    terms = Terms(("dermatograph",), np.array([0.9]), (), ())
    f = two_windows(
        terms=terms, question_types=AnswerType.DEFINITION,
        held=np.array([[True], [True], [False]]), passage_held=np.ones((2, 1), bool),
        neighbour_held=np.zeros((2, 1), bool), heading_held=np.zeros((2, 1), bool), title_held=np.zeros((2, 1), bool),
        lead_held=np.array([[True], [False]]),
        types=np.array([int(AnswerType.DEFINITION), int(AnswerType.DEFINITION), 0]),
    )
    assert f[:, COLUMN["definition_lead"]].tolist() == [1, 0]
    assert f[:, COLUMN["definition_subject"]].tolist() == [1, 1]


def test_a_question_with_no_content_terms_still_gets_features():
    f = two_windows(terms=Terms((), np.zeros(0), (), ()), held=np.zeros((3, 0), bool),
                    passage_held=np.zeros((2, 0), bool), neighbour_held=np.zeros((2, 0), bool),
                    heading_held=np.zeros((2, 0), bool), title_held=np.zeros((2, 0), bool), lead_held=np.zeros((2, 0), bool))
    assert np.isfinite(f).all() and f[:, COLUMN["coverage_idf"]].tolist() == [0, 0]


def test_answerability_reads_the_best_window_and_what_no_evidence_holds():
    features = two_windows()
    terms = Terms(("ketamin", "cost"), np.array([0.4, 0.9]), (), ())
    values = answerability_features(
        scores=np.array([-1.0, 2.0]), features=features, best_sentence_cos=0.6, best_passage_cos=0.5, best_bm25=3.0,
        evidence_held=np.array([True, False]), piece_best=np.array([0.9, 0.3]), piece_weights=np.array([0.4, 0.6]),
        terms=terms, unknown=np.array([False, True]), article_focus=np.array([[1.0, 0.0], [0.25, 0.0]]),
    )
    v = dict(zip(ANSWERABILITY_FEATURES, values, strict=True))
    assert v["top_score"] == 2.0 and v["second_gap"] == 3.0
    assert v["top_cos"] == pytest.approx(0.6)  # window 1 is the best
    assert v["evidence_missing_idf"] == pytest.approx(0.9) and v["unknown_idf"] == pytest.approx(0.9 / 1.3)
    # the rarer word piece is met at 0.3 at best anywhere: a weak match for what the question is about
    assert v["evidence_token_match"] == pytest.approx(0.4 * 0.9 + 0.6 * 0.3) and v["rarest_piece_match"] == pytest.approx(0.3)
    # the best window's article: a quarter of its passages hold "ketamine", the one term the corpus uses
    assert v["top_article_focus_idf"] == pytest.approx(0.25 * 0.4 / 1.3) and v["top_article_rarest_focus"] == 0.25


def test_answerability_sees_whether_the_best_windows_article_or_section_is_about_the_question():
    # Window 1, the best scored, holds "ketamine" but not the rarer "discovery", neither itself nor in
    # its heading or its article's title, and its article names "discovery" in one passage in ten (a
    # subject met only in passing, as absent-subject questions are).
    features = two_windows(held=np.array([[False, True], [False, False], [True, False]]),
                           heading_held=np.zeros((2, 2), bool), title_held=np.zeros((2, 2), bool))
    assert features[:, COLUMN["scoped_coverage_idf"]].tolist() == pytest.approx([0.8 / 1.2, 0.4 / 1.2])
    v = dict(zip(ANSWERABILITY_FEATURES, answerability_features(
        scores=np.array([-1.0, 2.0]), features=features, best_sentence_cos=0.6, best_passage_cos=0.5, best_bm25=3.0,
        evidence_held=np.array([True, True]), piece_best=np.array([0.8]), piece_weights=np.array([1.0]),
        terms=Terms(("ketamin", "discov"), np.array([0.4, 0.8]), (), ()),
        unknown=np.array([False, False]), article_focus=np.array([[0.5, 1.0], [0.5, 0.1]]),
    ), strict=True))
    assert v["top_scoped_coverage_idf"] == pytest.approx(0.4 / 1.2)
    assert v["top_scoped_missing_idf"] == features[1, COLUMN["scoped_missing_idf"]] > 0
    # and its article names "discovery" in one passage in ten: in passing
    assert v["top_article_rarest_focus"] == pytest.approx(0.1)


def test_the_length_penalty_prefers_the_shorter_of_two_equal_windows():
    features = two_windows()
    scores = penalised(np.array([1.0, 1.0]), features, 0.3)
    assert scores.tolist() == pytest.approx([1.0, 0.7])


@pytest.mark.parametrize("fusion", ["rrf", "weighted", "zscore"])
def test_every_fusion_keeps_what_both_retrievers_found_best_first(fusion):
    dense = {1: 0.9, 2: 0.5, 3: 0.4}
    lexical = {1: 12.0, 4: 3.0}
    hits = fuse(dense, lexical, AnswerSettings(fusion=fusion, dense_weight=0.5))
    assert hits[0].chunk == 1 and {h.chunk for h in hits} == {1, 2, 3, 4}
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_zscore_fusion_trusts_a_retriever_that_is_sure():
    # The lexical side is very sure of passage 5; the dense side barely prefers passage 6.
    dense = {6: 0.52, 5: 0.50, 7: 0.49, 8: 0.48}
    lexical = {5: 20.0, 6: 2.0, 7: 1.9, 8: 1.8}
    assert fuse(dense, lexical, AnswerSettings(fusion="zscore", dense_weight=0.5))[0].chunk == 5


def test_a_model_file_round_trips_and_refuses_other_features(tmp_path):
    layers = ((np.ones((2, 3)), np.zeros(3)), (np.ones((3, 1)), np.array([-1.0])))
    model = Classifier("ranker", ("a", "b"), np.zeros(2), np.ones(2), layers, {"embedding_model": {"name": "m", "fingerprint": "f1"}})
    model.save(tmp_path)
    loaded = Classifier.load("ranker", tmp_path)
    X = np.array([[1.0, -2.0], [0.5, 0.5]])
    assert np.allclose(loaded.logits(X), model.logits(X)) and np.allclose(loaded.logits(X), [-1.0, 2.0])
    loaded.check(("a", "b"), "f1")
    with pytest.raises(ModelFileError, match="other features"):
        loaded.check(("a", "c"))
    with pytest.raises(ModelFileError, match="another"):
        loaded.check(("a", "b"), "f2")
    (tmp_path / "ranker.npz").write_bytes(b"damaged")
    with pytest.raises(ModelFileError, match="cannot be read"):
        Classifier.load("ranker", tmp_path)


def test_article_focus_is_the_share_of_each_articles_passages_that_hold_each_term():
    # passages 0-2 belong to article 0, passage 3 to article 1; term 0 is in passages 0 and 3, term 1 nowhere
    focus = article_focus(np.array([0, 0, 0, 1]), (np.array([0, 3]), np.array([], dtype=np.int64)))
    assert np.allclose(focus, [[1 / 3, 0.0], [1.0, 0.0]])


def test_unfamiliar_words_are_those_no_document_uses_and_no_english_word_stems_to():
    stems = ("fasciit", "diseas", "opioid", "snp", "p53", "marfan", "tinintus", "cost")
    words = ("fasciitis", "disease", "opioids", "SNP", "p53", "Marfan", "tinintus", "cost")
    named = np.array([False, False, False, True, False, True, False, False])
    terms = Terms(stems, np.full(len(stems), 0.5), (), (), words=words, capitalised=named)
    never_used = np.array([True, False, True, True, True, True, True, True])
    # "disease" is used; "opioids" and "cost" are English; "SNP" is short (an acronym the documents
    # may spell out); "p53" is not letters only; "tinintus" may be a typo of "tinnitus", but
    # "Marfan", capitalised like a name, is not taken for "Marian".
    assert unfamiliar_words(terms, never_used) == ("fasciitis", "Marfan")
    assert unfamiliar_words(terms, np.zeros(len(stems), dtype=bool)) == ()
    assert unfamiliar_words(Terms((), np.zeros(0), (), ()), np.zeros(0, dtype=bool)) == ()


def test_english_words_stems_and_typos():
    assert is_english("addictive") and not is_english("celiac")
    assert near_english("tinintus") and near_english("hairdyer") and not near_english("fasciitis")
    assert is_english_stem("opioid") and not is_english("opioids")  # the list holds the singular only
    assert not is_english_stem("celiac")


def test_an_english_stem_behind_an_everyday_prefix_is_english():
    # "misremembering" and "overthinking" are not on the list, though "remembering" and "thinking" are.
    assert is_english_stem("misrememb") and is_english_stem("overthink") and is_english_stem("unblind")
    # Not behind the prefixes of medical terms, nor before a stem too short to be sure of.
    assert not is_english_stem("postherpet") and not is_english_stem("prediabet")
    assert not is_english_stem("suboxon") and not is_english_stem("remicad")


def test_the_unfamiliar_notice_names_every_word():
    assert unfamiliar_notice(("celiac",)).startswith("The documents never mention “celiac”, so")
    assert "“celiac” and “wustite”," in unfamiliar_notice(("celiac", "wustite"))
    assert "“a”, “b” and “c”," in unfamiliar_notice(("a", "b", "c"))
