"""A source paragraph cited by many briefs: its "Zitiert in" names the newest, and the listing
``sources/<id>/p<n>/`` (paginated) leads to every one, newest first."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.cli import main
from site_builder.render import pages
from tests.conftest import MakeSite
from tests.html_tree import Element, parse_html
from tests.sitefiles import brief

PER_PAGE = 5
CITING = 13  # p1's citing briefs: more than the box shows, three listing pages


def _brief(number: int) -> str:
    head = f"---\ntitle: Meldung {number}\ndate: 2025-02-{number:02d}\n---\n"
    return brief(f"Satz {number} zitiert [@quelle#p1].\n", head)


@pytest.fixture
def built(make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(pages, "CITING_PER_PAGE", PER_PAGE)
    files = {f"briefs/m{n:02d}.md": _brief(n) for n in range(1, CITING + 1)}
    files["briefs/wenige.md"] = brief("Nur hier [@quelle#istanbul].\n")
    root = make_site(files)
    out = tmp_path / "out"
    # --check-links: every link of the new pages (pager, briefs, the paragraph) resolves.
    assert main(["build", "--site", str(root), "--out", str(out), "--check-links"]) == 0
    return out


def _page(out: Path, page: str) -> Element:
    return parse_html((out / page / "index.html").read_text("utf-8"))


def test_the_box_names_the_newest_and_links_to_all(built: Path) -> None:
    box = _page(built, "sources/quelle").find_all(cls="cited-in")[0]
    assert box.tag == "details"
    assert box.find("summary").text() == f"Zitiert in {CITING} Meldungen"
    titles = [a.text() for a in box.find("ul").find_all("a")]
    newest = range(CITING, CITING - pages.CITED_IN_SHOWN, -1)
    assert titles == [f"Meldung {n}" for n in newest]
    everyone = box.find(cls="cited-in-all").find("a")
    assert everyone.attrs["href"] == "/sources/quelle/p1/"
    assert everyone.text() == f"Alle {CITING} Meldungen, die Absatz 1 zitieren"


def test_a_short_list_stays_whole_and_has_no_listing(built: Path) -> None:
    boxes = _page(built, "sources/quelle").find_all(cls="cited-in")
    assert [a.text() for a in boxes[1].find_all("a")] == ["Testmeldung"]
    assert not (built / "sources/quelle/p2").exists()


def test_the_listing_reaches_every_citing_brief_newest_first(built: Path) -> None:
    shown: list[str] = []
    page, pages_seen = "sources/quelle/p1/", 0
    while page:
        html = _page(built, page.strip("/"))
        pages_seen += 1
        cards = html.find(cls="brief-list").find_all("li")
        assert len(cards) <= PER_PAGE
        shown += [card.find("h2").find("a").attrs["href"] for card in cards]
        contexts = [card.find(cls="cited-context").text() for card in cards]
        assert all(text.startswith("„Satz ") for text in contexts)
        pager = html.find(cls="pager")
        assert f"Seite {pages_seen} von 3" in pager.text()
        following = [a for a in pager.find_all("a") if a.attrs.get("rel") == "next"]
        page = following[0].attrs["href"].lstrip("/") if following else ""
    assert pages_seen == 3
    assert shown == [f"/briefs/m{n:02d}/" for n in range(CITING, 0, -1)]


def test_the_listing_leads_back_to_the_paragraph_and_stays_out_of_the_sitemap(
    built: Path,
) -> None:
    first = _page(built, "sources/quelle/p1")
    links = [a.attrs["href"] for a in first.find("main").find_all("a")]
    assert "/sources/quelle/#p1" in links and "/sources/quelle/" in links
    assert first.find("blockquote").text().startswith("Der Status der Territorien")
    later = _page(built, "sources/quelle/p1/page/2")
    assert "Seite 2 von 3" in later.find("h1").text()
    sitemap = (built / "sitemap.xml").read_text("utf-8")
    assert "/sources/quelle/" in sitemap and "/sources/quelle/p1/" not in sitemap
