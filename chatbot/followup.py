"""Follow-up questions without a generative model.

A question that leans on the conversation ("How long do its flare ups last?", "What about
rosacea?", "Why?") is rewritten with the subject of the previous turns, so retrieval sees
"How long do dermatographism's flare ups last?". Only the subject is carried, never the whole
history: unrelated words from old turns would pull retrieval away.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d+")

QUESTION_WORDS = {
    "what", "whats", "what's", "which", "who", "whom", "whose", "when", "where", "why", "how", "hows",
    "is", "are", "was", "were", "be", "been", "do", "does", "did", "can", "could", "should", "would",
    "will", "may", "might", "must", "shall", "a", "an", "the", "of", "to", "in", "on", "for", "with",
    "and", "or", "but", "about", "from", "by", "at", "as", "into", "than", "then", "so", "if", "any",
    "there", "i", "me", "my", "you", "your", "we", "our", "us", "tell", "know", "explain", "please",
    "much", "many", "long", "often", "else", "also", "too", "more", "some", "get", "have", "has", "had",
    "not", "no", "yes", "ok", "okay", "thanks", "thank", "really", "just", "again", "mean", "means",
    "during", "after", "before", "since", "until", "between", "through", "without", "within", "over",
    "under", "per", "via", "while", "because", "though", "although", "whether", "its", "their",
    "according",
}
# Words that ask about an aspect of a subject but name none themselves.
GENERIC = {
    "symptom", "symptoms", "cause", "causes", "caused", "treatment", "treatments", "treat", "treated",
    "side", "effect", "effects", "risk", "risks", "cure", "dose", "dosage", "benefit", "benefits", "work",
    "works", "help", "helps", "safe", "common", "last", "lasts", "take", "takes", "happen", "happens",
    "mean", "called", "used", "use", "why", "diagnosed", "diagnosis", "feel", "like", "kind", "kinds",
    "type", "types", "different", "thing", "things", "one", "ones", "people", "patients", "good", "bad",
    "leave", "leaves", "make", "makes", "reduce", "increase", "get", "gets", "go", "goes", "come", "comes",
    "give", "gives", "stay", "passed", "known", "other", "usually", "still", "first", "signs", "sign",
    "look", "looks", "need", "needs", "better", "worse", "best", "worst", "most", "least", "doctor", "doctors",
}
PRONOUNS = {"it", "its", "it's", "they", "them", "their", "theirs", "he", "him", "his", "she", "her"}
# Nouns that, after "the", "this" or "that", point back to what the conversation is about: "the
# relief", "the procedure", "the name" (a definite reference, like a pronoun).
BRIDGING = {
    "relief", "procedure", "procedures", "infusion", "infusions", "treatment", "treatments", "therapy",
    "therapies", "session", "sessions", "drug", "drugs", "medicine", "medication", "condition", "disease",
    "disorder", "illness", "syndrome", "symptoms", "symptom", "name", "term", "word", "effect", "effects",
    "side", "results", "result", "benefits", "benefit", "risks", "risk", "study", "studies", "research",
    "test", "tests", "injection", "injections", "dose", "doses", "pain", "patients", "doctor", "doctors",
    "device", "invention", "method", "technique", "process", "operation", "surgery", "machine", "problem", "problems", "issue", "cause", "causes", "idea", "approach", "option", "options", "body",
}
# Nouns that, after "this" or "these", stand for the conversation's subject itself: "this condition"
# is the condition the conversation is about, and is searched as its name.
STAND_INS = {
    "condition", "conditions", "disease", "diseases", "disorder", "disorders", "illness", "illnesses",
    "syndrome", "drug", "drugs", "medicine", "medicines", "medication", "medications", "treatment",
    "treatments", "therapy", "therapies", "procedure", "procedures",
}
DEFINITE = {"the", "this", "that", "these", "those"}
COPULAS = {"is", "are", "was", "were", "isn't", "aren't", "isn’t", "aren’t"}
PERSONS = {"i", "you", "we", "they"}
ADVERBS = {"just", "really", "even", "ever", "never", "also", "always", "still", "actually", "safely", "now"}
POSSESSIVES = {"its", "their", "his", "her"}
PLURAL_POINTERS = {"they", "them", "their", "theirs", "these", "those"}
DEMONSTRATIVES = {"this", "that", "these", "those"}
ELLIPSIS = re.compile(r"^\s*(?:and|but|or|also|what about|how about|what else|and what about|same for)\b", re.I)
# "Is it safe to ...": "it" points forward, not to the conversation.
_ADJ = (
    r"(?:safe|possible|okay|ok|normal|common|true|necessary|important|hard|difficult|easy|likely|worth|"
    r"better|best|bad|good|wise|advisable|dangerous|risky|healthy|fine|unusual|rare)"
)
EXPLETIVE_IT = re.compile(rf"\b(?:it'?s|it is|it was|is it|was it) (?:\w+ )?{_ADJ} (?:to|that|for|if)\b", re.I)
# Words that point back only when they end the question: "stay there?", "with one?", "about that?"
TRAILING_ANAPHORS = {"there", "one", "that"}
MAX_SUBJECT_WORDS = 6
# Words that make the naming words right after them what a question asks for ("which oral
# antibiotic", "at what age", "how many adults"), not what it is about.
ASKING = {"what", "which", "whose", "many", "much"}
# Question words that ask on their own, of what was said before: "Why?", "How so".
ASKING_ALONE = {"what", "whats", "what's", "which", "who", "whom", "whose", "when", "where", "why", "how", "hows"}
# Nouns ending in "-ly"; other such words are adverbs ("typically", "usually"), which name nothing.
LY_NOUNS = {
    "family", "families", "assembly", "supply", "supplies", "anomaly", "anomalies", "monopoly", "ally", "allies",
    "belly", "jelly", "bully", "lily", "italy", "rally", "butterfly", "fly", "reply", "replies", "july",
}


@dataclass(frozen=True)
class Turn:
    query: str  # the question as searched
    subject: str  # the words naming what it is about ("" when none)
    things: tuple[str, ...] = ()  # every run of naming words (for "them")
    # what a question pointing back named of its own, before the pointer ("epidural" in "Is an
    # epidural one of them?"): what a following "one" means
    named: str = ""


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def _lowered_words(text: str) -> set[str]:
    return {w.lower() for w in words(text)}


def _content(tokens: list[str]) -> list[int]:
    """Indices of the words that name something (not question scaffolding)."""
    return [i for i, w in enumerate(tokens) if w.lower().replace("’", "'") not in QUESTION_WORDS | PRONOUNS | DEMONSTRATIVES]


def _runs(tokens: list[str]) -> list[list[int]]:
    """Word indices of each run of naming words ("of" may join two; generic aspect words split runs)."""
    named = [i for i in _content(tokens) if tokens[i].lower() not in GENERIC]
    runs: list[list[int]] = []
    for i in named:
        joined = runs and (i == runs[-1][-1] + 1 or (i == runs[-1][-1] + 2 and tokens[i - 1].lower() == "of"))
        if joined:
            runs[-1].append(i)
        else:
            runs.append([i])
    trimmed = [run[:-1] if _participle(tokens[run[-1]]) or _predicate(tokens, run) else run for run in runs]
    trimmed = [run[1:] if run and _after_person(tokens, run[0]) else run for run in trimmed]
    return [run for run in trimmed if run and len(run) <= MAX_SUBJECT_WORDS]


def _after_person(tokens: list[str], i: int) -> bool:
    """The word follows "I", "you", "we" or "they", perhaps past an adverb: it is their verb ("Which
    foods should I avoid?", "Should I stop the antibiotic?", "Can I still exercise?"), not a thing
    named."""
    before = i - 1
    while before > 0 and (tokens[before].lower() in ADVERBS or _adverb(tokens, [before])):
        before -= 1
    return before >= 0 and tokens[before].lower() in PERSONS


def _predicate(tokens: list[str], run: list[int]) -> bool:
    """The run's last word is what a yes/no question asks of its subject: "Is ketamine addictive?",
    "Are ketamine infusions painful?" (the run follows the opening "is" or "are", or its article,
    and ends the question)."""
    opens = len(tokens) > 1 and tokens[0].lower() in COPULAS
    start = 2 if opens and tokens[1].lower() in ("a", "an", "the") else 1
    return opens and len(run) > 1 and run[0] == start and run[-1] == len(tokens) - 1


def _participle(word: str) -> bool:
    """A verb's "-ed" form ending a run names no thing: "sertraline prescribed" -> "sertraline",
    "Is fibromyalgia linked" -> "fibromyalgia"; before a noun it describes one ("thrombosed
    hemorrhoid") and stays."""
    word = word.lower()
    return len(word) > 4 and word.endswith("ed") and not word.endswith("eed")


def naming(text: str) -> tuple[tuple[str, ...], str]:
    """(its runs of naming words, as written; its subject among them): "Can a lack of vitamin D
    cause body pain?" -> (("lack of vitamin D", "body pain"), "lack of vitamin D"). The subject is
    the first run that is neither what the question asks for ("Which oral antibiotic is used for
    rosacea?" -> "rosacea") nor an adverb ("Who typically gets rosacea?" -> "rosacea"); when every
    run is, the first. "What are the side effects of ketamine therapy?" -> "ketamine therapy";
    "Can dehydration cause body aches?" -> "dehydration"."""
    tokens = words(text)
    runs = _runs(tokens)
    written = tuple(text[_span(text, tokens, run[0], run[-1])] for run in runs)
    about = (w for run, w in zip(runs, written, strict=True) if not _asked_for(tokens, run) and not _adverb(tokens, run))
    return written, next(about, written[0] if written else "")


def subject_of(text: str) -> str:
    """The words naming what a question is about (`naming`)."""
    return naming(text)[1]


def _asked_for(tokens: list[str], run: list[int]) -> bool:
    """The run follows "what", "which", "whose" or "how many/much": it is what the question asks for."""
    return run[0] > 0 and tokens[run[0] - 1].lower() in ASKING


def _adverb(tokens: list[str], run: list[int]) -> bool:
    word = tokens[run[0]].lower()
    return len(run) == 1 and word.endswith("ly") and word not in LY_NOUNS


def aspect_of(question: str, subject: str) -> str:
    """The plural aspect a question asks about, with its subject: "What are the side effects of
    ketamine therapy?" -> "side effects of ketamine therapy" ("" when it asks about no plural aspect
    of its subject)."""
    tokens = words(question)
    lowered = [t.lower() for t in tokens]
    matches = list(_WORD.finditer(question))
    for i in range(len(tokens) - 1):
        if lowered[i] in GENERIC and lowered[i].endswith("s"):
            first = i
            while first > 0 and lowered[first - 1] in GENERIC:
                first -= 1
            phrase = question[_span(question, tokens, first, i)]
            rest = question[_span(question, tokens, i + 1, len(tokens) - 1)]
            # "… the symptoms of gout", or a follow-up searched as "… the symptoms (gout)"
            resolved = question[matches[i].end() :].startswith(f" ({subject})")
            if subject and (resolved or (lowered[i + 1] == "of" and subject in rest)):
                return f"{phrase} of {subject}"
    return ""


def _span(text: str, tokens: list[str], first: int, last: int) -> slice:
    matches = list(_WORD.finditer(text))
    return slice(matches[first].start(), matches[last].end())


def _definite_reference(tokens: list[str], subject: str) -> int | None:
    """Index of the noun of a definite reference to the conversation: "the relief", "this
    procedure", or "the infusion" when the conversation's subject holds "infusion"."""
    known = _lowered_words(subject)
    for i in range(1, len(tokens)):
        low = tokens[i].lower()
        if tokens[i - 1].lower() in DEFINITE and (low in BRIDGING or low in known):
            return i
    return None


def _anaphor(tokens: list[str], text: str) -> int | None:
    """Index of the first word pointing back to the conversation, if any; but "it" rather than a
    "they" before it, which is people ("How do they diagnose it?": doctors)."""
    first = _first_anaphor(tokens, text)
    if first is not None and tokens[first].lower() == "they":
        later = _first_anaphor(tokens[first + 1 :], text)
        if later is not None and tokens[first + 1 + later].lower() in ("it", "its"):
            return first + 1 + later
    return first


def _first_anaphor(tokens: list[str], text: str) -> int | None:
    for i, w in enumerate(tokens):
        low = w.lower().replace("’", "'")
        if low in PRONOUNS:
            if low in ("it", "it's") and EXPLETIVE_IT.search(text):
                continue
            return i
        if i == len(tokens) - 1 and low in TRAILING_ANAPHORS:
            return i
        if low in DEMONSTRATIVES and low != "that":
            return i
    return None


def is_dependent(question: str) -> bool:
    tokens = words(question)
    if _anaphor(tokens, question) is not None or ELLIPSIS.search(question):
        return True
    content = [tokens[i].lower() for i in _content(tokens)]
    if not content:  # "Why?", "How so?", but not "Thanks!" or "ok"
        return question.rstrip().endswith("?") or any(t.lower() in ASKING_ALONE for t in tokens)
    if all(w in GENERIC for w in content):  # "What are the symptoms?"
        return True
    # "Which foods should I avoid?" names only what it asks for; "Can I still exercise?" nothing
    return all(_asked_for(tokens, run) for run in _runs(tokens))


def _replace_anaphor(question: str, subject: str) -> str:
    tokens = list(_WORD.finditer(question))
    i = _anaphor([m.group() for m in tokens], question)
    assert i is not None
    m = tokens[i]
    low = m.group().lower()
    end = m.end()
    if low in DEMONSTRATIVES and i + 1 < len(tokens) and _stands_for(tokens[i + 1].group(), subject):
        end = tokens[i + 1].end()  # "this condition" -> the subject, in place of both words
    replacement = subject + "'s" if low in POSSESSIVES else subject
    if low in ("there", "one"):  # "stay there?" -> "stay there (subject)?"
        return question[:end] + f" ({subject})" + question[end:]
    return question[: m.start()] + replacement + question[end:]


def step(question: str, previous: Turn | None) -> Turn:
    """The turn a question makes, given the turn before it."""
    things, own_subject = naming(question)
    if previous is None or not previous.subject:
        return Turn(question, own_subject, things)
    tokens = words(question)
    anaphor = _anaphor(tokens, question)
    if anaphor is not None and _named_before(question, anaphor):
        # "What's dermatographism? And is it related to fibro?": the message's own earlier
        # clause names what the pointer means, so the conversation's subject stays out of it.
        return Turn(question, own_subject, things)
    noun = _demonstrative_noun(tokens, anaphor, previous.subject)
    if noun is not None:
        # "Can these symptoms be treated?": a thing of the subject's, not the subject itself.
        return Turn(_resolve_definite(question, noun, previous.subject), previous.subject, previous.things)
    if anaphor is not None:
        pointer = tokens[anaphor].lower().replace("’", "'")
        # "How should I treat them?" after "Does donating blood leave bruises?": the plural thing.
        plural = [t for t in previous.things if t.endswith("s")] if pointer in PLURAL_POINTERS else []
        # "Who should I ask about them?" after "What are the side effects of ketamine?": the
        # aspect the previous question asked about, with its subject.
        aspect = aspect_of(previous.query, previous.subject) if pointer in PLURAL_POINTERS else ""
        # "Do women feel labor pain with one?" after "Is an epidural one of them?": the thing named there.
        one = previous.named if pointer == "one" else ""
        meant = one or aspect or (plural[-1] if plural else previous.subject)
        # What the pronoun points at stays the conversation's subject: "Which antibiotic is used
        # for it?" is still about rosacea; but an aspect of it ("the symptoms of gout") leaves the
        # subject as it was, for a following "it". What the question names of its own before the
        # pointer ("Is an epidural one of them?") is kept for a following "one" and for "them";
        # what follows the pointer says something of it ("Is it contagious?").
        own = "" if pointer in POSSESSIVES else _subject_before(question, anaphor)
        subject = previous.subject if aspect and not one else meant
        return Turn(_replace_anaphor(question, meant), subject, tuple(t for t in (meant, own) if t), own)
    definite = _definite_reference(tokens, previous.subject)
    if definite is not None and not _names_something_else(tokens, definite):
        return Turn(_resolve_definite(question, definite, previous.subject), previous.subject, previous.things)
    if not is_dependent(question):
        return Turn(question, own_subject or previous.subject, things or previous.things)
    if own_subject and ELLIPSIS.search(question) and previous.subject in previous.query:
        # "What about rosacea?" after "How long do dermatographism's flare ups last?"
        return Turn(previous.query.replace(previous.subject, own_subject, 1), own_subject, things)
    if not _content(tokens):  # "Why?", "How?"
        return Turn(f"{previous.query} {question}", previous.subject, previous.things)
    return Turn(f"{question.rstrip(' ?')} ({previous.subject})?", previous.subject, previous.things)


# The end of a sentence, or "and", "but" or "so" opening a clause: after a comma, or before a
# question word ("… and is it …"; not "locals and tourists").
_CLAUSE_BREAK = re.compile(
    r"[?.!;]+\s+|,\s*(?:and|but|so)\s+|\s(?:and|but|so)\s+(?=(?:what|which|who|when|where|why|how|is|are|was|were|"
    r"does|do|did|can|could|should|would|will)\b)",
    re.IGNORECASE,
)


def _before(question: str, anaphor: int) -> str:
    """The question's text before its pointing word (word `anaphor`)."""
    return question[: list(_WORD.finditer(question))[anaphor].start()]


def _named_before(question: str, anaphor: int) -> bool:
    """An earlier clause of the question names something ("I have fibro. Is it genetic?")."""
    before = _before(question, anaphor)
    breaks = list(_CLAUSE_BREAK.finditer(before))
    return bool(breaks) and bool(subject_of(before[: breaks[-1].start()]))


def _subject_before(question: str, anaphor: int) -> str:
    """The question's own subject, named before the pointing word."""
    return subject_of(_before(question, anaphor))


def _stands_for(word: str, subject: str) -> bool:
    """After "this" or "these", `word` names the subject itself ("this condition", "this
    infusion" when the subject is "IV ketamine infusion")."""
    low = word.lower()
    return low in STAND_INS or low in _lowered_words(subject)


def _demonstrative_noun(tokens: list[str], anaphor: int | None, subject: str) -> int | None:
    """Index of the noun after "this" or "these" when it names a thing of the subject's rather than
    the subject ("these symptoms", "this pain", "these bumps"), else None: "Is this dangerous?"
    points at the subject with "this" alone."""
    if anaphor is None or anaphor + 1 >= len(tokens) or tokens[anaphor].lower() not in DEMONSTRATIVES:
        return None
    noun = tokens[anaphor + 1]
    low = noun.lower()
    if low in QUESTION_WORDS or _stands_for(noun, subject):
        return None
    plural = tokens[anaphor].lower() in PLURAL_POINTERS and low.endswith("s") and len(low) > 3
    return anaphor + 1 if low in BRIDGING or plural else None


def _phrase_end(tokens: list[str], noun: int) -> int:
    """Index of the last word of the noun phrase a definite reference opens: "the side effects"."""
    end = noun
    while end + 1 < len(tokens) and tokens[end + 1].lower() in BRIDGING:
        end += 1
    return end


def _names_something_else(tokens: list[str], noun: int) -> bool:
    """Besides the referring noun, the question names a thing of its own: a capitalised word
    ("France"), a noun of another definite or indefinite phrase ("the flu", "a cold"), or the
    thing the phrase is of ("the side effects of ketamine infusions")."""
    after = _phrase_end(tokens, noun) + 1
    if after < len(tokens) and tokens[after].lower() == "of":
        of = next((t.lower() for t in tokens[after + 1 :] if t.lower() not in ("a", "an", "the")), "")
        if of and of not in QUESTION_WORDS | PRONOUNS | DEMONSTRATIVES | BRIDGING | GENERIC:
            return True
    for i in _content(tokens):
        if i in (noun, noun - 1):
            continue
        low = tokens[i].lower()
        if (i > 0 and tokens[i][0].isupper()) or (
            i > 0 and tokens[i - 1].lower() in DEFINITE | {"a", "an"} and low not in BRIDGING and low not in GENERIC
        ):
            return True
    return False


def _resolve_definite(question: str, noun: int, subject: str) -> str:
    """"Does the infusion hurt?" -> "Does IV ketamine infusion hurt?" (the subject holds the noun);
    "What does the name literally mean?" -> "What does the name (tactile allodynia) literally mean?";
    "What are the side effects?" -> "What are the side effects (ketamine)?"."""
    matches = list(_WORD.finditer(question))
    if matches[noun].group().lower() in _lowered_words(subject):
        return question[: matches[noun - 1].start()] + subject + question[matches[noun].end() :]
    end = matches[_phrase_end([m.group() for m in matches], noun)].end()
    return question[:end] + f" ({subject})" + question[end:]


def resolve(question: str, history: list[str], max_turns: int = 6) -> str:
    """The query to search for `question`, given the previous questions (oldest first).

    >>> resolve("How long do its flare ups last?", ["What is dermatographism?"])
    "How long do dermatographism's flare ups last?"
    """
    turn: Turn | None = None
    for previous in history[-max_turns:]:
        turn = step(previous, turn)
    return step(question, turn).query
