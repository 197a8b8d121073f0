"""Loading one source article (SPEC §3): verbatim text, anchors p1…pN and ^name, fields."""

from __future__ import annotations

import datetime

import pytest
from markdown_it import MarkdownIt

from site_builder.dates import PartialDate
from site_builder.diagnostics import Diagnostic, Span
from site_builder.load.load_sources import load_source
from site_builder.load.markdown import create_markdown
from site_builder.model import Paragraph, Source
from tests.sitefiles import QUELLE

PATH = "content/quelle.md"


@pytest.fixture(scope="module")
def md() -> MarkdownIt:
    return create_markdown()


def load(md: MarkdownIt, text: str, path: str = PATH) -> tuple[Source, list[Diagnostic]]:
    source, problems = load_source(path, text.encode("utf-8"), md)
    assert source is not None, problems
    return source, problems


def loaded(md: MarkdownIt, text: str, path: str = PATH) -> Source:
    source, problems = load(md, text, path)
    assert problems == []
    return source


def lines(problems: list[Diagnostic]) -> list[str]:
    return [f"{d.span} {d.code}: {d.message}" for d in problems]


def test_default_source_has_four_paragraphs_in_document_order(md: MarkdownIt) -> None:
    source = loaded(md, QUELLE)
    assert source.paragraphs == (
        Paragraph(
            1,
            None,
            'Der Status der Territorien sei "unbestreitbar und nicht verhandelbar", sagte Peskow.',
            'Der Status der Territorien sei "unbestreitbar und nicht verhandelbar", sagte Peskow.',
            Span(PATH, 6, 1),
        ),
        Paragraph(
            2,
            "istanbul",
            "In Istanbul trafen Vertreter der USA und Russlands zusammen.",
            "In Istanbul trafen Vertreter der USA und Russlands zusammen.",
            Span(PATH, 8, 1),
        ),
        Paragraph(
            3,
            None,
            "Die Ukraine weist die Erklärung des Kremls zurück.",
            "Die Ukraine weist die Erklärung des Kremls zurück.",
            Span(PATH, 12, 3),
        ),
        Paragraph(
            4,
            None,
            'Es sei "lächerlich zu sehen, wie die russischen Verantwortlichen sich auf die '
            'russische Verfassung beziehen", sagte Tychy.',
            'Es sei "lächerlich zu sehen, wie die russischen Verantwortlichen sich auf die '
            'russische\nVerfassung beziehen", sagte Tychy.',
            Span(PATH, 14, 3),
        ),
    )


def test_anchors_map_positional_and_named_anchors_to_paragraphs(md: MarkdownIt) -> None:
    source = loaded(md, QUELLE)
    assert dict(source.anchors) == {"p1": 1, "p2": 2, "istanbul": 2, "p3": 3, "p4": 4}
    assert source.paragraph("istanbul") == source.paragraphs[1]
    assert source.paragraph("p4") == source.paragraphs[3]
    assert source.paragraph("p5") is None


def test_headings_are_not_paragraphs(md: MarkdownIt) -> None:
    source = loaded(md, "---\ntitle: T\n---\n# Eins\n\nText\n\n## Zwei\n\nMehr\n")
    assert [(p.anchor, p.text) for p in source.paragraphs] == [("p1", "Text"), ("p2", "Mehr")]


def test_code_blocks_are_not_paragraphs(md: MarkdownIt) -> None:
    source = loaded(md, "---\ntitle: T\n---\nA\n\n    code ^x\n\n```\nfenced\n```\n\nB\n")
    assert [(p.anchor, p.text) for p in source.paragraphs] == [("p1", "A"), ("p2", "B")]
    assert "x" not in source.anchors


def test_list_items_and_quote_paragraphs_count_in_order(md: MarkdownIt) -> None:
    text = "---\ntitle: T\n---\nA\n\n- b\n- c\n\n> d\n>\n> e\n\nF\n"
    source = loaded(md, text)
    assert [(p.anchor, p.text) for p in source.paragraphs] == [
        ("p1", "A"),
        ("p2", "b"),
        ("p3", "c"),
        ("p4", "d"),
        ("p5", "e"),
        ("p6", "F"),
    ]


def test_block_marker_gives_a_named_anchor_and_is_removed(md: MarkdownIt) -> None:
    source = loaded(md, "---\ntitle: T\n---\nErster *Absatz*. ^peskow-verfassung\n")
    (paragraph,) = source.paragraphs
    assert paragraph.name == "peskow-verfassung"
    assert paragraph.anchors == ("p1", "peskow-verfassung")
    assert paragraph.text == "Erster Absatz."
    assert paragraph.markdown == "Erster *Absatz*."


def test_block_marker_in_a_list_item_and_a_quote(md: MarkdownIt) -> None:
    source = loaded(md, "---\ntitle: T\n---\n- Punkt ^punkt\n\n> Zitat ^zitat\n")
    assert dict(source.anchors) == {"p1": 1, "punkt": 1, "p2": 2, "zitat": 2}
    assert [p.text for p in source.paragraphs] == ["Punkt", "Zitat"]


def test_marker_inside_a_code_span_is_not_an_anchor(md: MarkdownIt) -> None:
    source = loaded(md, "---\ntitle: T\n---\nZweiter `^code`\n")
    (paragraph,) = source.paragraphs
    assert paragraph.name is None
    assert paragraph.text == "Zweiter ^code"
    assert paragraph.markdown == "Zweiter `^code`"
    assert dict(source.anchors) == {"p1": 1}


def test_marker_in_the_middle_of_a_paragraph_is_text(md: MarkdownIt) -> None:
    source = loaded(md, "---\ntitle: T\n---\nDer ^x Marker\n")
    assert source.paragraphs[0].name is None
    assert source.paragraphs[0].text == "Der ^x Marker"


def test_spans_count_file_lines_and_point_at_nested_content(md: MarkdownIt) -> None:
    text = "---\ntitle: T\nid: x\n---\n\nA\n\n  - Punkt\n\n> > tief\n\n1. eins\n"
    source = loaded(md, text)
    assert [p.span for p in source.paragraphs] == [
        Span(PATH, 6, 1),
        Span(PATH, 8, 5),
        Span(PATH, 10, 5),
        Span(PATH, 12, 4),
    ]


def test_file_without_front_matter_counts_from_line_one(md: MarkdownIt) -> None:
    source, problems = load(md, "A\n\nB\n")
    assert [p.span for p in source.paragraphs] == [Span(PATH, 1, 1), Span(PATH, 3, 1)]
    assert lines(problems) == [
        f"{PATH}:1:1 missing-front-matter: source has no front matter",
        f"{PATH}:1:1 missing-field: source has no 'title' (Headline of the source article.)",
    ]


def test_id_defaults_to_the_file_name_slug(md: MarkdownIt) -> None:
    source = loaded(md, "---\ntitle: T\n---\nA\n", "content/apa/Über Uns.md")
    assert source.id == "ueber-uns"
    assert source.path == "content/apa/Über Uns.md"
    assert source.id_span == Span("content/apa/Über Uns.md", 1, 1)


def test_id_in_front_matter_overrides_the_file_name(md: MarkdownIt) -> None:
    source = loaded(md, "---\ntitle: T\nid: kreml-gebiete\n---\nA\n", "content/x.md")
    assert source.id == "kreml-gebiete"
    assert source.id_span == Span("content/x.md", 3, 5)


def test_file_name_without_letters_gives_no_source(md: MarkdownIt) -> None:
    source, problems = load_source("content/???.md", b"---\ntitle: T\n---\nA\n", md)
    assert source is None
    assert lines(problems) == [
        "content/???.md:1:1 bad-file-name: "
        "the file name has no letters or digits to make an id from"
    ]


def test_default_source_fields(md: MarkdownIt) -> None:
    source = loaded(md, QUELLE)
    assert source.id == "quelle"
    assert source.title == "Kreml schließt Rückgabe aus"
    assert source.outlet == "Testagentur"
    assert source.published == PartialDate(2025, 2)
    assert source.url is None
    assert source.language is None
    assert source.based_on == ()
    assert source.kind == "original"
    assert (source.retrieved, source.archive_url) == (None, None)
    assert source.body_line == 6
    assert source.paragraphs[0].text.startswith('Der Status der Territorien sei "unbestreitbar')


def test_all_optional_fields_are_read(md: MarkdownIt) -> None:
    text = (
        "---\n"
        "title: Titel\n"
        "outlet: Agentur\n"
        "url: https://example.org/a\n"
        "published: 2025-02-27T14:30:00+01:00\n"
        "language: de-AT\n"
        "sources: [https://a.example, Agentur B]\n"
        "kind: agency\n"
        "based_on: [Agentur B, Agentur C]\n"
        "retrieved: 2025-02-28\n"
        "archive_url: https://archiv.example/a\n"
        "---\n"
        "A\n"
    )
    source = loaded(md, text)
    offset = datetime.timezone(datetime.timedelta(hours=1))
    assert source.title == "Titel"
    assert source.outlet == "Agentur"
    assert source.url == "https://example.org/a"
    assert source.published == PartialDate(
        2025, 2, 27, datetime.datetime(2025, 2, 27, 14, 30, tzinfo=offset)
    )
    assert source.language == "de-AT"
    # 'sources' is the older name of 'based_on': one list, each entry once
    assert source.based_on == ("Agentur B", "Agentur C", "https://a.example")
    assert source.kind == "agency"
    assert source.retrieved == PartialDate(2025, 2, 28)
    assert source.archive_url == "https://archiv.example/a"
    assert source.body_line == 13


def test_published_year_alone(md: MarkdownIt) -> None:
    assert loaded(md, "---\ntitle: T\npublished: 2025\n---\nA\n").published == PartialDate(2025)


def test_raw_html_is_kept_as_text(md: MarkdownIt) -> None:
    source = loaded(md, '---\ntitle: T\n---\nErster <ul style="x"> Absatz <script>x</script>.\n')
    assert source.paragraphs[0].text == 'Erster <ul style="x"> Absatz <script>x</script>.'


def test_block_level_html_is_a_paragraph_of_text(md: MarkdownIt) -> None:
    source = loaded(md, '---\ntitle: T\n---\n<div class="x">\nInhalt\n</div>\n')
    assert source.paragraphs[0].text == '<div class="x"> Inhalt </div>'


def test_duplicate_named_anchor_is_reported_where_it_is_repeated(md: MarkdownIt) -> None:
    text = "---\ntitle: T\n---\nErster ^eins\n\nZweiter\n\n- Dritter ^eins\n"
    source, problems = load(md, text)
    assert lines(problems) == [
        f"{PATH}:8:11 duplicate-anchor: anchor '^eins' is already used on line 4"
    ]
    assert problems[0].hint == "anchors are unique within a source; rename one of them"
    assert [p.name for p in source.paragraphs] == ["eins", None, None]
    assert source.paragraphs[2].text == "Dritter"
    assert dict(source.anchors) == {"p1": 1, "eins": 1, "p2": 2, "p3": 3}


def test_positional_name_as_marker_is_reserved(md: MarkdownIt) -> None:
    text = "---\ntitle: T\n---\nA\n\nB\n\nVierter ^p3\n"
    source, problems = load(md, text)
    assert lines(problems) == [
        f"{PATH}:8:9 reserved-anchor: "
        "'^p3' looks like a positional anchor; p1, p2, … are given by position"
    ]
    assert source.paragraphs[2].name is None
    assert source.paragraphs[2].text == "Vierter"
    assert source.paragraph("p3") == source.paragraphs[2]


def test_marker_on_a_continuation_line_is_located_there(md: MarkdownIt) -> None:
    text = "---\ntitle: T\n---\nErster ^a\n\n> Zeile eins\n> und zwei ^a\n"
    _, problems = load(md, text)
    assert lines(problems) == [
        f"{PATH}:7:12 duplicate-anchor: anchor '^a' is already used on line 4"
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("", "no paragraphs"),
        ("A\n", "p1"),
        ("A\n\nB\n\nC\n", "p1–p3"),
        ("A ^eins\n\nB\n\nC ^drei\n", "p1–p3, eins, drei"),
    ],
)
def test_anchor_range_names_what_exists(md: MarkdownIt, body: str, expected: str) -> None:
    assert loaded(md, "---\ntitle: T\n---\n" + body).anchor_range() == expected


def test_default_source_anchor_range(md: MarkdownIt) -> None:
    assert loaded(md, QUELLE).anchor_range() == "p1–p4, istanbul"


def test_a_plain_paragraph_keeps_one_string_for_its_text_markdown_and_quotable(
    md: MarkdownIt,
) -> None:
    # At 20,000 pages three equal copies of every paragraph were ~60 MB of memory and cache.
    source = loaded(md, QUELLE.replace("unbestreitbar", "*unbestreitbar*"))
    plain = [p for p in source.paragraphs if p.markdown == p.text]
    assert plain and all(p.markdown is p.text and p.quotable is p.text for p in plain)
    marked = [p for p in source.paragraphs if p.markdown != p.text]
    assert marked and marked[0].markdown.count("*") == 2
