"""Regression tests: bugs found by review and fuzzing, each test written first and seen to
fail before its fix."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from site_builder.check.quotes import quote_matches
from site_builder.check.tags import tag_slug
from site_builder.dates import PartialDate, parse_partial_date
from site_builder.diagnostics import Span
from site_builder.load.load_briefs import load_brief
from site_builder.load.load_sources import load_source
from site_builder.load.markdown import create_markdown
from tests.sitefiles import brief


@pytest.fixture(scope="module")
def md() -> MarkdownIt:
    return create_markdown()


def test_context_of_the_first_of_two_citations_in_a_sentence_is_the_whole_sentence(
    md: MarkdownIt,
) -> None:
    """The context is cut off at the next citation instead of the end of the sentence."""
    body = "Der Kreml nennt das „unbestreitbar“ [@a#p1] und Kiew widerspricht [@b#p2] sofort.\n"
    result, _ = load_brief("briefs/b.md", brief(body).encode(), md)
    assert result is not None
    sentence = "Der Kreml nennt das „unbestreitbar“ und Kiew widerspricht sofort."
    assert [g.context for g in result.citations] == [sentence, sentence]


@pytest.mark.parametrize("separator", ["\u2028", "\x0c", "\x85"], ids=["LS", "FF", "NEL"])
def test_line_separator_inside_a_paragraph_keeps_later_source_columns(
    md: MarkdownIt, separator: str
) -> None:
    """Bodies are split with ``str.splitlines`` (which also splits at U+2028, form feed,
    NEL …) but markdown-it counts only ``\\n``: after such a character every later block is
    matched against the wrong file line and its column is wrong."""
    text = f"---\ntitle: Q\n---\nErster{separator}Absatz.\n\n- Punkt\n"
    source, problems = load_source("content/q.md", text.encode(), md)
    assert problems == []
    assert source is not None
    assert [p.span for p in source.paragraphs] == [
        Span("content/q.md", 4, 1),
        Span("content/q.md", 6, 3),
    ]


def test_line_separator_inside_a_brief_paragraph_keeps_later_citation_columns(
    md: MarkdownIt,
) -> None:
    body = "Satz\u2028eins [@a#p1].\n\n- Punkt [@a#p2]\n"
    result, _ = load_brief("briefs/b.md", brief(body).encode(), md)
    assert result is not None
    assert [g.span for g in result.citations] == [
        Span("briefs/b.md", 5, 11),
        Span("briefs/b.md", 7, 9),
    ]


@pytest.mark.parametrize(
    "paragraph",
    ["Er sprach von ‘Frieden’ in Europa.", "Er sprach von 'Frieden' in Europa."],
    ids=["english-single", "ascii-single"],
)
def test_german_single_quotes_match_other_single_quote_styles(paragraph: str) -> None:
    """‚ (U+201A) becomes ``"`` but its closing partner ‘ becomes ``'``, so a nested quote
    written the German way (‚…‘) never matches the same words in another single-quote style."""
    assert quote_matches("Er sprach von ‚Frieden‘ in Europa", paragraph)


def test_sort_key_orders_date_times_by_the_moment_they_happened() -> None:
    """23:30 in New York (04:30 UTC next day) is after 01:00 in Berlin (00:00 UTC) that day;
    the sort key compares local wall-clock dates and times and ignores the offset."""
    new_york = parse_partial_date("2025-02-27T23:30:00-05:00")
    berlin = parse_partial_date("2025-02-28T01:00:00+01:00")
    assert isinstance(new_york, PartialDate)
    assert isinstance(berlin, PartialDate)
    assert berlin.sort_key() < new_york.sort_key()


@pytest.mark.parametrize(
    ("quote", "paragraph"),
    [
        ("Haq", "Der Haq\u0301 kam."),  # q́ has no composed form: the mark stays separate
        ("Haq\u0301", "Der Haq\u0301xy kam."),
        ("\u0915", "x \u0915\u093f y"),  # Devanagari ka inside ki (a vowel sign, Mc)
        ("\u0915\u093f", "x \u0915\u093f\u0924 y"),  # ki inside kit
    ],
    ids=["letter-before-mark", "mark-before-letter", "consonant", "vowel-sign"],
)
def test_a_combining_mark_is_part_of_the_word_of_its_letter(quote: str, paragraph: str) -> None:
    """Word boundaries looked at ``isalnum`` only, and a combining mark is not alphanumeric:
    „Haq“ stood in "Haq́" and a word ending in a Devanagari vowel sign in any longer one.
    Found by tests/test_properties.py."""
    assert not quote_matches(quote, paragraph)


def test_a_quote_with_a_combining_mark_still_matches_its_word() -> None:
    assert quote_matches("Haq\u0301", "Der Haq\u0301 kam.")
    assert quote_matches("\u0915\u093f", "x \u0915\u093f y")


def test_an_invisible_character_between_a_letter_and_its_accent_is_ignored() -> None:
    """Quotes were put in NFC before invisible characters were removed, so a soft hyphen
    between "a" and U+0308 kept them apart and „Gespra­̈che“ did not stand in "Gespräche".
    Found by tests/test_properties.py."""
    assert quote_matches("Gespra\u00ad\u0308che", "Die Gespräche begannen.")
    assert quote_matches("Gespräche", "Die Gespra\u200b\u0308che begannen.")


@pytest.mark.parametrize("name", ["ΰ", "ΐ", "Μαΐου"])
def test_a_non_latin_tag_in_capitals_shares_its_page(name: str) -> None:
    """The hashed slug of a tag without Latin letters folded NFC text, but "ΰ".upper() is
    a decomposed "Ϋ́" whose case fold is not the composed one's: two pages for one tag.
    Found by tests/test_properties.py."""
    assert tag_slug(name.upper()) == tag_slug(name) == tag_slug(name.lower())
