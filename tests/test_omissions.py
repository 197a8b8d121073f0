"""Omissions that leave out a negation (``omissions.py``; SPEC §4, issue 12 rule 5)."""

from __future__ import annotations

import pytest

from site_builder.check.omissions import (
    MAX_PLACES,
    DroppedNegation,
    dropped_negation,
    negation_spans,
)
from site_builder.check.quotes import normalise, quote_pieces

PESKOW = normalise(
    'Der Status der Territorien sei "unbestreitbar und nicht verhandelbar", sagte Peskow.'
)


def words_at(text: str, spans: list[tuple[int, int]]) -> list[str]:
    return [text[start:end] for start, end in spans]


def dropped(quote: str, text: str, language: str = "de") -> DroppedNegation | None:
    return dropped_negation(quote_pieces(quote), normalise(text), language)


def left_out(quote: str, text: str, language: str = "de") -> str | None:
    """The text of the gap that ``dropped`` reports, spaces trimmed."""
    found = dropped(quote, text, language)
    if found is None:
        return None
    start, end = found.gap_span(found.gap)
    return normalise(text)[start:end].strip()


# negation words


def test_german_negations_are_found_as_whole_words_in_any_case() -> None:
    text = "Nicht nichts KEINEN ohne weder nie niemals keinerlei"
    assert words_at(text, negation_spans(text, "de")) == text.split()


def test_words_that_only_begin_like_a_negation_are_none() -> None:
    text = "Nichtraucher ohnehin Keinath Niete nieder unnicht"
    assert negation_spans(text, "de") == []


def test_a_longer_negation_is_not_cut_to_a_shorter_one() -> None:
    assert words_at("gar nichts", negation_spans("gar nichts", "de")) == ["nichts"]


def test_english_negations_and_contractions_are_found() -> None:
    text = "It is not, and isn't; they don't, can't, cannot, never. No: nothing notable."
    found = words_at(text, negation_spans(text, "en"))
    assert found == ["not", "isn't", "don't", "can't", "cannot", "never", "No", "nothing"]


def test_a_regional_language_tag_uses_its_language_list() -> None:
    assert negation_spans("not nicht", "en-GB") == [(0, 3)]
    assert negation_spans("not nicht", "de-AT") == [(4, 9)]


def test_a_language_without_a_list_has_no_negations() -> None:
    assert negation_spans("pas nicht not", "fr") == []


# omissions


def test_an_omission_that_leaves_out_a_negation_is_found() -> None:
    found = dropped("unbestreitbar und […] verhandelbar", PESKOW)
    assert found is not None
    assert words_at(PESKOW, list(found.pieces)) == ["unbestreitbar und", "verhandelbar"]
    assert PESKOW[slice(*found.negation)] == "nicht"
    assert found.gap == 0


def test_an_omission_of_other_words_is_fine() -> None:
    assert dropped("Der Status […] sei", PESKOW) is None


def test_a_negation_inside_a_piece_is_quoted_not_left_out() -> None:
    assert dropped("nicht verhandelbar […] Peskow", PESKOW) is None


@pytest.mark.parametrize(
    "quote",
    ["[…] verhandelbar", "unbestreitbar und […]", "… verhandelbar …", "unbestreitbar"],
)
def test_a_leading_or_trailing_omission_leaves_out_nothing_to_name(quote: str) -> None:
    assert dropped(quote, PESKOW) is None


def test_quote_whose_pieces_do_not_stand_in_the_paragraph_is_not_judged() -> None:
    assert dropped("verhandelbar […] unbestreitbar", PESKOW) is None


def test_another_placement_without_the_negation_makes_the_quote_fine() -> None:
    # The first "Plan" and the first "gut" after it leave out "nicht"; the second pair,
    # "Plan sei wirklich gut", does not.
    text = "Der Plan sei nicht gut, sagt er. Der Plan sei wirklich gut, sagt sie."
    assert dropped("Plan […] gut", text) is None


def test_a_later_piece_may_skip_a_place_behind_a_negation() -> None:
    # The earliest "B" after "A" is behind the negation; a later one is not.
    text = "A x B nicht A y B"
    assert dropped("A […] B", text) is None
    assert dropped("A […] B", "A nicht B x B") == DroppedNegation(((0, 1), (8, 9)), 0, (2, 7))


def test_every_placement_dropping_a_negation_reports_the_shortest_gap() -> None:
    text = "Der Plan sei nicht gut, und der Plan sei gar nicht wirklich gut."
    assert left_out("Plan […] gut", text) == "sei nicht"


def test_with_several_omissions_the_gap_holding_the_negation_is_named() -> None:
    found = dropped("Der Status […] sei […] und […] verhandelbar", PESKOW)
    assert found is not None
    assert found.gap == 2
    assert left_out("Der Status […] sei […] und […] verhandelbar", PESKOW) == "nicht"


def test_an_english_omission_leaving_out_not_is_found() -> None:
    text = 'The status is "indisputable and not negotiable", Peskov said.'
    assert left_out("indisputable and … negotiable", text, "en") == "not"
    assert left_out("indisputable and … negotiable", text, "de") is None


def test_an_english_contraction_counts() -> None:
    assert left_out("Ukraine ... giving up", "Ukraine isn't giving up.", "en") == "isn't"


def test_a_piece_standing_too_often_is_not_judged() -> None:
    often = " ".join(["die"] * (MAX_PLACES + 1))
    assert dropped("die […] Wahrheit", f"{often} nicht Wahrheit") is None
    fewer = " ".join(["die"] * (MAX_PLACES - 1))
    assert left_out("die […] Wahrheit", f"{fewer} nicht Wahrheit") == "nicht"
