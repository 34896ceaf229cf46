"""The answer engine: a question and the conversation so far in, quotes or a notice out."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from indexer import Embedder, Index, IndexLoadError, load_index, tokenize
from indexer.publishing import current_version

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
from .inputs import MAX_QUESTION_CHARS, clean_text, validate_question
from .retrieval import Hit, bm25_candidates, dense_candidates, fuse
from .safety import route
from .settings import AnswerSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Loaded:
    """What one question is answered from: swapped whole on reload, so no answer mixes versions."""

    index: Index
    idf: dict[str, float]


class Chatbot:
    """Answers questions by quoting the indexed documents.

    >>> bot = Chatbot.load()
    >>> bot.ask("How long do its flare ups last?", history=["What is dermatographism?"]).status
    'answered'
    """

    def __init__(self, index: Index, embedder: Embedder, settings: AnswerSettings = AnswerSettings()):
        self._loaded = _Loaded(index, idf_weights(index))
        self.embedder = embedder
        self.settings = settings
        self.index_dir: Path | None = None  # set by load(); where reload() looks

    @property
    def index(self) -> Index:
        return self._loaded.index

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
        bot = cls(index, embedder, settings)
        bot.index_dir = Path(index_dir) if index_dir is not None else None
        return bot

    def with_settings(self, settings: AnswerSettings) -> Chatbot:
        """The same index and model with other settings (for evals), without reloading."""
        bot = Chatbot(self.index, self.embedder, settings)
        bot._loaded, bot.index_dir = self._loaded, self.index_dir
        return bot

    def reload(self) -> bool:
        """Switch to the live index version if a rebuild published a new one; True if switched.
        A damaged new version is refused (logged) and the current one keeps serving."""
        from indexer import default_index_dir

        index_dir = self.index_dir or default_index_dir()
        try:
            if current_version(index_dir) == self.index.folder:
                return False
            fresh = load_index(index_dir, self.embedder.info.path)
        except IndexLoadError as exc:
            log.warning("index not reloaded, still serving %s: %s", self.index.folder.name, exc)
            return False
        self._loaded = _Loaded(fresh, idf_weights(fresh))
        log.warning("switched to index version %s", fresh.folder.name)
        return True

    def watch(self, interval: float = 2.0) -> threading.Thread:
        """Check for a newly published index every `interval` seconds, in a daemon thread."""

        def loop():
            while True:
                time.sleep(interval)
                try:
                    self.reload()
                except Exception:  # a watcher must never die; the next check tries again
                    log.exception("index reload check failed")

        thread = threading.Thread(target=loop, name="index-watcher", daemon=True)
        thread.start()
        return thread

    def retrieve(self, query: str, k: int | None = None, timings: dict | None = None) -> list[Hit]:
        """Fused passage hits for a query, best first (what the evals rank)."""
        hits, _, _ = self._retrieve(query, timings if timings is not None else {}, self.index)
        return hits[:k] if k else hits

    def _retrieve(self, query: str, timings: dict, index: Index):
        settings = self.settings
        clock = time.perf_counter()
        vector = self.embedder.encode([query])[0]
        timings["embed"] = time.perf_counter() - clock
        clock = time.perf_counter()
        dense = dense_candidates(index, vector, settings.candidates) if settings.mode != "bm25" else {}
        timings["dense"] = time.perf_counter() - clock
        clock = time.perf_counter()
        tokens = tokenize([query])[0]
        lexical = bm25_candidates(index, tokens, settings.candidates) if settings.mode != "dense" else {}
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
        turns = list(history) if isinstance(history, list | tuple) else []
        recent = turns[-self.settings.max_history_turns :]  # clean only what is used
        previous = [clean_text(h)[:MAX_QUESTION_CHARS] for h in recent]
        query = resolve(cleaned, [h for h in previous if h], self.settings.max_history_turns)
        loaded = self._loaded  # one version for the whole answer, even if a reload happens meanwhile
        timings: dict[str, float] = {}
        hits, vector, tokens = self._retrieve(query, timings, loaded.index)
        clock = time.perf_counter()
        scored = score_sentences(loaded.index, hits, vector, tokens, loaded.idf, self.settings)
        confident = bool(scored) and max(s.evidence for s in scored) >= self.settings.threshold
        quotes = make_quotes(loaded.index, scored, self.settings) if confident else []
        timings["extraction"] = time.perf_counter() - clock
        if kind == ADVICE:
            return Answer(cleaned, query, ADVICE, tuple(quotes), ADVICE_NOTICE, timings=timings)
        if not quotes:
            return Answer(cleaned, query, NO_ANSWER, (), NO_ANSWER_NOTICE, timings=timings)
        return Answer(cleaned, query, ANSWERED, tuple(quotes), None, timings=timings)
