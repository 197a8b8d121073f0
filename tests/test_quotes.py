"""The quote rule (SPEC §4): quoted words must stand in the cited paragraph."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from site_builder.check.quotes import (
    normalise,
    quote_matches,
    quote_pieces,
)

PESKOW = 'Der Status der Territorien sei "unbestreitbar und nicht verhandelbar", sagte Peskow.'


# normalisation


def test_whitespace_runs_become_one_space_and_ends_are_trimmed() -> None:
    assert normalise("  nicht \t\n  verhandelbar\u00a0 ") == "nicht verhandelbar"


def test_every_double_quote_style_becomes_a_straight_quote() -> None:
    assert normalise('„a“ “b” «c» »d« "e"') == '"a" "b" "c" "d" "e"'


def test_single_marks_compare_like_double_marks_and_apostrophes_stay_apostrophes() -> None:
    """A German quote nests the source's "…" as ‚…‘, so single and double quotation marks
    are one; a single mark between letters is an apostrophe, whichever is typed."""
    assert normalise("Putin’s ‘Plan’ 'x' ‚y‘ isn't") == 'Putin\'s "Plan" "x" "y" isn\'t'
    assert normalise('sagte "ja"') == normalise("sagte ‚ja‘") == normalise("sagte 'ja'")


def test_zero_width_characters_and_soft_hyphens_are_removed() -> None:
    assert normalise("ver\u00adhan\u200bdel\u200c\u200dbar\u2060\ufeff") == "verhandelbar"


def test_decomposed_umlauts_equal_composed_ones() -> None:
    assert normalise("la\u0308cherlich") == "lächerlich"


def test_quote_in_another_quote_style_matches() -> None:
    assert quote_matches("„unbestreitbar und nicht verhandelbar“, sagte", PESKOW)


def test_quote_with_other_whitespace_matches() -> None:
    assert quote_matches("unbestreitbar\n  und nicht\tverhandelbar", PESKOW)


def test_soft_hyphen_in_the_paragraph_does_not_prevent_a_match() -> None:
    assert quote_matches("verhandelbar", "nicht ver\u00adhandel\u00adbar")


# what must match exactly


def test_exact_words_match() -> None:
    assert quote_matches("unbestreitbar und nicht verhandelbar", PESKOW)


def test_a_different_case_does_not_match() -> None:
    assert not quote_matches("Unbestreitbar und nicht verhandelbar", PESKOW)


def test_a_changed_word_does_not_match() -> None:
    assert not quote_matches("unbestreitbar und nie verhandelbar", PESKOW)


def test_punctuation_must_match() -> None:
    assert quote_matches("sagte Peskow.", PESKOW)
    assert not quote_matches("sagte Peskow!", PESKOW)


def test_word_is_not_found_inside_a_longer_word_at_its_start() -> None:
    assert not quote_matches("verhandelbar", "Das sei unverhandelbar.")


def test_word_is_not_found_inside_a_longer_word_at_its_end() -> None:
    assert not quote_matches("Russ", "Russland")


def test_word_next_to_punctuation_or_hyphen_is_on_a_word_boundary() -> None:
    assert quote_matches("Russland", "Russland-Gipfel")
    assert quote_matches("verhandelbar", PESKOW)


def test_later_occurrence_on_word_boundaries_is_found() -> None:
    assert quote_matches("handelbar", "verhandelbar und handelbar")


@pytest.mark.parametrize("quote", ["", "   ", "[…]", "...", "„“"])
def test_empty_quote_never_matches(quote: str) -> None:
    assert not quote_matches(quote, PESKOW)


# omissions


@pytest.mark.parametrize("marker", ["[…]", "[...]", "…", "...", "[ … ]", "(…)"])
def test_omission_marker_stands_for_left_out_words(marker: str) -> None:
    assert quote_matches(f"unbestreitbar {marker} verhandelbar", PESKOW)


def test_quote_pieces_split_at_every_omission_marker() -> None:
    assert quote_pieces("a […] b ... c … d [...] e") == ["a", "b", "c", "d", "e"]


def test_quote_pieces_are_normalised_and_empty_ones_dropped() -> None:
    assert quote_pieces("…„nicht\n verhandelbar“ […]") == ['"nicht verhandelbar"']


def test_pieces_in_the_wrong_order_do_not_match() -> None:
    assert not quote_matches("verhandelbar […] unbestreitbar", PESKOW)


def test_every_piece_must_be_present() -> None:
    assert not quote_matches("unbestreitbar […] verhandelbar […] sagte Putin", PESKOW)


def test_pieces_must_be_on_word_boundaries_too() -> None:
    assert not quote_matches("unbestreit […] verhandelbar", PESKOW)


# properties

WORD_CHARS = st.characters(codec="utf-8", exclude_categories=("Cs", "Zs", "Zl", "Zp", "Cc"))
_SEPARATORS = st.sampled_from([" ", "  ", "\n", "\t", "\u00a0", " \n "])


@st.composite
def paragraphs(draw: st.DrawFn) -> tuple[list[str], str]:
    """A paragraph as words and the text joined by assorted whitespace."""
    words = draw(st.lists(st.text(WORD_CHARS, min_size=1, max_size=8), min_size=1, max_size=12))
    text = words[0]
    for word in words[1:]:
        text += draw(_SEPARATORS) + word
    return words, text


@given(paragraphs(), st.data())
def test_any_run_of_whole_words_of_the_paragraph_matches(
    paragraph: tuple[list[str], str], data: st.DataObject
) -> None:
    words, text = paragraph
    start = data.draw(st.integers(0, len(words) - 1))
    end = data.draw(st.integers(start + 1, len(words)))
    quote = " ".join(words[start:end])
    assume(quote_pieces(quote))  # a run of invisible characters or "…" quotes nothing
    assert quote_matches(quote, text)


@given(st.text(), st.text(st.characters(codec="utf-8", exclude_characters=".…")))
def test_quote_that_is_not_in_the_paragraph_never_matches(paragraph: str, quote: str) -> None:
    assume(normalise(quote) not in normalise(paragraph))
    assert not quote_matches(quote, paragraph)


@given(st.text(), st.text())
def test_a_matching_quote_has_every_piece_in_the_paragraph(paragraph: str, quote: str) -> None:
    haystack = normalise(paragraph)
    assume(not all(piece in haystack for piece in quote_pieces(quote)))
    assert not quote_matches(quote, paragraph)
