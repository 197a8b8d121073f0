"""Quotations found the way German copy writes them, and the citation group that attests
each (``quotations.py``; SPEC §4)."""

from __future__ import annotations

import re

import pytest

from site_builder.load.quotations import attested_quotations, find_quotations, sentence_starts

_GROUP = re.compile(r"\[@[^\]]*\]")


def groups_of(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _GROUP.finditer(text)]


def quoted(text: str) -> list[str]:
    """The outermost closed quotations of ``text``, marks included."""
    found = find_quotations(text, groups_of(text))
    return [text[q.open : q.close + 1] for q in found.closed]


def attested(text: str) -> list[list[str]]:
    """For each group of ``text``, the inner text of the quotations it attests."""
    groups = groups_of(text)
    found = find_quotations(text, groups)
    return [[q.inner(text) for q in qs] for qs in attested_quotations(text, found.closed, groups)]


@pytest.mark.parametrize(
    "quotation",
    ["„nein“", "„nein”", "“nein”", '"nein"', "«nein»", "»nein«", "‚nein‘", '„nein"', "‹nein›"],
    ids=["de", "de-right", "en", "straight", "fr", "de-guillemets", "de-single", "mixed", "ch"],
)
def test_each_pair_of_marks_is_a_quotation(quotation: str) -> None:
    assert quoted(f"Er sagte {quotation} dazu.") == [quotation]


def test_single_marks_inside_double_ones_belong_to_the_outer_quotation() -> None:
    assert quoted("Er sagte „das sei ‚nicht verhandelbar‘ gewesen“ [@a#p1].") == [
        "„das sei ‚nicht verhandelbar‘ gewesen“"
    ]


def test_straight_marks_inside_a_german_quotation_nest_when_they_open_a_word() -> None:
    assert quoted('Er sagte „das sei "nicht verhandelbar" gewesen“.') == [
        '„das sei "nicht verhandelbar" gewesen“'
    ]


def test_english_marks_inside_a_german_quotation_nest() -> None:
    assert quoted("„Sie nannten es “Prozess” heute“") == ["„Sie nannten es “Prozess” heute“"]


def test_a_straight_mark_after_a_word_closes_a_german_quotation() -> None:
    assert quoted('Es sei ein „Verhandlungsprozess" gewesen.') == ['„Verhandlungsprozess"']


@pytest.mark.parametrize("text", ["Geht’s noch?", "Putin's Wort", "die 90er’", "Rock 'n' Roll"])
def test_apostrophes_are_not_quotation_marks(text: str) -> None:
    found = find_quotations(text)
    assert (found.closed, found.unclosed) == ((), ())


def test_an_apostrophe_inside_a_single_quotation_does_not_close_it() -> None:
    assert quoted("Er sprach von ‚Putin’s Krieg‘.") == ["‚Putin’s Krieg‘"]


def test_a_mark_that_never_closes_is_reported_at_its_offset() -> None:
    text = "Er sagte „nicht verhandelbar und ging."
    found = find_quotations(text)
    assert (found.closed, found.unclosed) == ((), (9,))


def test_an_inner_mark_that_never_closes_is_reported_and_the_outer_quotation_kept() -> None:
    text = "„Er sagte ‚ja und ging“"
    found = find_quotations(text)
    assert [text[q.open : q.close + 1] for q in found.closed] == ["„Er sagte ‚ja und ging“"]
    assert found.unclosed == (10,)


def test_marks_inside_code_and_citation_groups_are_not_quotation_marks() -> None:
    text = 'Er schrieb `"` und [@a"b#p1] „ja“.'
    assert quoted(text) == ["„ja“"]


def test_a_quotation_directly_before_a_citation_is_attested_by_it() -> None:
    assert attested("Er sagte „nein“ [@a#p1].") == [["nein"]]


def test_attribution_words_may_stand_between_quotation_and_citation() -> None:
    assert attested("„Das ist so“, sagte Peskow am Donnerstag [@a#p1].") == [["Das ist so"]]
    assert attested("„Das ist so“, betonte er, [@a#p1] und ging.") == [["Das ist so"]]


def test_a_quotation_after_the_citation_in_its_sentence_is_attested() -> None:
    assert attested("Peskow sagte [@a#p1], der Status sei „unbestreitbar“.") == [["unbestreitbar"]]


def test_each_quotation_goes_to_the_nearest_citation_after_it_in_its_sentence() -> None:
    text = "„A“ und „B“ [@a#p1], dann „C“ [@b#p2] und „D“."
    assert attested(text) == [["A", "B"], ["C", "D"]]


def test_a_quotation_of_another_sentence_is_not_attested() -> None:
    assert attested("Er sagte „nein“. Peskow schwieg [@a#p1].") == [[]]
    assert attested("Peskow schwieg [@a#p1]. Er sagte „nein“.") == [[]]


def test_a_citation_after_the_final_mark_belongs_to_its_sentence() -> None:
    assert attested("Er sagte „nein“. [@a#p1] Dann ging er.") == [["nein"]]


def test_a_standalone_single_quotation_counts_only_directly_before_a_citation() -> None:
    assert attested("Die ‚Operation‘ [@a#p1] dauert an.") == [["Operation"]]
    assert attested("Die ‚Operation‘ dauert an [@a#p1].") == [[]]


def test_a_quotation_holding_a_citation_is_not_attested() -> None:
    assert attested("Er sagte „nicht [@a#p1] verhandelbar“ [@b#p2].") == [[], []]


@pytest.mark.parametrize(
    ("text", "starts"),
    [
        ("Er kam. Sie ging.", [0, 8]),
        ("Am 27. Februar kam er. Dann ging er.", [0, 23]),
        ("Im Jahr 2022. Danach kam er.", [0, 14]),
        ("Das sagte Dr. Müller, z. B. gestern.", [0]),
        ("Donald J. Trump kam.", [0]),
        ("„Wir sind bereit.“ Peskow ging.", [0, 19]),
        ("„Wir sind bereit!“, rief er.", [0]),
        ("Er sagte: „Gut. Sehr gut.“ Dann ging er.", [0, 27]),
        ("Wie bitte? Ja.", [0, 11]),
        ("Es sei 1.5 Mio. Euro teuer.", [0]),
    ],
)
def test_sentences_end_where_german_copy_ends_them(text: str, starts: list[int]) -> None:
    found = find_quotations(text)
    assert sentence_starts(text, found.closed) == starts
