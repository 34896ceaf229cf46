"""Reading the evals' JSON Lines files: one value a line, errors naming the file and the line."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

ErrorFactory = Callable[[Path, int, str], Exception]


def json_lines(path: Path, error: ErrorFactory) -> Iterator[tuple[int, object]]:
    """(line number, parsed value) for each non-blank line of `path`; an unreadable file (line 0)
    or a line that is not JSON raises `error(path, line, problem)`."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise error(path, 0, f"cannot be read ({exc.strerror or exc})") from exc
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            yield number, json.loads(text)
        except ValueError as exc:
            raise error(path, number, f"is not valid JSON ({exc})") from exc
