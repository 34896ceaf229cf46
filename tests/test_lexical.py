"""The one tokenizer of the BM25 index and of every query, without a model."""

from __future__ import annotations

from indexer import tokenize
from indexer.lexical import fold_accents, stem_words


def test_accents_are_folded_so_a_name_typed_without_them_is_the_same_token():
    assert fold_accents("Ménière, wüstite, Hervé, naïve") == "Meniere, wustite, Herve, naive"
    assert fold_accents("plain ASCII stays") == "plain ASCII stays"
    assert tokenize(["Ménière's disease"]) == tokenize(["Meniere's disease"])


def test_words_are_stemmed_as_tokenize_stems_them():
    words = ["opioids", "flare", "lasted", "diseases"]
    assert stem_words(words) == [stems[0] for stems in tokenize(words)]
