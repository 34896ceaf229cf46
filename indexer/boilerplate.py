"""Lines of scraped web pages that are not part of what an article says.

Keep every rule here, readable, so a maintainer sees at a glance what the indexer leaves out.
"""

import re

# A row of a Markdown table ("| Colchicine | eases a flare |"). Rows under a header row and its
# "|---|" row make a table, which segmenting.py keeps as a list; any other row is dropped below.
TABLE_ROW = re.compile(r"^\|.*\|$")

# A line matching one of these is dropped wherever it stands.
BOILERPLATE_LINES = [
    re.compile(r"^posts tagged\b", re.I),  # tag-page header
    re.compile(r"^share (now|this)\b\s*:?$", re.I),
    re.compile(r"^(share|print|email)( this( page| article)?)?\s*:?$", re.I),  # page tools
    re.compile(r"^(contact|call|email|follow) us\b\s*:?$", re.I),
    re.compile(r"^(leave a comment|\d+ comments?|no comments)$", re.I),
    re.compile(r"^[\s,;|·•-]*$"),  # a tag line whose tags were links: only commas remain
    re.compile(r"^[\s=*_~#]+$"),  # a rule or a Setext heading's underline ("=====", "* * *")
    re.compile(r"^\[\d{1,3}\]\s.*\b(19|20)\d\d\b"),  # a footnoted reference: "[1] Smith J. Gout. 2020."
    re.compile(r"^(copyright\b|©)|all rights reserved|no copyright infringement", re.I),
    re.compile(r"^the preceding article is from\b", re.I),  # reposting notice
    # a scientific article's front matter: how to reach or cite it, not what it found
    re.compile(r"^(doi\s*:|https?://(dx\.)?doi\.org/)", re.I),
    re.compile(r"^(correspondence( to)?|corresponding authors?|address for correspondence)\s*:", re.I),
    re.compile(r"^(e-?mail|orcid( id)?)\s*:", re.I),
    re.compile(r"^received\b[^.!?]{0,80}\baccepted\b", re.I),  # "Received 3 March 2021; accepted 9 May 2021"
    # the authors' affiliations, each after its mark: "(1) Department of Sleep Medicine, …; (2) …", "¹ Ravensholt School …"
    # (institutions named with capitals, no final stop: "(1) The hospital was closed." is text)
    re.compile(r"^(\(\d{1,2}\)|[¹²³⁴⁵⁶⁷⁸⁹])\s*[^!?]*\b(University|Department|Hospital|Institute|School|Centre|Center|College|Faculty|Unit)\b[^!?]*[^.!?]$"),
    # a reference entry, wherever it stands: "N Engl J Med. 2020;382:1-9", "doi:10.1056/…"
    re.compile(r"\b(19|20)\d\d[a-z]?\s*;\s*\d+(\s*\(\d+\))?\s*:\s*[a-z]?\d+|\bdoi\s*:\s*10\.|\bdoi\.org/10\.", re.I),
    # a web page's chrome: navigation, ads, cookie and newsletter banners, feedback prompts
    re.compile(r"^(skip to (main )?content|advertisement|accept (all )?cookies|yes\s*/?\s*no)$", re.I),
    re.compile(r"^(we use cookies|this (site|website) uses cookies|(sign up|subscribe) (for|to) (our|the) newsletter)\b", re.I),
    re.compile(r"^was this (page|article|information) (helpful|useful)\??$", re.I),
    re.compile(r"^((image|photo|picture|illustration) (credit|source)s?|source|adapted from)\s*:\s*[^!?]{1,100}$", re.I),
    # a figure's or table's caption, and the rows of a Markdown table without a header: they stand
    # for what the text cannot show, and a row quoted alone has lost what its columns mean
    re.compile(r"^(supplementary )?(figure|fig\.|table|chart)\s*[A-Z]?\d+[a-z]?\s*[.:|—–-]", re.I),
    TABLE_ROW,
]

# When a page was written or checked, not what it says: "Reviewed: March 2023", "Last updated on
# 12 May 2024", "Published 3 June 2021", "Page last reviewed: 2 May 2023". After a colon anything
# short goes; without one the rest must be a date ("Published in 1998, the study…" is content).
_DATED = (
    r"^((page|article|content) )?((last|first|next) )?(medically |clinically )?"
    r"(reviewed|updated|revised|modified|published|posted|created|review due|received|accepted)"
)
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = rf"((\d{{1,4}}|{_MONTH})[\s,./-]*){{1,4}}"
DATE_LINES = [
    re.compile(rf"{_DATED}\s*:\s*[^.!?]{{1,60}}\.?$", re.I),
    re.compile(rf"{_DATED}(\s+(on|in))?\s+{_DATE}$", re.I),
]

# A line matching this ends an article on a page holding several (the blog's separator).
ARTICLE_SEPARATOR = re.compile(r"^leave a comment$", re.I)

# A heading matching this starts a list of links: it and the rest of its article are dropped.
LINK_LIST_HEADING = re.compile(r"^(further reading|related( posts| articles)?|references|sources)\b", re.I)

# A byline written as such ("By: James Pegler"), short. Bylines that are only a name ("Fibro
# Cloud") are found by repetition after titles instead (see segmenting).
BYLINE = re.compile(r"^(by|authors?|written by|(medically |clinically )?reviewed by)\s*:?\s+[^.!?;]{1,60}$", re.I)
MAX_BYLINE_WORDS = 8
FIELD_SEPARATOR = re.compile(r"\s+\|\s+")  # between the fields of a page's header line

# A scientific article's author list, right below its title: "Ann Lee, Omar Haddad, Ruth Cole",
# "R. Okafor, H. Lindqvist, for the X investigators": two or more names of one to four capitalised
# words or initials, separated by commas, each perhaps marked with its affiliation ("Ilse M.
# Verhagen(1)", "Kaori Fujisawa¹"); the last part may name a group ("for …", "and …").
MAX_NAME_WORDS = 4
_AFFILIATION_MARK = re.compile(r"(\(\d{1,2}\)|[¹²³⁴⁵⁶⁷⁸⁹⁰*†‡§]+)$")  # after a name: "Ilse M. Verhagen(1)", "Kaori Fujisawa¹"
MAX_AUTHOR_LIST_CHARS = 300

# Boilerplate is short: a longer line that mentions copyright ("© 2013 … A challenging
# reappraisal of …") is content and stays.
MAX_BOILERPLATE_CHARS = 250


def is_boilerplate(line: str) -> bool:
    return len(line) <= MAX_BOILERPLATE_CHARS and any(rule.search(line) for rule in BOILERPLATE_LINES + DATE_LINES)


def is_byline(line: str) -> bool:
    """A credit line ("By: …", "Medically reviewed by …"), or a line of fields one of which is and
    the others credits or boilerplate ("By the Foot Health Information Service | Last updated 5 June
    2024")."""
    fields = FIELD_SEPARATOR.split(line.strip())
    return any(map(_credits, fields)) and all(_credits(f) or is_boilerplate(f) for f in fields)


def _credits(field: str) -> bool:
    return len(field.split()) <= MAX_BYLINE_WORDS and bool(BYLINE.search(field))


def is_author_list(line: str) -> bool:
    if len(line) > MAX_AUTHOR_LIST_CHARS or line[-1] in ".!?:;" or "," not in line:
        return False
    parts = [part.strip() for part in re.split(r",|\band\b", line) if part.strip()]
    if parts[-1].startswith("for "):  # "for the X study group"
        parts = parts[:-1]
    return len(parts) >= 2 and all(_is_name(part) for part in parts)


def _is_name(part: str) -> bool:
    words = [_AFFILIATION_MARK.sub("", word) for word in part.split()]
    return 0 < len(words) <= MAX_NAME_WORDS and all(
        word[0].isupper() and not any(c.isdigit() for c in word) for word in words
    )
