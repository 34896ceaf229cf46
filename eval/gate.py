"""The regression gate: the gold-set metrics against the accepted ones in eval/baseline.json.

A metric fails when it is worse than its baseline by more than the tolerance (absolute, on the
whole gold set; 0.02 is about two answerable questions out of 98). Accept new numbers, after
reading why they changed, with `python -m eval --update-baseline`.

>>> rows = compare(card.metrics, load_baseline())
>>> print(diff_table(rows))
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .errors import EvalError
from .metrics import METRIC_INFO, METRICS
from .paths import BASELINE_PATH
from .reports import markdown_table

DEFAULT_TOLERANCE = 0.02
GATED_SPLIT = "all"


@dataclass(frozen=True)
class GateRow:
    metric: str
    baseline: float
    current: float | None
    tolerance: float

    @property
    def change(self) -> float | None:
        return None if self.current is None else round(self.current - self.baseline, 4)

    @property
    def failed(self) -> bool:
        if self.current is None:
            return True
        worse = self.change if METRIC_INFO[self.metric].lower_is_better else -self.change
        return worse > self.tolerance + 1e-9


def load_baseline(path: Path | None = None) -> dict:
    path = Path(path) if path is not None else BASELINE_PATH
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise EvalError(f"no baseline at {path}: accept the current numbers with python -m eval --update-baseline") from exc
    except ValueError as exc:
        raise EvalError(f"{path} is not valid JSON ({exc}); restore it from git or run python -m eval --update-baseline") from exc
    if not isinstance(data.get("metrics"), dict) or GATED_SPLIT not in data["metrics"]:
        raise EvalError(f"{path} has no metrics for the {GATED_SPLIT!r} split; run python -m eval --update-baseline")
    return data


def baseline_record(metrics: dict[str, dict[str, float]], info: dict, index: dict, settings: dict) -> dict:
    return {
        "about": "Accepted gold-set numbers; python -m eval --check fails when a gated metric of the "
        f"{GATED_SPLIT!r} split is worse by more than `tolerance`.",
        "tolerance": DEFAULT_TOLERANCE,
        "gated_split": GATED_SPLIT,
        **info,
        "index": {k: v for k, v in index.items() if k != "folder"},
        "settings": settings,
        "metrics": metrics,
    }


def compare(metrics: dict[str, dict[str, float]], baseline: dict) -> list[GateRow]:
    """One row per gated metric of the baseline's gated split."""
    split = baseline.get("gated_split", GATED_SPLIT)
    tolerance = float(baseline.get("tolerance", DEFAULT_TOLERANCE))
    accepted = baseline["metrics"][split]
    current = metrics.get(split, {})
    return [
        GateRow(m.name, accepted[m.name], current.get(m.name), tolerance)
        for m in METRICS
        if m.gated and m.name in accepted
    ]


def diff_table(rows: list[GateRow]) -> str:
    def verdict(row: GateRow) -> str:
        if row.failed:
            return "**WORSE**" if row.current is not None else "**MISSING**"
        return "better" if row.change and (row.change < 0) == METRIC_INFO[row.metric].lower_is_better else "ok"

    return markdown_table(
        ["metric", "baseline", "now", "change", "tolerance", "verdict"],
        [
            [r.metric, r.baseline, r.current, f"{r.change:+.3f}" if r.change is not None else None, r.tolerance, verdict(r)]
            for r in rows
        ],
    )
