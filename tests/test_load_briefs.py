"""Loading one brief (SPEC §4): citation groups with exact spans, quotes, context, fields."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from site_builder.dates import PartialDate
from site_builder.diagnostics import Diagnostic, Span
from site_builder.load.load_briefs import load_brief
from site_builder.load.markdown import create_markdown
from site_builder.model import Brief, BriefParagraph, CitationGroup, CitationRef, Correction, Quote
from tests.sitefiles import brief

PATH = "briefs/test.md"


@pytest.fixture(scope="module")
def md() -> MarkdownIt:
    return create_markdown()


def load(md: MarkdownIt, text: str, path: str = PATH) -> tuple[Brief | None, list[Diagnostic]]:
    return load_brief(path, text.encode("utf-8"), md)


def loaded(md: MarkdownIt, body: str, path: str = PATH) -> Brief:
    """The brief with ``body`` under the standard front matter (body starts on line 5)."""
    result, problems = load(md, brief(body), path)
    assert problems == []
    assert result is not None
    return result


def lines(problems: list[Diagnostic]) -> list[str]:
    return [f"{d.span} {d.code}: {d.message}" for d in problems]


def at(line: int, col: int) -> Span:
    return Span(PATH, line, col)


# refs and groups


def test_single_citation_has_the_span_of_its_bracket_and_at_sign(md: MarkdownIt) -> None:
    result = loaded(md, "Kiew weist das zurück [@quelle#p3].\n")
    assert result.citations == (
        CitationGroup(
            refs=(CitationRef("quelle", "p3", at(5, 24)),),
            span=at(5, 23),
            paragraph=1,
            context="Kiew weist das zurück.",
        ),
    )


def test_group_refs_each_have_the_span_of_their_at_sign(md: MarkdownIt) -> None:
    result = loaded(md, "Kiew weist das zurück [@quelle#p3; @other#istanbul].\n")
    assert result.refs() == (
        CitationRef("quelle", "p3", at(5, 24)),
        CitationRef("other", "istanbul", at(5, 36)),
    )
    assert result.refs()[1].key == "other#istanbul"


def test_citation_without_anchor_is_kept_with_no_anchor(md: MarkdownIt) -> None:
    result = loaded(md, "Text [@quelle].\n")
    assert result.refs() == (CitationRef("quelle", None, at(5, 7)),)


def test_spans_in_list_items_quotes_and_continuation_lines(md: MarkdownIt) -> None:
    body = "Erste Zeile\nzweite [@a#p1].\n\n- Punkt [@b#p2]\n\n> Zitat\n> mehr [@c#p3].\n"
    result = loaded(md, body)
    assert [(g.span, g.refs[0].span, g.paragraph) for g in result.citations] == [
        (at(6, 8), at(6, 9), 1),
        (at(8, 9), at(8, 10), 2),
        (at(11, 8), at(11, 9), 3),
    ]


def test_adjacent_groups_are_both_checked_citations(md: MarkdownIt) -> None:
    result = loaded(md, "Text [@a#p1][@b#p2].\n")
    assert [(ref.key, ref.span) for ref in result.refs()] == [
        ("a#p1", at(5, 7)),
        ("b#p2", at(5, 14)),
    ]
    assert result.paragraphs[0].citations == 2


def test_citation_in_code_is_not_a_citation(md: MarkdownIt) -> None:
    result, problems = load(md, brief("Schreibe `[@a#p1]` so.\n"))
    assert problems == []
    assert result is not None
    assert result.citations == ()
    assert result.paragraphs == (BriefParagraph(1, at(5, 1), 0, "Schreibe [@a#p1] so."),)


def test_escaped_citation_is_not_a_citation(md: MarkdownIt) -> None:
    result = loaded(md, "Schreibe \\[@a#p1] so.\n")
    assert result.citations == ()
    assert result.paragraphs[0].text == "Schreibe [@a#p1] so."


def test_malformed_group_is_an_error_at_its_bracket(md: MarkdownIt) -> None:
    result, problems = load(md, brief("Text [@a#p1, @b#p2].\n"))
    assert lines(problems) == [
        f"{PATH}:5:6 malformed-citation: "
        "'@a#p1, @b#p2' is not a citation: separate the citations of a group with ';'"
    ]
    assert problems[0].hint == "a group looks like [@source#p1; @other#p4]"
    assert result is not None
    assert result.citations == ()


# quotes


def test_quote_before_citation_is_extracted_with_the_span_of_its_opening_mark(
    md: MarkdownIt,
) -> None:
    result = loaded(md, "Er nennt das „unbestreitbar und nicht verhandelbar“ [@quelle#p1].\n")
    assert result.citations[0].quotes == (Quote("unbestreitbar und nicht verhandelbar", at(5, 14)),)


@pytest.mark.parametrize(
    "quoted",
    ["„nein“", "“nein”", '"nein"', "«nein»", "»nein«"],
    ids=["de", "en", "ascii", "fr", "ch"],
)
def test_quote_in_each_style_is_extracted(md: MarkdownIt, quoted: str) -> None:
    result = loaded(md, f"Er sagte {quoted} [@a#p1].\n")
    assert result.citations[0].quotes == (Quote("nein", at(5, 10)),)


def test_quote_with_emphasis_inside_gives_plain_text(md: MarkdownIt) -> None:
    result = loaded(md, "- Er sagte, es sei „*lächerlich* zu **sehen**“ [@quelle#p4].\n")
    assert result.citations[0].quotes == (Quote("lächerlich zu sehen", at(5, 20)),)


def test_quote_spanning_lines_keeps_its_line_break_as_text(md: MarkdownIt) -> None:
    result = loaded(md, "Er sagte „nicht\nverhandelbar“\n[@a#p1].\n")
    assert result.citations[0].quotes == (Quote("nicht verhandelbar", at(5, 10)),)
    assert result.citations[0].span == at(7, 1)


def test_a_quote_with_attribution_words_before_the_citation_is_attested(md: MarkdownIt) -> None:
    result = loaded(md, "Zitat „nicht verhandelbar“, sagte er [@quelle#p1].\n")
    assert result.citations[0].quotes == (Quote("nicht verhandelbar", at(5, 7)),)


def test_a_quote_in_the_next_sentence_is_not_attested(md: MarkdownIt) -> None:
    result = loaded(md, "Er sprach [@quelle#p1]. Später hieß es „nicht verhandelbar“.\n")
    assert result.citations[0].quotes == ()


def test_no_quote_without_quotation_marks(md: MarkdownIt) -> None:
    assert loaded(md, "Kiew weist das zurück [@a#p1].\n").citations[0].quotes == ()


def test_second_citation_takes_only_a_quote_after_the_first(md: MarkdownIt) -> None:
    result = loaded(md, 'Zwei „Zitate“ [@a#p1] und "noch eins" [@b#p2] hier.\n')
    assert [g.quotes for g in result.citations] == [
        (Quote("Zitate", at(5, 6)),),
        (Quote("noch eins", at(5, 27)),),
    ]


def test_a_quotation_holding_a_citation_is_not_checked(md: MarkdownIt) -> None:
    result = loaded(md, "Er sagte „nicht [@a#p1] verhandelbar“ [@b#p2].\n")
    assert [g.quotes for g in result.citations] == [(), ()]


def test_an_unclosed_quotation_mark_is_a_warning_at_the_mark(md: MarkdownIt) -> None:
    result, problems = load(md, brief("Er sagte „nicht verhandelbar [@a#p1].\n"))
    assert [(str(p.span), p.code, p.severity.value) for p in problems] == [
        (f"{PATH}:5:10", "unbalanced-quote", "warning")
    ]
    assert result is not None and result.citations[0].quotes == ()


# context


def test_context_of_a_citation_at_sentence_end_is_that_sentence(md: MarkdownIt) -> None:
    result = loaded(md, "Erster Satz! Kiew weist das zurück [@a#p1]. Nächster Satz.\n")
    assert result.citations[0].context == "Kiew weist das zurück."


def test_context_of_a_citation_mid_sentence_is_the_whole_sentence(md: MarkdownIt) -> None:
    result = loaded(md, "Erster Satz. Kiew weist das [@a#p1] entschieden zurück. Nächster Satz.\n")
    assert result.citations[0].context == "Kiew weist das entschieden zurück."


def test_context_of_a_citation_after_the_full_stop_is_the_sentence_before(
    md: MarkdownIt,
) -> None:
    result = loaded(md, "Erster Satz. Kiew weist das zurück. [@a#p1]\n")
    assert result.citations[0].context == "Kiew weist das zurück."


def test_context_is_plain_text_across_lines(md: MarkdownIt) -> None:
    result = loaded(md, "Der *Kreml* nennt\ndas [Gebiet](https://x.example) „russisch“ [@a#p1].\n")
    assert result.citations[0].context == "Der Kreml nennt das Gebiet „russisch“."


def test_context_of_each_citation_in_a_paragraph(md: MarkdownIt) -> None:
    result = loaded(
        md, "Der Kreml nennt das „unbestreitbar“ [@a#p1]. Kiew weist das zurück [@b#p2].\n"
    )
    assert [g.context for g in result.citations] == [
        "Der Kreml nennt das „unbestreitbar“.",
        "Kiew weist das zurück.",
    ]


# paragraphs


def test_paragraphs_count_their_citation_groups(md: MarkdownIt) -> None:
    body = (
        "Eins [@a#p1]. Zwei [@a#p2; @b#p1].\n"
        "\n"
        "- Punkt [@a#p3]\n"
        "\n"
        "> Zitat ohne Beleg.\n"
        "\n"
        "Ohne Beleg.\n"
    )
    assert loaded(md, body).paragraphs == (
        BriefParagraph(1, at(5, 1), 2, "Eins. Zwei."),
        BriefParagraph(2, at(7, 3), 1, "Punkt"),
        BriefParagraph(3, at(9, 3), 0, "Zitat ohne Beleg."),
        BriefParagraph(4, at(11, 1), 0, "Ohne Beleg."),
    )


def test_malformed_group_still_counts_as_a_written_citation(md: MarkdownIt) -> None:
    result, _ = load(md, brief("Text [@a#p1, @b#p2].\n"))
    assert result is not None
    assert result.paragraphs == (BriefParagraph(1, at(5, 1), 1, "Text."),)


# front matter


def test_standard_front_matter_values(md: MarkdownIt) -> None:
    result = loaded(md, "Text [@a#p1].\n")
    assert result.title == "Testmeldung"
    assert result.date == PartialDate(2025, 2, 27)
    assert result.slug == "test"
    assert result.body_line == 5
    assert result.paragraphs[0].text == "Text."
    assert (result.summary, result.tags, result.authors) == (None, (), ())
    assert (result.draft, result.updated, result.corrections) == (False, None, ())


def test_each_tag_keeps_where_it_is_written(md: MarkdownIt) -> None:
    flow = '---\ntitle: T\ndate: 2025-02-27\ntags: [USA, "Türkei"]\n---\n'
    block = "---\ntitle: T\ndate: 2025-02-27\ntags:\n  - USA\n  - Ukraine\n---\n"
    places = []
    for head in (flow, block):
        result, _ = load(md, brief("Text [@a#p1].\n", head))
        assert result is not None
        places.append(result.tag_spans)
    assert places == [(at(4, 8), at(4, 13)), (at(5, 5), at(6, 5))]


def test_tags_that_were_not_read_have_no_places(md: MarkdownIt) -> None:
    head = "---\ntitle: T\ndate: 2025-02-27\ntags: USA, Ukraine\n---\n"
    result, _ = load(md, brief("Text [@a#p1].\n", head))
    assert result is not None
    assert (result.tags, result.tag_spans) == ((), ())


def test_all_optional_fields_are_read(md: MarkdownIt) -> None:
    head = (
        "---\n"
        "title: Titel\n"
        "date: 2025-02-27\n"
        "summary: Kurz.\n"
        "tags: [Ukraine, Russland]\n"
        "authors: [Redaktion, A. B.]\n"
        "draft: true\n"
        "updated: 2025-02-28\n"
        "corrections:\n"
        "  - date: 2025-02-28\n"
        "    text: Korrigiert.\n"
        "---\n"
    )
    result, problems = load(md, brief("Text [@a#p1].\n", head))
    assert problems == []
    assert result is not None
    assert result.summary == "Kurz."
    assert result.tags == ("Ukraine", "Russland")
    assert result.authors == ("Redaktion", "A. B.")
    assert result.draft is True
    assert result.updated == PartialDate(2025, 2, 28)
    assert result.corrections == (Correction(PartialDate(2025, 2, 28), "Korrigiert."),)
    assert result.body_line == 13
    assert result.citations[0].span == Span(PATH, 13, 6)


def test_slug_comes_from_the_file_name_without_folders(md: MarkdownIt) -> None:
    assert loaded(md, "Text [@a#p1].\n", "briefs/2025/Über uns.md").slug == "ueber-uns"


def test_file_name_without_letters_gives_no_brief(md: MarkdownIt) -> None:
    result, problems = load(md, brief("Text [@a#p1].\n"), "briefs/---.md")
    assert result is None
    assert lines(problems) == [
        "briefs/---.md:1:1 bad-file-name: the file name has no letters or digits to make a URL from"
    ]


def test_broken_yaml_still_reports_body_problems_in_the_same_run(md: MarkdownIt) -> None:
    text = "---\ntitle: [unclosed\ndate: 2025-02-27\n---\nText [@a#p1, @b#p2].\n"
    result, problems = load(md, text)
    assert [d.code for d in problems] == ["yaml-syntax", "malformed-citation"]
    assert problems[1].span == at(5, 6)
    assert result is not None
    assert result.title == "test"
    assert result.date is None


def test_brief_without_front_matter_is_reported(md: MarkdownIt) -> None:
    result, problems = load(md, "Text [@a#p1].\n")
    assert result is None
    assert lines(problems) == [f"{PATH}:1:1 missing-front-matter: brief has no front matter"]
    assert problems[0].hint == (
        "start the file with '---', 'title: …', 'date: YYYY-MM-DD' and '---' "
        '(or create it with: site-builder new "Title")'
    )


def test_missing_date_is_reported_and_leaves_date_empty(md: MarkdownIt) -> None:
    result, problems = load(md, "---\ntitle: T\n---\nText [@a#p1].\n")
    assert lines(problems) == [
        f"{PATH}:1:1 missing-field: brief has no 'date' (Publication date (YYYY-MM-DD or "
        "ISO date-time).)"
    ]
    assert result is not None
    assert result.date is None
