"""Features of candidate quotes, and of a whole question's evidence, for the learned ranker and the
abstention classifier. Plain functions of plain arrays (vectors, term sets, sentence-table rows),
so they are unit-tested without a model; `chatbot.evidence` gathers those arrays from the index.

Every feature is scaled to be comparable across corpora of any size: IDFs are divided by the IDF
of a word the corpus never saw, BM25 scores by the best candidate's, ranks enter as 1/rank.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from indexer.answer_types import AnswerType
from indexer.sentence_table import SentenceFlag

# The ranker's inputs, in column order (the trained model records this list and is refused when
# it differs).
WINDOW_FEATURES = (
    "cos",  # cosine of the question to the window (sum of its sentence vectors, normalised)
    "cos_max",  # the best cosine of one of its sentences
    "cos_gap",  # cos minus the best cos among the candidates
    "token_match",  # IDF-weighted mean, over the question's word pieces, of the best cosine a piece of the window reaches
    "token_match_gap",  # token_match minus the best among the candidates
    "bm25",  # summed sentence BM25, over the best candidate's
    "bm25_log",  # log(1 + summed sentence BM25)
    "coverage_idf",  # IDF-weighted share of the question's terms the window holds
    "coverage",  # unweighted share
    "coverage_gap",  # coverage_idf minus the best among the candidates
    "passage_coverage_idf",  # IDF-weighted share its passage holds (the subject is often a sentence away)
    "context_coverage_idf",  # IDF-weighted share it holds with the sentences just before and after it
    "previous_cos",  # cosine of the question to the sentence just before it in the paragraph (0: none)
    "missing_idf",  # the rarest question term the window lacks (its IDF, scaled), 0 when none
    "passage_score",  # fused score of its passage, over the best passage's (0: not among the hits)
    "passage_rank",  # 1 / rank of its passage among the fused hits (0: not among them)
    "passage_dense",  # cosine of its passage, when the dense retriever returned it
    "passage_bm25",  # BM25 of its passage over the best passage's
    "sentence_dense_rank",  # 1 / rank of its best sentence in the dense sentence search (0: absent)
    "sentence_bm25_rank",  # 1 / rank of its best sentence in the BM25 sentence search (0: absent)
    "heading_cos",  # cosine of the question to its section heading under the article title (or the title)
    "heading_coverage_idf",  # IDF-weighted share of the question's terms its section's own heading holds ("Causes")
    "scoped_coverage_idf",  # IDF-weighted share held by the window, its section's heading or its article's title
    "scoped_missing_idf",  # the rarest question term none of those holds (its scaled IDF), 0 when none
    "untitled",  # no heading and no title to compare with
    "type_asked",  # the question asks for a type of answer (date, number, person, definition...)
    "type_match",  # and the window holds one of those types
    "definition_subject",  # a definition question, a defining sentence holding the rarest question term
    "lead_coverage_idf",  # IDF-weighted share of the question's terms among the first words of its first sentence
    "definition_lead",  # a definition question, and a defining first sentence opening with the rarest question term
    "has_question",  # a sentence of the window is itself a question
    "has_label",  # the window holds a list label and items
    "list_item",  # the window holds list items
    "block_start",  # 1 / (1 + place of its first sentence in the paragraph)
    "section_start",  # 1 / (1 + place of its first sentence in the section)
    "size",  # sentences
    "words_log",  # log(1 + words)
    "leans_back",  # its first sentence leans on one before that the window could not take in
    "query_terms",  # content terms in the question (a question-level feature)
)
ANSWERABILITY_FEATURES = (
    "top_score",  # the ranker's score of the best quote (log-odds)
    "second_gap",  # its margin over the second best
    "top_cos",
    "top_coverage_idf",
    "top_missing_idf",
    "top_scoped_coverage_idf",  # what the best quote holds with its heading and its article's title
    "top_scoped_missing_idf",
    "top_article_focus_idf",  # IDF-weighted mean share of the best quote's article's passages holding each term
    "top_article_rarest_focus",  # that share for the question's rarest term the corpus uses
    "top_type_match",
    "type_asked",
    "best_sentence_cos",  # the best sentence cosine anywhere in the index
    "best_passage_cos",
    "best_bm25_log",  # log(1 + the best sentence BM25)
    "evidence_coverage_idf",  # IDF-weighted share of question terms held by the best passages together
    "evidence_missing_idf",  # the rarest question term none of them holds (scaled IDF), 0 when none
    "evidence_token_match",  # IDF-weighted mean of each question word piece's best cosine over every candidate
    "rarest_piece_match",  # that best cosine for the question's rarest word piece (1 without pieces)
    "unknown_idf",  # IDF-weighted share of question terms the corpus never uses
    "unknown_terms",  # how many there are
    "unknown_names",  # a capitalised word of the question (a name) the corpus never uses
    "known_idf_max",  # the rarest question term the corpus does use (scaled IDF): how specific what it knows is
    "query_terms",
)


@dataclass(frozen=True)
class Terms:
    """The question's distinct content terms, their IDFs (scaled to 0..1 by the IDF of an unseen
    word) and, per term, the sentence and passage rows that hold it."""

    tokens: tuple[str, ...]
    idf: np.ndarray
    sentence_rows: tuple[np.ndarray, ...]
    passage_rows: tuple[np.ndarray, ...]
    # [terms] from a capitalised word past the question's first content word (what the abstention
    # classifier was trained on: "What is Marfan syndrome?" has none; see `capitalised`)
    named: np.ndarray | None = None
    words: tuple[str, ...] = ()  # [terms] the question's word each came from, as typed
    capitalised: np.ndarray | None = None  # [terms] from a capitalised word that does not open the question

    @property
    def weight(self) -> float:
        return float(self.idf.sum()) or 1.0

    def share(self, held: np.ndarray) -> np.ndarray:
        """IDF-weighted share of the terms that `held` ([..., terms]) marks; 0 without terms."""
        return (held @ self.idf) / self.weight if len(self.idf) else np.zeros(held.shape[:-1])

    def rarest_missing(self, held: np.ndarray) -> np.ndarray:
        """The scaled IDF of the rarest term that `held` ([..., terms]) does not mark; 0 when it marks all."""
        return np.where(held, 0.0, self.idf).max(axis=-1) if len(self.idf) else np.zeros(held.shape[:-1])


def presence(rows: np.ndarray, holders: tuple[np.ndarray, ...]) -> np.ndarray:
    """[len(rows), terms] booleans: does row i hold term j (each holder array sorted)."""
    found = np.zeros((len(rows), len(holders)), dtype=bool)
    for j, held in enumerate(holders):
        if len(held):
            at = np.minimum(np.searchsorted(held, rows), len(held) - 1)
            found[:, j] = held[at] == rows
    return found


def window_features(
    *,
    window_norms: np.ndarray,  # [n] length of the sum of each window's sentence vectors
    sentence_cos: np.ndarray,  # [rows] cosine of each window sentence (flattened)
    token_best: np.ndarray,  # [rows, question pieces] best cosine of each question piece in each sentence
    token_weights: np.ndarray,  # [question pieces] their IDF weights, summing to 1
    sentence_bm25: np.ndarray,  # [rows] BM25 of each window sentence
    owner: np.ndarray,  # [rows] window of each flattened sentence
    held: np.ndarray,  # [rows, terms] does the sentence hold the term
    passage_held: np.ndarray,  # [n, terms] does the window's passage hold the term
    neighbour_held: np.ndarray,  # [n, terms] does the sentence before or after the window hold it
    previous_cos: np.ndarray,  # [n] cosine of the sentence before the window (0 when none)
    terms: Terms,
    passage_score: np.ndarray,  # [n] fused score of the window's passage over the best (0 if absent)
    passage_rank: np.ndarray,  # [n] its 1-based rank among the fused hits (0 if absent)
    passage_dense: np.ndarray,  # [n]
    passage_bm25: np.ndarray,  # [n] over the best passage BM25
    sentence_dense_rank: np.ndarray,  # [rows] 1-based rank in the dense sentence search (0: absent)
    sentence_bm25_rank: np.ndarray,  # [rows]
    heading_cos: np.ndarray,  # [n]
    heading_held: np.ndarray,  # [n, terms] does the window's section heading hold the term
    title_held: np.ndarray,  # [n, terms] does the title of the window's article hold the term
    lead_held: np.ndarray,  # [n, terms] do the first words of the window's first sentence hold the term
    first_flags: np.ndarray,  # [n] SentenceFlag of each window's first sentence
    flags: np.ndarray,  # [rows] SentenceFlag of each sentence
    types: np.ndarray,  # [rows] AnswerType of each sentence
    block_position: np.ndarray,  # [n] of the first sentence
    section_position: np.ndarray,  # [n]
    words: np.ndarray,  # [rows]
    question_types: AnswerType,
) -> np.ndarray:
    """[n, len(WINDOW_FEATURES)] for n windows."""
    n = len(window_norms)
    cos = np.bincount(owner, weights=sentence_cos, minlength=n) / window_norms
    cos_max = _per_window_max(sentence_cos, owner, n)
    token_match = token_matches(token_best, token_weights, owner, n)
    bm25 = np.bincount(owner, weights=sentence_bm25, minlength=n)
    window_held = _per_window_any(held, owner, n)
    idf = terms.idf
    coverage_idf = terms.share(window_held)
    coverage = window_held.mean(axis=1) if len(idf) else np.zeros(n)
    passage_coverage = terms.share(passage_held)
    context_coverage = terms.share(window_held | neighbour_held)
    missing = terms.rarest_missing(window_held)
    # What a page's words say in context: "bloating and gas", under "Symptoms" on the page titled
    # "Celiac Disease", answers "What are the symptoms of celiac disease?" without naming either.
    scoped = window_held | heading_held | title_held
    scoped_coverage = terms.share(scoped)
    scoped_missing = terms.rarest_missing(scoped)
    rarest = int(np.argmax(idf)) if len(idf) else -1
    window_types = np.bitwise_or.reduceat(types.astype(np.int64), _starts(owner, n)) if n else np.zeros(0, np.int64)
    first_types = types[_starts(owner, n)].astype(np.int64) if n else np.zeros(0, np.int64)
    window_flags = np.bitwise_or.reduceat(flags.astype(np.int64), _starts(owner, n)) if n else np.zeros(0, np.int64)
    asked = int(question_types)
    definition = bool(asked & AnswerType.DEFINITION)
    columns = {
        "cos": cos,
        "cos_max": cos_max,
        "cos_gap": cos - (cos.max() if n else 0.0),
        "token_match": token_match,
        "token_match_gap": token_match - (token_match.max() if n else 0.0),
        "bm25": bm25 / (bm25.max() if n and bm25.max() > 0 else 1.0),
        "bm25_log": np.log1p(bm25),
        "coverage_idf": coverage_idf,
        "coverage": coverage,
        "coverage_gap": coverage_idf - (coverage_idf.max() if n else 0.0),
        "passage_coverage_idf": passage_coverage,
        "context_coverage_idf": context_coverage,
        "previous_cos": previous_cos,
        "missing_idf": missing,
        "passage_score": passage_score,
        "passage_rank": np.where(passage_rank > 0, 1.0 / np.maximum(passage_rank, 1), 0.0),
        "passage_dense": passage_dense,
        "passage_bm25": passage_bm25,
        "sentence_dense_rank": _per_window_max(_reciprocal(sentence_dense_rank), owner, n),
        "sentence_bm25_rank": _per_window_max(_reciprocal(sentence_bm25_rank), owner, n),
        "heading_cos": heading_cos,
        "heading_coverage_idf": terms.share(heading_held),
        "scoped_coverage_idf": scoped_coverage,
        "scoped_missing_idf": scoped_missing,
        "untitled": (first_flags & SentenceFlag.UNTITLED) > 0,
        "type_asked": np.full(n, asked != 0),
        "type_match": (window_types & asked) > 0,
        "definition_subject": (window_types & AnswerType.DEFINITION > 0) & window_held[:, rarest]
        if definition and rarest >= 0
        else np.zeros(n, dtype=bool),
        "lead_coverage_idf": terms.share(lead_held),
        "definition_lead": (first_types & AnswerType.DEFINITION > 0) & lead_held[:, rarest]
        if definition and rarest >= 0
        else np.zeros(n, dtype=bool),
        "has_question": (window_flags & SentenceFlag.QUESTION) > 0,
        "has_label": (window_flags & SentenceFlag.LABEL) > 0,
        "list_item": (window_flags & SentenceFlag.LIST_ITEM) > 0,
        "block_start": 1.0 / (1.0 + block_position),
        "section_start": 1.0 / (1.0 + section_position),
        "size": np.bincount(owner, minlength=n),
        "words_log": np.log1p(np.bincount(owner, weights=words, minlength=n)),
        "leans_back": (first_flags & SentenceFlag.LEANS_BACK) > 0,
        "query_terms": np.full(n, float(len(idf))),
    }
    return np.column_stack([np.asarray(columns[name], dtype=np.float32) for name in WINDOW_FEATURES])


def answerability_features(
    *,
    scores: np.ndarray,  # the ranker's scores of every candidate (log-odds)
    features: np.ndarray,  # their WINDOW_FEATURES
    best_sentence_cos: float,
    best_passage_cos: float,
    best_bm25: float,
    evidence_held: np.ndarray,  # [terms] does any of the best passages hold the term
    piece_best: np.ndarray,  # [question pieces] the best cosine each reaches in any candidate sentence
    piece_weights: np.ndarray,  # [question pieces] their IDF weights, summing to 1
    terms: Terms,
    unknown: np.ndarray,  # [terms] the corpus never uses the term
    article_focus: np.ndarray,  # [candidates, terms] share of each candidate's article's passages holding the term
) -> np.ndarray:
    """[len(ANSWERABILITY_FEATURES)]: how well the best evidence answers the question. A subject
    the best quote's article names in passing, not throughout (a page on celiac disease asked
    about osteoporosis), is a sign the documents are not about it."""
    column = {name: i for i, name in enumerate(WINDOW_FEATURES)}
    order = np.argsort(-scores) if len(scores) else np.zeros(0, dtype=int)
    top = features[order[0]] if len(order) else np.zeros(len(WINDOW_FEATURES), dtype=np.float32)
    idf = terms.idf
    focus = article_focus[order[0]] if len(order) else np.zeros(len(idf))
    values = {
        "top_score": float(scores[order[0]]) if len(order) else -10.0,
        "second_gap": float(scores[order[0]] - scores[order[1]]) if len(order) > 1 else 0.0,
        "top_cos": top[column["cos"]],
        "top_coverage_idf": top[column["coverage_idf"]],
        "top_missing_idf": top[column["missing_idf"]],
        "top_scoped_coverage_idf": top[column["scoped_coverage_idf"]],
        "top_scoped_missing_idf": top[column["scoped_missing_idf"]],
        "top_article_focus_idf": float(terms.share(focus)) if len(idf) else 0.0,
        "top_article_rarest_focus": float(focus[np.argmax(np.where(unknown, -1.0, idf))]) if (~unknown).any() else 0.0,
        "top_type_match": top[column["type_match"]],
        "type_asked": top[column["type_asked"]],
        "best_sentence_cos": best_sentence_cos,
        "best_passage_cos": best_passage_cos,
        "best_bm25_log": np.log1p(best_bm25),
        "evidence_coverage_idf": float(terms.share(evidence_held)),
        "evidence_missing_idf": float(terms.rarest_missing(evidence_held)),
        "evidence_token_match": float(piece_best @ piece_weights) if len(piece_weights) else 1.0,
        "rarest_piece_match": float(piece_best[np.argmax(piece_weights)]) if len(piece_weights) else 1.0,
        "unknown_idf": float(terms.share(unknown)),
        "unknown_terms": float(unknown.sum()),
        "unknown_names": float((unknown & terms.named).any()) if terms.named is not None and len(idf) else 0.0,
        "known_idf_max": float(idf[~unknown].max()) if (~unknown).any() else 0.0,
        "query_terms": float(len(idf)),
    }
    return np.array([values[name] for name in ANSWERABILITY_FEATURES], dtype=np.float32)


def penalised(logits: np.ndarray, features: np.ndarray, penalty: float) -> np.ndarray:
    """The ranker's log-odds less `penalty` per sentence beyond the first: among windows that are
    about as likely to answer, the shortest wins."""
    if not len(logits):
        return logits
    return logits - penalty * (features[:, WINDOW_FEATURES.index("size")] - 1)


def token_matches(best: np.ndarray, weights: np.ndarray, owner: np.ndarray, n: int) -> np.ndarray:
    """[n] per window: each question piece's best cosine over the window's sentences, weighted by
    `weights` and summed (0 for a question without word pieces).

    >>> token_matches(np.array([[0.9, 0.1], [0.2, 0.8]]), np.array([0.5, 0.5]), np.array([0, 0]), 1)
    array([0.85])
    """
    if not n or not len(weights):
        return np.zeros(n)
    per_window = np.maximum.reduceat(np.asarray(best, dtype=np.float64), _starts(owner, n), axis=0)
    return per_window @ np.asarray(weights, dtype=np.float64)


def _starts(owner: np.ndarray, n: int) -> np.ndarray:
    """Index of each window's first flattened row (owners are sorted and every window has rows)."""
    return np.searchsorted(owner, np.arange(n))


def _per_window_max(values: np.ndarray, owner: np.ndarray, n: int) -> np.ndarray:
    return np.maximum.reduceat(values, _starts(owner, n)) if n else np.zeros(0)


def _per_window_any(held: np.ndarray, owner: np.ndarray, n: int) -> np.ndarray:
    if held.shape[1] == 0 or n == 0:
        return np.zeros((n, held.shape[1]), dtype=bool)
    return np.logical_or.reduceat(held, _starts(owner, n), axis=0)


def _reciprocal(ranks: np.ndarray) -> np.ndarray:
    return np.where(ranks > 0, 1.0 / np.maximum(ranks, 1), 0.0)
