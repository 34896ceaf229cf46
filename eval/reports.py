"""Reports: every run writes `<name>.json`, `<name>.md` and its PNG charts into eval/reports/ (or
another folder), each file replaced whole so a reader never sees half of one."""

from __future__ import annotations

import json
import os
import platform
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from indexer.storage import replace_file

from .paths import reports_dir


def fmt(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 100 else f"{value:,.0f}"
    return str(value)


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence]) -> str:
    """A GitHub Markdown table; floats get three decimals.

    >>> print(markdown_table(["a", "b"], [[1, 0.5]]))
    | a | b |
    |---|---|
    | 1 | 0.500 |
    """
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(fmt(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def run_info(command: str) -> dict:
    """What every report records about the run that made it."""
    return {
        "command": command,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
    }


def command_line() -> str:
    args = " ".join(a if a and " " not in a else repr(a) for a in sys.argv[1:])
    return f"python -m eval {args}".strip()


Chart = Callable[[Path], None]


def write_report(
    name: str, data: dict, markdown: str, charts: dict[str, Chart] | None = None, folder: Path | None = None
) -> list[Path]:
    """Write `<name>.json`, `<name>.md` and `<chart name>.png` for each chart; returns the paths."""
    folder = Path(folder) if folder is not None else reports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for chart_name, draw in (charts or {}).items():
        path = folder / f"{chart_name}.png"
        replace_file(path, draw)
        written.append(path)
    images = "".join(f"\n![{p.stem}]({p.name})\n" for p in written)
    path = folder / f"{name}.json"
    replace_file(path, lambda p: p.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"))
    written.insert(0, path)
    path = folder / f"{name}.md"
    replace_file(path, lambda p: p.write_text(markdown.rstrip() + "\n" + images, encoding="utf-8"))
    written.insert(1, path)
    return written


def pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def bar_chart(
    title: str,
    groups: Sequence[str],
    series: dict[str, Sequence[float]],
    ylabel: str = "",
    lines: Sequence[tuple[str, float]] = (),
    ylim: tuple[float, float] | None = (0.0, 1.0),
) -> Chart:
    """A grouped bar chart (one group per x label, one bar per series), with optional reference lines."""

    def draw(path: Path) -> None:
        plt = pyplot()
        width = 0.8 / max(len(series), 1)
        fig, ax = plt.subplots(figsize=(min(11.0, max(6.0, 0.5 * len(groups) * max(1, len(series)) * 0.45 + 3)), 4.5))
        for i, (label, values) in enumerate(series.items()):
            xs = [g + (i - (len(series) - 1) / 2) * width for g in range(len(groups))]
            ax.bar(xs, values, width, label=label)
        for (label, y), style in zip(lines, ["--", ":", "-."], strict=False):
            ax.axhline(y, linestyle=style, linewidth=1.2, color="black", label=label)
        ax.set_xticks(range(len(groups)), groups, rotation=20 if len(groups) > 4 else 0, ha="right" if len(groups) > 4 else "center", fontsize=8)
        if ylim:
            ax.set_ylim(ylim[0], ylim[1] * 1.15)  # room for the legend above the bars
        ax.legend(fontsize=7, ncols=min(len(series), 5) if not lines else 2, loc="upper center")
        _finish(plt, fig, ax, path, title, ylabel)

    return draw


def stacked_chart(title: str, groups: Sequence[str], stages: dict[str, Sequence[float]], ylabel: str) -> Chart:
    """Stacked bars: one bar per group, one segment per stage (e.g. latency per answer stage)."""

    def draw(path: Path) -> None:
        plt = pyplot()
        fig, ax = plt.subplots(figsize=(6.5, 4.2))
        bottom = [0.0] * len(groups)
        for stage, values in stages.items():
            ax.bar(groups, values, 0.6, bottom=bottom, label=stage)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        ax.legend(fontsize=8)
        _finish(plt, fig, ax, path, title, ylabel)

    return draw


def line_chart(
    title: str,
    xlabel: str,
    ylabel: str,
    xs: Sequence[float],
    series: dict[str, Sequence[float]],
    bold: str | None = None,
    mark_x: float | None = None,
) -> Chart:
    """One line per series over `xs`; `bold` names a series to emphasise, `mark_x` draws a
    vertical line (e.g. the chosen value)."""

    def draw(path: Path) -> None:
        plt = pyplot()
        fig, ax = plt.subplots(figsize=(6.5, 4.2))
        for label, values in series.items():
            if label == bold:
                ax.plot(xs, values, linewidth=2.5, color="black", label=label)
            else:
                ax.plot(xs, values, marker="o", markersize=3, label=label)
        if mark_x is not None:
            ax.axvline(mark_x, linestyle="--", color="grey")
        ax.set_xlabel(xlabel)
        ax.legend(fontsize=7)
        _finish(plt, fig, ax, path, title, ylabel)

    return draw


def _finish(plt, fig, ax, path: Path, title: str, ylabel: str) -> None:
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=110)
    plt.close(fig)
