"""Reading the corpus: each kind of bad file gets its own clear error naming the file."""

from __future__ import annotations

import pytest

from indexer import BadFileError, CorpusError, reading
from indexer.reading import read_corpus, read_document


@pytest.mark.parametrize(
    "content, problem",
    [
        ("caf\xe9 au lait".encode("latin-1"), "is not UTF-8"),
        (b"", "is empty"),
        (b"   \n\n  ", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is binary"),
        (b"text" + bytes(range(1, 9)) * 20, "is binary"),
        (b"<!DOCTYPE html>\n<html><body><p>Gout is arthritis.</p></body></html>", "is an HTML page"),
        (b"\n  <HTML>\n<head><title>Gout</title></head>", "is an HTML page"),
        (b"<h1>Gout</h1>\n<p>Gout is a kind of arthritis.</p>\n<ul>\n<li>Pain</li>\n</ul>", "is an HTML page"),
        (b"<div class=\"intro\">\n  <p>Gout is arthritis.</p>\n  <p>It hurts.</p>\n</div>", "is an HTML page"),
    ],
)
def test_bad_file_is_refused_with_its_name(tmp_path, content, problem):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    with pytest.raises(BadFileError) as error:
        read_document(bad)
    assert problem in str(error.value)
    assert "bad.txt" in str(error.value)
    assert "--skip-bad-files" in str(error.value)


def test_too_large_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", 100)
    big = tmp_path / "big.txt"
    big.write_text("word " * 100)
    with pytest.raises(BadFileError, match="over the 100-byte limit"):
        read_document(big)


def test_skip_bad_files_keeps_the_good_ones(tmp_path):
    (tmp_path / "a.txt").write_text("A good paragraph of text.", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(BadFileError):
        read_corpus(tmp_path)
    documents, skipped = read_corpus(tmp_path, skip_bad_files=True)
    assert [d.text for d in documents] == ["A good paragraph of text."]
    assert len(skipped) == 1 and "b.txt" in skipped[0]


def test_missing_or_empty_corpus_folder(tmp_path):
    with pytest.raises(CorpusError, match="does not exist"):
        read_corpus(tmp_path / "nope")
    with pytest.raises(CorpusError, match="holds no files"):
        read_corpus(tmp_path)


def test_text_is_the_exact_decoded_bytes(sources):
    from tests.conftest import CORPUS

    for path in sorted(CORPUS.iterdir()):
        document = read_document(path)
        assert document.text == path.read_bytes().decode("utf-8")
        assert document.file == f"corpus/{path.name}"


def test_text_that_mentions_tags_is_still_text(tmp_path):
    page = tmp_path / "web.txt"
    page.write_text("Web pages\n\nA page starts with <html> and its text sits in <body> tags.\n", encoding="utf-8")
    assert read_document(page).text.startswith("Web pages")


def test_text_with_a_stray_tag_or_two_is_still_text(tmp_path):
    page = tmp_path / "dose.txt"
    page.write_text("Doses\n\n<5 mg a day is low.\n<p>One pasted tag.</p>\nThe rest is plain text.\n<br>\n", encoding="utf-8")
    assert read_document(page).text.startswith("Doses")

