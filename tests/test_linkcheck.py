"""The output link checker: it passes on real sites and catches what is really broken."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.cli import main
from site_builder.output.linkcheck import BrokenLink, check_links
from site_builder.render.output_file import OutputFile
from tests.conftest import MakeSite
from tests.sitefiles import brief

ROOT = Path(__file__).parent.parent
BASE = "https://example.org/news/"


def page(path: str, body: str) -> OutputFile:
    return OutputFile(path, f"<!doctype html><title>t</title>{body}".encode())


SITE = [
    page("index.html", '<a href="/news/briefs/a/">a</a> <a href="#top" id="top">top</a>'),
    page("briefs/a/index.html", '<a href="/news/sources/q/#p1">1</a><a href="../../">home</a>'),
    page("sources/q/index.html", '<p id="p1">x</p><span id="Name"></span>'),
    OutputFile("static/style.css", b"a{}"),
    OutputFile("feed.xml", b'<feed xmlns="http://www.w3.org/2005/Atom"/>'),
]


def test_a_whole_site_passes() -> None:
    links = [
        page("x/index.html", '<link rel="stylesheet" href="/news/static/style.css?v=1">'),
        page("y/index.html", '<link rel="canonical" href="https://example.org/news/x/">'),
        page(
            "z/index.html",
            '<a href="https://elsewhere.example/nope/">e</a><a href="mailto:a@b">m</a>',
        ),
        page("w/index.html", '<a href="/news/feed.xml">f</a><a href="/news/sources/q/#Name">n</a>'),
    ]
    assert check_links([*SITE, *links], BASE) == []


@pytest.mark.parametrize(
    ("link", "reason"),
    [
        ("/news/briefs/b/", "no such page"),
        ("/news/briefs/a", "no such page"),
        ("/news/sources/q/#p2", "no element with id 'p2' on sources/q/index.html"),
        ("/news/sources/q/#P1", "no element with id 'P1' on sources/q/index.html"),
        ("/news/sources/q/#name", "no element with id 'name' on sources/q/index.html"),
        ("#fehlt", "no element with id 'fehlt' on t/index.html"),
        ("../nichts/", "no such page"),
        ("/briefs/a/", "outside the site's base path /news/"),
    ],
)
def test_a_broken_link_is_caught(link: str, reason: str) -> None:
    broken = check_links([*SITE, page("t/index.html", f'<a href="{link}">x</a>')], BASE)
    assert broken == [BrokenLink("t/index.html", link, reason)]


@pytest.mark.parametrize(
    ("link", "reason"),
    [
        ("https://example.org/news/briefs/b/", "no such page"),
        (
            "https://EXAMPLE.org/news/sources/q/#p9",
            "no element with id 'p9' on sources/q/index.html",
        ),
    ],
)
def test_a_broken_canonical_url_is_caught(link: str, reason: str) -> None:
    broken = check_links(
        [*SITE, page("t/index.html", f'<link rel="canonical" href="{link}">')], BASE
    )
    assert broken == [BrokenLink("t/index.html", link, reason)]


def test_absolute_links_to_articles_on_the_same_host_are_external() -> None:
    article = page("t/index.html", '<a href="https://example.org/news/2024/artikel/">Original</a>')
    assert check_links([*SITE, article], BASE) == []


def test_links_are_read_as_a_browser_reads_the_markup() -> None:
    markup = page(
        "t/index.html",
        "<!-- <a href='/news/kommentar/'>x</a> -->"
        '<A HREF="/news/sources/q/#p1" title="a > b">1</A>'
        "<a href='/news/briefs/a/?x=1&amp;y=2' data-x=\"'\">2</a>"
        "<a href=/news/briefs/a/>3</a><a id=ohne-anfuehrung></a><a href=#ohne-anfuehrung>4</a>"
        '<script type="application/ld+json">{"a": "<a href=\\"/news/im-skript/\\">"}</script>'
        '<a href="/news/fehlt/" data-note="<a href=/news/briefs/a/>">5</a>'
        '<a\nhref="/news/auch-fehlt/"\n>6</a>',
    )
    assert check_links([*SITE, markup], BASE) == [
        BrokenLink("t/index.html", "/news/fehlt/", "no such page"),
        BrokenLink("t/index.html", "/news/auch-fehlt/", "no such page"),
    ]


def test_a_feed_that_is_not_well_formed_is_reported_once() -> None:
    feed = OutputFile("feed.xml", b"<feed><title>A & B</title></feed>")
    links = page("t/index.html", '<link rel="alternate" href="/news/feed.xml">')
    [broken] = check_links([*SITE[:-1], feed, links], BASE)  # not also "no such page"
    assert (broken.page, broken.target) == ("feed.xml", "")
    assert broken.reason.startswith("not well-formed XML: not well-formed (invalid token)")


def test_feed_and_sitemap_links_are_checked() -> None:
    feed = OutputFile(
        "feed.xml",
        b'<feed xmlns="http://www.w3.org/2005/Atom">'
        b'<link rel="alternate" href="https://example.org/news/briefs/a/"/>'
        b'<entry><link href="https://example.org/news/briefs/weg/"/></entry></feed>',
    )
    sitemap = OutputFile(
        "sitemap.xml",
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://example.org/news/sources/q/</loc></url>"
        b"<url><loc>https://example.org/news/tags/x/</loc></url></urlset>",
    )
    assert check_links([*SITE[:-1], feed, sitemap], BASE) == [
        BrokenLink("feed.xml", "https://example.org/news/briefs/weg/", "no such page"),
        BrokenLink("sitemap.xml", "https://example.org/news/tags/x/", "no such page"),
    ]


def test_the_embedded_site_has_no_broken_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    out = tmp_path / "public"
    assert main(["build", "--site", str(ROOT), "--frozen", "--check-links", "--out", str(out)]) == 0
    assert "broken link" not in capsys.readouterr().out


def test_embedded_site_under_a_sub_path_has_no_broken_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    args = ["build", "--site", str(ROOT), "--frozen", "--check-links"]
    args += ["--base-url", "https://example.org/news/", "--out", str(tmp_path / "public")]
    assert main(args) == 0


def test_a_broken_link_stops_the_build_and_keeps_the_previous_output(
    make_site: MakeSite,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    site = make_site({"briefs/b.md": brief("Text [@quelle#p1].\n")})
    out = tmp_path / "public"
    assert main(["build", "--site", str(site), "--out", str(out), "--check-links"]) == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (site / "templates").mkdir()  # a site's own template overrides the default one
    (site / "templates/404.html").write_text(
        '{% extends "base.html" %}{% block main %}<a href="{{ link(\'nirgends/\') }}">x</a>'
        "{% endblock %}",
        "utf-8",
    )
    capsys.readouterr()
    assert main(["build", "--site", str(site), "--out", str(out), "--check-links"]) == 1
    output = capsys.readouterr()
    assert "broken link: 404.html: /nirgends/: no such page\n" in output.out
    assert output.out.endswith(f"not built: {out} was left as it was\n")
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert main(["build", "--site", str(site), "--out", str(out)]) == 0  # without the check


def test_a_deliberately_broken_site_has_each_kind_of_break_caught(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A real site whose own template links to a missing page, a missing fragment and a
    # fragment that differs from the real id only in case (browsers match ids exactly).
    site = make_site(
        {
            "briefs/b.md": brief("Text [@quelle#p1].\n"),
            "templates/404.html": (
                '{% extends "base.html" %}{% block main %}'
                "<a href=\"{{ link('briefs/gibt-es-nicht/') }}\">1</a>"
                "<a href=\"{{ link('sources/quelle/#p99') }}\">2</a>"
                "<a href=\"{{ link('sources/quelle/#P1') }}\">3</a>"
                "<a href=\"{{ link('sources/quelle/#p1') }}\">fine</a>"
                "{% endblock %}"
            ),
        }
    )
    out = tmp_path / "public"
    assert main(["build", "--site", str(site), "--out", str(out), "--check-links"]) == 1
    broken = [line for line in capsys.readouterr().out.splitlines() if "broken link" in line]
    assert broken == [
        "broken link: 404.html: /briefs/gibt-es-nicht/: no such page",
        "broken link: 404.html: /sources/quelle/#p99: no element with id 'p99' on "
        "sources/quelle/index.html",
        "broken link: 404.html: /sources/quelle/#P1: no element with id 'P1' on "
        "sources/quelle/index.html",
    ]
    assert not out.exists()
