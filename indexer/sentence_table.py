"""The sentence table: facts about every indexed sentence, worked out once at build time so that
answering a question only looks them up. Row i is sentence i in chunk order (the rows of the
sentence vectors).

Per sentence: its passage, its paragraph ("block": quotes of several sentences never leave one),
its place in the paragraph and the section, its section (row of the heading vectors), its length,
what it is (a question, a list label, a list item, a sentence leaning on the one before) and what
kinds of answer it holds (see answer_types).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from enum import IntFlag
from pathlib import Path

import numpy as np

from .answer_types import sentence_types
from .records import Article, Chunk
from .segmenting import is_table_header

# A sentence starting like this leans on the one before it ("This is referred to as ...").
LEANS_BACK = re.compile(
    r"^(?:this|it|these|they|that|those|such|he|she|his|her|their|its|there|because of (?:this|that)|"
    r"as a result|however|but|so|also|additionally|furthermore|moreover|then|thus|therefore|in fact|"
    r"instead|otherwise|both|either|even so)\b",
    re.IGNORECASE,
)


class SentenceFlag(IntFlag):
    QUESTION = 1  # ends with a question mark: the documents' own questions rarely answer
    LABEL = 2  # a list label ("Symptoms include:", a table's header): never quoted without its items
    LIST_ITEM = 4  # an item of a list
    LEANS_BACK = 8  # starts with "This", "It", "However"...: quoted with the sentence before
    UNTITLED = 16  # its section has no heading and its article no title


@dataclass(frozen=True)
class SentenceTable:
    chunk: np.ndarray  # passage row
    block: np.ndarray  # paragraph id, unique in the index
    block_position: np.ndarray  # 0-based place in the paragraph
    block_size: np.ndarray  # sentences in the paragraph
    section: np.ndarray  # section id = row of the heading vectors
    section_position: np.ndarray  # 0-based place among the section's sentences
    words: np.ndarray
    flags: np.ndarray  # SentenceFlag bits
    answer_types: np.ndarray  # AnswerType bits

    def __len__(self) -> int:
        return len(self.chunk)

    def save(self, path: Path) -> None:
        with path.open("wb") as f:
            np.savez(f, **{field.name: getattr(self, field.name) for field in fields(self)})

    @classmethod
    def load(cls, path: Path) -> SentenceTable:
        with np.load(path) as data:
            return cls(**{field.name: data[field.name] for field in fields(cls)})


def sentence_flags(text: str, in_list: bool, untitled: bool = False) -> SentenceFlag:
    flags = SentenceFlag.UNTITLED if untitled else SentenceFlag(0)
    stripped = text.rstrip("”\"'’) ")
    if stripped.endswith("?"):
        flags |= SentenceFlag.QUESTION
    if stripped.endswith(":") or (in_list and is_table_header(text)):
        flags |= SentenceFlag.LABEL
    elif in_list:
        flags |= SentenceFlag.LIST_ITEM
    if LEANS_BACK.match(text):
        flags |= SentenceFlag.LEANS_BACK
    return flags


# Bumped whenever what `section_headings` embeds changes: an index records it, and one built
# otherwise is rebuilt (see indexer.build.corpus_fingerprint).
HEADING_TEXT_VERSION = 2


def heading_text(title: str, heading: str) -> str:
    """What a section's heading is compared with a question as: the heading under its article's
    title ("Celiac Disease: Diagnosis"), since a page's headings rarely repeat its subject; the
    title alone for a section without a heading; "" when there is neither."""
    return f"{title}: {heading}" if title and heading else heading or title


def section_headings(articles) -> list[str]:
    """The `heading_text` of every section, by section id: the canonical articles' sections in order."""
    return [heading_text(a.title, section.heading) for a in articles if a.duplicate_of is None for section in a.sections]


def build_sentence_table(
    articles: list[Article], chunks: list[Chunk], sources: dict[str, str]
) -> tuple[SentenceTable, list[str]]:
    """The table for `chunks` (cut from the canonical `articles`), and the text of every section's
    heading (`section_headings`), by section id."""
    place: dict[tuple[str, int], tuple[int, int, int, int, int, bool]] = {}
    headings = section_headings(articles)
    block = 0
    section_id = -1
    for article in articles:
        if article.duplicate_of is not None:
            continue
        for section in article.sections:
            section_id += 1
            position = 0
            for paragraph in section.paragraphs:
                for j, sentence in enumerate(paragraph.sentences):
                    place[article.file, sentence.start] = (
                        block, j, len(paragraph.sentences), section_id, position, paragraph.is_list
                    )
                    position += 1
                block += 1
    rows = []
    for row, chunk in enumerate(chunks):
        source = sources[chunk.file]
        for sentence in chunk.sentences:
            text = source[sentence.start : sentence.end]
            b, j, size, section_id, position, in_list = place[chunk.file, sentence.start]
            flags = sentence_flags(text, in_list, untitled=not headings[section_id])
            rows.append((row, b, j, size, section_id, position, len(text.split()), flags, sentence_types(text)))
    columns = list(zip(*rows, strict=True)) if rows else [()] * 9
    dtypes = [np.int32] * 7 + [np.uint16, np.uint16]
    table = SentenceTable(*(np.asarray(c, dtype=d) for c, d in zip(columns, dtypes, strict=True)))
    return table, headings
