"""Cleaning what a visitor types, before anything else looks at it."""

from __future__ import annotations

import re
import unicodedata

MAX_QUESTION_CHARS = 1000
_SPACES = re.compile(r"\s+")
# "What is (are) Mycosis fungoides ?", as some health sites word their questions: the verb in both
# numbers, a space before the mark.
_BOTH_NUMBERS = re.compile(r"\b(is|are|was|were|does|do|has|have)\s*\((?:is|are|was|were|does|do|has|have)\)", re.IGNORECASE)
_SPACE_BEFORE_MARK = re.compile(r"\s+([?!.,;:])")
# A message that is only a greeting, thanks or a goodbye ("Thanks!", "hi there", "ok, bye"): it
# asks nothing, so nothing is searched.
_COURTESY = (
    r"(?:hi|hello|hey|hiya|howdy|good (?:morning|afternoon|evening)|thanks?(?: you)?|thank u|thx|ty|cheers|"
    r"much appreciated|ok|okay|great|cool|nice|perfect|got it|bye|goodbye|see you)(?: there| so much| very much| a lot| again)?"
)
_PLEASANTRY = re.compile(rf"(?:{_COURTESY}[\s,.!:)🙂😊👍🙏❤️]*)+", re.IGNORECASE)


def clean_text(text: object) -> str:
    """Text with control, format and unpaired-surrogate characters removed and whitespace
    collapsed; any other Unicode is kept as it is."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    kept = []
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cc":
            kept.append(" ")  # newlines and tabs become spaces; NUL and the like go too
        elif category not in ("Cs", "Co", "Cn") and ch not in "\u200b\u2060\ufeff\u202e\u202d":
            kept.append(ch)
    return _SPACES.sub(" ", "".join(kept)).strip()


def plain_wording(question: str) -> str:
    """A question as it is searched: a verb given in both numbers in the first ("What is (are)
    Mycosis fungoides ?" -> "What is Mycosis fungoides?"), which the question-type and subject
    patterns read as they read any other question, and no space before punctuation.

    >>> plain_wording("What is (are) Mycosis fungoides ?")
    'What is Mycosis fungoides?'
    """
    return _SPACE_BEFORE_MARK.sub(r"\1", _BOTH_NUMBERS.sub(r"\1", question))


def validate_question(text: object) -> tuple[str, str | None]:
    """(cleaned question, error message or None)."""
    cleaned = clean_text(text)
    if not cleaned:
        return cleaned, "Please type a question."
    if len(cleaned) > MAX_QUESTION_CHARS:
        return (
            cleaned[:MAX_QUESTION_CHARS],
            f"Your question is {len(cleaned):,} characters long; the limit is {MAX_QUESTION_CHARS:,}. "
            "Please ask a shorter question.",
        )
    return cleaned, None


def is_pleasantry(text: str) -> bool:
    """Whether a (cleaned) message is only a greeting, thanks or goodbye.

    >>> is_pleasantry("Thanks so much!"), is_pleasantry("thanks, is ketamine safe?")
    (True, False)
    """
    return bool(_PLEASANTRY.fullmatch(text.strip()))
