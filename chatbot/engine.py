"""The answer engine: a question and the conversation so far in, quotes or a notice out."""

from __future__ import annotations

import time
from pathlib import Path

from indexer import Embedder, Index, load_index, tokenize

from .answers import (
    ADVICE,
    ADVICE_NOTICE,
    ANSWERED,
    CRISIS,
    CRISIS_NOTICE,
    INVALID,
    NO_ANSWER,
    NO_ANSWER_NOTICE,
    Answer,
)
from .extraction import idf_weights, make_quotes, score_sentences
from .followup import resolve
from .inputs import clean_text, validate_question
from .retrieval import Hit, bm25_candidates, dense_candidates, fuse
from .safety import route
from .settings import AnswerSettings


class Chatbot:
    """Answers questions by quoting the indexed documents.

    >>> bot = Chatbot.load()
    >>> bot.ask("How long do its flare ups last?", history=["What is dermatographism?"]).status
    'answered'
    """

    def __init__(self, index: Index, embedder: Embedder, settings: AnswerSettings = AnswerSettings()):
        self.index = index
        self.embedder = embedder
        self.settings = settings
        self._idf = idf_weights(index)

    @classmethod
    def load(
        cls,
        index_dir: Path | None = None,
        model_path: Path | None = None,
        settings: AnswerSettings = AnswerSettings(),
    ) -> Chatbot:
        """Open the live index (verified against the query model) and warm the model up."""
        index = load_index(index_dir, model_path)
        embedder = Embedder(model_path)
        embedder.encode(["warm up"])
        return cls(index, embedder, settings)

    def with_settings(self, settings: AnswerSettings) -> Chatbot:
        """The same index and model with other settings (for evals), without reloading."""
        return Chatbot(self.index, self.embedder, settings)

    def retrieve(self, query: str, k: int | None = None, timings: dict | None = None) -> list[Hit]:
        """Fused passage hits for a query, best first (what the evals rank)."""
        hits, _, _ = self._retrieve(query, timings if timings is not None else {})
        return hits[:k] if k else hits

    def _retrieve(self, query: str, timings: dict):
        settings = self.settings
        clock = time.perf_counter()
        vector = self.embedder.encode([query])[0]
        timings["embed"] = time.perf_counter() - clock
        clock = time.perf_counter()
        dense = dense_candidates(self.index, vector, settings.candidates) if settings.mode != "bm25" else {}
        timings["dense"] = time.perf_counter() - clock
        clock = time.perf_counter()
        tokens = tokenize([query])[0]
        lexical = bm25_candidates(self.index, tokens, settings.candidates) if settings.mode != "dense" else {}
        timings["bm25"] = time.perf_counter() - clock
        clock = time.perf_counter()
        hits = fuse(dense, lexical, settings)
        timings["fusion"] = time.perf_counter() - clock
        return hits, vector, tokens

    def ask(self, question: object, history: list | tuple = ()) -> Answer:
        """Answer one question; `history` holds the previous questions, oldest first."""
        cleaned, error = validate_question(question)
        if error:
            return Answer(question=cleaned, query="", status=INVALID, error=error)
        kind, _ = route(cleaned)
        if kind == CRISIS:
            return Answer(question=cleaned, query=cleaned, status=CRISIS, notice=CRISIS_NOTICE)
        previous = [clean_text(h)[:1000] for h in (history or [])][-self.settings.max_history_turns :]
        query = resolve(cleaned, [h for h in previous if h], self.settings.max_history_turns)
        timings: dict[str, float] = {}
        hits, vector, tokens = self._retrieve(query, timings)
        clock = time.perf_counter()
        scored = score_sentences(self.index, hits, vector, tokens, self._idf, self.settings)
        confident = bool(scored) and max(s.evidence for s in scored) >= self.settings.threshold
        quotes = make_quotes(self.index, scored, self.settings) if confident else []
        timings["extraction"] = time.perf_counter() - clock
        if kind == ADVICE:
            return Answer(cleaned, query, ADVICE, tuple(quotes), ADVICE_NOTICE, timings=timings)
        if not quotes:
            return Answer(cleaned, query, NO_ANSWER, (), NO_ANSWER_NOTICE, timings=timings)
        return Answer(cleaned, query, ANSWERED, tuple(quotes), None, timings=timings)
