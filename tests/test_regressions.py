"""Regression tests: bugs found by review and fuzzing, each test written first and seen to
fail before its fix."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from site_builder.dates import PartialDate, parse_partial_date
from site_builder.diagnostics import Span
from site_builder.load_briefs import load_brief
from site_builder.load_sources import load_source
from site_builder.markdown import create_markdown
from site_builder.quotes import quote_matches
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
