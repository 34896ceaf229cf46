"""What the chatbot returns: quotes with their exact sources, or a fixed notice. The bot's own
words are only the fixed texts below."""

from __future__ import annotations

from dataclasses import dataclass, field

from indexer import Location

ANSWERED, NO_ANSWER, ADVICE, CRISIS, INVALID = "answered", "no_answer", "advice", "crisis", "invalid"
STATUSES = (ANSWERED, NO_ANSWER, ADVICE, CRISIS, INVALID)

NO_ANSWER_NOTICE = (
    "I couldn't find this in the documents. They may not cover it; try other words, "
    "or see the list of documents to know what they are about."
)
ADVICE_NOTICE = (
    "I can't give personal medical advice, such as doses, or starting, stopping or switching a "
    "medicine, or getting one without a prescription. Please ask your doctor or pharmacist. "
    "Any passages below are quoted from the documents for information only."
)
CRISIS_NOTICE = (
    "If you are thinking about harming yourself or ending your life, please reach out for help now. "
    "Call your local emergency number (911 in the US, 112 in Europe, 999 in the UK). "
    "In the US you can also call or text 988 (Suicide & Crisis Lifeline) at any hour. "
    "You don't have to go through this alone."
)


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
    status: str
    quotes: tuple[Quote, ...] = ()
    notice: str | None = None
    error: str | None = None
    # Seconds per stage (embed, dense, bm25, fusion, extraction); for benchmarks, not serialised.
    timings: dict = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "query": self.query,
            "status": self.status,
            "quotes": [q.to_dict() for q in self.quotes],
            "notice": self.notice,
            "error": self.error,
        }
