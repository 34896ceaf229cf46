"""Chunking: passages of whole sentences inside one section of one canonical article."""

from __future__ import annotations

from .records import Article, Chunk, Sentence
from .settings import ChunkerSettings


def _words(source: str, sentence: Sentence) -> int:
    return len(source[sentence.start : sentence.end].split())


def chunk_article(source: str, article: Article, settings: ChunkerSettings, first_id: int) -> list[Chunk]:
    """Passages of an article, numbered from `first_id`.

    A passage closes when the next sentence would take it past `max_words`, at a paragraph end
    once it is `paragraph_break_share` full and the next paragraph would not fit, and wherever
    dropped boilerplate stood between two paragraphs.
    """
    chunks: list[Chunk] = []

    def emit(sentences: list[Sentence], section: str, line: int) -> None:
        start, end = sentences[0].start, sentences[-1].end
        chunks.append(
            Chunk(
                id=first_id + len(chunks),
                file=article.file,
                article_id=article.id,
                title=article.title,
                section=section,
                byline=article.byline,
                start=start,
                end=end,
                line=line,
                text=source[start:end],
                sentences=tuple(sentences),
            )
        )

    for section in article.sections:
        current: list[Sentence] = []
        count = 0
        line = 0
        for paragraph in section.paragraphs:
            paragraph_words = sum(_words(source, s) for s in paragraph.sentences)
            full_enough = count >= settings.paragraph_break_share * settings.max_words
            if current and (paragraph.after_break or (full_enough and count + paragraph_words > settings.max_words)):
                emit(current, section.heading, line)
                current, count = [], 0
            for sentence in paragraph.sentences:
                words = _words(source, sentence)
                if current and count + words > settings.max_words:
                    emit(current, section.heading, line)
                    current, count = [], 0
                if not current:  # a paragraph can span lines (lists, hard-wrapped text)
                    line = paragraph.line + source.count("\n", paragraph.start, sentence.start)
                current.append(sentence)
                count += words
        if current:
            emit(current, section.heading, line)
    return chunks
