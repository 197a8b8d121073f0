"""What each page holds, checked against SPEC §6 on the golden fixture site and small sites."""

from __future__ import annotations

import html.parser
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from site_builder.cli import main
from tests.conftest import MakeSite
from tests.html_tree import Element, read_page
from tests.sitefiles import brief

GOLDEN_SITE = Path(__file__).parent / "fixtures" / "golden-site"
BASE = "https://example.org/news/"
KREML = "briefs/kreml-schliesst-aus/index.html"


def build_site(site: Path, out: Path, *extra: str) -> Path:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1740787200")
        args = ["build", "--site", str(site), "--out", str(out), "--check-links", *extra]
        assert main(args) == 0
    return out


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(GOLDEN_SITE, tmp_path_factory.mktemp("pages") / "public", "--frozen")


@pytest.fixture(scope="module")
def with_drafts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("drafts") / "public"
    return build_site(GOLDEN_SITE, out, "--frozen", "--drafts")


def main_of(page: Element) -> Element:
    return page.find("main")


def card_titles(main: Element) -> list[str]:
    """The titles of the brief cards of a listing: the lead's ``h2``, the others' ``h3``
    on the first home page, ``h2`` elsewhere."""
    return [c.find("a").text() for c in main.find_all("article")]


# --- home ----------------------------------------------------------------------------------


def test_home_lists_briefs_newest_first_with_date_summary_tags_and_source_count(
    golden: Path,
) -> None:
    main = main_of(read_page(golden / "index.html"))
    cards = main.find_all("article")
    assert "lead-story" in cards[0].classes  # the newest brief leads the page
    assert [c.tag for c in main.find_all() if c.tag in ("h2", "h3")] == ["h2", "h2", "h3"]
    assert card_titles(main) == [
        "Kreml: Gebiete „nicht verhandelbar“",
        "Türkei bietet Vermittlung an",
    ]
    first = cards[0]
    assert first.find("a").attrs["href"] == "/news/briefs/kreml-schliesst-aus/"
    assert first.find("time").attrs["datetime"] == "2025-02-27"
    assert "Moskau schließt eine Rückgabe" in first.find(cls="summary").text()
    assert "2 Quellen" in first.text()  # quelle and zweite, though 4 paragraphs are cited
    assert "1 Quelle" in cards[1].text()


def test_tags_of_a_listing_use_the_merged_spelling(golden: Path) -> None:
    cards = main_of(read_page(golden / "index.html")).find_all("article")
    tags = [[(a.text(), a.attrs["href"]) for a in c.find(cls="tags").find_all("a")] for c in cards]
    assert tags == [
        [("Ukraine", "/news/tags/ukraine/"), ("Russland", "/news/tags/russland/")],
        [("Ukraine", "/news/tags/ukraine/"), ("Türkei", "/news/tags/tuerkei/")],
    ]


def test_home_is_paginated_from_21_briefs(make_site: MakeSite, tmp_path: Path) -> None:
    files = {
        f"briefs/b{n:02}.md": brief(
            f"Text {n} [@quelle#p1].\n", f"---\ntitle: Meldung {n}\ndate: 2025-01-{n:02}\n---\n"
        )
        for n in range(1, 24)
    }
    out = build_site(make_site(files), tmp_path / "public")
    first = main_of(read_page(out / "index.html"))
    second = main_of(read_page(out / "page/2/index.html"))
    assert card_titles(first) == [f"Meldung {n}" for n in range(23, 3, -1)]
    assert card_titles(second) == ["Meldung 3", "Meldung 2", "Meldung 1"]
    assert second.find("h1").text() == "Meldungen – Seite 2 von 2"
    assert [(a.attrs["rel"], a.attrs["href"]) for a in first.find_all("a") if "rel" in a.attrs] == [
        ("next", "/page/2/")
    ]
    assert [
        (a.attrs["rel"], a.attrs["href"]) for a in second.find_all("a") if "rel" in a.attrs
    ] == [("prev", "/")]
    assert not (out / "page/1").exists() and not (out / "page/3").exists()


def test_a_tag_is_paginated_like_the_home_page(make_site: MakeSite, tmp_path: Path) -> None:
    """A tag of a large site has thousands of briefs: twenty to a page, each once."""
    files = {
        f"briefs/b{n:02}.md": brief(
            f"Text {n} [@quelle#p1].\n",
            f"---\ntitle: Meldung {n}\ndate: 2025-01-{n:02}\ntags: [Ukraine]\n---\n",
        )
        for n in range(1, 24)
    }
    out = build_site(make_site(files), tmp_path / "public")
    first = main_of(read_page(out / "tags/ukraine/index.html"))
    second = main_of(read_page(out / "tags/ukraine/page/2/index.html"))
    assert card_titles(first) == [f"Meldung {n}" for n in range(23, 3, -1)]
    assert card_titles(second) == ["Meldung 3", "Meldung 2", "Meldung 1"]
    assert first.find("h1").text() == "Thema: Ukraine"
    assert second.find("h1").text() == "Thema: Ukraine – Seite 2 von 2"
    assert [(a.attrs["rel"], a.attrs["href"]) for a in first.find_all("a") if "rel" in a.attrs] == [
        ("next", "/tags/ukraine/page/2/")
    ]
    assert [
        (a.attrs["rel"], a.attrs["href"]) for a in second.find_all("a") if "rel" in a.attrs
    ] == [("prev", "/tags/ukraine/")]
    assert not (out / "tags/ukraine/page/3").exists()
    assert "/tags/ukraine/page/2/" in (out / "sitemap.xml").read_text("utf-8")


def test_briefs_of_the_same_day_are_in_slug_order(make_site: MakeSite, tmp_path: Path) -> None:
    head = "---\ntitle: {}\ndate: 2025-01-02\n---\n"
    files = {f"briefs/{n}.md": brief("T [@quelle#p1].\n", head.format(n)) for n in "cab"}
    files["briefs/neu.md"] = brief("T [@quelle#p1].\n", "---\ntitle: neu\ndate: 2025-01-03\n---\n")
    out = build_site(make_site(files), tmp_path / "public")
    assert card_titles(main_of(read_page(out / "index.html"))) == ["neu", "a", "b", "c"]


# --- brief ---------------------------------------------------------------------------------


def test_brief_cites_with_markers_that_open_a_preview_of_the_paragraph(golden: Path) -> None:
    page = read_page(golden / KREML)
    markers = [
        (b.text(), b.attrs["id"], b.attrs["popovertarget"])
        for b in page.find(cls="brief-body").find_all("button", cls="citation")
    ]
    assert markers == [
        ("1a", "zitat-1", "vorschau-1a"),
        ("1b", "zitat-2", "vorschau-1b"),  # cited as #istanbul: the paragraph's own number
        ("1c", "zitat-3", "vorschau-1c"),
        ("2", "zitat-4", "vorschau-2"),
    ]
    preview = page.by_id("vorschau-1a")
    assert "popover" in preview.attrs
    assert "unbestreitbar und nicht verhandelbar" in preview.find("blockquote").text()
    links = [(a.text(), a.attrs["href"]) for a in preview.find_all("a")]
    assert links[-2:] == [
        ("Zur Quelle", "/news/sources/quelle/?von=kreml-schliesst-aus#p1"),
        ("in der Quellenliste", "#quelle-1a"),
    ]


ENTRIES = ("quelle-1", "quelle-2", "quelle-3")


def test_brief_lists_each_source_once_with_its_cited_paragraphs(golden: Path) -> None:
    page = read_page(golden / KREML)
    section = page.find("section", cls="sources")
    assert section.find("h2").text() == "Quellen"
    entries = [li for li in section.find("ol").find_all("li") if li.attrs.get("id") in ENTRIES]
    assert [li.attrs["id"] for li in entries] == ["quelle-1", "quelle-2"]
    first, second = entries
    meta = first.find(cls="source-meta")
    assert meta.text().startswith("Testagentur: Kreml schließt Rückgabe aus, 26. Februar 2025")
    hrefs = [a.attrs["href"] for a in meta.find_all("a")]
    assert hrefs == ["/news/sources/quelle/", "https://example.com/artikel/kreml"]
    items = first.find(cls="source-paragraphs").find_all("li")
    assert [li.attrs["id"] for li in items] == ["quelle-1a", "quelle-1b", "quelle-1c"]
    assert items[0].find("blockquote").text() == (
        '„Der Status der Territorien sei "unbestreitbar und nicht verhandelbar", sagte Peskow.“'
    )
    # The entry is the preview its markers open: links back to them, on to the paragraph.
    assert [(a.text(), a.attrs["href"]) for a in items[0].find_all("a")] == [
        ("↑", "#zitat-1"),
        ("Zur Quelle", "/news/sources/quelle/?von=kreml-schliesst-aus#p1"),
        ("in der Quellenliste", "#quelle-1a"),
    ]
    assert "popover" in items[0].find(cls="citation-preview").attrs
    # A source with one cited paragraph: its entry is the paragraph's target.
    [only] = second.find(cls="source-paragraphs").find_all("li")
    assert "id" not in only.attrs
    assert next(a.attrs["href"] for a in only.find_all("a")) == "#zitat-4"


def test_brief_shows_corrections_above_the_body_with_update_and_tags(golden: Path) -> None:
    article = read_page(golden / KREML).find("article")
    order = [e for e in article.iter() if {"corrections", "brief-body"} & set(e.classes)]
    assert [e.classes[0] for e in order] == ["corrections", "brief-body"]
    corrections = article.find(cls="corrections")
    assert corrections.text() == (
        "Korrektur 28. Februar 2025: Eine frühere Fassung nannte den falschen Ort des Treffens."
    )
    header = article.find("header")
    assert "aktualisiert am 28. Februar 2025" in header.text()
    assert "Redaktion, Anna Beispiel" in header.text()
    tags = [a.text() for a in article.find("ul", cls="tags").find_all("a")]
    assert tags == ["Ukraine", "Russland"]


def test_brief_json_ld_is_a_news_article_with_citations_and_corrections(golden: Path) -> None:
    [script] = [
        s
        for s in read_page(golden / KREML).find_all("script")
        if s.attrs["type"] == "application/ld+json"
    ]
    data = json.loads(script.text())
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Kreml: Gebiete „nicht verhandelbar“"
    assert data["mainEntityOfPage"] == BASE + "briefs/kreml-schliesst-aus/"
    assert (data["datePublished"], data["dateModified"]) == ("2025-02-27", "2025-02-28")
    # One work per cited source, named and linked, without the paragraphs' text.
    assert [(c["name"], c["url"]) for c in data["citation"]] == [
        ("Kreml schließt Rückgabe aus", "https://example.com/artikel/kreml"),
        ("Türkei will vermitteln", BASE + "sources/zweite/"),
    ]
    assert not [c for c in data["citation"] if "text" in c]
    assert data["correction"] == [
        {
            "@type": "CorrectionComment",
            "datePublished": "2025-02-28",
            "text": "Eine frühere Fassung nannte den falschen Ort des Treffens.",
        }
    ]
    assert data["publisher"] == {"@type": "Organization", "name": "Testseite", "url": BASE}


def test_a_paragraph_cited_by_number_and_by_name_is_one_source(
    make_site: MakeSite, tmp_path: Path
) -> None:
    body = "Erst [@quelle#p2], dann [@quelle#istanbul; @quelle#p1], wieder [@quelle#p2].\n"
    out = build_site(make_site({"briefs/b.md": brief(body)}), tmp_path / "public")
    page = read_page(out / "briefs/b/index.html")
    markers = [b.text() for b in page.find(cls="brief-body").find_all("button", cls="citation")]
    assert markers == ["1a", "1a", "1b", "1a"]  # lettered in the order first cited
    assert len(page.find("section", cls="sources").find_all(cls="source-paragraphs")) == 1
    assert "1 Quelle" in (out / "index.html").read_text("utf-8")
    data = json.loads(page.find("script").text())
    assert len(data["citation"]) == 1


# --- source --------------------------------------------------------------------------------


def test_source_has_an_anchor_and_a_numbered_permalink_on_every_paragraph(golden: Path) -> None:
    body = read_page(golden / "sources/quelle/index.html").find(cls="source-body")
    paragraphs = [p for p in body.find_all("p") if p.attrs.get("id", "").startswith("p")]
    assert [p.attrs["id"] for p in paragraphs] == ["p1", "p2", "p3", "p4", "p5"]
    for number, p in enumerate(paragraphs, start=1):
        links = p.find_all("a", cls="permalink")
        assert [a.attrs["href"] for a in links] == [f"#p{number}"]
        # The number comes first, from data-n: empty text, so a copied selection has none.
        assert p.children[0] is links[0]
        assert (links[0].attrs["data-n"], links[0].text()) == (str(number), "")
        assert links[0].attrs["aria-label"] == f"Absatz {number}"
    assert body.by_id("istanbul") in list(paragraphs[1].iter())  # the ^name target
    assert "^istanbul" not in body.text()
    assert body.by_id("reaktionen").tag == "h2"
    assert paragraphs[3].text().startswith("Ein Sprecher nannte sie <b>lächerlich</b>.")


def test_source_shows_cited_in_with_the_citing_sentence_under_cited_paragraphs_only(
    golden: Path,
) -> None:
    body = read_page(golden / "sources/quelle/index.html").find(cls="source-body")
    cited = {}
    for block in body.find_all(cls="cited-in"):
        owner = _previous_paragraph(body, block)
        cited[owner] = [li.text() for li in block.find_all("li")]
    assert cited == {
        "p1": [
            "Kreml: Gebiete „nicht verhandelbar“: „Der Kreml nennt den Status der Gebiete "
            "‚unbestreitbar und nicht verhandelbar‘.“"
        ],
        "p2": [
            "Kreml: Gebiete „nicht verhandelbar“: "
            "„In Istanbul trafen sich Vertreter beider Länder.“"
        ],
        "p3": ["Kreml: Gebiete „nicht verhandelbar“: „Kiew weist die Erklärung zurück.“"],
    }
    assert "Entwurf" not in body.text()  # the draft cites p2 but is not published


def _previous_paragraph(body: Element, block: Element) -> str:
    last = ""
    for element in body.iter():
        if element is block:
            return last
        if element.tag == "p" and element.attrs.get("id", "").startswith("p"):
            last = element.attrs["id"]
    raise AssertionError("block not in body")


def test_cited_in_lists_the_newest_brief_first(make_site: MakeSite, tmp_path: Path) -> None:
    head = "---\ntitle: {}\ndate: {}\n---\n"
    files = {
        "briefs/alt.md": brief("Alt [@quelle#p1].\n", head.format("Alt", "2025-01-01")),
        "briefs/neu.md": brief("Neu [@quelle#p1].\n", head.format("Neu", "2025-02-01")),
    }
    out = build_site(make_site(files), tmp_path / "public")
    block = read_page(out / "sources/quelle/index.html").find(cls="cited-in")
    assert [li.find("a").text() for li in block.find_all("li")] == ["Neu", "Alt"]


def _cited_in_items(out: Path) -> list[str]:
    block = read_page(out / "sources/quelle/index.html").find(cls="cited-in")
    return [li.text() for li in block.find_all("li")]


def test_cited_in_names_a_brief_once_with_its_first_sentence_and_how_many_more(
    make_site: MakeSite, tmp_path: Path
) -> None:
    head = "---\ntitle: {}\ndate: {}\n---\n"
    body = "Erstens [@quelle#p1]. Zweitens [@quelle#p2]. Drittens [@quelle#istanbul; @quelle#p1].\n"
    files = {
        "briefs/drei.md": brief(body, head.format("Drei", "2025-02-01")),
        "briefs/zwei.md": brief(
            "Eins [@quelle#p1]. Zwei [@quelle#p1].\n", head.format("Zwei", "2025-01-02")
        ),
        "briefs/eine.md": brief(
            "Nur [@quelle#p1]. Nur [@quelle#p1].\n", head.format("Eine", "2025-01-01")
        ),
    }
    out = build_site(make_site(files), tmp_path / "public")
    assert _cited_in_items(out) == [
        "Drei: „Erstens.“ +1 weitere Stelle",
        "Zwei: „Eins.“ +1 weitere Stelle",
        "Eine: „Nur.“",  # the same sentence twice is one place
    ]
    p2 = read_page(out / "sources/quelle/index.html").find_all(cls="cited-in")[1]
    assert [li.text() for li in p2.find_all("li")] == ["Drei: „Zweitens.“ +1 weitere Stelle"]


def test_cited_in_folds_when_more_than_three_briefs_cite_a_paragraph(
    make_site: MakeSite, tmp_path: Path
) -> None:
    head = "---\ntitle: Meldung {0}\ndate: 2025-02-0{0}\n---\n"
    files = {
        f"briefs/m{n}.md": brief(f"Satz {n} [@quelle#p1].\n", head.format(n)) for n in range(1, 5)
    }
    site = make_site(files)
    out = build_site(site, tmp_path / "public")
    block = read_page(out / "sources/quelle/index.html").find(cls="cited-in")
    assert block.tag == "details" and "open" not in block.attrs
    assert block.find("summary").text() == "Zitiert in 4 Meldungen"
    assert len(block.find_all("li")) == 4
    (site / "briefs/m4.md").unlink()
    out = build_site(site, tmp_path / "public3")
    assert read_page(out / "sources/quelle/index.html").find(cls="cited-in").tag == "div"


def test_cited_in_links_carry_the_brief_slug_for_the_way_back(golden: Path) -> None:
    block = read_page(golden / "sources/quelle/index.html").find(cls="cited-in")
    link = block.find("a")
    assert link.attrs["href"] == "/news/briefs/kreml-schliesst-aus/"
    assert link.attrs["data-brief"] == "kreml-schliesst-aus"


def test_source_header_names_outlet_date_and_original_url(golden: Path) -> None:
    header = read_page(golden / "sources/quelle/index.html").find("article").find("header")
    assert "Testagentur" in header.text()
    assert header.find("time").attrs["datetime"] == "2025-02-26"
    assert "https://example.com/artikel/kreml" in [a.attrs["href"] for a in header.find_all("a")]


def test_source_header_says_what_kind_of_text_it_is(make_site: MakeSite, tmp_path: Path) -> None:
    """A reader of a source page learns it is an aggregator's copy, not the original."""
    aggregated = "---\ntitle: Q\noutlet: Portal\nkind: aggregator\n---\nText.\n"
    out = build_site(make_site({"content/portal.md": aggregated}), tmp_path / "public")
    kicker = read_page(out / "sources/portal/index.html").find(cls="kicker").text()
    assert kicker == "Quelle: Portal · Nachrichtenaggregator"
    original = read_page(out / "sources/quelle/index.html").find(cls="kicker").text()
    assert "·" not in original


def test_source_header_names_the_byline_escaped(make_site: MakeSite, tmp_path: Path) -> None:
    """The byline ``import`` stores (``authors``) is shown on the source page, as text."""
    quelle = "---\ntitle: Q\noutlet: Portal\nauthors: [Anna Beispiel, '<b>Ben</b>']\n---\nText.\n"
    out = build_site(make_site({"content/quelle.md": quelle}), tmp_path / "public")
    page = (out / "sources/quelle/index.html").read_text(encoding="utf-8")
    meta = read_page(out / "sources/quelle/index.html").find("article").find(cls="meta")
    assert "von Anna Beispiel, <b>Ben</b>" in meta.text()
    assert "<b>Ben</b>" not in page


def test_citation_syntax_in_a_source_is_its_text(make_site: MakeSite, tmp_path: Path) -> None:
    quelle = "---\ntitle: Q\n---\nFolgen Sie [@handle] und [@x#p1; @y] auf X.\n\nZweiter.\n"
    site = make_site({"content/quelle.md": quelle, "briefs/b.md": brief("Text [@quelle#p2].\n")})
    out = build_site(site, tmp_path / "public")
    p1 = read_page(out / "sources/quelle/index.html").by_id("p1")
    assert p1.text() == "Folgen Sie [@handle] und [@x#p1; @y] auf X."


def test_ids_on_a_source_page_are_unique(make_site: MakeSite, tmp_path: Path) -> None:
    quelle = (
        "---\ntitle: Q\n---\n## Inhalt\n\nEins.\n\n## Inhalt\n\nZwei. ^zwei\n\n## P1\n\n## Zwei\n"
    )
    site = make_site({"content/quelle.md": quelle, "briefs/b.md": brief("Text [@quelle#p2].\n")})
    page = read_page(build_site(site, tmp_path / "public") / "sources/quelle/index.html")
    ids = page.ids()
    assert len(ids) == len(set(ids)), ids
    headings = [h.attrs["id"] for h in page.find(cls="source-body").find_all("h2")]
    assert headings == ["inhalt-2", "inhalt-3", "p1-2", "zwei-2"]


def test_sources_index_lists_every_source_with_outlet_and_date(golden: Path) -> None:
    items = main_of(read_page(golden / "sources/index.html")).find("ul").find_all("li")
    assert [(li.find("a").text(), li.find("a").attrs["href"]) for li in items] == [
        ("Kreml schließt Rückgabe aus", "/news/sources/quelle/"),
        ("Türkei will vermitteln", "/news/sources/zweite/"),
    ]
    assert "Testagentur, 26. Februar 2025" in items[0].text()


# --- tags and drafts -----------------------------------------------------------------------


def test_tag_spellings_share_one_page(golden: Path) -> None:
    assert sorted(p.name for p in (golden / "tags").iterdir() if p.is_dir()) == [
        "russland",
        "tuerkei",
        "ukraine",
    ]
    tag = main_of(read_page(golden / "tags/ukraine/index.html"))
    assert tag.find("h1").text() == "Thema: Ukraine"
    assert [h.text() for h in tag.find_all("h2")] == [
        "Kreml: Gebiete „nicht verhandelbar“",
        "Türkei bietet Vermittlung an",
    ]
    index = main_of(read_page(golden / "tags/index.html"))
    assert [li.text() for li in index.find_all("li")] == [
        "Russland (1)",
        "Türkei (1)",
        "Ukraine (2)",
    ]


def test_a_tag_without_latin_letters_gets_a_page(make_site: MakeSite, tmp_path: Path) -> None:
    head = "---\ntitle: T\ndate: 2025-01-01\ntags: [Путин, Зеленский, '!!!', Ukraine]\n---\n"
    out = build_site(
        make_site({"briefs/b.md": brief("Text [@quelle#p1].\n", head)}), tmp_path / "p"
    )
    links = read_page(out / "briefs/b/index.html").find("ul", cls="tags").find_all("a")
    names = [(a.text(), a.attrs["href"]) for a in links]
    assert [n for n, _ in names] == ["Путин", "Зеленский", "!!!", "Ukraine"]
    hrefs = [h for _, h in names]
    assert len(set(hrefs)) == 4
    assert all(re.fullmatch(r"/tags/[a-z0-9-]+/", h) for h in hrefs), hrefs
    assert read_page(out / hrefs[0][1:] / "index.html").find("h1").text() == "Thema: Путин"


def test_drafts_are_published_only_with_drafts(golden: Path, with_drafts: Path) -> None:
    assert not (golden / "briefs/entwurf").exists()
    assert not (golden / "tags/entwurf").exists()
    for name in ("index.html", "feed.xml", "sitemap.xml", "sources/quelle/index.html"):
        assert "entwurf" not in (golden / name).read_text("utf-8").lower(), name
    assert (with_drafts / "briefs/entwurf/index.html").is_file()
    assert (with_drafts / "tags/entwurf/index.html").is_file()
    home = [h.text() for h in main_of(read_page(with_drafts / "index.html")).find_all("h2")]
    assert home[0] == "Ein Entwurf"


# --- sub-path base_url ---------------------------------------------------------------------


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.absolute: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("href", "src", "action"):
            if values.get(name) is not None:
                self.links.append(values[name] or "")
        if tag == "meta" and values.get("property") == "og:url":
            self.absolute.append(values["content"] or "")
        if tag == "link" and values.get("rel") == "canonical":
            self.absolute.append(values["href"] or "")


def test_every_internal_link_lives_under_the_sub_path(golden: Path) -> None:
    pages = sorted(golden.rglob("*.html"))
    for page in pages:
        parser = _Links()
        parser.feed(page.read_text("utf-8"))
        internal = [
            link
            for link in parser.links
            if not re.match(r"[a-z]+:", link) and not link.startswith("#")
        ]
        assert internal, page
        assert [link for link in internal if not link.startswith("/news/")] == [], page
        if page.name == "404.html":
            continue  # served at any address: it names none (see the 404 test)
        assert len(parser.absolute) == 2 and all(u.startswith(BASE) for u in parser.absolute), page


def test_feed_and_sitemap_urls_are_absolute_under_the_sub_path(golden: Path) -> None:
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(golden / "feed.xml").getroot()
    urls = [link.get("href", "") for link in feed.iter(f"{atom}link")]
    urls += [i.text or "" for i in feed.iter(f"{atom}id")]
    assert len(urls) == 7 and all(u.startswith(BASE) for u in urls), urls
    sitemap = ET.parse(golden / "sitemap.xml").getroot()
    locs = [
        loc.text or "" for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    ]
    assert len(locs) == 10 and all(u.startswith(BASE) for u in locs), locs
    assert (golden / "robots.txt").read_text("utf-8").endswith(f"Sitemap: {BASE}sitemap.xml\n")


def test_404_page_works_from_any_address(golden: Path) -> None:
    parser = _Links()
    parser.feed((golden / "404.html").read_text("utf-8"))
    relative = [link for link in parser.links if not link.startswith(("/", "#", "http"))]
    assert relative == []  # served for any missing URL, so no link may be relative
    # It has no address of its own: no canonical URL or og:url, and kept out of search engines.
    assert parser.absolute == []
    page = read_page(golden / "404.html")
    robots = [m for m in page.find_all("meta") if m.attrs.get("name") == "robots"]
    assert [m.attrs["content"] for m in robots] == ["noindex"]
