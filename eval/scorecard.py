"""The gold-set scorecard: every metric on the dev and test halves for one chatbot, with the
questions it got wrong, as a report (what `python -m eval` writes and the gate compares)."""

from __future__ import annotations

from dataclasses import dataclass

from .gold import GoldItem, counts
from .metrics import METRICS, SPLITS, all_splits
from .outcomes import GoldRun, Outcome, run_gold
from .reports import bar_chart, markdown_table

CHART_METRICS = [m.name for m in METRICS if m.name != "followup_hit@3_no_history"]


@dataclass(frozen=True)
class Scorecard:
    run: GoldRun
    metrics: dict[str, dict[str, float]]  # split -> metric -> value
    index: dict  # what was evaluated: index folder, passages, chunker
    settings: dict  # the chatbot's AnswerSettings

    def misses(self) -> list[dict]:
        """Questions whose status or evidence was wrong, for the report."""
        rows = []
        for o in self.run.outcomes:
            wrong_status = o.status != o.item.status
            missed_quote = o.item.kind in ("answerable", "followup") and o.first_hit is None
            if wrong_status or missed_quote:
                rows.append(_row(o))
        return rows


def _first_relevant(o: Outcome) -> int | None:
    return next((i for i, r in enumerate(o.passages, 1) if r in o.relevant), None)


def _row(o: Outcome) -> dict:
    return {
        "id": o.item.id,
        "split": o.item.split,
        "kind": o.item.kind,
        "question": o.item.question,
        "query": o.query,
        "expected": o.item.status,
        "status": o.status,
        "quote_hit_rank": o.first_hit,
        "passage_rank": _first_relevant(o),
    }


def describe_index(index) -> dict:
    manifest = index.manifest
    return {
        "folder": str(index.folder),
        "passages": manifest["counts"]["passages"],
        "sentences": manifest["counts"]["sentences"],
        "chunker": manifest["chunker"],
        "model": manifest["model"]["name"],
    }


def score(bot, items: list[GoldItem]) -> Scorecard:
    run = run_gold(bot, items)
    return Scorecard(run, all_splits(run), describe_index(bot.index), bot.settings.to_dict())


def metrics_table(metrics: dict[str, dict[str, float]], with_about: bool = True) -> str:
    headers = ["metric", *SPLITS, *(["what it measures"] if with_about else [])]
    rows = [[m.name, *(metrics[s][m.name] for s in SPLITS), *([m.about] if with_about else [])] for m in METRICS]
    return markdown_table(headers, rows)


def report(card: Scorecard, info: dict, items: list[GoldItem]) -> tuple[dict, str, dict]:
    """(JSON data, Markdown, charts) for the scorecard."""
    table = counts(items)
    data = {
        **info,
        "index": card.index,
        "settings": card.settings,
        "questions": table,
        "metrics": card.metrics,
        "misses": card.misses(),
        "questions_detail": [_row(o) for o in card.run.outcomes],
    }
    kinds = markdown_table(["kind", "dev", "test", "all"], [[k, v["dev"], v["test"], v["all"]] for k, v in table.items()])
    misses = card.misses()
    miss_table = markdown_table(
        ["id", "split", "question", "searched for", "expected", "got", "quote hit", "passage rank"],
        [[m["id"], m["split"], m["question"], m["query"], m["expected"], m["status"], m["quote_hit_rank"], m["passage_rank"]] for m in misses],
    )
    markdown = f"""# Gold-set evaluation

Command: `{info['command']}` ({info['created']}).
Index: {card.index['passages']} passages of at most {card.index['chunker']['max_words']} words, model {card.index['model']}.
Settings: mode {card.settings['mode']}, fusion {card.settings['fusion']}, dense weight {card.settings['dense_weight']}, abstention threshold {card.settings['answer_threshold'] or "the model's operating point"}.

## Questions

{kinds}

## Metrics

{metrics_table(card.metrics)}

## Misses ({len(misses)})

Wrong status, or (answerable and follow-up questions) no quote containing the answer.

{miss_table}
"""
    chart = bar_chart(
        "Gold set: metrics by split",
        CHART_METRICS,
        {split: [card.metrics[split][m] for m in CHART_METRICS] for split in ("dev", "test")},
    )
    return data, markdown, {"gold-metrics": chart}
