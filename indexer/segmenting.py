"""Segmenting a document into articles, sections, paragraphs and sentences.

A line is the unit of layout in plain text. Each non-blank line is a title, a byline, a heading,
boilerplate, a list label ("Symptoms include:"), a list item, or text. Titles and headings are
metadata: they never become quotable sentences. What counts as one:
- a Markdown heading ("## Causes"), whatever follows it;
- a short line without final punctuation ("Facts About Fibromyalgia", "2.3 Statistical analysis",
  "mycosis fungoides", "Anaemia (Low Iron)"; a question mark is allowed: "What
  Skin Disorders are Related to Fibromyalgia?"), unless it is one of a run of numbered lines
  ("1. Rest" right above "2. Ice": list items), or one of two or more such lines right below a
  heading, with no blank line between (after the article's first text): they are the items of
  a list the heading names ("Results by job" over "Roofing: 1.44 (95% CI 1.17 to 1.77)" lines);
- a whole line in bold ("**Risk factors**", "**Causes:**") that would be a heading without the stars;
- a short line ending in ":" ("Treatment:") when a blank line and prose follow it; followed by
  list items, or worded as a lead-in ("Signs and symptoms may include:"), it is a list label;
- an article's first line, followed by a blank line and without final punctuation, is its title
  even when long (a scientific article's title), up to 40 words.
Bylines are "By: …", "Medically reviewed by …", an author list below a title, or a short line
repeated after the titles of a tag page; review and publication dates ("Last updated: May 2024")
are boilerplate (see boilerplate.py).
Text lines that follow each other without a blank line are one paragraph when the first does not
end a sentence (hard-wrapped text). A list label and the items after it form one paragraph, so a
quote can hold the label with its items but never the label alone (the ranker sees its role).
A Markdown table with a header is such a list too: its header row with the delimiter row under it
is the label, each body row an item (a row quoted alone has lost what its columns mean, so a short
table is quoted whole: chatbot.candidates.whole_list). Rows without a header are boilerplate.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from .aliases import header_names, is_names_heading, other_names
from .boilerplate import ARTICLE_SEPARATOR, LINK_LIST_HEADING, TABLE_ROW, is_author_list, is_boilerplate, is_byline
from .records import Article, Document, Paragraph, Section, Sentence
from .sentences import split_sentences, trim

# Bumped whenever the rules below change what a document segments into: an index records it, and
# one built under other rules is rebuilt (see indexer.build.corpus_fingerprint).
SEGMENTATION_VERSION = 10  # 3: a table of contents is not text; 4: nor are Markdown quote marks;
# 5: a reference list under a Markdown or bold heading ends the article too; 6: a paper's front matter,
# captions, Markdown table rows, rules, reference entries and a web page's chrome (cookie and newsletter
# banners, credits) are not text, and a byte order mark is not part of the title; 7: a Markdown table
# with its header is a list (the header its label, each row an item), so are short lines right below
# a heading, and a paragraph of over 10,000 characters is split into sentences a window at a time
# (indexer.sentences.MAX_WINDOW_CHARS); 8: the subject's other names are read (indexer.aliases);
# 9: a structured abstract's run-in label ("Methods: ") is not part of the sentence after it, and
# authors marked with their affiliations ("Ilse M. Verhagen(1)") and the affiliations are front matter;
# 10: nor is an FAQ answer's label ("A: ")
MAX_HEADING_CHARS = 120
MAX_HEADING_WORDS = 15
MAX_TITLE_CHARS = 300  # a first line standing alone may be a long scientific title
MAX_TITLE_WORDS = 40
MAX_COLON_HEADING_WORDS = 6  # "When to see a doctor:"; longer ":"-lines lead into what follows
MIN_PROSE_WORDS = 6  # a ":"-line is a heading when text this long, ending a sentence, follows it
MAX_LABEL_WORDS = 30  # a longer line ending in ":" is a sentence that happens to end so
MAX_ITEM_WORDS = 20  # an unbulleted line after a list label is an item when this short
BULLETS = "•●▪◦‣*-–—"
NOT_HEADING_ENDINGS = ".,;:!…\"”'’)"
SENTENCE_ENDINGS = ".!?…:;\"”'’)"
_MARKDOWN_HEADING = re.compile(r"#{1,6}[ \t]+(?=\S)")
# Markdown quote marks, not a sign before a number ("> 50 mg", ">= 18 years", ">.5"): possessive,
# so a sign's spaces are never given back to let the rest match.
_QUOTE_MARKER = re.compile(r"(?:>[ \t]*)++(?![\d.,=%])")
# A Markdown table: a header row, the delimiter row under it ("|---|:--:|"), then body rows, every
# line a TABLE_ROW.
_TABLE_DELIMITER = re.compile(r"\|(?:[ \t]*:?-+:?[ \t]*\|)+[ \t\r]*$")
_NUMBERED_ITEM = re.compile(r"(?:\d{1,3}|[a-zA-Z])[.)][ \t]+(?=\S)")
_BOLD_LINE = re.compile(r"(\*\*|__)(?=\S)([^*_]+?)(?<=\S)\1:?")
# A bold run-in label before a paragraph's text ("**Methods.** We enrolled …"); its last character
# must end a sentence or be ":" so that bold words of the sentence ("**Do not** stop …") stay.
_RUN_IN_LABEL = re.compile(r"(\*\*|__)[^*_]{1,60}?[.:]\1[ \t]+(?=\S)")
# A structured abstract's run-in label ("Methods: We enrolled …", "RESULTS. Of 1,186 workers …",
# "Conclusions — Eye strain …"): one of these names, then ":", "." or a dash, then the text.
_ABSTRACT_LABEL = re.compile(
    r"(?:background|context|importance|introduction|purpose|aims?|objectives?|study design|design|settings?"
    r"|participants|patients|interventions?|measurements|main outcome measures?|outcomes|exposures?"
    r"|data sources|study selection|data extraction|data synthesis|evidence review|materials and methods"
    r"|methods and findings|methods|results|findings|observations|conclusions?|interpretation|relevance"
    r"|limitations|funding|trial registration|registration)[ \t]*(?::|\.|[ \t][—–-])[ \t]+(?=\S)",
    re.I,
)
# An FAQ's answer label ("A: Most infusions take …", "Answer: Yes."), its question above it.
_ANSWER_LABEL = re.compile(r"(?:a|ans|answer)[ \t]*:[ \t]+(?=\S)", re.I)
# A ":"-line worded so introduces a list or a quotation, however short ("Symptoms include:", "Ask
# if you:", "The leaflet reads:", "According to the NHS:").
_LEAD_IN = re.compile(
    r"^(according to|as)\b|\b(include|includes|including|are|is|were|was|as|follows?|following|like|these|you"
    r"|reads?|says?|said|states?|stated|writes?|wrote|explains?|explained|notes?|noted|adds?|added)$",
    re.I,
)


@dataclass(frozen=True)
class Line:
    start: int  # of the first non-blank character (after a Markdown quote marker)
    end: int  # after the last non-blank character
    number: int  # 1-based

    def text(self, source: str) -> str:
        return source[self.start : self.end]


def lines_of(text: str) -> list[Line]:
    """The non-blank lines of `text`, trimmed, with their 1-based numbers; a Markdown quote
    marker ("> ", as in a "> Key points" box) is left out of the line, not a number's sign
    ("> 50 mg")."""
    lines = []
    offset = 0
    for number, raw in enumerate(text.splitlines(keepends=True), start=1):
        stripped = trim(raw)
        quote = _QUOTE_MARKER.match(stripped)
        marker = quote.end() if quote else 0
        stripped = trim(stripped[marker:])
        if stripped:
            start = offset + raw.index(stripped, marker)
            lines.append(Line(start, start + len(stripped), number))
        offset += len(raw)
    return lines


def markdown_heading(line: str) -> int:
    """Length of a Markdown heading marker ("## ") at the start of `line`, 0 when there is none."""
    match = _MARKDOWN_HEADING.match(line)
    return match.end() if match else 0


def bold_heading(line: str) -> tuple[int, int] | None:
    """Where the words of a whole-line bold heading ("**Risk factors:**") start and end in `line`,
    None when `line` is not one."""
    match = _BOLD_LINE.fullmatch(line)
    if not match:
        return None
    start, end = match.span(2)
    while end > start and line[end - 1] in ": \t":
        end -= 1
    return (start, end) if end > start and is_heading(line[start:end]) else None


def is_heading(line: str, max_chars: int = MAX_HEADING_CHARS, max_words: int = MAX_HEADING_WORDS) -> bool:
    """A line that names what follows rather than saying something: a Markdown heading, a bold
    line, or a short line without final punctuation (in any letter case: "mycosis fungoides" is a
    title)."""
    if markdown_heading(line) or bold_heading(line):
        return True
    words = line.split()
    return (
        len(line) <= max_chars
        and 0 < len(words) <= max_words
        and line[0] not in BULLETS
        and (line[0].isalnum() or line[0] in "\"“'‘(")
        and _ends_like_heading(line)
        and len(split_sentences(line, 0, len(line))) == 1
    )


def _ends_like_heading(line: str) -> bool:
    """No final punctuation; a closing parenthesis is allowed when neither what it closes nor
    what comes before ends a sentence ("Anaemia (Low Iron)")."""
    if line.endswith(")") and "(" in line:
        before = line[: line.rindex("(")].rstrip()
        return bool(before) and before[-1] not in NOT_HEADING_ENDINGS and line[-2] not in NOT_HEADING_ENDINGS
    return line[-1] not in NOT_HEADING_ENDINGS


def is_list_label(line: str) -> bool:
    """A line that introduces a list: "Symptoms include:", "Risk factors:"."""
    return line.endswith(":") and len(line.split()) <= MAX_LABEL_WORDS


def table_lines(source: str, lines: list[Line]) -> dict[int, bool]:
    """The lines of the Markdown tables that have a header, by line number: True for a table's
    header row, False for the delimiter row under it and for its body rows (the lines right below,
    each a row)."""
    found: dict[int, bool] = {}
    i = 0
    while i + 1 < len(lines):
        header, delimiter = lines[i], lines[i + 1]
        if not (
            delimiter.number == header.number + 1
            and TABLE_ROW.match(header.text(source))
            and _TABLE_DELIMITER.fullmatch(delimiter.text(source))
        ):
            i += 1
            continue
        found[header.number] = True
        i += 1
        while i < len(lines) and lines[i].number == lines[i - 1].number + 1 and TABLE_ROW.match(lines[i].text(source)):
            found[lines[i].number] = False
            i += 1
    return found


def is_table_header(text: str) -> bool:
    """A table's header as `segment` cuts it: the header row and, last, the delimiter row."""
    return bool(_TABLE_DELIMITER.search(text.rsplit("\n", 1)[-1]))


def table_cells(text: str) -> list[list[str]] | None:
    """The cells of each row, the delimiter row left out, when `text` is a whole Markdown table
    (its header row, the delimiter row, body rows; in a quote box too); None otherwise.

    >>> table_cells("| Drug | Use |\n|---|---|\n| Colchicine | flares |")
    [['Drug', 'Use'], ['Colchicine', 'flares']]
    """
    rows = [trim(line) for line in text.splitlines()]
    rows = [trim(row[marker.end() :]) if (marker := _QUOTE_MARKER.match(row)) else row for row in rows]
    if len(rows) < 2 or not all(TABLE_ROW.match(row) for row in rows) or not _TABLE_DELIMITER.fullmatch(rows[1]):
        return None
    return [[trim(cell) for cell in row[1:-1].split("|")] for i, row in enumerate(rows) if i != 1]


def bullet_end(source: str, line: Line) -> int:
    """Where an item's text starts after its bullet ("• ", "- ", "1. ", "a) ") and a bold run-in
    label ("**Methods.** "), an abstract's ("Methods: ") or an FAQ answer's ("A: "); `line.start` when
    the line has neither."""
    start = _marker_end(source, line.start, line.end)
    run_in = next((m for label in (_RUN_IN_LABEL, _ABSTRACT_LABEL, _ANSWER_LABEL) if (m := label.match(source, start, line.end))), None)
    if run_in:
        start = run_in.end()
    return start if start < line.end else line.start


def _marker_end(source: str, start: int, end: int) -> int:
    """Where the text at `start` (up to `end`) begins after its bullets ("• ", "- ") or its number
    ("1. ", "a) "); `start` when it has neither."""
    at = start
    while at < end and not _is_bold(source, at) and (source[at] in BULLETS or source[at].isspace()):
        at += 1
    if at == start:
        numbered = _NUMBERED_ITEM.match(source, start, end)
        if numbered:
            at = numbered.end()
    return at


def marker_start(source: str, start: int) -> int:
    """Where the bullet or number of the list item whose text starts at `start` begins ("- ", "• ",
    "3. ", "b) "), so that a quote of items shows each item's marker, the first one's too; `start`
    when the text before it on its line is not just such a marker (as `bullet_end` reads one)."""
    line_start = source.rfind("\n", 0, start) + 1
    line_end = source.find("\n", start)
    line_end = len(source) if line_end < 0 else line_end
    first = start - len(source[line_start:start].lstrip(" \t"))  # the line's first non-blank character
    return first if first < start and _marker_end(source, first, line_end) == start else start


def _is_bold(source: str, at: int) -> bool:
    return source.startswith("**", at)  # "**" opens bold text; "* " is a bullet


def _is_bulleted(source: str, line: Line) -> bool:
    return source[line.start] in BULLETS and not _is_bold(source, line.start) and bullet_end(source, line) > line.start


def _is_numbered(source: str, line: Line) -> bool:
    return bool(_NUMBERED_ITEM.match(source, line.start, line.end))


def _number(source: str, line: Line) -> int | None:
    """The number of a numbered line ("3. Rest" gives 3), None for any other line."""
    numbered = _NUMBERED_ITEM.match(source, line.start, line.end)
    digits = numbered.group().rstrip(" \t.)") if numbered else ""
    return int(digits) if digits.isdigit() else None


def _plain(text: str) -> str:
    """A heading or list item reduced to its words, for matching one against the other:
    "1. What dimeticone lotion is" and "What dimeticone lotion is:" give the same."""
    numbered = _NUMBERED_ITEM.match(text)
    return " ".join(re.findall(r"\w+", text[numbered.end() if numbered else 0 :].lower()))


def _is_contents(paragraph: Paragraph, source: str, headings: set[str]) -> bool:
    """A table of contents: a list whose items (two or more, after an optional label) are each
    the heading of another section of the same article. It only points to the sections, and
    quoted it would answer "what is X used for?" with the page's own outline."""
    if not paragraph.is_list:
        return False
    items = [source[s.start : s.end] for s in paragraph.sentences]
    if items and items[0].endswith(":") and _plain(items[0]) not in headings:
        items = items[1:]  # the label
    return len(items) >= 2 and all(_plain(item) in headings for item in items)


def _blocks(source: str, lines: list[Line], tables: dict[int, bool]) -> list[list[Line | None]]:
    """Lines grouped into one block per article; None marks where boilerplate was dropped."""
    blocks: list[list[Line | None]] = [[]]
    for line in lines:
        text = line.text(source)
        if ARTICLE_SEPARATOR.search(text):
            blocks.append([])
        elif is_boilerplate(text) and line.number not in tables:
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


def segment(document: Document) -> list[Article]:
    """Articles of a document, with sections, paragraphs and sentences as exact spans.

    >>> articles = segment(read_document(Path("corpus/003_adc36a2e2c4ab3c7.txt")))
    """
    source = document.text
    lines = lines_of(source)
    tables = table_lines(source, lines)
    blocks = _blocks(source, lines, tables)
    bylines = _repeated_bylines(source, blocks)
    articles = []
    for block in blocks:
        article = _ArticleBuilder(document, source, bylines, tables).build(block, len(articles))
        if article is not None:
            articles.append(article)
    return articles


class _ArticleBuilder:
    """Walks the lines of one article block, in order, keeping what the walk has seen so far."""

    def __init__(self, document: Document, source: str, bylines: set[str], tables: dict[int, bool]):
        self.document, self.source, self.bylines, self.tables = document, source, bylines, tables
        self.title = self.byline = ""
        self.names: list[str] = []  # the subject's other names a header or heading line gives (indexer.aliases)
        self.sections: list[Section] = []
        self.heading, self.heading_start, self.heading_line = "", -1, 0
        self.paragraphs: list[Paragraph] = []
        self.open: list[Line] = []  # lines of the paragraph being gathered
        self.open_is_list = False
        self.open_is_table = False
        self.broken = False  # boilerplate was dropped since the last paragraph
        self.first: Line | None = None
        self.last: Line | None = None

    def build(self, block: list[Line | None], number: int) -> Article | None:
        previous: Line | None = None
        for i, line in enumerate(block):
            if line is None:
                self.close_paragraph()
                self.broken = True
                previous = None
                continue
            following = block[i + 1] if i + 1 < len(block) else None
            if self.take(line, previous, following) == "stop":
                break
            previous = line
        self.close_section()
        self.drop_contents()
        if not self.sections or self.first is None or self.last is None:
            return None
        return Article(
            id=f"{self.document.file}#{number}",
            file=self.document.file,
            title=self.title,
            names=other_names(self.title, self.names + self._listed_names()),
            byline=self.byline,
            start=self.first.start,
            end=self.last.end,
            line=self.first.number,
            sections=tuple(self.sections),
        )

    def take(self, line: Line, previous: Line | None, following: Line | None) -> str | None:
        source = self.source
        if self.tables.get(line.number) or (self.open_is_table and line.number not in self.tables):
            self.close_paragraph()  # a table starts, or the one open ended
        if line.number in self.tables:
            self.first = self.first or line
            self.open.append(line)
            self.open_is_table = self.open_is_list = True
            self.last = line
            return None
        text = line.text(source)
        bulleted = _is_bulleted(source, line) or self._in_numbered_run(line, previous, following)
        heading = is_heading(text) and not bulleted and not self._wraps_into(line, following)
        self.first = self.first or line
        header = not self.paragraphs and not self.sections and not self.open  # before any text
        if header and not self.title and not self.byline and not is_byline(text) and (
            heading or self._long_title(line, following)
        ):
            self.title = self._heading_text(line)
            return None
        if self.title and self._heading_text(line) == self.title and not self.paragraphs and not self.open:
            return None  # the title repeated, as page templates do
        if header and self.title and (names := header_names(text)):  # "Also called: Piles"
            self.names += names
            return None
        if header and (is_byline(text) or text in self.bylines or (self.title and is_author_list(text))):
            self.byline = self.byline or text  # a second credit line ("Medically reviewed by …") is dropped
            return None
        if self._continues(line, previous, bulleted):
            self.open.append(line)
            self.last = line
            return None
        if self.open_is_list and (bulleted or self._list_item(line, previous)):
            self.open.append(line)
            self.last = line
            return None
        if self._starts_unmarked_list(line, previous, following):
            self.close_paragraph()
            self.open.append(line)
            self.open_is_list = True
            self.last = line
            return None
        if heading and not self.paragraphs and not self.open and is_names_heading(self.heading) and re.search("[;,]", text):
            self.names.append(text)  # "Synonyms" over "PKD; polycystic kidneys; …", a line read as a heading
            return None
        colon_heading = not heading and self._colon_heading(line, following)
        if heading or colon_heading:
            heading_text = self._heading_text(line)
            if LINK_LIST_HEADING.search(heading_text):  # "## References", "**Sources**"
                return "stop"
            self.close_section()
            self.heading, self.heading_line = heading_text, line.number
            self.heading_start = line.start + self._heading_bounds(text)[0]
            self.paragraphs = []
            self.broken = False
            return None
        if LINK_LIST_HEADING.search(text):
            return "stop"
        if not (bulleted and self.open_is_list):
            self.close_paragraph()
        self.open.append(line)
        self.open_is_list = self.open_is_list or is_list_label(text) or bulleted
        self.last = line
        return None

    def _listed_names(self) -> list[str]:
        """The subject's other names a section lists under a heading ("Other Names for This
        Condition" over "- MFS", "- Marfan's syndrome") or a list label ("Other names:")."""
        names = []
        for section in self.sections:
            named = is_names_heading(section.heading)
            for paragraph in section.paragraphs:
                texts = [self.source[s.start : s.end] for s in paragraph.sentences]
                if named:
                    names += texts
                elif paragraph.is_list and is_names_heading(texts[0]):
                    names += texts[1:]
        return names

    def _continues(self, line: Line, previous: Line | None, bulleted: bool) -> bool:
        """A hard-wrapped line: the text line right before it (no blank line between) did not
        end a sentence, and this one is not a bullet or a Markdown heading."""
        if previous is None or not self.open or self.open[-1] is not previous or self.open_is_list:
            return False
        if line.number != previous.number + 1:
            return False
        text = line.text(self.source)
        return (
            previous.text(self.source)[-1] not in SENTENCE_ENDINGS
            and not bulleted
            and not markdown_heading(text)
        )

    def _wraps_into(self, line: Line, following: Line | None) -> bool:
        """A short line whose sentence goes on, lower case, on the very next line: the first line
        of a hard-wrapped paragraph, not a heading."""
        if following is None or following.number != line.number + 1 or markdown_heading(line.text(self.source)):
            return False
        return self.source[following.start].islower()

    def _long_title(self, line: Line, following: Line | None) -> bool:
        """An article's first line standing alone (a blank line below it), without final
        punctuation: a title however long ("Effects of a walking programme on knee pain in …: a
        randomised controlled trial"), where a first paragraph would end its last sentence."""
        if following is None or following.number == line.number + 1:
            return False
        return is_heading(line.text(self.source), MAX_TITLE_CHARS, MAX_TITLE_WORDS)

    def _colon_heading(self, line: Line, following: Line | None) -> bool:
        """A short ":"-line with a paragraph of prose after a blank line ("Treatment:" then
        "Most people take …"), not list items and not worded as a list's lead-in."""
        text = line.text(self.source)
        stem = text[:-1].rstrip()
        if not text.endswith(":") or len(stem.split()) > MAX_COLON_HEADING_WORDS or not is_heading(stem):
            return False
        if _LEAD_IN.search(stem):
            return False
        if following is None or following.number == line.number + 1:
            return False
        after = following.text(self.source)
        if _is_bulleted(self.source, following) or _is_numbered(self.source, following) or is_heading(after):
            return False
        words = len(after.split())
        return words > MAX_ITEM_WORDS or (words >= MIN_PROSE_WORDS and after[-1] in ".!?…")

    def _starts_unmarked_list(self, line: Line, previous: Line | None, following: Line | None) -> bool:
        """Short lines without bullets or final punctuation right below a heading, no blank line
        between ("Factors associated with recurrence" over "Roofing versus agriculture: 1.44 (95%
        CI 1.17 to 1.77)", "Age per 10 years: 1.05 …"): the items of a list the heading names,
        where a heading's text follows it after a blank line. True for the first of two or more
        such lines (the rest go on the list as its items do), after the article's first text: its
        header's lines (a subtitle, a site name, a long byline) stay out."""
        if previous is None or following is None or not (self.sections or self.paragraphs):
            return False
        return (
            previous.number == self.heading_line == line.number - 1
            and not self.paragraphs
            and following.number == line.number + 1
            and self._is_record(line)
            and self._is_record(following)
        )

    def _is_record(self, line: Line) -> bool:
        """A short line that does not end a sentence or lead into what follows ("Age per 10 years:
        1.05 (0.98 to 1.12)", "Golfer's elbow"): a heading, or one item of a list without bullets."""
        text = line.text(self.source)
        return len(text.split()) <= MAX_ITEM_WORDS and text[-1] not in ".!?…:" and not markdown_heading(text)

    def _in_numbered_run(self, line: Line, previous: Line | None, following: Line | None) -> bool:
        """A numbered line right above or below another ("1. Rest" / "2. Ice"): a list item,
        where a numbered line standing alone ("1. Symptoms") may be a heading."""
        if not _is_numbered(self.source, line):
            return False
        return any(
            other is not None and abs(other.number - line.number) == 1 and _is_numbered(self.source, other)
            for other in (previous, following)
        )

    def _list_item(self, line: Line, previous: Line | None) -> bool:
        """An unbulleted line that goes on a list: short, and right below the list's last line, or
        (after a blank line) not capitalised like a heading ("fever; rash" but not "Treatment"), or
        the next number of a numbered list ("2. Rest" after "1. Ice", but not "4. Treatment" after
        "1. Ice")."""
        text = line.text(self.source)
        if len(text.split()) > MAX_ITEM_WORDS or markdown_heading(text):
            return False
        adjacent = previous is not None and self.open[-1] is previous and line.number == previous.number + 1
        number = _number(self.source, line)
        if number is not None and not adjacent:
            first_letter = self.source[bullet_end(self.source, line)]
            return _number(self.source, self.open[-1]) == number - 1 or not first_letter.isupper()
        first = text.lstrip("*_")[:1]  # "**Do not** stop …" starts with a capital, under the stars
        return adjacent or not first.isupper() or text[-1] in ",;"

    def _heading_text(self, line: Line) -> str:
        text = line.text(self.source)
        start, end = self._heading_bounds(text)
        return text[start:end]

    @staticmethod
    def _heading_bounds(text: str) -> tuple[int, int]:
        """The heading's words within its line: without a Markdown marker, bold stars or a final
        ":"."""
        bold = bold_heading(text)
        if bold:
            return bold
        start, end = markdown_heading(text), len(text)
        if text.endswith(":") and not markdown_heading(text):
            end = len(text[:-1].rstrip())
        return start, end

    def close_paragraph(self) -> None:
        if not self.open:
            return
        source, lines = self.source, self.open
        if self.open_is_table:  # the header row with the delimiter row, then each row
            sentences = [Sentence(lines[0].start, lines[1].end), *(Sentence(line.start, line.end) for line in lines[2:])]
        elif self.open_is_list:  # each line on its own, without its bullet
            sentences = [s for line in lines for s in split_sentences(source, bullet_end(source, line), line.end)]
        else:  # hard-wrapped text: sentences run across the line breaks
            sentences = list(split_sentences(source, bullet_end(source, lines[0]), lines[-1].end))
        self.paragraphs.append(
            Paragraph(
                start=bullet_end(source, lines[0]),
                end=lines[-1].end,
                line=lines[0].number,
                sentences=tuple(sentences),
                after_break=self.broken and bool(self.paragraphs),
                is_list=self.open_is_list,
            )
        )
        self.broken = False
        self.open = []
        self.open_is_list = self.open_is_table = False

    def drop_contents(self) -> None:
        """Leave out tables of contents (and a section left empty without one)."""
        headings = {_plain(s.heading) for s in self.sections if s.heading}
        kept = []
        for section in self.sections:
            others = headings - {_plain(section.heading)}
            paragraphs = tuple(p for p in section.paragraphs if not _is_contents(p, self.source, others))
            if paragraphs:
                kept.append(replace(section, paragraphs=paragraphs))
        self.sections = kept

    def close_section(self) -> None:
        self.close_paragraph()
        paragraphs = [p for p in self.paragraphs if p.sentences]
        if paragraphs:
            start = self.heading_start if self.heading else paragraphs[0].start
            line = self.heading_line if self.heading else paragraphs[0].line
            self.sections.append(Section(self.heading, start, line, tuple(paragraphs)))
        self.paragraphs = []
