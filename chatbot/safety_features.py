"""What the safety classifier sees of a text: its sentence embedding (the vector the engine already
computed for it) followed by a few cheap lexical indicators. Training (`python -m eval
train-router`) and serving build features with these same functions.

>>> lexical_features("Can I stop my duloxetine?")[:3]
array([1., 1., 1.], dtype=float32)
"""

from __future__ import annotations

import re

import numpy as np

from .safety_rules import about_someone_else, joking, names_medicine, speaks_for_self

_DECISION = re.compile(
    r"\b(?:should|can|could|may) i\b|\bis it (?:safe|ok|okay|fine|bad|dangerous)\b|\bhow (?:much|many|often)\b"
    r"|\b(?:stop|quit|taper|wean|come off|switch|swap|replace|mix|combine|double|increase|decrease|dose)\b",
    re.IGNORECASE,
)
_DEATH = re.compile(
    r"\b(?:die|dying|dead|death|suicid\w*|kill\w*|end (?:it|my life)|overdos\w*|self[- ]?harm\w*|cut(?:ting)?|"
    r"alive|live|living|goodbye|gone)\b",
    re.IGNORECASE,
)
_INFORMATIONAL = re.compile(
    r"^\s*(?:what (?:is|are|does|do)|how (?:does|do|is|are) (?!i\b)|why|is it true|does|do (?!i\b)|are|which)\b",
    re.IGNORECASE,
)

# Names of the indicator columns, in order (recorded in the artefact: a mismatch is refused).
LEXICAL = ("first_person", "medicine", "decision", "death_words", "someone_else", "informational", "joking", "question")


def lexical_features(text: str) -> np.ndarray:
    """0/1 indicators, in the order of LEXICAL."""
    plain = text.replace("’", "'")
    return np.array(
        [
            speaks_for_self(plain),
            names_medicine(plain),
            bool(_DECISION.search(plain)),
            bool(_DEATH.search(plain)),
            about_someone_else(plain, len(plain)),
            bool(_INFORMATIONAL.search(plain)),
            joking(plain),
            "?" in plain,
        ],
        dtype=np.float32,
    )


def features(texts: list[str], vectors: np.ndarray) -> np.ndarray:
    """One row per text: its embedding, then its lexical indicators."""
    vectors = np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)
    lexical = np.stack([lexical_features(t) for t in texts]) if texts else np.zeros((0, len(LEXICAL)), np.float32)
    return np.hstack([vectors, lexical])
