"""Segmenting real scraped text: titles, bylines, boilerplate, sentences, exact spans."""

from __future__ import annotations

import hashlib
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer import sentences as sentences_module
from indexer.boilerplate import is_boilerplate
from indexer.dedup import deduplicate
from indexer.reading import read_document
from indexer.records import Document
from indexer.segmenting import is_table_header, marker_start, segment
from tests.conftest import CORPUS

TAG_PAGE = CORPUS / "003_adc36a2e2c4ab3c7.txt"


def articles_of(name):
    return segment(read_document(CORPUS / name))


def test_tag_page_holds_seven_articles_with_their_titles():
    titles = [a.title.replace("\xa0", " ") for a in segment(read_document(TAG_PAGE))]
    assert titles == [
        "Fibromyalgia and Skin Conditions",
        "Fibromyalgia and Donating Blood",
        "Fibromyalgia and Vibration Therapy",
        "Is Fibromyalgia Hereditary?",
        "Fibromyalgia and Body pain",
        "Can a Nerve Block Help Fibromyalgia?",
        "Fibromyalgia & IV Ketamine Infusion Therapy",
    ]
    assert {a.byline for a in segment(read_document(TAG_PAGE))} == {"Fibro Cloud"}


def test_single_article_files():
    (a001,) = articles_of("001_58cf32d40c701fcf.txt")
    assert a001.title == "Ketamine Therapy For Fibromyalgia: A Way To Reduce Symptoms"
    assert "Potential Side Effects and Risks" in [s.heading for s in a001.sections]
    (a000,) = articles_of("000_b7428b656690f388.txt")
    assert a000.byline == "By: James Pegler" and a000.title == ""
    (a002,) = articles_of("002_a7cb2ac8830fe42a.txt")
    assert a002.title == "Can Ketamine Really Ease Pain in Fibromyalgia Patients?"
    assert len(articles_of("004_e232aafa4dc073b1.txt")) == 1


def all_spans(document, articles):
    """(kind, start, end) of every article, section heading, paragraph and sentence."""
    for a in articles:
        yield "article", a.start, a.end
        for s in a.sections:
            if s.heading:
                yield "heading", s.start, s.start + len(s.heading)
            for p in s.paragraphs:
                yield "paragraph", p.start, p.end
                for sentence in p.sentences:
                    yield "sentence", sentence.start, sentence.end


def check_document(document: Document):
    articles = segment(document)
    source = document.text
    for kind, start, end in all_spans(document, articles):
        text = source[start:end]
        assert text and text == text.strip(), (kind, text)
    for a in articles:
        for s in a.sections:
            if s.heading:
                assert source[s.start : s.start + len(s.heading)] == s.heading
            for p in s.paragraphs:
                assert not is_boilerplate(source[p.start : p.end])
                for sentence in p.sentences:
                    assert p.start <= sentence.start < sentence.end <= p.end
                    assert not source[sentence.start : sentence.end].endswith((" Dr.", " U.S"))
    return articles


def test_real_corpus_spans_are_exact_and_clean():
    for path in sorted(CORPUS.iterdir()):
        articles = check_document(read_document(path))
        text = path.read_bytes().decode("utf-8")
        quotable = " ".join(text[p.start : p.end] for a in articles for s in a.sections for p in s.paragraphs)
        for boilerplate in ("Share Now", "Contact Us", "Call Us", "Leave a comment", "No copyright infringement", "Posts Tagged"):
            assert boilerplate not in quotable


def test_abbreviations_do_not_split_sentences():
    articles = segment(read_document(TAG_PAGE))
    source = TAG_PAGE.read_bytes().decode("utf-8")
    sentences = [source[s.start : s.end] for a in articles for sec in a.sections for p in sec.paragraphs for s in p.sentences]
    assert any(s.startswith("Dr. John Harvey Kellogg was an odd fellow") for s in sentences)
    assert not any(s in ("Dr.", "H.") or s.endswith(" Dr.") for s in sentences)


def test_a_very_long_line_goes_to_pysbd_a_window_at_a_time_with_the_same_sentences(monkeypatch):
    sentences = [f"Patient {n} was seen by Dr. Lee on day {n % 9 + 1} of the trial, i.e. at the U.S. site." for n in range(900)]
    sentences[450] = "A long sentence " + "that goes on and on " * 800 + "ends here."  # longer than a window
    text = " ".join(sentences)  # one line of about 90,000 characters
    seen = []
    real = sentences_module._segmenter()
    monkeypatch.setattr(sentences_module, "_segmenter", lambda: SimpleNamespace(segment=lambda t: seen.append(len(t)) or real.segment(t)))
    spans = sentences_module.split_sentences(text, 0, len(text))
    assert [text[s.start : s.end] for s in spans] == sentences
    assert len(seen) > 9 and max(seen) < 2 * len(sentences[450])  # windows, widened only for the long sentence


def test_near_duplicate_article_is_found():
    documents = [read_document(p) for p in sorted(CORPUS.iterdir())]
    articles = deduplicate([a for d in documents for a in segment(d)], {d.file: d.text for d in documents})
    duplicates = [(a.id, a.duplicate_of) for a in articles if a.duplicate_of]
    assert duplicates == [("corpus/000_b7428b656690f388.txt#0", "corpus/003_adc36a2e2c4ab3c7.txt#6")]
    (copy,) = [a for a in articles if a.duplicate_of]
    assert copy.title == "Fibromyalgia & IV Ketamine Infusion\xa0Therapy"  # taken from the canonical copy


def test_edited_repost_is_still_a_duplicate_and_distinct_articles_are_not():
    original = (CORPUS / "002_a7cb2ac8830fe42a.txt").read_text(encoding="utf-8")
    edited = original.replace("quickly became", "soon became").replace("For many years", "For years")
    other = (CORPUS / "004_e232aafa4dc073b1.txt").read_text(encoding="utf-8")
    docs = [doc("a.txt", original), doc("b.txt", edited), doc("c.txt", other)]
    articles = deduplicate([a for d in docs for a in segment(d)], {d.file: d.text for d in docs})
    assert [a.duplicate_of for a in articles] == [None, "a.txt#0", None]


def doc(name: str, text: str) -> Document:
    return Document(name, text, hashlib.sha256(text.encode()).hexdigest())


# Pieces of scraped pages, put together at random.
TITLES = st.sampled_from(["Fibromyalgia and Sleep", "Is It Hereditary?", "What Helps Body Pain", "Nerve Blocks"])
SENTENCES = st.sampled_from([
    "Dr. Smith treats patients in the U.S. and abroad.",
    "Fibromyalgia causes widespread pain.",
    "It was described in 1972 by Dr. Hugh Smythe.",
    "Sleep matters… a lot.",
    "“Whole body vibration” is one option.",
    "Is this common?",
    "Ketamine (an anesthetic) blocks NMDA receptors, e.g. in the brain.",
])
BOILERPLATE = st.sampled_from(["Share Now :", "Contact Us", "Call Us", ", , ,", "Leave a comment",
                               "The preceding article is from and posted here for sharing purposes only."])
PARAGRAPH = st.lists(SENTENCES, min_size=1, max_size=4).map(" ".join)
BLOCK = st.one_of(
    TITLES, PARAGRAPH, PARAGRAPH, BOILERPLATE,
    st.just("Fibro Cloud"), st.just("By: Jane Doe"), st.just("  • Reduce back pain"),
)


@settings(max_examples=150, deadline=None)
@given(blocks=st.lists(BLOCK, min_size=1, max_size=14), separator=st.sampled_from(["\n", "\n\n", "\r\n", "\n \n"]))
def test_spans_are_exact_for_any_page(blocks, separator):
    check_document(doc("page.txt", separator.join(blocks)))


def test_long_lines_that_start_like_bylines_or_mention_copyright_are_content():
    by = "By employing the nuclear DNA of the African rice as a reference genome, the timing of recent events was studied."
    rights = "© Joanna Moncrieff 2013. All rights reserved. A challenging reappraisal of the history of antipsychotics, " * 3
    for text in (f"Rice Genomes\n\n{by}\n", f"Bitter Pills\n\n{rights.strip()}\n"):
        (article,) = segment(doc("abstract.txt", text))
        paragraphs = [p for s in article.sections for p in s.paragraphs]
        assert len(paragraphs) == 1 and article.byline == ""


# --- documents shaped unlike the seed files ------------------------------------------------------


def quotable(document: Document) -> list[str]:
    """Every sentence the segmenter keeps as quotable text."""
    source = document.text
    return [
        source[s.start : s.end]
        for a in segment(document)
        for sec in a.sections
        for p in sec.paragraphs
        for s in p.sentences
    ]


def test_a_lower_case_title_line_is_the_title_and_never_a_sentence():
    page = doc(
        "mycosis.txt",
        "mycosis fungoides\n\nMycosis fungoides is the most common form of a type of blood cancer called "
        "cutaneous T-cell lymphoma. It usually starts on the skin.\n\nfrequency\n\nIt affects about 1 in 100,000 people.\n",
    )
    (article,) = segment(page)
    assert article.title == "mycosis fungoides"
    assert [s.heading for s in article.sections] == ["", "frequency"]
    assert quotable(page) == [
        "Mycosis fungoides is the most common form of a type of blood cancer called cutaneous T-cell lymphoma.",
        "It usually starts on the skin.",
        "It affects about 1 in 100,000 people.",
    ]


def test_markdown_headings_are_metadata_and_their_spans_skip_the_marker():
    text = "# Gout\n\n## What causes gout?\n\nGout is caused by uric acid crystals in a joint.\n\n### Diet\n\nMeat and beer raise uric acid.\n"
    page = doc("gout.md", text)
    (article,) = check_document(page)
    assert article.title == "Gout"
    assert [s.heading for s in article.sections] == ["What causes gout?", "Diet"]
    assert text[article.sections[0].start :].startswith("What causes gout?")
    assert quotable(page) == ["Gout is caused by uric acid crystals in a joint.", "Meat and beer raise uric acid."]


def test_numbered_headings_are_headings_and_numbered_sentences_are_text():
    text = (
        "Effects of Exercise on Pain\n\n1. Introduction\n\nExercise reduces pain in most trials.\n\n"
        "2.3 Statistical analysis\n\nWe used a mixed model.\n\n1. Take the tablet with water.\n"
    )
    page = doc("paper.txt", text)
    (article,) = check_document(page)
    assert [s.heading for s in article.sections] == ["1. Introduction", "2.3 Statistical analysis"]
    assert quotable(page) == ["Exercise reduces pain in most trials.", "We used a mixed model.", "Take the tablet with water."]


def test_a_list_label_is_kept_with_its_items_in_one_paragraph():
    text = (
        "Gout\n\nSymptoms include:\n\n- sudden, severe pain in a joint\n- redness and swelling\n\n"
        "Risk factors:\nobesity\nhigh blood pressure\n\nTreatment\n\nRest helps.\n"
    )
    page = doc("gout.txt", text)
    (article,) = check_document(page)
    paragraphs = [[text[s.start : s.end] for s in p.sentences] for sec in article.sections for p in sec.paragraphs]
    assert paragraphs == [
        ["Symptoms include:", "sudden, severe pain in a joint", "redness and swelling"],
        ["Risk factors:", "obesity", "high blood pressure"],
        ["Rest helps."],
    ]
    assert [s.heading for s in article.sections] == ["", "Treatment"]


def test_hard_wrapped_text_keeps_whole_sentences():
    text = (
        "Sleep and Pain\n\nPoor sleep makes pain worse, and pain makes sleep\npoorer still. Dr. Moldofsky showed"
        " this in\n1975.\n\nA new paragraph starts here.\n"
    )
    page = doc("wrapped.txt", text)
    check_document(page)
    assert quotable(page) == [
        "Poor sleep makes pain worse, and pain makes sleep\npoorer still.",
        "Dr. Moldofsky showed this in\n1975.",
        "A new paragraph starts here.",
    ]


def sections_of(page: Document) -> list[tuple[str, list[list[str]]]]:
    """(heading, sentences of each paragraph) of every section of a one-article page."""
    (article,) = check_document(page)
    source = page.text
    return [
        (sec.heading, [[source[s.start : s.end] for s in p.sentences] for p in sec.paragraphs])
        for sec in article.sections
    ]


def test_a_short_colon_line_before_prose_is_a_heading_and_before_items_a_label():
    text = (
        "Anaemia (Low Iron)\n\nOverview:\n\nAnaemia means the blood carries too little oxygen to the body.\n\n"
        "Symptoms:\n\nMost people feel tired and look pale for weeks before they see a doctor.\n\n"
        "Common signs include:\n\n* tiredness\n* pale skin\n\n"
        "Causes:\n\n- heavy periods\n- a diet low in iron\n\n"
        "Diet:\nred meat\nbeans\n"
    )
    page = doc("anaemia.txt", text)
    (article,) = segment(page)
    assert article.title == "Anaemia (Low Iron)"
    assert sections_of(page) == [
        ("Overview", [["Anaemia means the blood carries too little oxygen to the body."]]),
        ("Symptoms", [
            ["Most people feel tired and look pale for weeks before they see a doctor."],
            ["Common signs include:", "tiredness", "pale skin"],
            ["Causes:", "heavy periods", "a diet low in iron"],
            ["Diet:", "red meat", "beans"],
        ]),
    ]
    assert text[article.sections[0].start :].startswith("Overview:")


def test_a_colon_line_worded_as_a_lead_in_stays_with_what_it_introduces():
    text = "Gout\n\nThe patient leaflet reads:\n\nDrink plenty of water each day to lower uric acid.\n"
    page = doc("leaflet.txt", text)
    assert [heading for heading, _ in sections_of(page)] == [""]
    assert "The patient leaflet reads:" in quotable(page)


def test_review_and_publication_dates_are_neither_headings_nor_quotes():
    text = (
        "Heel Pain\n\nBy: Ann Lee\nMedically reviewed by Omar Haddad, MD\nLast updated: 12 May 2024\n\n"
        "Heel pain is often caused by an inflamed tendon.\n\nPublished in 1998, the survey changed how heel pain is treated.\n\n"
        "Page last reviewed: 3 March 2023\nNext review due: 3 March 2026\nUpdated on June 3, 2024\n"
    )
    page = doc("heel.txt", text)
    (article,) = segment(page)
    assert article.byline == "By: Ann Lee"
    assert sections_of(page) == [("", [
        ["Heel pain is often caused by an inflamed tendon."],
        ["Published in 1998, the survey changed how heel pain is treated."],
    ])]
    for only_a_date in ("Reviewed: March 2023", "Published: 14 August 2023", "Updated on 2 Jan 2021"):
        (article,) = segment(doc("dated.txt", f"Shingles\n\n{only_a_date}\n\nShingles is a painful rash.\n"))
        assert article.sections[0].heading == "" and article.byline == ""
    fields = "By the Foot Health Information Service | Last updated 5 June 2024"  # a credit and a date on one line
    (article,) = segment(doc("warts.txt", f"plantar warts\n\n{fields}\n\nPlantar warts are small growths.\n"))
    assert article.sections[0].heading == "" and article.byline == fields


def test_authors_marked_with_their_affiliations_and_the_affiliations_are_front_matter():
    for authors, affiliations in (
        ("Ilse M. Verhagen(1), Tomasz R. Halloran(2)", "(1) Department of Sleep Medicine, Marrowdale University Hospital; (2) Centre for Trials"),
        ("Tobias Engqvist¹, Nadia Bellamy-Osei²", "¹ Ravensholt School of Optometry; ² Ravensholt Public Health Unit"),
    ):
        page = doc("trial.txt", f"Vitamin D for restless legs\n\n{authors}\n{affiliations}\n\nBackground\n\nRLS is common.\n")
        (article,) = segment(page)
        assert article.byline == authors and sections_of(page) == [("Background", [["RLS is common."]])]
    assert quotable(doc("notes.txt", "Notes\n\n(1) The hospital was closed in 2020.\n")) == ["(1) The hospital was closed in 2020."]


def test_a_long_first_line_standing_alone_is_the_title_but_a_first_paragraph_is_not():
    title = (
        "Effects of a twelve-week walking programme on knee pain and physical function in adults with "
        "early osteoarthritis: a randomised controlled trial"
    )
    page = doc("trial.txt", f"{title}\n\nAnn Lee, Omar Haddad and Ruth Cole\n\nBackground\n\nKnee pain is common.\n")
    (article,) = segment(page)
    assert article.title == title and article.byline == "Ann Lee, Omar Haddad and Ruth Cole"
    assert sections_of(page) == [("Background", [["Knee pain is common."]])]
    first = (
        "The knee is the largest joint in the body, and the cartilage that covers the ends of its bones "
        "wears thinner with age in most adults who live past sixty years."
    )
    for text in (f"{first}\n\nWalking keeps it strong.\n", f"{first[:-1]}\nand more.\n\nWalking keeps it strong.\n"):
        (article,) = segment(doc("knee.txt", text))
        assert article.title == "" and quotable(doc("knee.txt", text))[-1] == "Walking keeps it strong."
    assert quotable(doc("knee.txt", f"{first}\n\nWalking keeps it strong.\n"))[0] == first


def test_bold_lines_are_headings_and_bold_run_in_labels_are_not_quoted():
    text = (
        "# Knee Pain\n\n**Risk factors**\n\n- being overweight\n- an old injury\n\n"
        "**Treatment:**\n\n**Methods.** We asked 200 adults about their pain.\n\n"
        "**Do not** stop a prescribed medicine on your own.\n"
    )
    page = doc("knee.md", text)
    (article,) = segment(page)
    assert sections_of(page) == [
        ("Risk factors", [["being overweight", "an old injury"]]),
        ("Treatment", [["We asked 200 adults about their pain."], ["**Do not** stop a prescribed medicine on your own."]]),
    ]
    assert text[article.sections[0].start :].startswith("Risk factors**")


def test_a_structured_abstract_s_run_in_labels_are_not_quoted():
    text = (
        "Vitamin D for restless legs: a randomised trial\n\nABSTRACT\n\n"
        "Background: Low vitamin D may worsen restless legs.\n\nMETHODS. We randomised 214 adults.\n\n"
        "Conclusions — Vitamin D eased symptoms a little.\n\nTrial registration: MCSR-2019-0447.\n\n"
        "Results were mixed in older adults.\n\nNote: doses were weekly.\n"
    )
    assert quotable(doc("vesper.txt", text)) == [
        "Low vitamin D may worsen restless legs.",
        "We randomised 214 adults.",
        "Vitamin D eased symptoms a little.",
        "MCSR-2019-0447.",
        "Results were mixed in older adults.",  # a sentence that opens with a label's word keeps it
        "Note: doses were weekly.",  # not an abstract's label
    ]


def test_an_faq_s_questions_are_headings_and_its_answer_labels_are_not_quoted():
    text = (
        "Ketamine infusion FAQ\n\nQ: How long does an infusion take?\n\nA: About 40 minutes.\n\n"
        "Question: Can I drive home?\nAnswer: No. Someone must drive you.\n"
    )
    page = doc("faq.txt", text)
    assert sections_of(page) == [
        ("Q: How long does an infusion take?", [["About 40 minutes."]]),
        ("Question: Can I drive home?", [["No.", "Someone must drive you."]]),
    ]


def test_share_and_print_lines_are_boilerplate():
    page = doc("page.txt", "Asthma\n\nAsthma narrows the airways.\n\nShare this page\nPrint\nEmail this page\n")
    (article,) = segment(page)
    assert [s.heading for s in article.sections] == [""] and quotable(page) == ["Asthma narrows the airways."]
    assert article.end == page.text.index("narrows the airways.") + len("narrows the airways.")


@pytest.mark.parametrize("heading", ["References", "## References", "REFERENCES", "References:", "**Further reading**"])
def test_a_reference_list_ends_the_article_whatever_its_heading_looks_like(heading):
    text = (
        "Cough trial\n\n## Results\n\nCough fell by a quarter.\n\n" + heading + "\n\n"
        "1. Lee A, Cole R. Cough in adults. Chest J. 2020;15:88-96.\n2. Haddad O. Taste and cough. Lung. 2019;2:3-9.\n"
    )
    page = doc("paper.txt", text)
    (article,) = check_document(page)
    assert quotable(page) == ["Cough fell by a quarter."]
    assert article.end == text.index("a quarter.") + len("a quarter.")


def test_front_matter_captions_and_rows_without_a_header_are_not_quoted():
    text = (
        "Sleep and pain in nurses\n\nCorrespondence to: Dr A Lee, a.lee@uni.example\ndoi: 10.1000/xyz123\n"
        "Received 3 March 2021; accepted 9 May 2021\n\nPoor sleep worsened pain in most nurses.\n\n"
        "Figure 1. Pain scores by night of sleep.\n\n| under 6 h | 5.1 |\n| over 8 h | 3.2 |\n\n"
        "Table 2: Scores by ward\n\nTable 2 shows that night shifts scored worst.\n"
    )
    page = doc("paper.txt", text)
    check_document(page)
    assert quotable(page) == ["Poor sleep worsened pain in most nurses.", "Table 2 shows that night shifts scored worst."]


def test_short_lines_right_below_a_heading_are_the_items_of_a_list_it_names():
    text = (
        "Heat illness in roofers\n\nIrritable Bowel Syndrome\nDigestive Health Centre\nBy the Patient Education Team of the clinic\n\n"
        "## Results\n\nRecurrence was common.\n\n"
        "Factors associated with recurrence\n"
        "Return to full outdoor duties within 3 days of the episode: 1.62 (95% CI 1.39 to 1.88)\n"
        "Roofing versus agriculture: 1.44 (95% CI 1.17 to 1.77)\n"
        "Age per 10 years: 1.05 (95% CI 0.98 to 1.12)\n\n"
        "Shade did not matter.\n\n"
        "Treatment\nRest\n\nMost people recover in a week.\n\n"
        "Prevention\n\nWater breaks\nShade\n"
    )
    page = doc("paper.txt", text)
    (article,) = check_document(page)
    headings = [s.heading for s in article.sections]
    assert headings == ["Results", "Factors associated with recurrence", "Rest"]  # the header's lines (before any text) stay out
    facts = article.sections[1].paragraphs[0]
    assert facts.is_list and [text[s.start : s.end] for s in facts.sentences] == [
        "Return to full outdoor duties within 3 days of the episode: 1.62 (95% CI 1.39 to 1.88)",  # too long for a heading
        "Roofing versus agriculture: 1.44 (95% CI 1.17 to 1.77)",
        "Age per 10 years: 1.05 (95% CI 0.98 to 1.12)",
    ]
    assert quotable(page)[-2:] == ["Shade did not matter.", "Most people recover in a week."]  # a lone line stays a heading


def test_a_markdown_table_is_a_list_its_header_the_label_and_each_row_an_item():
    text = (
        "Gout\n\n## Treatment\n\nTwo medicines are used.\n"
        "| Medicine | What it does |\r\n| :--- | ---: |\r\n| Colchicine | eases a flare. Take it early |\n"
        "| Allopurinol | lowers uric acid |\nMost people take them for years.\n\n"
        "> | Dose | When |\n> |-|-|\n> | 100 mg | daily |\n"
    )
    page = doc("gout.md", text)
    (article,) = check_document(page)
    paragraphs = article.sections[-1].paragraphs
    assert [p.is_list for p in paragraphs] == [False, True, False, True]
    assert quotable(page) == [
        "Two medicines are used.",
        "| Medicine | What it does |\r\n| :--- | ---: |",  # the header with its delimiter row, one label
        "| Colchicine | eases a flare. Take it early |",  # a row is one item, whatever its cells hold
        "| Allopurinol | lowers uric acid |",
        "Most people take them for years.",  # the line after a table is not a row of it
        "| Dose | When |\n> |-|-|",  # in a quote box too
        "| 100 mg | daily |",
    ]
    assert [is_table_header(s) for s in quotable(page)] == [False, True, False, False, False, True, False]


def test_setext_underlines_rules_and_footnoted_references_are_not_quoted():
    text = (
        "Gout\n====\n\nGout affects 4% of adults.[1] It is more common in men.\n\n* * *\n\n"
        "Causes\n------\n\nUric acid builds up in a joint.\n\n[1] Smith J. Gout in adults. Rheum J. 2020;4:1-9.\n"
    )
    page = doc("gout.md", text)
    (article,) = check_document(page)
    assert article.title == "Gout" and [s.heading for s in article.sections] == ["", "Causes"]
    assert quotable(page) == ["Gout affects 4% of adults.[1]", "It is more common in men.", "Uric acid builds up in a joint."]


def test_web_page_chrome_credits_and_unheaded_reference_entries_are_not_quoted():
    text = (
        "Skip to main content\n\nGout\n\nAdvertisement\n\nGout is a type of arthritis [1].\n\n"
        "Image credit: Getty Images\nSource: Arthritis Foundation, 2022.\n\nWas this page helpful?\n\nYes No\n\n"
        "Sign up for our newsletter to get health tips.\n\nWe use cookies to improve your experience.\nAccept all cookies\n\n"
        "1. Smith J, Lee A. Gout in adults. N Engl J Med. 2020;382:1-9.\n2. Lee A. Diet and gout. doi:10.1136/bmj.l1\n"
    )
    page = doc("page.txt", text)
    (article,) = check_document(page)
    assert article.title == "Gout"
    assert quotable(page) == ["Gout is a type of arthritis [1]."]


def test_a_byte_order_mark_and_zero_width_spaces_stay_out_of_titles_and_quotes():
    text = "\ufeffGout\n\nGout is a type of arthritis.\n\n\u200bIt causes sudden pain.\u200b\n"
    page = doc("notepad.txt", text)
    (article,) = check_document(page)
    assert article.title == "Gout"
    assert quotable(page) == ["Gout is a type of arthritis.", "It causes sudden pain."]


def test_a_run_of_numbered_lines_is_a_list_and_a_lone_numbered_line_a_heading():
    text = (
        "Using an Inhaler\n\n1. Steps\n\nFollow these steps every time.\n\n"
        "1. Shake the inhaler\n2. Breathe out fully\n3. Press and breathe in slowly\n\n"
        "2. Afterwards\n\nRinse your mouth with water.\n"
    )
    page = doc("inhaler.txt", text)
    assert sections_of(page) == [
        ("1. Steps", [
            ["Follow these steps every time."],
            ["Shake the inhaler", "Breathe out fully", "Press and breathe in slowly"],
        ]),
        ("2. Afterwards", [["Rinse your mouth with water."]]),
    ]


def test_a_table_of_contents_is_not_text_but_a_list_of_other_things_is():
    text = (
        "PACKAGE LEAFLET\n\nWhat is in this leaflet\n"
        "1. What the lotion is and what it is used for\n2. How to use the lotion\n3. Possible side effects\n\n"
        "1. What the lotion is and what it is used for\n\nThe lotion treats head lice.\n\n"
        "2. How to use the lotion\n\nApply it to dry hair. You will need:\n- a comb\n- a towel\n\n"
        "3. Possible side effects\n\nSee also:\n- what the lotion is and what it is used for\n- how to use the lotion\n\n"
        "Itching is common.\n"
    )
    (article,) = segment(doc("leaflet.txt", text))
    quoted = [text[s.start : s.end] for section in article.sections for p in section.paragraphs for s in p.sentences]
    assert "What is in this leaflet" not in [section.heading for section in article.sections]  # left empty
    assert "How to use the lotion" not in quoted and "Possible side effects" not in quoted
    assert quoted == ["The lotion treats head lice.", "Apply it to dry hair.", "You will need:", "a comb", "a towel",
                      "Itching is common."]


def test_a_quoted_key_points_box_is_a_heading_and_its_items_without_the_quote_marks():
    text = (
        "Gum care\n\nBrush twice a day.\n\n"
        "> Key points\n> - Plaque causes gum disease.\n> - It can be reversed.\n>\n"
        "Dose\n\n> 50 mg was the usual dose in older leaflets.\n"
    )
    (article,) = segment(doc("gums.txt", text))
    sections = [(s.heading, [[text[x.start : x.end] for x in p.sentences] for p in s.paragraphs]) for s in article.sections]
    assert sections == [
        ("", [["Brush twice a day."]]),
        ("Key points", [["Plaque causes gum disease.", "It can be reversed."]]),
        ("Dose", [["> 50 mg was the usual dose in older leaflets."]]),  # a sign, not a quote mark
    ]


@pytest.mark.parametrize(
    ("text", "item", "marker"),
    [
        ("Steps:\n1. Rest your arm", "Rest", "1. Rest"),
        ("Steps:\n  b) Ice the elbow", "Ice", "b) Ice"),
        ("Symptoms\n• Intense pain", "Intense", "• Intense"),
        ("Symptoms\r\n- swelling", "swelling", "- swelling"),
        ("Symptoms include: pain and swelling", "pain", "pain"),  # no marker before it on its line
        ("**Methods.** We enrolled 40 adults", "We", "We"),  # a bold run-in label is not a marker
        ("pain", "pain", "pain"),
    ],
)
def test_a_list_item_s_marker_is_found_before_its_text(text, item, marker):
    at = text.index(item)
    assert text[marker_start(text, at) :].startswith(marker)


def test_the_subjects_other_names_are_read_and_never_quotes_by_themselves():
    text = (
        "# Hemorrhoids\n\nAlso called: Piles\n\nReviewed: 2 October 2024\n\n## Summary\n\n"
        "Hemorrhoids are swollen veins in the rectum.\n\n## Other Names for This Condition\n\n- haemorrhoids\n- Piles\n"
    )
    page = doc("hemorrhoids.md", text)
    (article,) = check_document(page)
    assert (article.title, article.names) == ("Hemorrhoids", ("Piles", "haemorrhoids"))
    assert [s.heading for s in article.sections] == ["Summary", "Other Names for This Condition"]
    assert quotable(page) == ["Hemorrhoids are swollen veins in the rectum.", "haemorrhoids", "Piles"]


def test_names_in_a_header_of_several_fields_or_under_a_list_label():
    text = (
        "Hydroxychloroquine\n\nBrand name: Plaquenil | Strength: 200 mg tablets\n\n"
        "Hydroxychloroquine treats lupus and arthritis.\n\nOther names:\n- HCQ\n- Quensyl\n"
    )
    (article,) = check_document(doc("hcq.txt", text))
    assert article.names == ("Plaquenil", "HCQ", "Quensyl")
    text = "Polycystic Kidney Disease\n\nCysts grow in both kidneys.\n\nSynonyms\n\nPKD; polycystic kidneys\n\nPrint\n"
    (article,) = check_document(doc("pkd.txt", text))
    assert article.names == ("PKD", "polycystic kidneys") and quotable(doc("pkd.txt", text)) == ["Cysts grow in both kidneys."]
    text = "Gout\n\nGout is painful.\n\nOther names\n\nCauses\n\nUric acid crystals cause it.\n"  # an empty names section
    (article,) = check_document(doc("gout.txt", text))
    assert article.names == () and [s.heading for s in article.sections] == ["", "Causes"]
