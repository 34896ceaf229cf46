"""Segmenting a document into articles, sections, paragraphs and sentences.

A line is the unit of layout in scraped text: every non-blank line is a title, a byline, a
heading, a boilerplate line or a paragraph. Headings are short lines without final punctuation
(a question mark is allowed: "What Skin Disorders are Related to Fibromyalgia?").
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .boilerplate import ARTICLE_SEPARATOR, LINK_LIST_HEADING, is_boilerplate, is_byline
from .records import Article, Document, Paragraph, Section
from .sentences import split_sentences

MAX_HEADING_CHARS = 120
MAX_HEADING_WORDS = 15
BULLETS = "•●▪◦‣*-–—"
NOT_HEADING_ENDINGS = ".,;:!…\"”'’)"


@dataclass(frozen=True)
class Line:
    start: int  # of the first non-blank character
    end: int  # after the last non-blank character
    number: int  # 1-based

    def text(self, source: str) -> str:
        return source[self.start : self.end]


def lines_of(text: str) -> list[Line]:
    """The non-blank lines of `text`, trimmed, with their 1-based numbers."""
    lines = []
    offset = 0
    for number, raw in enumerate(text.splitlines(keepends=True), start=1):
        stripped = raw.strip()
        if stripped:
            start = offset + raw.index(stripped)
            lines.append(Line(start, start + len(stripped), number))
        offset += len(raw)
    return lines


def is_heading(line: str) -> bool:
    words = line.split()
    return (
        len(line) <= MAX_HEADING_CHARS
        and 0 < len(words) <= MAX_HEADING_WORDS
        and (line[0].isupper() or line[0].isdigit())
        and line[0] not in BULLETS
        and line[-1] not in NOT_HEADING_ENDINGS
        and len(split_sentences(line, 0, len(line))) == 1
    )


def _blocks(source: str, lines: list[Line]) -> list[list[Line | None]]:
    """Lines grouped into one block per article; None marks where boilerplate was dropped."""
    blocks: list[list[Line | None]] = [[]]
    for line in lines:
        text = line.text(source)
        if ARTICLE_SEPARATOR.search(text):
            blocks.append([])
        elif is_boilerplate(text):
            blocks[-1].append(None)
        else:
            blocks[-1].append(line)
    return [block for block in blocks if any(block)]


def _repeated_bylines(source: str, blocks: list[list[Line | None]]) -> set[str]:
    """Name-only bylines: the same short line right after the title in two or more articles."""
    seconds: Counter[str] = Counter()
    for block in blocks:
        kept = [line.text(source) for line in block if line is not None]
        if len(kept) > 2 and is_heading(kept[0]) and len(kept[1].split()) <= 4:
            seconds[kept[1]] += 1
    return {text for text, count in seconds.items() if count >= 2}


def _strip_bullet(source: str, line: Line) -> int:
    start = line.start
    while start < line.end and (source[start] in BULLETS or source[start].isspace()):
        start += 1
    return start if start < line.end else line.start


def segment(document: Document) -> list[Article]:
    """Articles of a document, with sections, paragraphs and sentences as exact spans.

    >>> articles = segment(read_document(Path("corpus/003_adc36a2e2c4ab3c7.txt")))
    """
    source = document.text
    blocks = _blocks(source, lines_of(source))
    bylines = _repeated_bylines(source, blocks)
    articles = []
    for block in blocks:
        article = _article(document, source, block, bylines, len(articles))
        if article is not None:
            articles.append(article)
    return articles


def _article(document, source, block, bylines, number) -> Article | None:
    title = byline = ""
    sections: list[Section] = []
    heading, heading_start, heading_line = "", -1, 0
    paragraphs: list[Paragraph] = []
    broken = False
    first = last = None

    def close_section():
        if paragraphs:
            start = heading_start if heading else paragraphs[0].start
            line = heading_line if heading else paragraphs[0].line
            sections.append(Section(heading, start, line, tuple(paragraphs)))

    for line in block:
        if line is None:
            broken = True
            continue
        text = line.text(source)
        if not title and not byline and not paragraphs and not sections and is_heading(text) and not is_byline(text):
            title = text
            first = first or line
            continue
        if title and text == title and not paragraphs:  # the title repeated, as page templates do
            continue
        if not byline and not paragraphs and not sections and (is_byline(text) or text in bylines):
            byline = text
            first = first or line
            continue
        if is_heading(text):
            if LINK_LIST_HEADING.search(text):
                break
            close_section()
            heading, heading_start, heading_line = text, line.start, line.number
            paragraphs = []
            broken = False
            first = first or line
            continue
        if LINK_LIST_HEADING.search(text):
            break
        start = _strip_bullet(source, line)
        sentences = split_sentences(source, start, line.end)
        paragraphs.append(
            Paragraph(start, line.end, line.number, sentences, after_break=broken and bool(paragraphs))
        )
        broken = False
        first = first or line
        last = line
    close_section()
    if not sections or first is None or last is None:
        return None
    return Article(
        id=f"{document.file}#{number}",
        file=document.file,
        title=title,
        byline=byline,
        start=first.start,
        end=last.end,
        line=first.number,
        sections=tuple(sections),
    )
