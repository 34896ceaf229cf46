"""Medical safety routing, before any retrieval. Every rule is here, readable, with its reason.

- crisis: self-harm, suicide or overdose intent -> fixed emergency message, no quotes.
- advice: personal dosing, starting/stopping/switching a medicine, getting a drug without a
  prescription -> fixed notice (topic quotes may follow).
Informational questions that merely name a drug or say "dose" are neither.
"""

from __future__ import annotations

import re

CRISIS, ADVICE = "crisis", "advice"

_MEDS = (
    r"(?:ketamine|pills?|meds|medications?|medicines?|drugs?|tablets?|capsules?|painkillers?|opioids?|"
    r"oxy\w*|sleeping pills|antidepressants?|insulin|prescriptions?|lyrica|cymbalta|savella|xanax|valium|"
    r"\w+(?:xetine|aline|triptyline|abalin|apentin|azepam|azolam|codone|morphone|profen|cillin|mycin|prazole|olol|statin))"
)

# (name, pattern): the name says why the rule exists and shows in tests.
CRISIS_RULES = [
    ("kill myself", r"\bkill(?:ing)? (?:my ?self|me)\b"),
    ("harm self", r"\b(?:hurt|harm|cut|cutting|burn|burning|starve|starving|punish)(?:ing)? (?:my ?self|myself)\b"),
    ("end life", r"\b(?:end|take|ending|taking) (?:my|my own) life\b|\bend it all\b|\bend (?:it|things) (?:tonight|today|now|for good)\b|\bi want to end it\b"),
    ("want to die", r"\b(?:want|wanna|wish|going|plan(?:ning)?|ready|deserve|prefer) to (?:die|be dead|not exist|disappear forever)\b|\bwish i (?:was|were) (?:dead|never born)\b|\bbetter off (?:dead|without me)\b"),
    ("no will to live", r"\b(?:don'?t|do not|no longer|can'?t|cannot) (?:want to |wanna )?(?:live|go on|be alive|be here anymore|keep going)\b|\bno (?:point|reason|will) (?:in |to )?(?:living|live|life|going on|be alive)\b|\bpoint in living\b|\bnever wake up\b|\bnot wake up\b"),
    ("way to die", r"\b(?:painless|quick|easy|best|quickest|easiest|surest) way to (?:die|go|end)\b|\bhow (?:can|could|do|would) i (?:die|end it|disappear)\b"),
    ("method", r"\b(?:jump(?:ing)? off|hang(?:ing)? myself|slit(?:ting)? my|shoot(?:ing)? myself|drown(?:ing)? myself)\b"),
    ("overdose intent", r"\b(?:overdose|od)\b.{0,40}\b(?:on purpose|myself|to die|and die|want|going|plan|end)|\b(?:want|going|plan(?:ning)?|try(?:ing)?) to (?:overdose|od)\b|\b(?:lethal|fatal|deadly|killing) (?:dose|amount)\b|\bhow (?:much|many)\b.{0,40}\b(?:to|would|will) (?:die|kill|overdose|od)\b"),
    ("feel like dying", r"\bfeel(?:ing)? like (?:dying|ending it|giving up on life)\b|\b(?:take|swallow|down) (?:them|it|these|those) all\b|\ball at once\b.{0,30}\b(?:pills|meds|tablets)\b"),
    ("taking everything", rf"\b(?:take|took|taking|swallow|swallowed|swallowing) (?:all|all of|the whole|a whole|every|an entire|the entire) (?:my |of my |the |bottle of (?:my )?|pack of (?:my )?)?(?:{_MEDS}|bottle|pack)\b|\bsaving (?:up )?(?:my )?{_MEDS}\b"),
]

ADVICE_RULES = [
    ("personal dosing", rf"\bhow (?:much|many|often)\b.{{0,60}}\b(?:should|can|do|could|must|shall) i\b.{{0,30}}\b(?:take|use|inject|have|get|dose)\b|\bhow (?:much|many)\b.{{0,60}}\b(?:mg|milligrams?|ml|units|doses?)\b.{{0,40}}\b(?:i|me|my)\b|\b(?:my|the right|right|correct|safe) (?:dose|dosage|amount)\b.{{0,40}}\b(?:for me|i|my)\b|\bmg (?:per|/) ?kg\b.{{0,40}}\bmy\b|\b(?:double|triple|increase|decrease|lower|raise|up|cut) my (?:\w+ )?(?:dose|dosage|{_MEDS})\b"),
    ("start stop switch", rf"\bshould i (?:take|use|try|start|stop|quit|switch|increase|decrease|double|lower|raise|combine|mix|skip|come off|get off|wean|replace|change)\b|\b(?:can|could|may|shall) i (?:take|use|stop|quit|mix|combine|switch|double|skip|come off|get off|replace)\b.{{0,60}}\b{_MEDS}\b|\b(?:is it|would it be|it is) (?:safe|ok|okay|fine|alright|bad|dangerous) (?:for me )?(?:if i |to )(?:take|use|stop|quit|mix|combine|switch|skip|double|drink)\b|\b(?:stop|quit|come off|get off|wean off|switch from|switch to|skip) (?:taking |using )?my\b"),
    ("no prescription", rf"\bwithout (?:a |any )?(?:prescription|script|rx|doctor|seeing a doctor)\b|\b(?:buy|order|purchase|get hold of|score|obtain|source) (?:some )?(?:ketamine|{_MEDS})\b.{{0,30}}\b(?:online|myself|at home|cheap|street|friend|dealer|vet)\b|\b(?:buy|order|purchase) (?:some )?ketamine\b|\bwhere (?:can|do|could) i (?:get|buy|find|order|purchase)\b.{{0,40}}\b(?:ketamine|{_MEDS})\b|\bget ketamine from\b"),
]

_COMPILED = [
    (CRISIS, name, re.compile(pattern, re.IGNORECASE)) for name, pattern in CRISIS_RULES
] + [(ADVICE, name, re.compile(pattern, re.IGNORECASE)) for name, pattern in ADVICE_RULES]

# A mention of suicide or self-harm is a crisis when it is about the visitor ("I", "my") or bare;
# a third-person, informational question ("Does fibromyalgia raise suicide risk?") is answered.
_SUICIDE = re.compile(r"\bsuicid\w*|\bself[- ]?harm\w*|\bself[- ]?injur\w*", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|im|i've|i'd|me|my|myself)\b", re.IGNORECASE)
_INFORMATIONAL = re.compile(
    r"\b(?:risks?|rates?|prevent\w*|statistics|research|stud(?:y|ies)|linked|link|associated|ideation|"
    r"thoughts|treat\w*|help\w*|reduc\w*|among|patients|people|common)\b",
    re.IGNORECASE,
)

# Idioms that look like crisis words but are not ("this pain is killing me", "dying to know").
_IDIOMS = re.compile(
    r"\b(?:is|are|was|were|it'?s|they'?re|flare(?: up)? is) killing me\b|\bdying to\b|\bkilling (?:the|my) pain\b|\bpain ?killers?\b|\b(?:cut|burn(?:ed|t)?) myself (?:shaving|cooking|by accident|accidentally)\b",
    re.IGNORECASE,
)


def route(question: str) -> tuple[str | None, str | None]:
    """(CRISIS | ADVICE | None, name of the rule that fired). Crisis rules are checked first.

    >>> route("How much ketamine should I take?")
    ('advice', 'personal dosing')
    """
    text = question.replace("’", "'")
    unidiomatic = _IDIOMS.sub(" ", text)
    if _SUICIDE.search(unidiomatic) and (_FIRST_PERSON.search(unidiomatic) or not _INFORMATIONAL.search(unidiomatic)):
        return CRISIS, "suicide or self-harm"
    for kind, name, rule in _COMPILED:
        if rule.search(unidiomatic):
            return kind, name
    return None, None
