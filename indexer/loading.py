"""Opening the live index for readers: the one way the chatbot and the evals get an index."""

from __future__ import annotations

from pathlib import Path

from .embedding import model_info
from .errors import CorruptIndexError, NoIndexError
from .paths import default_index_dir
from .publishing import current_version
from .storage import Index, read_version


def load_index(index_dir: Path | None = None, model_path: Path | None = None, check_model: bool = True) -> Index:
    """Open the live version of an index, verified: format version, checksums of every file, and
    that `model_path` (the packaged model when None) is the model the index was built with.

    >>> index = load_index(Path("index"))
    """
    index_dir = Path(index_dir) if index_dir is not None else default_index_dir()
    info = model_info(model_path) if check_model else None
    # A rebuild may switch versions and remove an old one while we read: retry on the new one.
    for attempt in range(3):
        folder = current_version(index_dir)
        try:
            return read_version(
                folder,
                model_fingerprint=info.fingerprint if info else None,
                model_name=info.name if info else None,
            )
        except (CorruptIndexError, NoIndexError):
            if attempt == 2 or current_version(index_dir) == folder:
                raise
    raise AssertionError("unreachable")
