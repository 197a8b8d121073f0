"""Hostile Markdown in a brief and in a source: the built site shows it as text or as a
safe link, never runs it, and the page around it stays whole.

The site is built as CI builds it (``build --check-links``); every page is parsed and must
hold no element or attribute the theme and the Markdown renderer do not write themselves.
Decisions (docs/decisions.md, "Hostile input"): links only to http(s), mailto, tel and
relative URLs; ``//host`` is text; images are named, not embedded; bidi controls are kept
and closed at the end of each text; invisible characters in a brief are warnings.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from site_builder.cli import main
from site_builder.load.load_briefs import load_brief
from site_builder.load.markdown import create_markdown, is_allowed_link
from site_builder.load.markdown_html import create_renderer, source_body_html
from site_builder.render.render_markdown import render_source_body
from tests import html_safety
from tests.conftest import MakeSite
from tests.html_tree import read_page
from tests.sitefiles import SITE_YAML, brief

THEME = Path(__file__).parent.parent / "templates"
# Elements of the Markdown renderer (CommonMark without raw HTML, images shown as text).
MARKDOWN_TAGS = {"p", "ul", "ol", "li", "blockquote", "pre", "code", "em", "strong", "a"}
MARKDOWN_TAGS |= {"br", "hr", "span", "div", "h1", "h2", "h3", "h4", "h5", "h6"}
MARKDOWN_TAGS |= {"sup", "button"}  # citation markers (render_markdown._marker_html)
MARKDOWN_TAGS |= {"cite"}  # the work a source list entry is from (render_markdown._entry_html)
MARKDOWN_TAGS |= {"details", "summary"}  # a long "Zitiert in" folds
LAST = "Schlusssatz bleibt sichtbar."
PERMALINK_1 = '<a class="permalink" href="#p1" data-n="1" aria-label="Absatz 1"></a>'

# One paragraph each; the brief cites the source after every one of them.
HOSTILE = [
    "<script>alert(1)</script>",
    "Vorher <script>alert('inline')</script> nachher.",
    "<img src=x onerror=alert(1)> und <a onclick=alert(1) href=x>Klick</a>",
    "[js](javascript:alert(1)) [vb](VBScript:msgbox(1)) ![bild](javascript:alert(1))",
    "[html](data:text/html,<script>alert(1)</script>) ![png](data:image/png;base64,iVBORw0KGgo=)",
    "[e1](&#106;avascript:alert(1)) [e2](jav&#x09;ascript:alert(1)) "
    "[e3](&#x6A;&#x61;vascript&colon;alert(1))",
    "[t1](<java\tscript:alert(1)>) [t2](<java\nscript:alert(1)>) [t3](<\x01javascript:alert(1)>)",
    "<javascript:alert(1)> <vbscript:msgbox(1)> <data:text/html,x>",
    "[pr](//evil.example/x) [bs](/\\evil.example/y) <//evil.example/z>",
    '<ul style="position:fixed;inset:0"><li>offene Liste',
    "<!-- ein Kommentar, der nie endet",
    "Umgekehrt \u202eetxet\u202c und \u202eoffen bis zum Absatzende",
    "Null\u200bbreite, [Link\u202etext](https://example.org/x) und "
    "\u2066isoliert \u2067 \u2068 \u2069\u2069",
    "`<script>alert(1)</script>` und `\u202e` im Code",
]
FENCE = "```\n<script>alert(1)</script>\n\u202e umgekehrt\n```\n"


def _source() -> str:
    body = "\n\n".join([*HOSTILE, LAST])
    return f"---\ntitle: Böse Quelle\noutlet: Testagentur\n---\n{body}\n\n{FENCE}"


def _brief() -> str:
    body = "\n\n".join(f"{text} [@boese#p1]" for text in [*HOSTILE, LAST])
    head = "---\ntitle: Böse Meldung\ndate: 2025-02-27\ntags: [Böse]\n---\n"
    return brief(f"{body}\n\n{FENCE}", head)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile-markdown")
    files = {"site.yaml": SITE_YAML, "content/boese.md": _source(), "briefs/boese.md": _brief()}
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, "utf-8", newline="")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "0")
        assert main(["build", "--site", str(root), "--check-links"]) == 0
    return root / "public"


def _pages(site: Path) -> list[Path]:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 8
    return pages


def _theme_tags() -> set[str]:
    found: set[str] = set()
    for template in THEME.rglob("*.html"):
        found |= set(re.findall(r"<([a-z][a-z0-9]*)", template.read_text("utf-8")))
    return found


def _our_scripts(page: html_safety.Page) -> list[dict[str, str | None]]:
    """JSON-LD, and the modules of the site's own static folder (search, citations, landing)."""
    ours: list[dict[str, str | None]] = [{"type": "application/ld+json"}]
    for tag, attrs in page.tags:
        src = attrs.get("src") or ""
        if tag == "script" and re.fullmatch(
            r"/static/(search|citations|landing)\.js\?v=[0-9a-f]{10}", src
        ):
            ours.append({"type": "module", "src": src})
    return ours


def test_no_element_or_attribute_is_injected_into_any_page(site: Path) -> None:
    allowed_tags = _theme_tags() | MARKDOWN_TAGS
    for path in _pages(site):
        page = html_safety.read_file(path)
        assert html_safety.injected(page, _our_scripts(page)) == [], path
        assert {tag for tag, _ in page.tags} <= allowed_tags, path
        assert page.unbalanced == [], path


def test_the_page_around_hostile_text_stays_whole(site: Path) -> None:
    for path in _pages(site):
        assert read_page(path).find_all("footer", cls="site-footer"), path
    body = read_page(site / "briefs/boese/index.html").find("div", cls="brief-body")
    paragraphs = [p for p in body.find_all("p") if "citation" not in " ".join(p.classes)]
    assert len(paragraphs) == len(HOSTILE) + 1
    assert paragraphs[-1].text().startswith(LAST)
    assert body.find("pre").text() == "<script>alert(1)</script> \u202e umgekehrt \u202c"
    source = read_page(site / "sources/boese/index.html").find("div", cls="source-body")
    last = source.by_id(f"p{len(HOSTILE) + 1}")
    assert last.text() == LAST


def test_script_and_protocol_relative_links_are_text(site: Path) -> None:
    for page in ("briefs/boese/index.html", "sources/boese/index.html"):
        root = read_page(site / page)
        body = root.find("div", cls="brief-body" if "briefs" in page else "source-body")
        hrefs = [a.attrs["href"] for a in body.find_all("a")]
        assert [h for h in hrefs if not h.startswith(("/", "#", "https://example.org/"))] == []
        text = body.text()
        assert "[js](javascript:alert(1))" in text
        assert "[pr](//evil.example/x)" in text
        assert "[e2](jav ascript:alert(1))" in text  # the tab, as text() collapses it
        assert "![png](data:image/png;base64,iVBORw0KGgo=)" in text  # no data: image either


def test_source_text_keeps_its_bidi_controls_and_every_text_closes_them(site: Path) -> None:
    source = (site / "sources/boese/index.html").read_text("utf-8")
    assert "Umgekehrt \u202eetxet\u202c und \u202eoffen bis zum Absatzende" in source
    for path in _pages(site):
        for element, text in html_safety.read_file(path).texts:
            assert html_safety.open_bidi(text) == [], (path, element, text)


def test_invisible_characters_in_a_brief_are_warnings_with_their_place(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    body = "Ein \u202eSatz [@quelle#p1].\n\nNull\u200bbreite\u200b und \u2066x\u2069 [@a#p2].\n"
    site = make_site({"briefs/b.md": brief(body.replace("@a#", "@quelle#"))})
    assert main(["check", "--site", str(site)]) == 0
    lines = capsys.readouterr().out.splitlines()
    hint = (
        "   = hint: delete it: readers cannot see it, and it can hide or reorder the text around it"
    )
    assert lines[:10] == [
        "briefs/b.md:5:5: warning[invisible-character]: invisible character U+202E "
        "RIGHT-TO-LEFT OVERRIDE",
        "   |",
        " 5 | Ein \\u202eSatz [@quelle#p1].",
        "   |     ^^^^^^",
        hint,
        "briefs/b.md:7:5: warning[invisible-character]: invisible character U+200B "
        "ZERO WIDTH SPACE (and 3 more on this line)",
        "   |",
        " 7 | Null\\u200bbreite\\u200b und \\u2066x\\u2069 [@quelle#p2].",
        "   |     ^^^^^^",
        hint,
    ]
    assert main(["check", "--strict", "--site", str(site)]) == 1


def test_invisible_characters_in_front_matter_are_found_too(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    head = "---\ntitle: Titel\u200f\ndate: 2025-02-27\n---\n"
    site = make_site({"briefs/b.md": brief("Text [@quelle#p1].\n", head)})
    assert main(["check", "--site", str(site)]) == 0
    assert capsys.readouterr().out.startswith(
        "briefs/b.md:2:13: warning[invisible-character]: invisible character U+200F "
        "RIGHT-TO-LEFT MARK\n"
    )


def test_a_source_with_invisible_characters_gets_no_warning(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    source = "---\ntitle: Quelle\n---\nText mit \u202eÜberschreibung und Null\u200bbreite.\n"
    site = make_site({"content/q.md": source, "briefs/b.md": brief("Text [@q#p1].\n")})
    assert main(["check", "--site", str(site)]) == 0
    assert "invisible-character" not in capsys.readouterr().out


# --- links and images, one by one ------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://example.org/a", True),
        ("HTTP://example.org", True),
        ("mailto:redaktion@example.org", True),
        ("tel:+431234", True),
        ("../andere/", True),
        ("/briefs/x/#p1", True),
        ("#quellen", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("vbscript:msgbox(1)", False),
        ("data:text/html,x", False),
        ("data:image/png;base64,AAAA", False),
        ("file:///etc/passwd", False),
        ("jav%09ascript:alert(1)", False),
        ("java%0Ascript:alert(1)", False),
        ("%01javascript:alert(1)", False),
        ("//evil.example/x", False),
        ("/%5Cevil.example/x", False),
        ("%5C%5Cevil.example", False),
        ("ftp://example.org/", False),
    ],
)
def test_which_link_destinations_are_links(url: str, allowed: bool) -> None:
    assert is_allowed_link(url) is allowed


def _source_html(body: str, url: str | None) -> str:
    return render_source_body(
        source_body_html(create_markdown().parse(body), {1: None}, url), _none
    )


def _none(number: int) -> str:
    return ""


def test_relative_links_in_a_source_lead_into_the_original_site() -> None:
    body = "[a](/politik/x) [b](bild/) [c](#oben) [d](https://example.net/d)\n"
    hrefs = re.findall(r'href="([^"]+)" rel="([^"]+)"', _source_html(body, "https://x.example/a/b"))
    rel = "external nofollow noopener noreferrer"
    assert hrefs == [
        ("https://x.example/politik/x", rel),
        ("https://x.example/a/bild/", rel),
        ("https://x.example/a/b#oben", rel),
        ("https://example.net/d", rel),
    ]


def test_relative_links_in_a_source_without_url_are_only_text() -> None:
    html = _source_html("Siehe [dort](/politik/x) und [hier](https://example.net/).\n", None)
    text = html.removeprefix('<p id="p1">' + PERMALINK_1)
    assert text.startswith('Siehe dort und <a href="https://example.net/" rel=')


def test_a_relative_link_in_a_source_does_not_break_the_link_check(make_site: MakeSite) -> None:
    """Found by these tests: a source copied with its relative links failed ``--check-links``
    ("no such page"), and editors cannot change a source's text."""
    source = "---\ntitle: Q\n---\nText mit [Link](/politik/x) und ![Bild](bild.png).\n"
    site = make_site({"content/q.md": source, "briefs/b.md": brief("Text [@q#p1].\n")})
    assert main(["build", "--site", str(site), "--check-links", "--no-search"]) == 0


def test_code_blocks_in_a_source_keep_their_text() -> None:
    """Found by these tests: a fenced or indented code block in a source was written as a
    bare ``<code>`` without its text and never closed, so the rest of the page became code."""
    html = _source_html("Text\n\n```py\nx = '<b>'\n```\n\n    eingerückt\n\nEnde\n", None)
    assert html.splitlines()[1:5] == [
        "<pre><code class=\"language-py\">x = '&lt;b&gt;'",
        "</code></pre>",
        "<pre><code>eingerückt",
        "</code></pre>",
    ]


def test_an_image_is_named_in_the_text_not_loaded() -> None:
    html = create_renderer().render("Vor ![Ein  *Foto*\nvom Kreml](https://t.example/p.gif) nach\n")
    assert html == "<p>Vor [Bild: Ein Foto vom Kreml] nach</p>\n"
    assert create_renderer().render("![](x.png)\n") == "<p>[Bild]</p>\n"


def test_protocol_relative_reference_definition_is_text() -> None:
    tokens = create_markdown().parse("[ref]\n\n[ref]: //evil.example\n")
    assert [t.content for t in tokens if t.type == "inline"] == ["[ref]", "[ref]: //evil.example"]


# --- bounded time ----------------------------------------------------------------------------

# "Bounded" against the quadratic versions, which took minutes: 30 s leaves room for a slow,
# shared CI runner (a quiet 2-core machine needs 4–9 s).
BOUND_SECONDS = 30

NESTED = {
    "brackets": "[" * 50_000,
    "asterisks": "*" * 50_000 + "x" + "*" * 50_000,
    "underscores": "_" * 50_000 + "x" + "_" * 50_000,
}


@pytest.mark.parametrize("hostile", NESTED.values(), ids=NESTED.keys())
def test_deeply_nested_markup_is_checked_and_built_in_bounded_time(
    make_site: MakeSite, hostile: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    source = f"---\ntitle: Q\n---\n{hostile}\n\n{LAST}\n"
    site = make_site(
        {"content/q.md": source, "briefs/b.md": brief(f"{hostile} [@q#p2]\n\n{LAST} [@q#p2]\n")}
    )
    for command in (["check"], ["build", "--check-links"]):
        started = time.monotonic()
        assert main([*command, "--site", str(site)]) == 0
        assert time.monotonic() - started < BOUND_SECONDS, command
    for page in ("briefs/b/index.html", "sources/q/index.html"):
        read = html_safety.read_file(site / "public" / page)  # 25,000 levels of <em>: no tree
        assert read.unbalanced == [], page
        assert [t for where, t in read.texts if where == "p" and t.startswith(LAST)], page
        assert ("footer", {"class": "site-footer"}) in read.tags


def test_an_unclosed_citation_group_gives_a_short_message(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found by these tests: a group left open ran to the end of the paragraph, and the
    message quoted all of it (100,000 characters for 50,000 nested ``[@``)."""
    site = make_site({"briefs/b.md": brief("[@" * 50_000 + " [@quelle#p1]\n")})
    started = time.monotonic()
    assert main(["check", "--site", str(site)]) == 1
    assert time.monotonic() - started < BOUND_SECONDS
    first = capsys.readouterr().out.splitlines()[0]
    assert first == (
        "briefs/b.md:5:1: error[malformed-citation]: '@" + "[@" * 29 + "…' is not a citation: "
        "write each citation as @source#anchor"
    )


def test_many_headings_of_one_title_get_unique_ids_in_linear_time() -> None:
    """Found by these tests: each heading id was checked against a set rebuilt from every
    paragraph anchor, and counted up from ``-2`` again, so 10,000 headings "Titel" took
    about a minute; now a few seconds at most."""
    count = 10_000
    body = "# Titel\n\nAbsatz ^titel-3\n\n" * count
    started = time.monotonic()
    tokens = create_markdown().parse(body)
    html = render_source_body(source_body_html(tokens, {1: "titel-3"}, None), _none)
    assert time.monotonic() - started < BOUND_SECONDS
    ids = re.findall(r'<h1 id="([^"]+)">', html)
    assert ids[:4] == ["titel", "titel-2", "titel-4", "titel-5"]
    assert len(set(ids)) == count


QUOTATIONS = {
    "unclosed marks": "„" * 30_000 + "»" * 30_000,
    "quotations and citations": "„x“ [@q#p1] " * 20_000,
    "single marks before one citation": "‚x‘ " * 30_000 + "[@q#p1]",
    "sentences in one quotation": "„" + "Er kam. Sie ging. " * 20_000 + "“ [@q#p1]",
}


@pytest.mark.parametrize("hostile", QUOTATIONS.values(), ids=QUOTATIONS.keys())
def test_quotation_marks_by_the_thousand_are_read_in_bounded_time(hostile: str) -> None:
    """Found while widening the quote rule: looking through every open mark for each
    closing one, and every quotation for each sentence end, cost the square of the
    paragraph's length (a minute for 20,000 quotations)."""
    started = time.monotonic()
    loaded, _problems = load_brief("briefs/b.md", brief(hostile + "\n").encode(), create_markdown())
    assert time.monotonic() - started < BOUND_SECONDS
    assert loaded is not None
