"""One parse per document: loading makes a body's HTML with slots (``markdown_html``), render
only fills the slots (``render_markdown``), and never parses Markdown again."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from site_builder.cli import main
from site_builder.load.load_briefs import load_brief
from site_builder.load.load_sources import load_source
from site_builder.load.markdown import create_markdown
from site_builder.load.markdown_html import SLOT
from site_builder.pipeline import CheckOptions, check_site
from site_builder.render.render import RenderOptions, render_site
from site_builder.render.render_markdown import PreviewText, preview_texts, render_brief_body
from site_builder.render.site_index import build_index
from tests.conftest import MakeSite
from tests.sitefiles import brief

# A source whose text holds NUL, the slot character, in a paragraph and in a link.
NUL_SOURCE = (
    "---\ntitle: Nullquelle\nurl: https://n.example/a/\n---\n"
    "Eins \x00 zwei [x\x00](b\x00c)\n\nDrei \x00\x00\n\nVier\n"
)
NUL_BRIEF = brief("Erstens \x00 [@nullquelle#p2]. Zweitens\x00 [@quelle#p1; @nullquelle#p2].\n")


def test_a_nul_in_a_body_never_becomes_a_slot() -> None:
    md = create_markdown()
    source, _ = load_source("content/nullquelle.md", NUL_SOURCE.encode(), md)
    loaded, _ = load_brief("briefs/b.md", NUL_BRIEF.encode(), md)
    assert source is not None and loaded is not None
    assert source.html.count(SLOT) == len(source.paragraphs) == 3
    assert loaded.html.count(SLOT) == len(loaded.marker_runs) == 2
    assert loaded.marker_runs == (("nullquelle#p2",), ("quelle#p1", "nullquelle#p2"))
    # markdown-it reads a NUL as U+FFFD, in text and in link destinations alike.
    assert "Eins \ufffd zwei" in source.html
    assert 'href="https://n.example/a/b%EF%BF%BDc"' in source.html


def test_a_site_whose_bodies_hold_nul_builds_with_markers_and_boxes_in_place(
    make_site: MakeSite,
) -> None:
    root = make_site({"content/nullquelle.md": NUL_SOURCE, "briefs/nullmeldung.md": NUL_BRIEF})
    assert main(["build", "--site", str(root), "--no-search"]) == 0
    public = root / "public"
    for path in public.rglob("*.html"):
        assert "\x00" not in path.read_text("utf-8"), path
    page = (public / "briefs/nullmeldung/index.html").read_text("utf-8")
    body = page.split('<div class="brief-body">')[1].split("</div>")[0]
    assert re.findall(r'id="(zitat-\d)" popovertarget="vorschau-(\w+)"', body) == [
        ("zitat-1", "1"),
        ("zitat-2", "2"),
        ("zitat-3", "1"),
    ]
    assert "Erstens \ufffd.<sup" in body
    source = (public / "sources/nullquelle/index.html").read_text("utf-8")
    # The "cited in" box stands under paragraph 2, the one the brief cites, only.
    paragraphs = re.split(r'<p id="p\d"', source)
    assert ["cited-in" in part for part in paragraphs[1:]] == [False, True, False]


def test_render_parses_no_markdown(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    page = "---\ntitle: Impressum\n---\nWir sind *die* Redaktion. [@nicht#p1]\n"
    root = make_site({"briefs/a.md": brief("Satz [@quelle#p1].\n"), "pages/impressum.md": page})
    checked = check_site(root, CheckOptions(use_cache=False))
    assert checked.errors == 0
    index = build_index(checked.corpus)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("render parsed Markdown")

    for method in ("parse", "parseInline", "render", "renderInline"):
        monkeypatch.setattr(MarkdownIt, method, refuse)
    files = {f.path: f.data for f in render_site(index, checked.config, RenderOptions("/"))}
    assert b'<p id="p1"><a class="permalink"' in files["sources/quelle/index.html"]
    assert b"<em>die</em> Redaktion. [@nicht#p1]" in files["impressum/index.html"]
    assert b'class="citation" id="zitat-1"' in files["briefs/a/index.html"]


def test_a_cited_paragraphs_preview_text_is_made_once_and_shared(make_site: MakeSite) -> None:
    root = make_site(
        {
            "briefs/a.md": brief("Eins [@quelle#p1]. Zwei [@quelle#istanbul].\n"),
            "briefs/b.md": brief("Drei [@quelle#p1].\n"),
        }
    )
    checked = check_site(root, CheckOptions(use_cache=False))
    index = build_index(checked.corpus)
    texts = preview_texts(index)
    assert sorted(texts) == [("quelle", 1), ("quelle", 2)]
    shared = {key: PreviewText(f"wo {key[1]}", f"<b>{key[1]}</b>") for key in texts}
    for one in index.briefs:
        rendered = render_brief_body(
            one.html, one.marker_runs, index.numbers(one), lambda entry: "/q", shared
        )
        # The texts are taken as given, already escaped: never escaped again per brief.
        entries = "".join(rendered.entries.values())
        assert "„<b>1</b>“" in entries
        assert "<cite>wo 1, </cite>" in entries


def test_the_loaded_html_holds_nothing_from_outside_the_file(tmp_path: Path) -> None:
    """What the build cache keeps must stay valid whatever else changes: no base URL, no
    number of a citation, no title of a cited source in a brief's HTML."""
    loaded, _ = load_brief("briefs/b.md", NUL_BRIEF.encode(), create_markdown())
    assert loaded is not None
    assert "citation" not in loaded.html and "http" not in loaded.html
    assert loaded.html.startswith("<p>Erstens \ufffd.\x00 Zweitens\ufffd.\x00</p>")
