"""What the chatbot returns: quotes with their exact sources, or a fixed notice, and the safety
decision that shaped it. The bot's own words are only the fixed texts below.

`Status` is the one list of answer statuses: the engine sets it, the UI renders it, the evals count it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from indexer import Location


class Status(StrEnum):
    """How a question was answered. A str enum: `Status.ANSWERED == "answered"`, and JSON shows
    the plain value."""

    ANSWERED = "answered"  # quotes that answer it
    NO_ANSWER = "no_answer"  # the documents do not answer it
    ADVICE = "advice"  # personal medical advice asked: the "ask your doctor" notice (quotes may follow)
    CRISIS = "crisis"  # a crisis message: emergency help, never quotes
    INVALID = "invalid"  # empty or too long: an error message


class RouteKind(StrEnum):
    """What the safety router can decide a message is, besides an ordinary question."""

    CRISIS = "crisis"
    ADVICE = "advice"


STATUSES = tuple(s.value for s in Status)

NO_ANSWER_NOTICE = (
    "I couldn't find this in the documents. They may not cover it; try other words, "
    "or see the list of documents to know what they are about."
)


def unfamiliar_notice(words: tuple[str, ...]) -> str:
    """The no-answer notice when the question names what no document mentions (chatbot/evidence.py
    `unfamiliar_words`): which words, so that a visitor can tell a subject the documents do not
    cover from a typo."""
    quoted = [f"“{word}”" for word in words]
    listed = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
    return (
        f"The documents never mention {listed}, so I can't answer this from them. "
        "Check the spelling, or see the list of documents to know what they are about."
    )


def uncovered_notice(subject: str) -> str:
    """The no-answer notice when a question asks about a subject as a whole that no document is
    about (chatbot/topics.py), though some mention it."""
    return (
        f"None of the documents is about “{subject}”, so I can't answer this from them. "
        "See the list of documents to know what they are about."
    )


PLEASANTRY_NOTICE = (
    "I answer questions by quoting the documents, with where each quote comes from. "
    "Ask me about what they cover, or see the list of documents."
)

ADVICE_NOTICE = (
    "I can't give personal medical advice, such as doses, or starting, stopping or switching a "
    "medicine, or getting one without a prescription. Please ask your doctor or pharmacist. "
    "Any passages below are quoted from the documents for information only."
)
UNSURE_NOTICE = (
    "The documents may not answer this directly: these are the passages that come closest. "
    "Please check whether they answer your question."
)
CRISIS_NOTICE = (
    "If you are thinking about harming yourself or ending your life, please reach out for help now. "
    "Call your local emergency number (911 in the US, 112 in Europe, 999 in the UK). "
    "In the US you can also call or text 988 (Suicide & Crisis Lifeline) at any hour. "
    "You don't have to go through this alone."
)


@dataclass(frozen=True)
class Route:
    """The safety router's decision and its reason: the rule that fired, or the classifier's
    probability. `kind` None is an ordinary question."""

    kind: RouteKind | None = None
    rule: str | None = None  # name of the rule that decided, or None
    probability: float | None = None  # the classifier's probability behind the decision, when it ran

    def to_dict(self) -> dict:
        probability = None if self.probability is None else round(float(self.probability), 4)
        return {"kind": self.kind.value if self.kind else None, "rule": self.rule, "probability": probability}


@dataclass(frozen=True)
class Quote:
    """A verbatim quote: `text == file_text[start:end]`, with the passage it was taken from."""

    text: str
    file: str
    start: int
    end: int
    line: int
    title: str
    section: str
    score: float
    also_in: tuple[Location, ...]
    context: str  # the whole passage holding the quote
    context_start: int  # offset of the passage in the file

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "file": self.file,
            "start": self.start,
            "end": self.end,
            "line": self.line,
            "title": self.title,
            "section": self.section,
            "score": round(self.score, 4),
            "also_in": [loc.to_dict() for loc in self.also_in],
            "context": {"text": self.context, "start": self.context_start},
        }


@dataclass(frozen=True)
class Answer:
    question: str
    query: str
    status: Status
    quotes: tuple[Quote, ...] = ()
    notice: str | None = None
    error: str | None = None
    route: Route = Route()
    # The abstention classifier's probability that the best quote answers the question (None when
    # it did not run: crisis, invalid, no candidate quote).
    answerable: float | None = None
    # Answered, but the best quote is less likely to answer than `AnswerSettings.unsure_below`:
    # shown with UNSURE_NOTICE.
    unsure: bool = False
    # Seconds per stage (embed, dense, bm25, fusion, extraction); for benchmarks, not serialised.
    timings: dict = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "query": self.query,
            "status": self.status.value,
            "quotes": [q.to_dict() for q in self.quotes],
            "notice": self.notice,
            "error": self.error,
            "route": self.route.to_dict(),
            "answerable": None if self.answerable is None else round(float(self.answerable), 4),
            "unsure": self.unsure,
        }
