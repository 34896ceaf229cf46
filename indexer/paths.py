"""Where the corpus and the index live by default. The only place that reads path variables."""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def default_corpus_dir() -> Path:
    """`$CHATBOT_CORPUS_DIR`, else `corpus/` in the repository."""
    return Path(os.environ.get("CHATBOT_CORPUS_DIR") or REPO_ROOT / "corpus")


def default_index_dir() -> Path:
    """`$CHATBOT_INDEX_DIR`, else `index/` in the repository."""
    return Path(os.environ.get("CHATBOT_INDEX_DIR") or REPO_ROOT / "index")


def display_path(path: Path) -> str:
    """A path as quotes cite it: relative to the repository root when inside it, else absolute."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return resolved.as_posix()
