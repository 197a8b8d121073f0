"""The quote rule's diagnostics for one quote (``check_quotes.quote_problems``)."""

from __future__ import annotations

from site_builder.diagnostics import Diagnostic
from site_builder.report import format_text
from tests.quote_sources import problems_of, source

PESKOW = 'Der Status der Territorien sei "unbestreitbar und nicht verhandelbar", sagte Peskow.'
REUTERS = 'The status is "indisputable and not negotiable", Peskov said.'


def lines(problem: Diagnostic) -> list[str]:
    return [
        f"{problem.code}: {problem.message}",
        *(f"{label}: {text}" for label, text in problem.details),
        f"hint: {problem.hint}",
    ]


# omissions that leave out a negation


def test_an_omission_leaving_out_a_negation_is_an_error_showing_what_it_left_out() -> None:
    kreml = source("kreml-gebiete", PESKOW)
    [problem] = problems_of("unbestreitbar und […] verhandelbar", [(kreml, "p1")])
    assert lines(problem) == [
        "omission-drops-negation: the omission in „unbestreitbar und […] verhandelbar“ "
        "leaves out „nicht“ from kreml-gebiete#p1",
        "left out: „unbestreitbar und {+nicht+} verhandelbar“",
        "hint: quote the left-out words with the negation, or end the quote before the omission",
    ]


def test_a_long_left_out_text_is_shown_around_its_negation() -> None:
    text = "Es hieß, eins zwei drei vier fünf sechs nicht sieben acht neun zehn elf, sagte er."
    [problem] = problems_of("Es hieß, […] sagte er", [(source("q", text), "p1")])
    assert lines(problem)[:2] == [
        "omission-drops-negation: the omission in „Es hieß, […] sagte er“ leaves out "
        "„… vier fünf sechs nicht sieben acht neun …“ from q#p1",
        "left out: „Es hieß, {+… vier fünf sechs nicht sieben acht neun …+} sagte er“",
    ]


def test_other_left_out_text_is_shown_by_its_ends_when_long() -> None:
    text = "A eins zwei drei vier fünf sechs sieben acht B nicht C"
    [problem] = problems_of("A […] B […] C", [(source("q", text), "p1")])
    assert problem.details == (
        ("left out", "„A {+eins zwei drei … sechs sieben acht+} B {+nicht+} C“"),
    )


def test_one_cited_paragraph_with_an_honest_placement_is_enough() -> None:
    kreml = source("kreml-gebiete", PESKOW, "Der Status sei unbestreitbar und verhandelbar.")
    quote = "unbestreitbar und […] verhandelbar"
    assert problems_of(quote, [(kreml, "p1"), (kreml, "p2")]) == []
    assert [p.code for p in problems_of(quote, [(kreml, "p1")])] == ["omission-drops-negation"]


def test_the_negations_are_those_of_the_sources_language() -> None:
    reuters = source("reuters", REUTERS, language="en")
    [problem] = problems_of("indisputable and […] negotiable", [(reuters, "p1")])
    assert problem.message.endswith("leaves out „not“ from reuters#p1")


def test_a_source_without_a_language_has_the_sites() -> None:
    reuters = source("reuters", REUTERS)
    quote = "indisputable and […] negotiable"
    assert problems_of(quote, [(reuters, "p1")]) == []
    assert len(problems_of(quote, [(reuters, "p1")], site_language="en")) == 1


def test_a_source_language_without_negation_list_is_not_judged() -> None:
    agence = source("afp", "Le statut n'est pas négociable.", language="fr")
    assert problems_of("statut […] négociable", [(agence, "p1")]) == []


def test_left_out_and_closest_lines_are_coloured_as_word_diffs_on_a_terminal() -> None:
    [dropping] = problems_of("unbestreitbar und […] verhandelbar", [(source("q", PESKOW), "p1")])
    assert "„unbestreitbar und \033[32m{+nicht+}\033[0m verhandelbar“" in format_text(
        dropping, colour=True
    )
    [missing] = problems_of("sagte Peskov", [(source("q", PESKOW), "p1")])
    assert "„sagte \033[31m[-Peskov-]\033[0m\033[32m{+Peskow+}\033[0m“" in format_text(
        missing, colour=True
    )
