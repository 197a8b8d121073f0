"""The site's own pages (``pages/*.md`` → ``/<slug>/``): rendered in the theme, linked from
every page's footer, checked like briefs, never written over the site's own folders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from site_builder.cli import main
from site_builder.serve.watch import snapshot
from tests.conftest import MakeSite
from tests.html_tree import read_page
from tests.sitefiles import brief

IMPRESSUM = """---
title: Impressum
description: Wer diese Seite herausgibt.
---
Herausgeberin: Beispiel-Redaktion, Musterstraße 1, 1010 Wien.

Verantwortlich für den Inhalt: [Redaktion](mailto:redaktion@example.org).
"""
HOW_WE_WORK = """---
title: So arbeiten wir
---
Jede Aussage verweist auf einen Absatz.
"""


def build(site: Path, out: Path, *extra: str) -> int:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1740787200")
        return main(["build", "--site", str(site), "--out", str(out), "--check-links", *extra])


def check_json(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, list[dict[str, object]]]:
    code = main(["check", "--site", str(site), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    return code, report["diagnostics"]


def test_a_page_is_rendered_in_the_theme_at_its_own_address(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = make_site({"pages/impressum.md": IMPRESSUM})
    assert build(site, tmp_path / "out") == 0
    page = read_page(tmp_path / "out/impressum/index.html")
    assert page.find("h1").text() == "Impressum"
    assert "Musterstraße 1" in page.find("main").text()
    assert page.find("header", cls="site-header")  # the site's masthead
    head = (tmp_path / "out/impressum/index.html").read_text("utf-8")
    assert '<meta name="description" content="Wer diese Seite herausgibt.">' in head
    assert '<link rel="canonical" href="https://example.org/impressum/">' in head
    sitemap = (tmp_path / "out/sitemap.xml").read_text("utf-8")
    assert "<loc>https://example.org/impressum/</loc>" in sitemap


def test_every_page_links_the_site_pages_from_its_footer_in_title_order(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = make_site(
        {
            "pages/so-arbeiten-wir.md": HOW_WE_WORK,
            "pages/rechtliches/impressum.md": IMPRESSUM,
            "briefs/a.md": brief("Text [@quelle#p1].\n"),
        }
    )
    out = tmp_path / "out"
    assert build(site, out) == 0
    for path in ("index.html", "briefs/a/index.html", "sources/quelle/index.html", "404.html"):
        footer = read_page(out / path).find("footer")
        links = [(a.text(), a.attrs["href"]) for a in footer.find_all("a")]
        assert ("Impressum", "/impressum/") in links, path
        assert links.index(("Impressum", "/impressum/")) < links.index(
            ("So arbeiten wir", "/so-arbeiten-wir/")
        )
    own = read_page(out / "impressum/index.html").find("footer")
    [current] = [a for a in own.find_all("a") if a.attrs.get("aria-current") == "page"]
    assert current.text() == "Impressum"


def test_a_page_is_text_the_site_controls_hostile_markup_is_not(
    make_site: MakeSite, tmp_path: Path
) -> None:
    body = (
        "---\ntitle: Datenschutz\n---\n<script>alert(1)</script> "
        "[Klick](javascript:alert(1)) [@quelle#p1] ![Bild](https://example.org/x.png)\n"
    )
    site = make_site({"pages/datenschutz.md": body})
    assert build(site, tmp_path / "out") == 0
    html = (tmp_path / "out/datenschutz/index.html").read_text("utf-8")
    main_html = html[html.index("<main") : html.index("</main>")]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in main_html
    assert "<script" not in main_html and 'href="javascript:' not in main_html
    assert "[@quelle#p1]" in main_html  # a citation means nothing on a site page
    assert "<img" not in main_html and "[Bild: Bild]" in main_html


def test_a_changed_page_title_reaches_every_footer_in_the_next_build(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = make_site(
        {"pages/impressum.md": IMPRESSUM, "briefs/a.md": brief("Text [@quelle#p1].\n")}
    )
    out = tmp_path / "out"
    assert build(site, out) == 0
    (site / "pages/impressum.md").write_text(IMPRESSUM.replace("Impressum", "Kontakt"), "utf-8")
    assert build(site, out) == 0
    footer = read_page(out / "briefs/a/index.html").find("footer")
    assert "Kontakt" in footer.text() and "Impressum" not in footer.text()


def test_page_problems_are_named_with_file_code_and_hint_all_in_one_run(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site(
        {
            "pages/briefs.md": "---\ntitle: Meldungen\n---\nText\n",
            "pages/ohne-titel.md": "---\ndescription: Nichts\n---\nText\n",
            "pages/roh.md": "Kein Vorspann\n",
            "pages/impressum.md": IMPRESSUM,
            "pages/alt/impressum.md": IMPRESSUM,
        }
    )
    code, diagnostics = check_json(site, capsys)
    assert code == 1
    found = {(d["path"], d["code"]) for d in diagnostics}
    assert found == {
        ("pages/briefs.md", "page-url-taken"),
        ("pages/ohne-titel.md", "missing-field"),
        ("pages/roh.md", "missing-front-matter"),
        ("pages/impressum.md", "slug-collision"),
    }
    assert all(d["hint"] for d in diagnostics)
    taken = next(d for d in diagnostics if d["code"] == "page-url-taken")
    assert "/briefs/" in str(taken["message"])
    # A failed build leaves nothing half-written over the site's own folders.
    assert build(site, tmp_path / "out") == 1
    assert not (tmp_path / "out").exists()


def test_a_site_without_pages_has_a_footer_without_them(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = make_site()
    assert build(site, tmp_path / "out") == 0
    footer = read_page(tmp_path / "out/index.html").find("footer")
    assert [a.attrs["href"] for a in footer.find_all("a")] == ["/", "/sources/", "/feed.xml"]


def test_serve_and_the_up_to_date_check_watch_pages(make_site: MakeSite, tmp_path: Path) -> None:
    """An edited page rebuilds under ``serve`` and is not skipped as "up to date"."""
    site = make_site(
        {"pages/impressum.md": IMPRESSUM, "briefs/a.md": brief("Text [@quelle#p1].\n")}
    )
    assert "pages/impressum.md" in snapshot(site)
    out = tmp_path / "out"
    assert build(site, out) == 0
    (site / "pages/impressum.md").write_text(IMPRESSUM.replace("Wien", "Graz"), "utf-8")
    assert build(site, out) == 0
    assert "Graz" in (out / "impressum/index.html").read_text("utf-8")
