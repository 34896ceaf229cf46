"""Other names of an article's subject, which health pages give apart from their text.

A page's header often names its subject otherwise ("Also called: Piles", "Other names: Acquired
bronchiectasis", "Brand names include Zoloft and Lustral"), and a genetic condition's page lists
them under "Other Names for This Condition". A visitor asks with any of them ("what are piles"),
where the page's own sentences say "hemorrhoids". The names are searched with the article's title
and every passage (BM25), and read by the ranker's features as title terms, so that "what are
piles" finds the page on hemorrhoids. They are not embedded with the passages (a list of names
dilutes what a passage's vector says) nor shown as the title, and never a quote by themselves (a
header line is not text; a names section stays quotable as the list it is).
"""

from __future__ import annotations

import re

from .boilerplate import FIELD_SEPARATOR

_NAMES_LABEL = r"also\s+(?:called|known\s+as)|other\s+names?(?:\s+for\s+this\s+condition)?|synonyms?"
# A header line naming the subject otherwise; the names follow the label. A line of several
# fields ("Brand name: Plaquenil | Strength: 200 mg tablets") is read field by field.
_NAMES_LINE = re.compile(rf"(?:{_NAMES_LABEL}|brand\s+names?(?:\s+include)?)\s*:?\s+(?P<names>\S.*)", re.I)
# A section heading whose section lists the names ("Other Names for This Condition", "Synonyms").
_NAMES_HEADING = re.compile(_NAMES_LABEL, re.I)
# Between a header line's names ("NF1, von Recklinghausen disease", "Zoloft and Lustral"); an item of
# a names section is one name however written ("Muscular dystrophy, Duchenne type").
_HEADER_NAME_SEPARATOR = re.compile(r"\s*[,;]\s*|\s+and\s+")
MAX_NAMES_CHARS = 160  # names beyond this many characters are left out


def header_names(line: str) -> list[str]:
    """The names a header line gives its subject, one by one ([] for any other line)."""
    names = []
    for field in FIELD_SEPARATOR.split(line.strip()):
        match = _NAMES_LINE.fullmatch(field.strip())
        if match:
            names += [name for name in _HEADER_NAME_SEPARATOR.split(match["names"].strip().rstrip(".")) if name]
    return names


def is_names_heading(heading: str) -> bool:
    """A heading over the subject's other names ("Other Names for This Condition")."""
    return bool(_NAMES_HEADING.fullmatch(heading.strip().rstrip(":").strip()))


def other_names(title: str, found: list[str]) -> tuple[str, ...]:
    """The names found, each field of a ";"-separated run on its own, in order, without repeats or
    the title itself, up to MAX_NAMES_CHARS in all; none for an untitled article."""
    kept: list[str] = []
    seen = {title.lower()}
    for name in (n.strip().rstrip(".").strip() for text in found for n in text.split(";")):
        if not name or name.lower() in seen:
            continue
        if len("; ".join([*kept, name])) > MAX_NAMES_CHARS:
            break
        kept.append(name)
        seen.add(name.lower())
    return tuple(kept) if title else ()


def with_names(text: str, names: tuple[str, ...]) -> str:
    """A title or a passage with the names of its article's subject, for word search."""
    return " ".join([text, *names])
