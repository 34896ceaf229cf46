"""The regression gate, as CI runs it: the gold set on the session's index of corpus/ (default
settings) must not be worse than eval/baseline.json beyond its tolerance. After an intended
change, read eval/reports/gold.md and accept with `python -m eval --update-baseline`."""

from __future__ import annotations

from eval import gate
from eval.gold import load_gold
from eval.scorecard import score


def test_gold_set_metrics_are_not_worse_than_the_baseline(bot):
    baseline = gate.load_baseline()
    card = score(bot, load_gold())
    rows = gate.compare(card.metrics, baseline)
    assert rows, "the baseline gates no metric"
    failed = [r.metric for r in rows if r.failed]
    assert not failed, (
        f"gold-set metrics worse than eval/baseline.json by more than {baseline['tolerance']}: {', '.join(failed)}\n"
        + gate.diff_table(rows)
        + "\nIf the change is intended, run: python -m eval --update-baseline"
    )
