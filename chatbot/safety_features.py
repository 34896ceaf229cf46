"""What the safety classifier sees of a text: its sentence embedding (the vector the engine already
computed for it), a few cheap lexical indicators, and how close it lies to the labelled training
messages of each class (its nearest neighbours). Training (`python -m eval train-router`) and
serving build features with these same functions.

>>> lexical_features("Can I stop my duloxetine?")[:3]
array([1., 1., 1.], dtype=float32)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

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
# A question about the world rather than about the writer's own plans, opening the text or one of
# its clauses ("I'm curious, how long does an infusion last?").
_INFORMATIONAL = re.compile(
    r"(?:^|[.,;:!?]\s*)(?:what (?:is|are|does|do)|how (?:long |often |many |much )?(?:does|do|is|are|will|would|can)\b(?! i\b)"
    r"|why|is it true|does|do (?!i\b)|are|which)\b",
    re.IGNORECASE,
)

# Stock hyperbole built on death words ("my knees are killing me", "I'd kill for a nap", "bored to
# death"): the embedding alone puts these near real crisis messages.
_HYPERBOLE = re.compile(
    r"\b(?:is|are|was|were|'s|'re|been|be|keeps?|kept)(?: \w+)? (?:killing|murdering|destroying) (?:me|my)\b"
    r"|\b(?:kill|die|murder) for\b|\bdying (?:to|for|of)\b|\bcould (?:just |literally )?(?:die|murder)\b"
    r"|\bdie (?:of|from) (?:embarrassment|shame|boredom|laughing|laughter|shock|heat)\b|\b(?:death of me|to death|death warmed)\b"
    r"|\bdead (?:tired|on my feet|weight)\b|\bkill(?:ed|ing|s)? it\b|\bmurder on\b|\b(?:just )?shoot me\b|\bkill me (?:now|already)\b"
    r"|\b(?:laugh\w*|lol)\b.{0,25}\b(?:die|died|dead|dying)\b|\b(?:die|died|dying)\b.{0,10}\blaugh",
    re.IGNORECASE,
)

# Protective context the embedding blurs: the crisis is over ("I used to cut", "ten years clean from
# self-harm") or the writer denies intent ("I'm not suicidal", "I don't want to die").
_PAST = re.compile(
    r"\b(?:used to|years ago|months ago|back (?:when|then|in)|in the past|as a (?:teen\w*|kid|child)"
    r"|when i was (?:younger|a kid|a teen\w*|little|in (?:school|college|high school))|(?:clean|free) (?:from|of|for)"
    r"|recovered|survived|no longer (?:suicidal|self[- ]?harm\w*|cutting)"
    r"|(?:haven'?t|have not) (?:self[- ]?harmed|cut|hurt myself|harmed myself) (?:in|for|since)|but (?:i )?stopped)\b",
    re.IGNORECASE,
)
_DENIES_INTENT = re.compile(
    r"\b(?:not|never|no longer|isn'?t|wasn'?t) (?:suicidal|going to (?:hurt|kill) myself|in danger|planning (?:anything|to))\b"
    r"|\bi (?:don'?t|do not|would never|will never|won'?t) (?:want to |wanna )?(?:die|kill myself|hurt myself|end my life|act on)\b"
    r"|\b(?:never|not once) (?:\w+ ){0,2}(?:tried|thought about|contemplated|considered|attempted|wanted)\b[^.?!]{0,25}\b(?:suicide|killing myself|ending (?:my|it)|self[- ]?harm\w*|dying)\b"
    r"|\b(?:i'?m|i am) (?:safe|not in danger)\b|\b(?:never|not going to|won'?t) (?:act|do anything) (?:on it|about it|stupid)\b",
    re.IGNORECASE,
)

# Names of the indicator columns, in order (recorded in the artefact: a mismatch is refused).
LEXICAL = (
    "first_person", "medicine", "decision", "death_words", "someone_else", "informational", "joking", "question",
    "hyperbole", "past", "denies_intent",
)


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
            bool(_HYPERBOLE.search(plain)),
            bool(_PAST.search(plain)),
            bool(_DENIES_INTENT.search(plain)),
        ],
        dtype=np.float32,
    )


# How much closer a text lies to the crisis (advice) training messages than to the ordinary ones:
# mean cosine of the K nearest of each class, and the single nearest. Differences, not levels: a
# message far from all training data (most ordinary questions) gets values near 0, not a pull
# towards whichever class has the fewest, most varied examples.
NEIGHBOUR_FEATURES = ("crisis_vs_none_mean", "advice_vs_none_mean", "crisis_vs_none_top1", "advice_vs_none_top1")


def neighbour_features(vectors: np.ndarray, neighbours: Neighbours, leave_out_self: bool = False) -> np.ndarray:
    """Similarity of each vector to the reference vectors of each class, as in NEIGHBOUR_FEATURES.
    `leave_out_self` (training only, `vectors` being `neighbours.vectors`) ignores each row's own
    entry, so training rows are described as unseen ones would be."""
    vectors = np.asarray(vectors, dtype=np.float32).reshape(-1, neighbours.vectors.shape[1])
    k = neighbours.k
    mean, top1 = [], []
    for label, block in enumerate(neighbours.by_class):
        # einsum, not @: BLAS spreads even this small product over its threads, which then spin,
        # and a server answering on both cores pays ~10 ms of CPU per answer for it.
        similarity = np.einsum("ij,kj->ik", vectors, block)
        if leave_out_self:
            similarity[np.flatnonzero(neighbours.labels == label), np.arange(len(block))] = -1.0
        top = -np.partition(-similarity, min(k, len(block)) - 1, axis=1)[:, :k]
        mean.append(top.mean(axis=1))
        top1.append(top.max(axis=1))
    columns = [mean[0] - mean[2], mean[1] - mean[2], top1[0] - top1[2], top1[1] - top1[2]]
    return np.stack(columns, axis=1).astype(np.float32)


@dataclass(frozen=True)
class Neighbours:
    """The labelled training vectors the neighbour features compare with."""

    vectors: np.ndarray  # (n, dimension), normalised
    labels: np.ndarray  # (n,), 0 crisis, 1 advice, 2 none
    k: int
    scale: float  # the neighbour features are multiplied by this (their share against the embedding)

    @cached_property
    def by_class(self) -> tuple[np.ndarray, ...]:
        """The vectors of each class (crisis, advice, none), each one contiguous block."""
        return tuple(np.ascontiguousarray(self.vectors[self.labels == label]) for label in range(3))


def features(
    texts: list[str], vectors: np.ndarray, neighbours: Neighbours, embedding_scale: float = 1.0, leave_out_self: bool = False
) -> np.ndarray:
    """One row per text: its embedding (times `embedding_scale`: a smaller scale regularises the
    embedding weights more than the few indicator weights), its lexical indicators, its neighbour
    features."""
    vectors = np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)
    lexical = np.stack([lexical_features(t) for t in texts]) if texts else np.zeros((0, len(LEXICAL)), np.float32)
    near = neighbour_features(vectors, neighbours, leave_out_self)
    return np.hstack([embedding_scale * vectors, lexical, neighbours.scale * near])
