""" "Zitiert in" under a source paragraph: one entry per citing brief, the shown sentence set
German-style inside „…“ (nested quotes as ‚…‘), folded when long, every text escaped."""

from __future__ import annotations

import pytest

from site_builder.model import Brief
from site_builder.render.render_markdown import cited_in_html, nest_quotes
from site_builder.render.site_index import Citing
from tests.html_tree import parse_html


@pytest.mark.parametrize(
    ("text", "nested"),
    [
        ("Er nannte es „lächerlich“.", "Er nannte es ‚lächerlich‘."),
        ("„Wir sind bereit“, sagte er.", "‚Wir sind bereit‘, sagte er."),
        ("„Er sprach von ‚Problemen‘“, hieß es.", "‚Er sprach von „Problemen“‘, hieß es."),
        ('Er sagte "nein" und ging.', "Er sagte ‚nein‘ und ging."),
        ('"Ja", sagte er ("sofort").', "‚Ja‘, sagte er (‚sofort‘)."),
        ("»Ja«, sagte er.", "›Ja‹, sagte er."),
        ("Putin’s Plan und Selenskyjs Antwort.", "Putin’s Plan und Selenskyjs Antwort."),
        ("Ohne Anführungszeichen.", "Ohne Anführungszeichen."),
    ],
)
def test_a_sentence_inside_german_quotes_nests_its_own_quotes(text: str, nested: str) -> None:
    assert nest_quotes(text) == nested


def _brief(slug: str, title: str) -> Brief:
    return Brief(f"briefs/{slug}.md", slug, title, None, 1, (), ())


def _link(citing: Citing) -> str:
    return f"/briefs/{citing.brief.slug}/"


def test_each_brief_is_listed_once_with_its_first_sentence_and_the_count_of_the_rest() -> None:
    citing = [
        Citing(_brief("a", "Meldung A"), ("Erster „Satz“.", "Zweiter.", "Dritter.")),
        Citing(_brief("b", "Meldung B"), ("Einziger.",)),
        Citing(_brief("c", "Meldung C"), ("Eins.", "Zwei.")),
    ]
    block = parse_html(cited_in_html(citing, _link)).find(cls="cited-in")
    assert block.tag == "div"
    assert block.find(cls="cited-in-label").text() == "Zitiert in:"
    assert [li.text() for li in block.find_all("li")] == [
        "Meldung A: „Erster ‚Satz‘.“ +2 weitere Stellen",
        "Meldung B: „Einziger.“",
        "Meldung C: „Eins.“ +1 weitere Stelle",
    ]
    links = [li.find("a") for li in block.find_all("li")]
    assert [(a.attrs["href"], a.attrs["data-brief"]) for a in links] == [
        ("/briefs/a/", "a"),
        ("/briefs/b/", "b"),
        ("/briefs/c/", "c"),
    ]


def test_more_than_three_briefs_fold_into_a_closed_details() -> None:
    citing = [Citing(_brief(f"m{n}", f"Meldung {n}"), ("Satz.",)) for n in range(1, 6)]
    block = parse_html(cited_in_html(citing, _link)).find(cls="cited-in")
    assert block.tag == "details" and "open" not in block.attrs
    assert block.find("summary").text() == "Zitiert in 5 Meldungen"
    assert len(block.find_all("li")) == 5


def test_nothing_cites_nothing_shows() -> None:
    assert cited_in_html([], _link) == ""


def test_titles_sentences_and_slugs_are_escaped() -> None:
    hostile = '"><script>alert(1)</script>'
    citing = [Citing(_brief(hostile, hostile), (hostile,))]
    html = cited_in_html(citing, lambda c: "/briefs/x/")
    assert "<script>" not in html
    assert 'data-brief="&quot;&gt;&lt;script&gt;' in html
