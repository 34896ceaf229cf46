"""Answer extraction: the best sentences of the best passages, quoted verbatim with their spans."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from indexer import Index, tokenize

from .answers import Quote
from .retrieval import Hit
from .settings import AnswerSettings

# A sentence starting like this leans on the one before it ("This is referred to as ...").
LEANS_BACK = re.compile(
    r"^(?:this|it|these|they|that|those|such|he|she|his|her|their|its|there|because of (?:this|that)|"
    r"as a result|however|but|so|also|additionally|furthermore|moreover|then|thus|therefore|in fact|"
    r"instead|otherwise|both|either|even so)\b",
    re.IGNORECASE,
)
MIN_QUOTE_WORDS = 5  # a shorter sentence ("Dermatographism.") is quoted with the next one


@dataclass(frozen=True)
class Scored:
    chunk: int
    sentence: int  # position in the chunk of the window's first sentence
    last: int  # position of its last sentence (windows hold 1 or 2 sentences of one paragraph)
    score: float  # ranking score (sentence, lexical and passage evidence)
    evidence: float  # what abstention looks at: sentence and lexical evidence only


def score_sentences(
    index: Index,
    hits: list[Hit],
    query_vector: np.ndarray,
    query_tokens: list[str],
    settings: AnswerSettings,
) -> list[Scored]:
    top = hits[: settings.passages]
    if not top:
        return []
    best_passage = top[0].score or 1.0
    terms = set(query_tokens)
    idf = index.passages.idf  # unseen words weigh as the rarest ones
    total = sum(idf(t) for t in terms) or 1.0
    lexical_share = settings.sentence_weight + settings.lexical_weight
    scored = []
    for hit in top:
        chunk = index.chunks[hit.chunk]
        source = index.sources[chunk.file]
        rows = slice(index.sentence_offsets[hit.chunk], index.sentence_offsets[hit.chunk + 1])
        vectors = index.sentence_vectors[rows]
        texts = [source[s.start : s.end] for s in chunk.sentences]
        token_sets = [set(tokens) for tokens in tokenize(texts)]
        passage = settings.passage_weight * hit.score / best_passage
        windows = [(j, j) for j in range(len(texts))]
        if settings.window_penalty < 1:
            windows += [
                (j, j + 1)
                for j in range(len(texts) - 1)
                if _same_paragraph(source, chunk.sentences[j].end, chunk.sentences[j + 1].start)
            ]
        for first, last in windows:
            vector = vectors[first : last + 1].sum(axis=0)
            cosine = float(vector @ query_vector) / (float(np.linalg.norm(vector)) or 1.0)
            covered = set().union(*token_sets[first : last + 1])
            lexical = sum(idf(t) for t in terms & covered) / total
            evidence = settings.sentence_weight * cosine + settings.lexical_weight * lexical
            if texts[last].rstrip("”\"' ").endswith("?"):  # the documents' own questions rarely answer
                evidence -= settings.question_penalty * lexical_share
            if last > first:
                evidence -= settings.window_penalty * lexical_share
            scored.append(Scored(hit.chunk, first, last, evidence + passage, evidence / lexical_share))
    return sorted(scored, key=lambda s: (-s.score, s.chunk, s.sentence, s.last))


def _same_paragraph(source: str, end: int, start: int) -> bool:
    return "\n" not in source[end:start]


def quote_span(index: Index, chunk_row: int, position: int, last: int) -> tuple[int, int]:
    """The span to quote for a window of sentences: joined with the sentence before when it leans
    on it, and with the one after when it is too short to stand alone (same paragraph only)."""
    chunk = index.chunks[chunk_row]
    source = index.sources[chunk.file]
    sentences = list(chunk.sentences)
    start, end = sentences[position].start, sentences[last].end
    previous = sentences[position - 1] if position > 0 else None
    if previous is None and chunk_row > 0 and index.chunks[chunk_row - 1].article_id == chunk.article_id:
        previous = index.chunks[chunk_row - 1].sentences[-1]
    if LEANS_BACK.match(source[start:end]) and previous and _same_paragraph(source, previous.end, start):
        start = previous.start
    following = sentences[last + 1] if last + 1 < len(sentences) else None
    if len(source[start:end].split()) < MIN_QUOTE_WORDS and following and _same_paragraph(source, end, following.start):
        end = following.end
    return start, end


def make_quotes(index: Index, scored: list[Scored], settings: AnswerSettings) -> list[Quote]:
    """Up to max_quotes non-overlapping quotes, best first, each within min_quote_share of the best."""
    quotes: list[Quote] = []
    taken: list[tuple[str, int, int]] = []
    best = scored[0].score if scored else 0.0
    for item in scored:
        if len(quotes) == settings.max_quotes or item.score < settings.min_quote_share * best:
            break
        chunk = index.chunks[item.chunk]
        start, end = quote_span(index, item.chunk, item.sentence, item.last)
        if any(f == chunk.file and start < e and s < end for f, s, e in taken):
            continue
        taken.append((chunk.file, start, end))
        source = index.sources[chunk.file]
        context_start, context_end = min(start, chunk.start), max(end, chunk.end)
        quotes.append(
            Quote(
                text=source[start:end],
                file=chunk.file,
                start=start,
                end=end,
                line=chunk.line + source.count("\n", chunk.start, start) if start >= chunk.start
                else chunk.line - source.count("\n", start, chunk.start),
                title=chunk.title,
                section=chunk.section,
                score=item.score,
                also_in=index.locations_of(chunk, start, end),
                context=source[context_start:context_end],
                context_start=context_start,
            )
        )
    return quotes
