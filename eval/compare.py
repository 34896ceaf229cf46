"""Retrieval configurations side by side on the same gold set: BM25 only, dense only, and every
fusion at several dense weights (the default, weighted 0.6, among them). One table, dev and test.

>>> rows = compare_configs(bot, load_gold())
"""

from __future__ import annotations

from dataclasses import replace

from chatbot.settings import FUSIONS

from .gold import GoldItem
from .metrics import all_splits
from .outcomes import run_gold
from .reports import bar_chart, markdown_table

# (name, AnswerSettings fields that differ from the chatbot's current settings)
CONFIGS: list[tuple[str, dict]] = [
    ("bm25", {"mode": "bm25"}),
    ("dense", {"mode": "dense"}),
    *(
        (f"hybrid {f} {w:g}", {"mode": "hybrid", "fusion": f, "dense_weight": w})
        for f in FUSIONS
        for w in (0.3, 0.5, 0.6, 0.7)
    ),
]
TABLE_METRICS = [
    "passage_recall@1",
    "passage_recall@5",
    "passage_mrr@10",
    "passage_ndcg@10",
    "quote_hit@1",
    "quote_hit@3",
    "abstain_precision",
    "abstain_recall",
    "followup_hit@3",
]


def compare_configs(bot, items: list[GoldItem], configs: list[tuple[str, dict]] = CONFIGS) -> list[dict]:
    """One row per configuration: its settings and its metrics per split."""
    rows = []
    for name, overrides in configs:
        settings = replace(bot.settings, **overrides)
        run = run_gold(bot.with_settings(settings), items)
        rows.append({"config": name, "overrides": overrides, "settings": settings.to_dict(), "metrics": all_splits(run)})
    return rows


def table(rows: list[dict], metrics: list[str] = TABLE_METRICS) -> str:
    """Configurations as rows; each cell is `dev / test`."""
    return markdown_table(
        ["config", *metrics],
        [[r["config"], *(f"{r['metrics']['dev'][m]:.3f} / {r['metrics']['test'][m]:.3f}" for m in metrics)] for r in rows],
    )


def report(rows: list[dict], info: dict, index: dict) -> tuple[dict, str, dict]:
    data = {**info, "index": index, "configs": rows}
    markdown = f"""# Retrieval configurations on the gold set

Command: `{info['command']}` ({info['created']}).
Index: {index['passages']} passages of at most {index['chunker']['max_words']} words. Every other
setting is the chatbot's default (including the abstention threshold). Each cell is **dev / test**.

{table(rows)}
"""
    chart_metrics = ["passage_mrr@10", "passage_ndcg@10", "quote_hit@1", "quote_hit@3", "followup_hit@3"]
    charts = {
        f"compare-{split}": bar_chart(
            f"Gold set ({split} split): metrics per configuration",
            [r["config"] for r in rows],
            {m: [r["metrics"][split][m] for r in rows] for m in chart_metrics},
        )
        for split in ("dev", "test")
    }
    return data, markdown, charts
