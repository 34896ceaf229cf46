"""Questions about a subject as a whole ("What is glaucoma?", "symptoms of shingles", "How is
asthma diagnosed?") and whether the documents have one about it: an article whose title, file
name or other name of its subject (`indexer.aliases`), or a section whose heading, names it.

A collection of health pages mentions many conditions in passing: a drug leaflet lists glaucoma
among the reasons to tell your doctor, a lupus page names kidney disease among its complications.
Asked "What is glaucoma?", such a collection has quotes that hold the word and no page that says
what glaucoma is; the abstention classifier is then often unsure, and showing its best guess
answers a question the documents do not. The engine refuses a topic question whose subject no
document is about when the classifier is unsure (under `AnswerSettings.unsure_below`;
chatbot/engine.py), with a notice naming the subject. At that bar it costs little: of the page
sets' and SQuAD's answerable questions, one ("what is synkinesis", defined in passing on a Bell's
palsy page) is refused; at 0.7, five more (docs/evaluation.md, "Seventeenth session").

>>> topic_of("What are the symptoms of glaucoma?"), topic_of("how is asthma diagnosed")
('glaucoma', 'asthma')
>>> topic_of("What is the most serious complication of Marfan syndrome?") is None  # a narrower question
True
"""

from __future__ import annotations

import re
from pathlib import Path

from indexer import Index
from indexer.lexical import tokenize

from .english import POSSESSIVE

# What a question asks about a subject as a whole, before or after it ("the symptoms of X", "X
# symptoms"), and how it asks ("what is X", "how is X treated").
_ASPECT = (
    r"(?:side effects?|symptoms?|signs?|causes?|treatments?|complications?|risk factors?|types?|tests?|outlook|prognosis|"
    r"diagnosis|medicines|medications|drugs|therapies|stages|effects|dangers|risks)"
)
ASPECTS = (  # "the early signs", "the signs and symptoms", "the side effects or risks"
    r"(?:(?:main|common|usual|typical|first|early|possible|other|known|best|different|long[- ]term) )?"
    rf"{_ASPECT}(?: (?:and|or) {_ASPECT})?"
)
_A = r"(?:(?:a|an|the) )?"
_SUBJECT = r"(?P<subject>[\w'’-]+(?: [\w'’-]+){0,3}?)"  # lazy: "velmiprant side effects" asks about velmiprant
TOPIC_PATTERNS = tuple(
    re.compile(p)
    for p in (
        rf"^(?:what|which) (?:is|are) (?:the |some )?{ASPECTS} (?:of|for) {_A}{_SUBJECT}$",
        rf"^(?:{ASPECTS}) (?:of|for) {_A}{_SUBJECT}$",
        rf"^{_A}{_SUBJECT} {ASPECTS}$",
        rf"^what (?:causes|can cause|triggers|can trigger|leads to) {_A}{_SUBJECT}$",
        rf"^how (?:is|are) {_A}{_SUBJECT} (?:diagnosed|treated|prevented|managed|spread|caught|cured|inherited)$",
        rf"^how (?:to|(?:do|does|can) (?:you|i|one|people|doctors)) (?:diagnose|treat|prevent|manage|get|catch|cure) {_A}{_SUBJECT}$",
        rf"^how many people (?:are affected by|have|get|develop) {_A}{_SUBJECT}$",
        rf"^what are the genetic changes related to {_A}{_SUBJECT}$",
        rf"^what (?:research|clinical trials) (?:is|are) being done for {_A}{_SUBJECT}$",
        rf"^who (?:is at risk (?:of|for)|gets|can get|is (?:more )?likely to get) {_A}{_SUBJECT}$",
        rf"^(?:how common|how serious|how contagious) (?:is|are) {_A}{_SUBJECT}$",
        rf"^(?:is|are) {_A}{_SUBJECT} (?:contagious|curable|hereditary|genetic|serious|common|inherited)$",
        rf"^can {_A}{_SUBJECT} be (?:cured|prevented|treated|inherited)$",
        rf"^what (?:is|are) {_A}{_SUBJECT} (?:used|prescribed|taken|given|good) for$",
        rf"^what to do (?:for|about) {_A}{_SUBJECT}$",
        rf"^(?:tell me about|what do you know about|do you have (?:more )?information about|explain|define) {_A}{_SUBJECT}$",
        rf"^(?:what|who) (?:is|are) {_A}{_SUBJECT}$",
    )
)
# Words a subject cannot hold: a pronoun points elsewhere ("what is it"), a preposition or a verb
# narrows the question ("fibromyalgia in children", "Bell's palsy named after"), a study named
# by "this" is the paper at hand.
NOT_SUBJECT = frozenset(
    "what which who whom whose why how when where do does did is are was were can could should would will "
    "it its this that these those they them their there here he she his her i me my you your we our "
    "of for in on at to with by from about after before during without into than "
    "called named used prescribed given done made taken good bad best worst most "
    "study trial paper article page document exactly actually really please again anyway".split()
)
# What a name in the possessive names when it is a condition ("Parkinson's disease", "Bell's
# palsy"); before any other word ("Rajan's career") the question asks about that word, not the name.
EPONYM_NOUNS = frozenset(
    "disease syndrome palsy phenomenon disorder lymphoma sarcoma thyroiditis oesophagus esophagus "
    "contracture ataxia chorea neuroma sign".split()
)
_END = re.compile(r"[\s?!.]+$")
_WHAT_IS = re.compile(r"^(what|who)(?:['’]?s| exactly is| really is) ")  # "what's X", "what exactly is X"
_SPACE = re.compile(r"\s+")


def topic_of(question: str) -> str | None:
    """The subject a question asks about as a whole, as written (lower-case), or None when it asks
    something narrower or names no subject."""
    text = _WHAT_IS.sub(r"\1 is ", _SPACE.sub(" ", _END.sub("", question.strip().lower())))
    for pattern in TOPIC_PATTERNS:
        found = pattern.match(text)
        if found:
            subject = found.group("subject")
            words = subject.split()
            owned = [after for word, after in zip(words, [*words[1:], None], strict=True) if POSSESSIVE.search(word)]
            if any(w in NOT_SUBJECT for w in words) or any(after not in EPONYM_NOUNS | {None} for after in owned):
                return None
            return subject
    return None


class Topics:
    """What the documents are about: the stemmed words of each article's title (or, without one,
    its file name), of each other name of its subject and of each section heading."""

    def __init__(self, names: list[frozenset[str]], headings: list[frozenset[str]]):
        self.names = [n for n in names if n]
        self.headings = [h for h in headings if h]

    @classmethod
    def of(cls, index: Index) -> Topics:
        articles = [a for a in index.articles.values() if a.duplicate_of is None]
        names = [a.title or Path(a.file).stem.replace("_", " ") for a in articles]
        names += [name for a in articles for name in a.names]
        headings = [s.heading for a in articles for s in a.sections if s.heading]
        return cls([frozenset(t) for t in tokenize(names)], [frozenset(t) for t in tokenize(headings)])

    def uncovered(self, question: str) -> str | None:
        """The subject `question` asks about as a whole when no article or section is about it. A
        subject with a number in it is not judged: documents write numbers in forms its words do
        not meet ("8x8 rule" for "8×8 rule", "type 2" for "type II")."""
        subject = topic_of(question)
        if subject is None or any(c.isdigit() for c in subject):
            return None
        return None if self.covers(subject) else subject

    def covers(self, subject: str) -> bool:
        """Whether an article or section is about `subject`: a title or other name holds all of its
        words or names part of it ("asthma" for "asthma attack"), or a heading holds all of them."""
        words = frozenset(tokenize([subject])[0])
        if not words:
            return True
        return any(words <= n or n <= words for n in self.names) or any(words <= h for h in self.headings)
