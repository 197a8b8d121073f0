"""Where a brief's citation markers stand: after the punctuation that follows the citation,
with no space before (``markdown_html.place_markers``, at load), labelled per source and
paragraph (``render_markdown.render_brief_body``, at render)."""

from __future__ import annotations

import re

import pytest

from site_builder.diagnostics import Span
from site_builder.load.markdown import create_markdown
from site_builder.load.markdown_html import brief_body_html
from site_builder.model import Paragraph, Source
from site_builder.render.render_markdown import BriefHtml, preview_text, render_brief_body
from site_builder.render.site_index import CitedParagraph, cited_sources, paragraph_letter

MD = create_markdown()
HOSTILE = '"><script>alert(1)</script>\u202e'


def _source(source_id: str, title: str = "Titel") -> Source:
    paragraphs = tuple(
        Paragraph(n, None, f"Text {n} von {source_id}", "", Span("q.md")) for n in (1, 2)
    )
    return Source(
        id=source_id,
        path=f"content/{source_id}.md",
        title=title,
        body_line=1,
        paragraphs=paragraphs,
        anchors={"p1": 1, "p2": 2},
        id_span=Span("q.md"),
        outlet="Agentur",
    )


A, B = _source("a"), _source("b", "Titel " + HOSTILE)
NUMBERS = {
    "a#p1": CitedParagraph(1, A, A.paragraphs[0], "p1", "a"),
    "a#p2": CitedParagraph(1, A, A.paragraphs[1], "p2", "b"),
    "b#p1": CitedParagraph(2, B, B.paragraphs[0], "p1"),
}


PREVIEWS = {(e.source.id, e.paragraph.index): preview_text(e) for e in NUMBERS.values()}


def _rendered(body: str, link: str = "/q") -> BriefHtml:
    """``body`` as loading makes it HTML, and render fills its slots."""
    html, runs = brief_body_html(MD.parse(body))
    return render_brief_body(html, runs, NUMBERS, lambda entry: link, PREVIEWS)


def _shown(body: str) -> str:
    """The rendered paragraph with each run of markers as ``^(labels)``."""
    html = _rendered(body).body
    runs = re.sub(
        r'<sup class="citations">\u2060(.*?)</sup>',
        lambda run: "^(" + ",".join(re.findall(r">([0-9a-z]+)</button>", run.group(1))) + ")",
        html,
    )
    return runs.removeprefix("<p>").removesuffix("</p>\n")


@pytest.mark.parametrize(
    ("markdown", "shown"),
    [
        ("Text [@a#p1].", "Text.^(1a)"),
        ("Text [@a#p1], mehr", "Text,^(1a) mehr"),
        ("Text [@a#p1]", "Text^(1a)"),  # at the end of the paragraph
        ("Text[@a#p1] mehr.", "Text^(1a) mehr."),
        ("„Zitat [@a#p1]“, sagte er.", "„Zitat“,^(1a) sagte er."),
        ("„Zitat“ [@a#p1].", "„Zitat“.^(1a)"),
        ("Und so weiter [@a#p1]… Dann", "Und so weiter…^(1a) Dann"),
        ("(laut Agentur [@a#p1]). Dann", "(laut Agentur).^(1a) Dann"),
        ("Text [@a#p1]?! Ja", "Text?!^(1a) Ja"),
        ("Text [@a#p1] [@b#p1].", "Text.^(1a,2)"),  # two groups: one run
        ("Text [@a#p1; @a#p2; @b#p1].", "Text.^(1a,1b,2)"),
        ("Text\n[@a#p1].", "Text.^(1a)"),  # a line break before it is a space too
        ("Text   \t[@a#p1] – mehr", "Text^(1a) – mehr"),  # a dash is no punctuation here
        ("[@a#p1] steht vorn.", "^(1a) steht vorn."),
        ("Text [@a#p1] .", "Text^(1a) ."),  # punctuation after a space stays where it is
        ("*Text* [@a#p1].", "<em>Text</em>.^(1a)"),
        ("`Code [@a#p1].`", "<code>Code [@a#p1].</code>"),  # code is text, not a citation
    ],
)
def test_markers_stand_after_the_punctuation_without_a_space_before(
    markdown: str, shown: str
) -> None:
    assert _shown(markdown) == shown


def test_hostile_text_around_a_marker_stays_text() -> None:
    shown = _shown(f"<b>böse</b> [@b#p1]{HOSTILE}")
    assert "<script" not in shown and "<b>" not in shown
    # '"' is a closing quote: it moves before the marker, escaped, the rest stays after it.
    assert shown.startswith("&lt;b&gt;böse&lt;/b&gt;&quot;^(2)&gt;&lt;script&gt;")
    assert shown.endswith("\u202e\u202c")  # the override is closed


def test_a_title_with_markup_stays_text_in_the_entry() -> None:
    rendered = _rendered("Text [@b#p1].")
    assert 'aria-label="Quelle 2">2</button>' in rendered.body
    entry = rendered.entries["2"]
    assert "<cite>Agentur: Titel &quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in entry
    assert "<script" not in rendered.body + entry


def test_every_marker_has_its_own_id_and_opens_the_preview_of_its_paragraph() -> None:
    rendered = _rendered("Eins [@a#p1]. Zwei [@a#p2; @a#p1].", "/q?von=x#p1")
    found = re.findall(r'id="(zitat-\d+)" popovertarget="(vorschau-\w+)"', rendered.body)
    assert found == [
        ("zitat-1", "vorschau-1a"),
        ("zitat-2", "vorschau-1b"),
        ("zitat-3", "vorschau-1a"),
    ]
    assert rendered.markers == {"1a": (1, 3), "1b": (2,)}
    # One entry per cited paragraph (also the preview), however often it is cited; the
    # brief's text stays alone.
    entries = rendered.entries["1a"] + rendered.entries["1b"]
    assert re.findall(r'<div class="citation-preview" id="([^"]+)" popover', entries) == [
        "vorschau-1a",
        "vorschau-1b",
    ]
    assert entries.count("Text 1 von a") == 1
    assert 'href="/q?von=x#p1">Zur Quelle</a>' in rendered.entries["1a"]
    assert 'href="#quelle-1a">in der Quellenliste</a>' in rendered.entries["1a"]
    back = re.findall(r'<a class="backlink" href="#(zitat-\d+)"', rendered.entries["1a"])
    assert back == ["zitat-1", "zitat-3"]


@pytest.mark.parametrize(
    ("position", "letter"), [(1, "a"), (2, "b"), (26, "z"), (27, "aa"), (28, "ab"), (703, "aaa")]
)
def test_paragraph_letters_never_repeat(position: int, letter: str) -> None:
    assert paragraph_letter(position) == letter


def test_cited_sources_group_paragraphs_by_source_in_letter_order() -> None:
    entries = [NUMBERS["b#p1"], NUMBERS["a#p2"], NUMBERS["a#p1"]]
    grouped = cited_sources(entries)
    assert [(s.number, s.source.id, [p.label for p in s.paragraphs]) for s in grouped] == [
        (1, "a", ["1a", "1b"]),
        (2, "b", ["2"]),
    ]
