"""The closest passage of a failed quote (``passages.py``) and how quote-not-found shows it."""

from __future__ import annotations

import pytest

from site_builder.check.passages import NOTHING, Passage, closest_passage, core, same_word
from tests.quote_sources import problems_of, source

PUTIN = (
    'Er sei zuversichtlich mit Blick auf die Zukunft der Beziehung zu den USA: "Es gibt eine '
    'gemeinsame Sehnsucht, an einer Wiederherstellung der Beziehungen zu arbeiten."'
)
# diplomatische-wende: p5 ends in the middle of a sentence that p6 goes on with
RUBIO = (
    "Rubio teilte mit, dass ein Verhandlungsteam gebildet werden soll, wobei die Bedingungen "
    "für ein"
)
ENDE = "Ende des Krieges für alle Seiten akzeptabel sein müssen. Die Ukraine war nicht dabei."


# one word, inflected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("gemeinsamen", "gemeinsame"),
        ("Unbestreitbar", "unbestreitbar"),
        ("verhandelbarer", "verhandelbar"),
        ("Territorium", "Territorien"),
        ("Kremls", "Kreml"),
        ('"Sehnsucht,', "Sehnsucht"),
    ],
)
def test_inflected_forms_and_case_are_one_word(a: str, b: str) -> None:
    assert same_word(core(a), core(b))
    assert same_word(core(b), core(a))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Russ", "Russlands"),  # more than 3 letters past the shared beginning
        ("ein", "eine"),  # under 4 letters shared
        ("unverhandelbar", "verhandelbar"),  # different beginnings
        ("wort5", "wort6"),  # digits are no inflection
        ("-", ","),
    ],
)
def test_other_words_are_not_one_word(a: str, b: str) -> None:
    assert not same_word(core(a), core(b))


# the closest passage


def test_an_inflected_word_is_found_with_the_words_around_it() -> None:
    passage = closest_passage("Es gibt eine gemeinsamen Sehnsucht", PUTIN)
    assert (passage.text, passage.shared) == ("Es gibt eine gemeinsame Sehnsucht", 5)


def test_the_passage_is_trimmed_to_the_words_it_shares() -> None:
    passage = closest_passage("Zukunft des Beziehung", PUTIN)
    assert (passage.text, passage.shared) == ("Zukunft der Beziehung", 2)


def test_a_word_the_brief_left_out_stands_in_the_passage() -> None:
    passage = closest_passage("eine Sehnsucht, an Wiederherstellung", PUTIN)
    assert passage.text == "eine gemeinsame Sehnsucht, an einer Wiederherstellung"
    assert passage.shared == 4


def test_source_words_in_place_of_unmatched_words_at_the_edges_are_shown() -> None:
    peskow = 'Der Status sei "unbestreitbar und nicht verhandelbar", sagte Peskow.'
    passage = closest_passage("unbestreitbar und unverhandelbar", peskow)
    assert (passage.text, passage.shared) == ("unbestreitbar und nicht verhandelbar", 2)
    passage = closest_passage("seien unbestreitbar und", peskow)
    assert (passage.text, passage.shared) == ('sei "unbestreitbar und', 2)
    passage = closest_passage("ganz und gar unbestreitbar und", peskow)  # nothing like it
    assert (passage.text, passage.shared) == ("unbestreitbar und", 2)


def test_words_in_order_count_more_than_words_anywhere() -> None:
    text = "Sehnsucht und gemeinsame Ziele. Es gibt eine gemeinsame große Sehnsucht."
    passage = closest_passage("eine gemeinsame Sehnsucht", text)
    assert (passage.text, passage.shared) == ("eine gemeinsame große Sehnsucht", 3)


def test_among_equally_shared_words_the_most_similar_characters_win() -> None:
    text = "Die Gespräche laufend gut. Die Gespräche laufen gut."
    passage = closest_passage("Die Gespräche laufe", text)
    assert (passage.text, passage.shared) == ("Die Gespräche laufen", 3)


def test_a_quote_sharing_no_word_gets_the_passage_most_like_it_by_characters() -> None:
    passage = closest_passage("Russ", "Vertreter der USA und Russlands trafen sich.")
    assert passage == Passage("Russlands", 0, 2 * 4 / 13)


def test_punctuation_at_the_passages_edges_is_dropped() -> None:
    passage = closest_passage("gemeinsam Sehnsucht", PUTIN)
    assert passage.text == "gemeinsame Sehnsucht"


def test_an_empty_paragraph_or_quote_has_no_passage() -> None:
    assert closest_passage("Sehnsucht", "") == NOTHING
    assert closest_passage("[…]", PUTIN) == NOTHING


def test_a_quote_over_500_characters_gets_no_passage() -> None:
    assert closest_passage("Sehnsucht " * 51, PUTIN) == NOTHING


# as quote-not-found shows it


def test_the_closest_passage_is_shown_as_a_word_diff_from_the_brief() -> None:
    kreml = source("kreml-gebiete", "Einleitung.", PUTIN)
    [problem] = problems_of("Es gibt eine gemeinsamen Sehnsucht", [(kreml, "p2")])
    assert problem.details == (
        ("closest", "kreml-gebiete#p2: „Es gibt eine [-gemeinsamen-]{+gemeinsame+} Sehnsucht“"),
    )


def test_words_the_brief_left_out_are_shown_added() -> None:
    [problem] = problems_of("eine Sehnsucht, an Wiederherstellung", [(source("q", PUTIN), "p1")])
    assert problem.details == (
        ("closest", "q#p1: „eine {+gemeinsame+} Sehnsucht, an {+einer+} Wiederherstellung“"),
    )


def test_the_closest_of_several_cited_paragraphs_is_shown() -> None:
    other = source("q", "Die Zukunft ist offen.", PUTIN)
    [problem] = problems_of("gibt eine gemeinsamen Sehnsucht", [(other, "p1"), (other, "p2")])
    assert problem.details[0][1].startswith("q#p2: „gibt eine [-gemeinsamen-]")


# a quote across a paragraph break


def test_a_quote_across_the_break_to_the_next_paragraph_says_so() -> None:
    wende = source("diplomatische-wende", RUBIO, ENDE)
    [problem] = problems_of("die Bedingungen für ein Ende des Krieges", [(wende, "p1")])
    assert problem.message.endswith(
        "does not stand in diplomatische-wende#p1; it runs across the break between "
        "diplomatische-wende#p1 and #p2"
    )
    assert problem.hint == (
        "quotes cannot cross a paragraph break; cite both paragraphs and quote each part separately"
    )
    assert problem.details == ()


def test_a_quote_across_the_break_from_the_previous_paragraph_says_so() -> None:
    wende = source("diplomatische-wende", RUBIO, ENDE)
    [problem] = problems_of("für ein Ende des Krieges", [(wende, "p2")])
    assert problem.message.endswith("between diplomatische-wende#p1 and #p2")


def test_words_of_two_paragraphs_not_at_their_break_are_no_quote_across_it() -> None:
    wende = source("diplomatische-wende", RUBIO, ENDE)
    [problem] = problems_of("die Bedingungen Ende des Krieges", [(wende, "p1")])
    assert "break" not in problem.message
    assert problem.details[0][0] == "closest"
