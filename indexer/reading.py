"""Reading corpus files: each file becomes one exact string, or a clear error naming the file."""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path

from .errors import BadFileError, CorpusError
from .paths import display_path
from .records import Document

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 20 * 1024 * 1024
# Share of control characters (other than tab, newline, carriage return, form feed) above which
# a file that happens to decode as UTF-8 is still binary.
MAX_CONTROL_SHARE = 0.01
# A saved web page rather than its text (a line opening with one of its structural tags): quotes
# would carry its markup ("<p>Gout is …").
_HTML_PAGE = re.compile(r"^\s*<(!doctype\s+html|html|head|body)[\s>]", re.IGNORECASE | re.MULTILINE)
# A fragment of one (copied page source without <html> or <body>): several lines that open with a
# block tag. Prose mentioning a tag ("text sits in <p> tags") opens no line with one.
_HTML_BLOCK_LINE = re.compile(
    r"^\s*<(p|div|h[1-6]|ul|ol|li|table|tr|td|th|section|article|header|footer|nav|main|span|br|hr|img|a)(\s[^<>]*)?/?>",
    re.IGNORECASE | re.MULTILINE,
)
HTML_BLOCK_LINES = 3  # lines opening with a block tag that make a file markup, not text
HTML_SNIFF_CHARS = 4096


def read_document(path: Path, file: str | None = None) -> Document:
    """Read one file as `path.read_bytes().decode("utf-8")`, refusing anything that is not text."""
    name = file or display_path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadFileError(name, f"cannot be read ({exc.strerror or exc})") from exc
    if len(data) > MAX_FILE_BYTES:
        raise BadFileError(name, f"is {len(data):,} bytes, over the {MAX_FILE_BYTES:,}-byte limit")
    if b"\x00" in data:
        raise BadFileError(name, "is binary (it contains NUL bytes), not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadFileError(
            name, f"is not UTF-8 (invalid byte at offset {exc.start}); re-save it as UTF-8"
        ) from exc
    if not text.strip():
        raise BadFileError(name, "is empty")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > MAX_CONTROL_SHARE * len(text):
        raise BadFileError(name, "is binary (too many control characters), not text")
    sniffed = text[:HTML_SNIFF_CHARS]
    if _HTML_PAGE.search(sniffed) or len(_HTML_BLOCK_LINE.findall(sniffed)) >= HTML_BLOCK_LINES:
        raise BadFileError(name, "is an HTML page, not plain text; save the page's text (e.g. the browser's Save as → Text) and index that")
    return Document(file=name, text=text, sha256=hashlib.sha256(data).hexdigest())


def corpus_files(corpus_dir: Path) -> list[Path]:
    """The files a corpus folder holds, in name order; hidden files are ignored."""
    if not corpus_dir.is_dir():
        raise CorpusError(
            f"corpus folder {corpus_dir} does not exist or is not a folder; "
            "pass --corpus DIR with the documents to index"
        )
    files = sorted(p for p in corpus_dir.iterdir() if p.is_file() and not p.name.startswith("."))
    if not files:
        raise CorpusError(f"corpus folder {corpus_dir} holds no files; add the documents to index")
    return files


def read_corpus(corpus_dir: Path, skip_bad_files: bool = False) -> tuple[list[Document], list[str]]:
    """All documents of a corpus folder, and the problems of the files skipped.

    >>> docs, skipped = read_corpus(Path("corpus"))
    """
    documents: list[Document] = []
    skipped: list[str] = []
    for path in corpus_files(corpus_dir):
        try:
            documents.append(read_document(path))
        except BadFileError as exc:
            if not skip_bad_files:
                raise
            log.warning("skipping %s", exc)
            skipped.append(f"{exc.file}: {exc.problem}")
    if not documents:
        raise CorpusError(f"no usable document in {corpus_dir}: {'; '.join(skipped)}")
    return documents, skipped
