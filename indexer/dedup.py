"""Near-duplicate articles: MinHash over word shingles finds candidates, exact Jaccard confirms.

The same article is often reposted with small edits (another byline, other line breaks). One copy
is kept as canonical; the others are recorded so that answers cite every place the text appears.
"""

from __future__ import annotations

import dataclasses
import re

from .records import Article

SHINGLE_WORDS = 5
NUM_PERM = 128
DUPLICATE_JACCARD = 0.8

_WORD = re.compile(r"\w+")


def article_text(source: str, article: Article) -> str:
    """The quotable text of an article: its sentences, without title, byline or headings."""
    return " ".join(
        source[s.start : s.end]
        for section in article.sections
        for paragraph in section.paragraphs
        for s in paragraph.sentences
    )


def shingles(text: str) -> set[str]:
    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE_WORDS:
        return {" ".join(words)}
    return {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


def duplicate_pairs(texts: list[str]) -> list[tuple[int, int, float]]:
    """Pairs (i, j, jaccard) of texts whose word-shingle Jaccard is at least DUPLICATE_JACCARD."""
    from datasketch import MinHash, MinHashLSH

    sets = [shingles(t) for t in texts]
    lsh = MinHashLSH(threshold=DUPLICATE_JACCARD * 0.8, num_perm=NUM_PERM)
    pairs = []
    for i, items in enumerate(sets):
        signature = MinHash(num_perm=NUM_PERM)
        signature.update_batch([s.encode("utf-8") for s in items])
        for j in lsh.query(signature):
            jaccard = len(sets[i] & sets[j]) / len(sets[i] | sets[j])
            if jaccard >= DUPLICATE_JACCARD:
                pairs.append((j, i, jaccard))
        lsh.insert(i, signature)
    return sorted(pairs)


def deduplicate(articles: list[Article], sources: dict[str, str]) -> list[Article]:
    """The articles with `duplicate_of` / `also_in` filled in. The canonical copy of a group is
    the one with a title, then the longest, then the first; untitled copies take its title."""
    texts = [article_text(sources[a.file], a) for a in articles]
    parent = list(range(len(articles)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j, _ in duplicate_pairs(texts):
        parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(articles)):
        groups.setdefault(root(i), []).append(i)
    result = list(articles)
    for members in groups.values():
        if len(members) < 2:
            continue
        canonical = max(members, key=lambda i: (bool(articles[i].title), len(texts[i]), -i))
        head = articles[canonical]
        others = [i for i in members if i != canonical]
        result[canonical] = dataclasses.replace(head, also_in=tuple(articles[i].id for i in others))
        for i in others:
            result[i] = dataclasses.replace(
                articles[i], duplicate_of=head.id, title=articles[i].title or head.title
            )
    return result
