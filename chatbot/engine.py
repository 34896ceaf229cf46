"""The answer engine: a question and the conversation so far in, quotes or a notice out."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from indexer import Index, IndexLoadError, load_index, load_query_encoder
from indexer.publishing import current_version

from .abbreviations import Abbreviations
from .answers import (
    ADVICE_NOTICE,
    CRISIS_NOTICE,
    NO_ANSWER_NOTICE,
    PLEASANTRY_NOTICE,
    Answer,
    Quote,
    RouteKind,
    Status,
    uncovered_notice,
    unfamiliar_notice,
)
from .candidates import WindowSet
from .evidence import Evidence, gather, passage_hits, query_terms
from .extraction import choose, distinct, make_quote
from .features import ANSWERABILITY_FEATURES, WINDOW_FEATURES, penalised
from .followup import resolve
from .inputs import MAX_QUESTION_CHARS, clean_text, is_pleasantry, plain_wording, validate_question
from .learned import Classifier, TreeEnsemble, load_model
from .naming import Renamer
from .retrieval import Hit
from .router import Router
from .settings import AnswerSettings
from .spelling import Speller
from .topics import Topics

log = logging.getLogger(__name__)


def _learned(name: str, features: tuple[str, ...], index: Index) -> Classifier | TreeEnsemble:
    model = load_model(name)
    model.check(features, index.model.get("fingerprint"))
    return model


@dataclass(frozen=True)
class _Current:
    """What questions are answered from: swapped whole on reload, so no answer mixes versions."""

    index: Index
    windows: WindowSet
    encoder: object  # embeds the questions: the index's own query model (or any encoder given)
    speller: Speller
    renamer: Renamer
    abbreviations: Abbreviations
    topics: Topics

    @classmethod
    def of(cls, index: Index, encoder) -> _Current:
        windows = WindowSet.of(index.sentence_table, index.sentence_vectors)
        return cls(index, windows, encoder, Speller.of(index), Renamer.of(index), Abbreviations.of(index), Topics.of(index))


class Chatbot:
    """Answers questions by quoting the indexed documents.

    >>> bot = Chatbot.load()
    >>> bot.ask("How long do its flare ups last?", history=["What is dermatographism?"]).status
    'answered'
    """

    def __init__(self, index: Index, encoder, settings: AnswerSettings = AnswerSettings(), router: Router | None = None):
        # `encoder`: anything with encode(texts) -> normalised float32 rows and
        # encode_with_tokens(texts) -> (those rows, each text's TokenVectors), e.g. indexer's
        # OnnxQueryEncoder (what load() uses) or its sentence-transformers Embedder.
        self._current = _Current.of(index, encoder)
        self.settings = settings
        # The safety classifier reads the same vectors as the index: refused (SafetyModelError)
        # when it was trained on another embedding model.
        self.router = router or Router.load(index.model["fingerprint"], index.model["name"])
        self.index_dir: Path | None = None  # set by load(); where reload() looks
        self.model_path: Path | None = None

    @property
    def index(self) -> Index:
        return self._current.index

    @cached_property
    def ranker(self) -> Classifier | TreeEnsemble:
        """The quote ranker (chatbot/models/ranker.*), checked against this index's model."""
        return _learned("ranker", WINDOW_FEATURES, self.index)

    @cached_property
    def abstainer(self) -> Classifier | TreeEnsemble:
        """The abstention classifier (chatbot/models/abstention.*)."""
        return _learned("abstention", ANSWERABILITY_FEATURES, self.index)

    @property
    def windows(self) -> WindowSet:
        """The candidate quote windows of the current index."""
        return self._current.windows

    @property
    def encoder(self):
        return self._current.encoder

    @classmethod
    def load(
        cls,
        index_dir: Path | None = None,
        model_path: Path | None = None,
        settings: AnswerSettings = AnswerSettings(),
    ) -> Chatbot:
        """Open the live index (verified) with its own query model, warmed up: onnxruntime, no
        torch. With `model_path`, the index must have been built with that model."""
        index = load_index(index_dir, model_path, check_model=model_path is not None)
        bot = cls(index, load_query_encoder(index), settings)
        bot.ranker, bot.abstainer  # noqa: B018  (load and check the models now: fail at start, not at the first question)
        bot.index_dir = Path(index_dir) if index_dir is not None else None
        bot.model_path = Path(model_path) if model_path is not None else None
        return bot

    def with_settings(self, settings: AnswerSettings) -> Chatbot:
        """The same index and model with other settings (for evals), without reloading."""
        bot = Chatbot.__new__(Chatbot)
        bot.__dict__.update(self.__dict__)  # the same index, windows, encoder and models
        bot.settings = settings
        return bot

    def reload(self) -> bool:
        """Switch to the live index version if a rebuild published a new one; True if switched.
        A damaged new version is refused (logged) and the current one keeps serving."""
        from indexer import default_index_dir

        index_dir = self.index_dir or default_index_dir()
        try:
            if current_version(index_dir) == self.index.folder:
                return False
            fresh = load_index(index_dir, self.model_path, check_model=self.model_path is not None)
            # The same model (same file checksums) keeps its loaded session; another one is loaded.
            encoder = load_query_encoder(fresh, reuse=self.encoder)
        except IndexLoadError as exc:
            log.warning("index not reloaded, still serving %s: %s", self.index.folder.name, exc)
            return False
        self._current = _Current.of(fresh, encoder)
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
        current = self._current
        vector = current.encoder.encode([query])[0]
        hits, _, _ = passage_hits(current.index, vector, list(query_terms(current.index, query).tokens), self.settings)
        return hits[:k] if k else hits

    def evidence(self, query: str, vector=None, tokens=None) -> Evidence:
        """Passages, candidate quotes and their features for a query (what the ranker scores);
        `vector` and `tokens` are the query's (`encode_with_tokens`), when already encoded."""
        current = self._current
        if vector is None or tokens is None:
            vectors, pieces = current.encoder.encode_with_tokens([query])
            vector, tokens = vectors[0], pieces[0]
        return gather(current.index, current.windows, query, vector, tokens, self.settings)

    def ask(self, question: object, history: list | tuple = ()) -> Answer:
        """Answer one question; `history` holds the previous questions, oldest first.

        The question is embedded once: the texts the safety router decides on and the search query
        (when follow-up resolution or spelling correction changed it) go to the encoder in one call."""
        cleaned, error = validate_question(question)
        if error:
            return Answer(question=cleaned, query="", status=Status.INVALID, error=error)
        turns = list(history) if isinstance(history, list | tuple) else []
        recent = turns[-self.settings.max_history_turns :]  # clean only what is used
        previous = [plain_wording(clean_text(h)[:MAX_QUESTION_CHARS]) for h in recent]
        query = resolve(plain_wording(cleaned), [h for h in previous if h], self.settings.max_history_turns)
        routed = self.router.texts(cleaned)
        timings: dict[str, float] = {}
        current = self._current  # one version (index and its model) for the whole answer, even if a reload happens meanwhile
        if self.settings.correct_spelling:
            query = current.speller.correct(query)
        query = current.renamer.rename(query)  # "what are piles" -> "what are Hemorrhoids"
        query = current.abbreviations.expand(query)  # "what is RLS" -> "what is restless legs syndrome"
        clock = time.perf_counter()
        vectors, tokens = current.encoder.encode_with_tokens(routed + ([query] if query != routed[0] else []))
        timings["embed"] = time.perf_counter() - clock
        route = self.router.decide(routed, vectors[: len(routed)])
        if route.kind == RouteKind.CRISIS:  # nothing is searched: emergency help only
            return Answer(cleaned, cleaned, Status.CRISIS, (), CRISIS_NOTICE, route=route, timings=timings)
        if is_pleasantry(cleaned):  # "Thanks!", "hello": it asks nothing, so nothing is searched
            return Answer(cleaned, cleaned, Status.NO_ANSWER, (), PLEASANTRY_NOTICE, route=route, timings=timings)
        searched = len(vectors) - 1 if query != routed[0] else 0
        clock = time.perf_counter()
        evidence = gather(current.index, current.windows, query, vectors[searched], tokens[searched], self.settings)
        timings["retrieval"] = time.perf_counter() - clock
        clock = time.perf_counter()
        quotes, answerable = self._quotes(current, evidence)
        timings["ranking"] = time.perf_counter() - clock
        found = {"route": route, "answerable": answerable, "timings": timings}
        if route.kind == RouteKind.ADVICE:
            return Answer(cleaned, query, Status.ADVICE, quotes, ADVICE_NOTICE, **found)
        unsure = answerable is not None and answerable < self.settings.unsure_below
        if not quotes or unsure:
            notice = _refusal(evidence, current.topics, answered=bool(quotes))
            if notice:
                return Answer(cleaned, query, Status.NO_ANSWER, (), notice, **found)
        return Answer(cleaned, query, Status.ANSWERED, quotes, None, unsure=unsure, **found)

    def _quotes(self, current: _Current, evidence: Evidence) -> tuple[tuple[Quote, ...], float | None]:
        """The ranked quotes, or none when the abstention classifier says the best does not answer
        or the question names what no document mentions (`Evidence.unfamiliar`); and the
        classifier's probability that the best does (None: no candidate to ask it about)."""
        if not len(evidence.windows):
            return (), None
        logits = penalised(self.ranker.logits(evidence.features), evidence.features, self.ranker.meta["length_penalty"])
        answerable = float(self.abstainer.probability(evidence.answerability(logits)[None, :])[0])
        threshold = self.settings.answer_threshold
        if answerable < (self.abstainer.meta["threshold"] if threshold is None else threshold) or evidence.unfamiliar:
            return (), answerable
        probabilities = 1.0 / (1.0 + np.exp(-logits))
        table = current.index.sentence_table
        chosen = choose(current.windows, table, evidence.windows, probabilities, self.settings.max_quotes, self.settings.min_quote_share)
        return distinct(make_quote(current.index, first, last, p) for first, last, p in chosen), answerable


def _refusal(evidence: Evidence, topics: Topics, answered: bool) -> str | None:
    """Why the documents do not answer: words no document uses (`Evidence.unfamiliar`, no quotes
    then), a subject asked about as a whole that no document is about (chatbot/topics.py: "What is
    glaucoma?" of pages that only mention it, refused even when the abstention classifier let
    unsure quotes through), or nothing in particular; None when the unsure quotes stand."""
    if evidence.unfamiliar:
        return unfamiliar_notice(evidence.unfamiliar)
    subject = topics.uncovered(evidence.query)
    if subject:
        return uncovered_notice(subject)
    return None if answered else NO_ANSWER_NOTICE
