"""Asking the chatbot every gold question, as a visitor would, and recording what came back with
what counts as evidence for it.

Evidence: a passage is relevant when it holds the answer phrase and lies in an expected file, or in
the canonical copy of an article whose duplicate lies in an expected file (000_… duplicates the
last article of 003_…, and only the canonical copy is indexed). A quote hits when it contains the
answer phrase and comes from an expected file (itself, or one of the places it also appears).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .gold import GoldItem

RANK_DEPTH = 10  # passages kept per question: the deepest cut-off the metrics look at


@dataclass(frozen=True)
class Outcome:
    item: GoldItem
    status: str
    query: str  # what was searched, after follow-up resolution
    passages: tuple[int, ...]  # chunk rows retrieved for `query`, best first (RANK_DEPTH of them)
    relevant: frozenset[int]  # chunk rows that hold the evidence (empty: the index lost it)
    quote_hits: tuple[bool, ...]  # per quote, best first: does it contain the answer from an expected file
    timings: dict = field(default_factory=dict, compare=False)
    with_history: bool = True

    @property
    def first_hit(self) -> int | None:
        """1-based rank of the first quote that hits, None when none does."""
        return next((i for i, hit in enumerate(self.quote_hits, 1) if hit), None)


def relevant_passages(index, item: GoldItem) -> frozenset[int]:
    """Rows of index.chunks that hold the item's answer phrase in an expected file."""
    if not item.has_evidence:
        return frozenset()
    files = set(item.files)
    found = set()
    for row, chunk in enumerate(index.chunks):
        if item.answer not in chunk.text:
            continue
        copies = {chunk.file} | {index.articles[a].file for a in index.articles[chunk.article_id].also_in}
        if copies & files:
            found.add(row)
    return frozenset(found)


def quote_hits(item: GoldItem, quote) -> bool:
    if not item.has_evidence or item.answer not in quote.text:
        return False
    return quote.file in item.files or any(loc.file in item.files for loc in quote.also_in)


def ask(bot, item: GoldItem, with_history: bool = True) -> Outcome:
    """One gold question through bot.ask (safety routing, follow-up resolution, abstention), and
    the passages bot.retrieve ranks for the query it resolved to."""
    answer = bot.ask(item.question, history=list(item.history) if with_history else [])
    retrieved = bot.retrieve(answer.query, RANK_DEPTH) if item.has_evidence and answer.query else []
    return Outcome(
        item=item,
        status=answer.status,
        query=answer.query,
        passages=tuple(h.chunk for h in retrieved),
        relevant=relevant_passages(bot.index, item),
        quote_hits=tuple(quote_hits(item, q) for q in answer.quotes),
        timings=dict(answer.timings),
        with_history=with_history,
    )


@dataclass(frozen=True)
class GoldRun:
    outcomes: tuple[Outcome, ...]  # every item, asked with its history
    without_history: tuple[Outcome, ...]  # the follow-ups again, asked without it

    def select(self, split: str = "all", kinds: tuple[str, ...] | None = None, history: bool = True) -> list[Outcome]:
        pool = self.outcomes if history else self.without_history
        return [
            o for o in pool if (split == "all" or o.item.split == split) and (kinds is None or o.item.kind in kinds)
        ]


def run_gold(bot, items: list[GoldItem]) -> GoldRun:
    """Ask every item (and the follow-ups once more without their history)."""
    return GoldRun(
        outcomes=tuple(ask(bot, item) for item in items),
        without_history=tuple(ask(bot, item, with_history=False) for item in items if item.kind == "followup"),
    )
