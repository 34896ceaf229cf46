"""The records the indexer produces and readers consume. Every text is a [start, end) span of a
corpus file's text, decoded as UTF-8 and never changed."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Document:
    """One corpus file: `file` as quotes cite it, `text` its whole decoded content."""

    file: str
    text: str
    sha256: str


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int


@dataclass(frozen=True)
class Paragraph:
    start: int
    end: int
    line: int
    sentences: tuple[Sentence, ...]
    # True when dropped boilerplate stands between this paragraph and the previous one, so no
    # passage may span the two.
    after_break: bool = False
    is_list: bool = False  # a list: its label (if any) and its items, one sentence or more each


@dataclass(frozen=True)
class Section:
    heading: str  # "" for the text before an article's first heading
    start: int  # of the heading line, or of the first paragraph when there is no heading
    line: int
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True)
class Location:
    """Where else an article (or a quote of it) appears."""

    file: str
    start: int
    end: int
    line: int

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Article:
    id: str  # "<file>#<n>", n counting articles in the file from 0
    file: str
    title: str  # "" when the file gives the article no title line
    byline: str
    start: int
    end: int
    line: int
    sections: tuple[Section, ...]
    names: tuple[str, ...] = field(default=())  # other names of its subject ("Piles"), see indexer.aliases
    duplicate_of: str | None = None  # id of the canonical copy, for a duplicate
    also_in: tuple[str, ...] = field(default=())  # ids of duplicates, for a canonical article


@dataclass(frozen=True)
class Chunk:
    """A passage: whole sentences of one section of one canonical article."""

    id: int
    file: str
    article_id: str
    title: str
    section: str
    byline: str
    start: int
    end: int
    line: int
    text: str
    sentences: tuple[Sentence, ...]
