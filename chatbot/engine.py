"""The answer engine: a question and the conversation so far in, quotes or a notice out."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from indexer import Embedder, Index, IndexLoadError, load_index, tokenize
from indexer.publishing import current_version

from .answers import ADVICE_NOTICE, CRISIS_NOTICE, NO_ANSWER_NOTICE, Answer, RouteKind, Status
from .extraction import idf_weights, make_quotes, score_sentences
from .followup import resolve
from .inputs import MAX_QUESTION_CHARS, clean_text, validate_question
from .retrieval import Hit, bm25_candidates, dense_candidates, fuse
from .router import Router
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

    def __init__(
        self, index: Index, encoder: Embedder, settings: AnswerSettings = AnswerSettings(), router: Router | None = None
    ):
        self._loaded = _Loaded(index, idf_weights(index))
        self.encoder = encoder  # anything with encode(texts) -> normalised float32 rows
        self.settings = settings
        # The safety classifier reads the same vectors as the index: refused (SafetyModelError)
        # when it was trained on another embedding model.
        self.router = router or Router.load(index.model["fingerprint"], index.model["name"])
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
        bot = Chatbot(self.index, self.encoder, settings, self.router)
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
            fresh = load_index(index_dir, self.encoder.info.path)
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

    def retrieve(self, query: str, k: int | None = None) -> list[Hit]:
        """Fused passage hits for a query, best first (what the evals rank)."""
        hits, _ = self._retrieve(query, self.encoder.encode([query])[0], {}, self.index)
        return hits[:k] if k else hits

    def _retrieve(self, query: str, vector, timings: dict, index: Index):
        settings = self.settings
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
        return hits, tokens

    def ask(self, question: object, history: list | tuple = ()) -> Answer:
        """Answer one question; `history` holds the previous questions, oldest first.

        The question is embedded once: the texts the safety router decides on and the search query
        (when follow-up resolution changed it) go to the encoder in one call."""
        cleaned, error = validate_question(question)
        if error:
            return Answer(question=cleaned, query="", status=Status.INVALID, error=error)
        turns = list(history) if isinstance(history, list | tuple) else []
        recent = turns[-self.settings.max_history_turns :]  # clean only what is used
        previous = [clean_text(h)[:MAX_QUESTION_CHARS] for h in recent]
        query = resolve(cleaned, [h for h in previous if h], self.settings.max_history_turns)
        routed = self.router.texts(cleaned)
        timings: dict[str, float] = {}
        clock = time.perf_counter()
        vectors = self.encoder.encode(routed + ([query] if query != cleaned else []))
        timings["embed"] = time.perf_counter() - clock
        route = self.router.decide(routed, vectors[: len(routed)])
        if route.kind == RouteKind.CRISIS:  # nothing is searched: emergency help only
            return Answer(cleaned, cleaned, Status.CRISIS, (), CRISIS_NOTICE, route=route, timings=timings)
        vector = vectors[-1] if query != cleaned else vectors[0]
        loaded = self._loaded  # one version for the whole answer, even if a reload happens meanwhile
        hits, tokens = self._retrieve(query, vector, timings, loaded.index)
        clock = time.perf_counter()
        scored = score_sentences(loaded.index, hits, vector, tokens, loaded.idf, self.settings)
        confident = bool(scored) and max(s.evidence for s in scored) >= self.settings.threshold
        quotes = tuple(make_quotes(loaded.index, scored, self.settings)) if confident else ()
        timings["extraction"] = time.perf_counter() - clock
        if route.kind == RouteKind.ADVICE:
            return Answer(cleaned, query, Status.ADVICE, quotes, ADVICE_NOTICE, route=route, timings=timings)
        if not quotes:
            return Answer(cleaned, query, Status.NO_ANSWER, (), NO_ANSWER_NOTICE, route=route, timings=timings)
        return Answer(cleaned, query, Status.ANSWERED, quotes, None, route=route, timings=timings)
