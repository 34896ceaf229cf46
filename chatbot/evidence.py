"""Gathering the evidence for one query: passages (dense + BM25, fused), sentences (dense and BM25
over all sentences), candidate quote windows around them, and the features the ranker and the
abstention classifier read. Everything comes through the index's search interface.

>>> vectors, tokens = encoder.encode_with_tokens(["What is dermatographism?"])
>>> evidence = gather(index, windows, "What is dermatographism?", vectors[0], tokens[0], AnswerSettings())
>>> evidence.windows[:2], evidence.features.shape
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from indexer import Index, tokenize
from indexer.answer_types import question_types
from indexer.lexical import function_words
from indexer.token_vectors import TokenVectors

from .candidates import WindowSet
from .english import POSSESSIVE, is_english_stem, near_english
from .features import Terms, answerability_features, presence, window_features
from .retrieval import Hit, fuse
from .settings import AnswerSettings

_NONE = np.zeros(0, dtype=np.int64)
UNFAMILIAR_LETTERS = 4
_WORD = re.compile(r"\w[\w'’-]*")
# Words that frame a question rather than name what it is about: not terms to look for.
_SCAFFOLD = re.compile(
    r"\bhow (?:long|much|many|often|far|old|soon)\b|\b(?:what|when|where|who|whom|whose|which|why|how|do|does|did|"
    r"is|are|was|were|can|could|should|would|will|may|might|must|shall)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Evidence:
    query: str
    hits: list[Hit]  # fused passages, best first
    windows: np.ndarray  # ids of the candidate windows (in the chatbot's WindowSet)
    features: np.ndarray  # [len(windows), len(WINDOW_FEATURES)]
    terms: Terms
    best_sentence_cos: float
    best_passage_cos: float
    best_bm25: float
    evidence_held: np.ndarray  # [terms]: held by one of the best passages
    piece_best: np.ndarray  # [question word pieces]: the best cosine each reaches in any candidate sentence
    piece_weights: np.ndarray  # [question word pieces]: their IDF weights
    unknown: np.ndarray  # [terms]: used nowhere in the corpus
    article_focus: np.ndarray  # [windows, terms]: share of the window's article's passages holding the term

    @cached_property
    def unfamiliar(self) -> tuple[str, ...]:
        """Question words that say the documents do not cover it (`unfamiliar_words`)."""
        return unfamiliar_words(self.terms, self.unknown)

    def answerability(self, scores: np.ndarray) -> np.ndarray:
        """The abstention classifier's input, once the ranker has scored the windows."""
        return answerability_features(
            scores=scores,
            features=self.features,
            best_sentence_cos=self.best_sentence_cos,
            best_passage_cos=self.best_passage_cos,
            best_bm25=self.best_bm25,
            evidence_held=self.evidence_held,
            piece_best=self.piece_best,
            piece_weights=self.piece_weights,
            terms=self.terms,
            unknown=self.unknown,
            article_focus=self.article_focus,
        )


def top_rows(scores: np.ndarray, k: int) -> dict[int, float]:
    """The `k` rows with the highest positive scores."""
    k = min(k, len(scores))
    if k <= 0:
        return {}
    top = np.argpartition(-scores, k - 1)[:k]
    return {int(i): float(scores[i]) for i in top if scores[i] > 0}


def query_terms(index: Index, query: str) -> Terms:
    """The question's content terms ("How long do my flare ups last?" -> flare, up, last), and
    which come from a capitalised word past the first (a name, likely)."""
    stop = function_words()
    raw = [w for w in _WORD.findall(_SCAFFOLD.sub(" ", query)) if w.lower() not in stop]
    found: dict[str, bool] = {}
    words: dict[str, str] = {}
    capitalised: dict[str, bool] = {}
    for n, (word, stems) in enumerate(zip(raw, tokenize(raw) if raw else [], strict=True)):
        opens = n == 0 and query.lstrip().startswith(word)
        for stem in stems:
            found[stem] = found.get(stem, False) or (n > 0 and word[:1].isupper())
            words.setdefault(stem, word)
            capitalised[stem] = capitalised.get(stem, False) or (word[:1].isupper() and not opens)
    tokens = tuple(found)
    scale = index.passages.unseen_idf
    return Terms(
        tokens=tokens,
        idf=np.array([index.passages.idf(t) / scale for t in tokens], dtype=np.float64),
        sentence_rows=tuple(index.sentences.rows_with(t) for t in tokens),
        passage_rows=tuple(index.passages.rows_with(t) for t in tokens),
        named=np.array(list(found.values()), dtype=bool),
        words=tuple(words.values()),
        capitalised=np.array(list(capitalised.values()), dtype=bool),
    )


def unfamiliar_words(terms: Terms, unknown: np.ndarray) -> tuple[str, ...]:
    """The question's words that no document uses and no English word stems to ("celiac",
    "Marfan"; chatbot/english.py): the name of something the documents do not cover. Not a word
    one edit from an English word ("tinintus"), which may be a typo of a word the documents do not
    need to use, unless it is capitalised where it does not open the question, as a name is
    ("What is Marfan syndrome?", though "Marian" is English); and only stems of UNFAMILIAR_LETTERS
    letters or more, letters only: shorter ones are often acronyms the documents spell out ("SNP")
    or bits of Latin ("vis")."""
    names = terms.capitalised if terms.capitalised is not None else np.zeros(len(terms.tokens), dtype=bool)
    return tuple(
        dict.fromkeys(
            word
            for stem, word, is_name, never_used in zip(terms.tokens, terms.words, names, unknown, strict=True)
            if never_used and len(stem) >= UNFAMILIAR_LETTERS and stem.isalpha() and not is_english_stem(stem)
            and (is_name or not near_english(POSSESSIVE.sub("", word.lower())))
        )
    )


def _spread(values: dict[int, float], size: int) -> np.ndarray:
    """A dict {row: value} as an array over all rows (0 elsewhere)."""
    spread = np.zeros(size, dtype=np.float64)
    if values:
        spread[np.fromiter(values, dtype=np.int64, count=len(values))] = list(values.values())
    return spread


def _rank_of(scores: dict[int, float], size: int) -> np.ndarray:
    """1-based rank of each row by score (0 for rows without one), as an array over all rows."""
    ordered = sorted(scores, key=lambda r: (-scores[r], r))
    return _spread(dict(zip(ordered, range(1, len(ordered) + 1), strict=True)), size)


def _neighbour(block: np.ndarray, rows: np.ndarray, step: int) -> np.ndarray:
    """The sentence `step` away from each row within its paragraph, -1 where there is none."""
    other = rows + step
    inside = (other >= 0) & (other < len(block))
    same = np.zeros(len(rows), dtype=bool)
    same[inside] = block[other[inside]] == block[rows[inside]]
    return np.where(same, other, -1)


def passage_hits(
    index: Index, vector: np.ndarray, tokens: list[str], settings: AnswerSettings
) -> tuple[list[Hit], dict[int, float], dict[int, float]]:
    """(fused hits best first, dense cosines, BM25 scores) of the passages for a query."""
    dense = index.passages.dense(vector, settings.candidates) if settings.mode != "bm25" else {}
    lexical = index.passages.lexical(tokens, settings.candidates) if settings.mode != "dense" else {}
    return fuse(dense, lexical, settings), dense, lexical


def article_focus(passage_articles: np.ndarray, passage_rows: tuple[np.ndarray, ...]) -> np.ndarray:
    """[articles, terms]: the share of each article's passages that hold each term.

    >>> article_focus(np.array([0, 0, 1]), (np.array([0, 2]),)).tolist()
    [[0.5], [1.0]]
    """
    articles = int(passage_articles.max()) + 1 if len(passage_articles) else 0
    sizes = np.bincount(passage_articles, minlength=articles).astype(np.float64)
    columns = [np.bincount(passage_articles[rows], minlength=articles) / np.maximum(sizes, 1) for rows in passage_rows]
    return np.stack(columns, axis=1) if columns else np.zeros((articles, 0))


def gather(
    index: Index, windows: WindowSet, query: str, vector: np.ndarray, pieces: TokenVectors, settings: AnswerSettings
) -> Evidence:
    """The passages, candidate windows (of `windows`, the index's WindowSet) and features for a
    query whose vector is `vector` and whose word-piece vectors are `pieces`."""
    terms = query_terms(index, query)
    tokens = list(terms.tokens)
    use_dense, use_bm25 = settings.mode != "bm25", settings.mode != "dense"
    hits, passage_dense, passage_bm25 = passage_hits(index, vector, tokens, settings)
    sentence_bm25_all = index.sentences.lexical_scores(tokens)
    sentence_dense = index.sentences.dense(vector, settings.sentence_candidates) if use_dense else {}
    sentence_bm25 = top_rows(sentence_bm25_all, settings.sentence_candidates) if use_bm25 else {}

    top = hits[: settings.passages]
    offsets = index.sentence_offsets
    seeds = [r for h in top for r in range(offsets[h.chunk], offsets[h.chunk + 1])]
    seeds += list(sentence_dense) + list(sentence_bm25)
    table = index.sentence_table
    ids = windows.around(np.array(seeds, dtype=np.int64))
    rows, owner = windows.rows(ids)
    distinct, where = np.unique(rows, return_inverse=True)
    token_table = index.sentence_tokens
    token_best, token_weights = token_table.best_matches(pieces, distinct), token_table.weights(pieces)
    firsts, lasts = windows.first[ids], windows.last[ids]
    chunks = table.chunk[firsts]
    before = _neighbour(table.block, firsts, -1)
    after = _neighbour(table.block, lasts, +1)

    passages, sentences = len(index.passages), len(index.sentences)
    best = hits[0].score if hits else 1.0
    fused_score = _spread({h.chunk: h.score / best for h in hits}, passages)
    fused_rank = _rank_of({h.chunk: h.score for h in hits}, passages)
    best_passage_bm25 = max(passage_bm25.values(), default=0.0) or 1.0
    features = window_features(
        window_norms=windows.norm[ids],
        sentence_cos=index.sentence_vectors[rows] @ vector,
        token_best=token_best[where],
        token_weights=token_weights,
        sentence_bm25=sentence_bm25_all[rows],
        owner=owner,
        held=presence(rows, terms.sentence_rows),
        passage_held=presence(chunks, terms.passage_rows),
        neighbour_held=presence(before, terms.sentence_rows) | presence(after, terms.sentence_rows),
        previous_cos=np.where(before >= 0, index.sentence_vectors[np.maximum(before, 0)] @ vector, 0.0),
        terms=terms,
        passage_score=fused_score[chunks],
        passage_rank=fused_rank[chunks],
        passage_dense=_spread(passage_dense, passages)[chunks],
        passage_bm25=_spread(passage_bm25, passages)[chunks] / best_passage_bm25,
        sentence_dense_rank=_rank_of(sentence_dense, sentences)[rows],
        sentence_bm25_rank=_rank_of(sentence_bm25, sentences)[rows],
        heading_cos=index.heading_vectors[table.section[firsts]] @ vector,
        heading_held=presence(table.section[firsts], tuple(index.heading_terms.get(t, _NONE) for t in tokens)),
        title_held=presence(table.section[firsts], tuple(index.title_terms.get(t, _NONE) for t in tokens)),
        lead_held=presence(firsts, tuple(index.lead_terms.get(t, _NONE) for t in tokens)),
        first_flags=table.flags[firsts].astype(np.int64),
        flags=table.flags[rows],
        types=table.answer_types[rows],
        block_position=table.block_position[firsts],
        section_position=table.section_position[firsts],
        words=table.words[rows].astype(np.float64),
        question_types=question_types(query),
    )
    top_chunks = np.array([h.chunk for h in top], dtype=np.int64)
    return Evidence(
        query=query,
        hits=hits,
        windows=ids,
        features=features,
        terms=terms,
        best_sentence_cos=max(sentence_dense.values(), default=0.0),
        best_passage_cos=max(passage_dense.values(), default=0.0),
        best_bm25=float(sentence_bm25_all.max()) if len(sentence_bm25_all) else 0.0,
        evidence_held=presence(top_chunks, terms.passage_rows).any(axis=0),
        piece_best=token_best.max(axis=0) if len(distinct) else np.zeros(len(token_weights)),
        piece_weights=token_weights,
        unknown=np.array([len(r) == 0 for r in terms.passage_rows], dtype=bool),
        article_focus=article_focus(index.passage_articles, terms.passage_rows)[index.passage_articles[chunks]],
    )
