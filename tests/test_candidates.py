"""Candidate windows and the sentence table, on a small hand-made document (no model needed: the
table is built from segmented text, and the vectors are made up)."""

from __future__ import annotations

import hashlib

import numpy as np

from chatbot.answers import Quote
from chatbot.candidates import MAX_PARAGRAPH_WORDS, WindowSet, whole_list, whole_paragraph
from chatbot.extraction import choose, distinct
from indexer.chunking import chunk_article
from indexer.records import Document
from indexer.segmenting import segment
from indexer.sentence_table import SentenceFlag, build_sentence_table
from indexer.settings import ChunkerSettings

TEXT = (
    "Gout\n\n"
    "## Causes\n\n"
    "Gout is caused by uric acid crystals in a joint. This is called a flare. Flares hurt.\n\n"
    "Symptoms include:\n- sudden, severe pain in a joint\n- redness and swelling\n\n"
    "## Treatment\n\n"
    "Rest and ice help most people within a few days.\n"
)


def table_of(text: str = TEXT):
    document = Document("gout.txt", text, hashlib.sha256(text.encode()).hexdigest())
    articles = segment(document)
    chunks = []
    for article in articles:
        chunks += chunk_article(text, article, ChunkerSettings(), len(chunks))
    sentences = [text[s.start : s.end] for c in chunks for s in c.sentences]
    table, headings = build_sentence_table(articles, chunks, {document.file: text})
    return table, headings, sentences


def test_the_table_knows_paragraphs_sections_and_roles():
    table, headings, sentences = table_of()
    assert sentences == [
        "Gout is caused by uric acid crystals in a joint.",
        "This is called a flare.",
        "Flares hurt.",
        "Symptoms include:",
        "sudden, severe pain in a joint",
        "redness and swelling",
        "Rest and ice help most people within a few days.",
    ]
    assert headings == ["Gout: Causes", "Gout: Treatment"]  # each under its page's title: "Causes" of what
    assert table.section.tolist() == [0, 0, 0, 0, 0, 0, 1]
    assert table.section_position.tolist() == [0, 1, 2, 3, 4, 5, 0]
    assert table.block.tolist() == [0, 0, 0, 1, 1, 1, 2]
    assert table.block_position.tolist() == [0, 1, 2, 0, 1, 2, 0]
    assert table.flags[1] & SentenceFlag.LEANS_BACK
    assert table.flags[3] & SentenceFlag.LABEL and table.flags[4] & SentenceFlag.LIST_ITEM


def windows_of(table):
    return WindowSet.of(table, np.eye(len(table), 4, dtype=np.float32))


def spans(windows: WindowSet, ids) -> list[tuple[int, int]]:
    return [(int(windows.first[i]), int(windows.last[i])) for i in ids]


def test_windows_never_start_leaning_end_on_a_label_or_leave_a_fragment_alone():
    table, _, _ = table_of()
    windows = windows_of(table)
    everything = spans(windows, range(len(windows)))
    assert (1, 1) not in everything and (0, 1) in everything  # "This is called…" takes its antecedent in
    assert (2, 2) not in everything  # "Flares hurt." (2 words) is never quoted alone
    assert all(last != 3 for _, last in everything)  # never ending on "Symptoms include:"
    assert (3, 4) in everything  # the label with its first item
    assert all(table.block[first] == table.block[last] for first, last in everything)


def test_windows_around_seeds_are_those_grown_from_them_in_order():
    table, _, _ = table_of()
    windows = windows_of(table)
    ids = windows.around(np.array([6, 0]))
    assert spans(windows, ids) == sorted(spans(windows, ids))
    assert {(0, 0), (0, 1), (6, 6)} <= set(spans(windows, ids))
    rows, owner = windows.rows(ids)
    assert len(rows) == sum(last - first + 1 for first, last in spans(windows, ids))
    assert all(windows.first[ids[o]] <= r <= windows.last[ids[o]] for r, o in zip(rows, owner, strict=True))


def test_window_norms_are_the_length_of_the_summed_sentence_vectors():
    table, _, _ = table_of()
    vectors = np.random.default_rng(0).normal(size=(len(table), 8)).astype(np.float32)
    windows = WindowSet.of(table, vectors)
    for i in range(len(windows)):
        summed = vectors[windows.first[i] : windows.last[i] + 1].sum(axis=0)
        assert np.isclose(windows.norm[i], np.linalg.norm(summed), rtol=1e-5)


def test_choose_takes_the_best_windows_that_do_not_overlap():
    table, _, _ = table_of()
    windows = windows_of(table)
    ids = windows.around(np.arange(len(table)))
    probabilities = np.linspace(0.2, 0.9, len(ids))
    chosen = choose(windows, table, ids, probabilities, max_quotes=3, min_share=0.0)
    assert [p for _, _, p in chosen] == sorted((p for _, _, p in chosen), reverse=True)
    taken = [(first, last) for first, last, _ in chosen]
    assert all(a2 > b1 or a1 > b2 for i, (a1, b1) in enumerate(taken) for a2, b2 in taken[i + 1 :])
    assert len(choose(windows, table, ids, probabilities, max_quotes=3, min_share=0.99)) == 1


LIST_TEXT = (
    "Gout\n\n"
    "## Symptoms\n\n"
    "A flare often starts at night. Symptoms include:\n"
    "- intense pain in the joint\n- swelling and warmth\n- red or purple skin\n- stiffness\n\n"
    "Causes include:\n- too much uric acid\n- some medicines\n"
)


def quotes_around(table, seeds: list[int], max_quotes: int) -> list[tuple[int, int, float]]:
    """The quotes chosen among the windows around `seeds`, ranked in the order they were grown."""
    windows = windows_of(table)
    ids = windows.around(np.array(seeds))
    return choose(windows, table, ids, np.linspace(0.9, 0.5, len(ids)), max_quotes=max_quotes, min_share=0.0)


def test_a_quote_of_part_of_a_short_list_takes_in_the_whole_list():
    table, _, sentences = table_of(LIST_TEXT)
    assert sentences[1] == "Symptoms include:" and sentences[6] == "Causes include:"
    # two middle items: back to their label, on to the last item, never past the next label
    assert whole_list(table, 3, 4) == (1, 5)
    assert whole_list(table, 5, 5) == (1, 5)
    assert whole_list(table, 1, 2) == (1, 5)  # the label with its first item
    assert whole_list(table, 0, 2) == (0, 5)  # the sentence before the label stays in, nothing is dropped
    assert whole_list(table, 0, 0) == (0, 0)  # no list quoted: unchanged
    assert whole_list(table, 7, 7) == (6, 8)
    # the widened quote (here the whole short paragraph) is what later windows may not overlap
    chosen = quotes_around(table, [3, 4], max_quotes=3)
    assert chosen[0][:2] == (0, 5) and len(chosen) == 1


def test_a_quote_from_a_short_paragraph_takes_in_the_whole_paragraph():
    long_sentence = "Gout often affects the big toe but it can also strike the ankle, the knee or the wrist. "
    text = (
        "Gout\n\n## Causes\n\nGout is caused by uric acid crystals. They form when there is too much uric acid. "
        "Diet plays a part.\n\n" + long_sentence * 6 + "\n\nIs gout curable? \n"
    )
    table, _, sentences = table_of(text)
    assert sentences[:3] == ["Gout is caused by uric acid crystals.", "They form when there is too much uric acid.", "Diet plays a part."]
    assert whole_paragraph(table, 1, 1) == (0, 2) and whole_paragraph(table, 0, 2) == (0, 2)
    assert int(table.words[3:9].sum()) > MAX_PARAGRAPH_WORDS
    assert whole_paragraph(table, 4, 5) == (4, 5)  # a long paragraph: as ranked
    assert quotes_around(table, [1], max_quotes=1)[0][:2] == (0, 2)


def test_a_paragraph_ending_on_its_own_question_is_not_taken_whole():
    table, _, sentences = table_of("Gout\n\nGout is a kind of arthritis that flares. Can it be cured?\n")
    assert sentences[1] == "Can it be cured?"
    assert whole_paragraph(table, 0, 0) == (0, 0)


TABLE_TEXT = (
    "Gout\n\n## Medicines\n\nSeveral medicines treat gout.\n\n"
    "| Medicine | What it does |\n|---|---|\n| Colchicine | eases a flare |\n| Allopurinol | lowers uric acid |\n"
    "| Febuxostat | lowers uric acid when allopurinol cannot be taken |\n\nAsk about side effects.\n"
)


def test_a_row_of_a_short_table_is_quoted_with_the_header_and_the_other_rows():
    table, _, sentences = table_of(TABLE_TEXT)
    assert sentences[1] == "| Medicine | What it does |\n|---|---|" and sentences[3] == "| Allopurinol | lowers uric acid |"
    assert table.flags[1] & SentenceFlag.LABEL and all(table.flags[r] & SentenceFlag.LIST_ITEM for r in (2, 3, 4))
    windows = windows_of(table)
    assert all(last != 1 for _, last in spans(windows, range(len(windows))))  # the header is never quoted without a row
    assert whole_list(table, 3, 3) == (1, 4)  # one row: the header above, every row
    assert quotes_around(table, [3], max_quotes=2)[0][:2] == (1, 4)


def test_a_long_list_is_quoted_as_ranked():
    items = "".join(f"- item number {n} of a long list of things to know\n" for n in range(1, 16))
    table, _, _ = table_of(f"Gout\n\n## Advice\n\nPeople should know:\n{items}")
    assert len(table) == 16 and table.flags[0] & SentenceFlag.LABEL
    assert whole_list(table, 3, 4) == (3, 4)


def test_a_question_of_the_document_is_quoted_only_with_its_answer():
    text = (
        "Ketamine\n\nKetamine blocks NMDA receptors. But how does that ease pain?\n\n"
        "Is it safe? Most patients tolerate it well in a clinic.\n"
    )
    table, _, sentences = table_of(text)
    assert sentences[1] == "But how does that ease pain?" and table.flags[1] & SentenceFlag.QUESTION
    windows = windows_of(table)
    everything = spans(windows, range(len(windows)))
    assert all(last not in (1, 2) for _, last in everything)  # never ending on a question
    assert (2, 3) in everything  # "Is it safe?" with its answer


def test_a_repeated_sentence_is_quoted_once_where_it_scored_best():
    def quote(text, start, score):
        return Quote(text, "a.txt", start, start + len(text), 1, "T", "", score, (), text, start)

    quotes = [quote("Talk to your doctor.", 10, 0.9), quote("Rest helps.", 40, 0.8), quote("Talk to  your doctor.\n", 90, 0.7)]
    assert [(q.start, q.score) for q in distinct(quotes)] == [(10, 0.9), (40, 0.8)]
