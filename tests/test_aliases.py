"""The subject's other names (indexer.aliases): which lines give them, and the title they make."""

from __future__ import annotations

from indexer.aliases import MAX_NAMES_CHARS, header_names, is_names_heading, other_names, with_names


def test_header_lines_that_name_the_subject():
    assert header_names("Also called: Piles") == ["Piles"]
    assert header_names("Also known as Willis-Ekbom disease") == ["Willis-Ekbom disease"]
    assert header_names("Other names: Non-cystic fibrosis bronchiectasis; Acquired bronchiectasis") == [
        "Non-cystic fibrosis bronchiectasis", "Acquired bronchiectasis"
    ]
    assert header_names("Also called: NF1, von Recklinghausen disease.") == ["NF1", "von Recklinghausen disease"]
    assert header_names("Brand names include Zoloft and Lustral") == ["Zoloft", "Lustral"]
    assert header_names("Brand name: Plaquenil | Strength: 200 mg film-coated tablets") == ["Plaquenil"]


def test_other_lines_name_nothing():
    for line in ("Reviewed: 2 October 2024", "Type of medicine: SSRI antidepressant", "Also called", "Brand names",
                 "Piles are also called hemorrhoids.", "By the Foot Health Information Service"):
        assert header_names(line) == [], line


def test_names_headings():
    for heading in ("Other Names for This Condition", "Other Names for This Condition:", "Synonyms", "Also known as"):
        assert is_names_heading(heading), heading
    for heading in ("Summary", "Other conditions", "Brand names"):
        assert not is_names_heading(heading), heading


def test_other_names_are_whole_in_order_without_repeats_or_the_title():
    assert other_names("Hemorrhoids", ["Piles", "piles; Hemorrhoids", "haemorrhoids."]) == ("Piles", "haemorrhoids")
    assert other_names("Gout", []) == ()
    assert other_names("", ["Piles"]) == ()  # an untitled article: nothing they would be other names of
    many = [f"name number {i}" for i in range(40)]
    names = other_names("X", many)
    assert list(names) == many[: len(names)] and 1 < len(names) < 40
    assert len("; ".join(names)) <= MAX_NAMES_CHARS


def test_with_names():
    assert with_names("Hemorrhoids", ("Piles", "haemorrhoids")) == "Hemorrhoids Piles haemorrhoids"
    assert with_names("Gout", ()) == "Gout"
