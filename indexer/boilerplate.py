"""Lines of scraped web pages that are not part of what an article says.

Keep every rule here, readable, so a maintainer sees at a glance what the indexer leaves out.
"""

import re

# A line matching one of these is dropped wherever it stands.
BOILERPLATE_LINES = [
    re.compile(r"^posts tagged\b", re.I),  # tag-page header
    re.compile(r"^share (now|this)\b\s*:?$", re.I),
    re.compile(r"^(contact|call|email|follow) us\b\s*:?$", re.I),
    re.compile(r"^(leave a comment|\d+ comments?|no comments)$", re.I),
    re.compile(r"^[\s,;|·•-]*$"),  # a tag line whose tags were links: only commas remain
    re.compile(r"^(copyright\b|©)|all rights reserved|no copyright infringement", re.I),
    re.compile(r"^the preceding article is from\b", re.I),  # reposting notice
]

# A line matching this ends an article on a page holding several (the blog's separator).
ARTICLE_SEPARATOR = re.compile(r"^leave a comment$", re.I)

# A heading matching this starts a list of links: it and the rest of its article are dropped.
LINK_LIST_HEADING = re.compile(r"^(further reading|related( posts| articles)?|references|sources)\b", re.I)

# A byline written as such ("By: James Pegler"), short. Bylines that are only a name ("Fibro
# Cloud") are found by repetition after titles instead (see segmenting).
BYLINE = re.compile(r"^(by|author|written by)\s*:?\s+[^.!?;]{1,60}$", re.I)
MAX_BYLINE_WORDS = 6

# Boilerplate is short: a longer line that mentions copyright ("© 2013 … A challenging
# reappraisal of …") is content and stays.
MAX_BOILERPLATE_CHARS = 250


def is_boilerplate(line: str) -> bool:
    return len(line) <= MAX_BOILERPLATE_CHARS and any(rule.search(line) for rule in BOILERPLATE_LINES)


def is_byline(line: str) -> bool:
    return len(line.split()) <= MAX_BYLINE_WORDS and bool(BYLINE.search(line))
