"""Answer types: what kind of thing a question asks for, and what kinds of thing a sentence holds.

"When …?" wants a date or a time, "How many …?" a number, "Who …?" a person or an organisation,
"How long …?" a duration, "What is X?" a definition ("X is a …"), "Why …?" a cause. The indexer
marks every sentence with the types it holds (once, at build time); the answer ranker compares
them with the question's. Both sides use the flags below, so they always mean the same thing.

>>> question_types("When was ketamine first discovered?") & AnswerType.DATE
<AnswerType.DATE: 1>
>>> sentence_types("First discovered in 1962, ketamine quickly became a player.") & AnswerType.DATE
<AnswerType.DATE: 1>
"""

from __future__ import annotations

import re
from enum import IntFlag


class AnswerType(IntFlag):
    DATE = 1  # a year, a month, a day, a century
    TIME = 2  # a time of day
    NUMBER = 4  # any count or measure
    DURATION = 8  # a number (or "a few", "several") of time units
    PERSON = 16  # a person's or an organisation's name
    PLACE = 32  # a place name after a preposition
    DEFINITION = 64  # "X is a …", "X refers to …"
    CAUSE = 128  # "because", "due to", "caused by"
    PERCENT = 256  # a share or a rate
    MONEY = 512  # a price or a cost


_MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_NUMBER_WORDS = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|"
    r"hundred|hundreds|thousand|thousands|million|millions|billion|dozen|half|twice|once)"
)
_TIME_UNITS = r"(?:seconds?|minutes?|hours?|days?|nights?|weeks?|months?|years?|decades?|centuries|century|sessions?)"
_SENTENCE_PATTERNS: list[tuple[AnswerType, re.Pattern]] = [
    (AnswerType.DATE, re.compile(
        rf"\b(?:1[0-9]{{3}}|20[0-9]{{2}})s?\b|\b{_MONTHS}\b|\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
        r"|\b\d{1,2}(?:st|nd|rd|th) century\b|\b(?:first|second|third|[a-z]+teenth|twentieth|twenty-first) century\b",
    )),
    (AnswerType.TIME, re.compile(r"\b\d{1,2}(?::\d{2})?\s?(?:a\.?m\.?|p\.?m\.?)(?!\w)|\bo'clock\b|\b(?:noon|midnight)\b", re.I)),
    (AnswerType.NUMBER, re.compile(rf"\d|\b{_NUMBER_WORDS}\b", re.I)),
    (AnswerType.DURATION, re.compile(
        rf"\b(?:\d+(?:[.,]\d+)?|{_NUMBER_WORDS}|a few|several|many|an?|the)(?:[\s-]+(?:to|or|and|-|–)?\s*"
        rf"(?:\d+|{_NUMBER_WORDS}))?[\s-]+{_TIME_UNITS}\b|\b(?:half an hour|overnight|lifelong|for life)\b",
        re.I,
    )),
    (AnswerType.PERSON, re.compile(
        r"(?<!^)(?<![.!?]\s)\b(?:Dr|Mr|Mrs|Ms|Prof|St)\.\s+[A-Z]|(?<=[a-z,;] )[A-Z][a-z]+(?:\s+[A-Z][a-z.]+)+"
        r"|\b(?:University|Institute|Association|Society|College|Foundation|Administration|Agency|Inc|Company|Clinic)\b"
    )),
    (AnswerType.PLACE, re.compile(r"\b(?:in|at|from|near|to)\s+(?:the\s+)?[A-Z][a-z]+")),
    (AnswerType.DEFINITION, re.compile(
        r"\b(?:is|are|was|were)\s+(?:a|an|the|one of the|any|also|defined as|known as|called|characterized by)\b"
        r"|\b(?:refers? to|is defined as|means|is the term for|describes?)\b",
        re.I,
    )),
    (AnswerType.CAUSE, re.compile(
        r"\b(?:because|due to|caused by|causes?|result(?:s|ed)? (?:of|from|in)|as a result|leads? to|led to|"
        r"triggers?|triggered by|owing to|since|so that|reason|responsible for)\b",
        re.I,
    )),
    (AnswerType.PERCENT, re.compile(r"%|\bper ?cent\b|\bpercentage\b|\b(?:rate|ratio|proportion|out of \d+)\b", re.I)),
    (AnswerType.MONEY, re.compile(r"[$€£¥]\s?\d|\b(?:dollars?|euros?|pounds sterling|cents?|USD|costs?|priced?|fees?)\b", re.I)),
]

# (pattern, the types that answer it): the first pattern that matches the question decides.
_QUESTION_PATTERNS: list[tuple[re.Pattern, AnswerType]] = [
    (re.compile(r"\bhow long\b", re.I), AnswerType.DURATION),
    (re.compile(r"\bhow often\b|\bhow frequently\b", re.I), AnswerType.DURATION | AnswerType.NUMBER),
    (re.compile(r"\bhow (?:much|expensive)\b.*\b(?:cost|pay|price|charge|spend)|\bwhat (?:does|do|did|is|was)\b.*\b(?:cost|price)\b", re.I),
     AnswerType.MONEY | AnswerType.NUMBER),
    (re.compile(r"\bhow (?:many|much|far|big|large|old|tall|high|heavy)\b", re.I), AnswerType.NUMBER),
    (re.compile(r"\bwhat (?:percentage|percent|proportion|share|fraction|rate)\b", re.I), AnswerType.PERCENT | AnswerType.NUMBER),
    (re.compile(r"\b(?:when|what year|what time|which year|what date|what day|what century|what decade)\b", re.I),
     AnswerType.DATE | AnswerType.TIME),
    (re.compile(r"\b(?:who|whom|whose)\b|\bwhat (?:company|organi[sz]ation|person|group|team|agency)\b", re.I), AnswerType.PERSON),
    (re.compile(r"\bwhere\b|\bwhat (?:country|city|place|state|region|part)\b", re.I), AnswerType.PLACE),
    (re.compile(r"\bwhy\b|\bwhat (?:causes|caused|triggers|is the cause|are the causes|leads to)\b|\bhow come\b", re.I),
     AnswerType.CAUSE),
    # "What is X?" with X a term; not "What is the N of X?" or "What is X used for?", which ask
    # for a property of X (its symptoms, outlook, use), not what X is.
    (re.compile(
        r"^\s*(?:what|who)(?:'s| is| are| was| were)\s+(?!.*\b(?:of|for|in|on|at|to|with|between|from|after|during|among|about|by)\b)"
        r"(?:an? |the )?[\w\s'’-]{1,60}\??\s*$|\bwhat does\b.*\bmean\b|\bdefin(?:e|ition)\b"
        r"|\bwhat is meant by\b"
        # "What type of drug is prednisolone?": the class of X, which "X is a …" names.
        r"|^\s*(?:what|which) (?:type|kind|sort|class|group|family)s? of [\w-]+(?: [\w-]+)? (?:is|are|was|were)\s+"
        r"(?!.*\b(?:most|least|more|less|best|worst|common|commonly|usually|often|used|likely)\b)(?:an? |the )?[\w\s'’-]{1,40}\??\s*$",
        re.I,
    ), AnswerType.DEFINITION),
]


def sentence_types(text: str) -> AnswerType:
    """Every type of answer the sentence holds."""
    found = AnswerType(0)
    for kind, pattern in _SENTENCE_PATTERNS:
        if pattern.search(text):
            found |= kind
    return found


def question_types(question: str) -> AnswerType:
    """The types of answer the question asks for (none for yes/no and open questions)."""
    for pattern, kinds in _QUESTION_PATTERNS:
        if pattern.search(question):
            return kinds
    return AnswerType(0)
