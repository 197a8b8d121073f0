"""``site-builder import``: saved articles (HTML pages, plain texts) become sources whose
paragraphs, as the site's own loader reads them, are the article's, word for word."""

from __future__ import annotations

import datetime
import io
import os
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_builder.cli import main
from site_builder.create.import_source import field_problem, source_file_text
from site_builder.create.verbatim import Block, markdown_body, paragraph_text
from site_builder.load.load_sources import load_source
from site_builder.load.markdown import create_markdown
from site_builder.model import Source

REPOSITORY = Path(__file__).resolve().parent.parent
FIXTURES = REPOSITORY / "tests" / "fixtures" / "import"
NEWS_PAGE = FIXTURES / "news-article.html"  # seed 004 in a page full of boilerplate
META_PAGE = FIXTURES / "meta-article.html"  # seed 000 in <article>, metadata in <meta> only
SEEDS = (FIXTURES / "seed-000.txt", FIXTURES / "seed-004.txt")  # as in /work/shared/seeds
TODAY = datetime.date.today().isoformat()
MD = create_markdown()

# Text of the page around the article: none of it may become a paragraph of the source.
BOILERPLATE = (
    "Cookie",
    "akzeptieren",
    "Anzeige",
    "Girokonto",
    "Kärnten",
    "E-Bikes",
    "Kultur",
    "Startseite",
    "Abo abschließen",
    "Mehr zum Thema",
    "Waffenruhe",
    "Teilen",
    "Posten",
    "Link kopieren",
    "Weiterlesen",
    "Das könnte Sie auch interessieren",
    "Staatsoper",
    "Newsletter",
    "Impressum",
    "Datenschutz",
    "Alle Rechte vorbehalten",
    "Anna Beispiel",
    "Weitere Artikel",
    "Unwetter",
    "WhatsApp",
    "Anmelden",
    "Besuchen Sie uns",
)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    output = capsys.readouterr()
    return code, output.out, output.err


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A new site: this repository's site.yaml and nothing else."""
    root = tmp_path / "site"
    root.mkdir()
    shutil.copy(REPOSITORY / "site.yaml", root / "site.yaml")
    return root


def load(path: Path) -> Source:
    source, problems = load_source("content/x.md", path.read_bytes(), MD)
    assert problems == []
    assert source is not None
    return source


def texts(source: Source) -> list[str]:
    return [paragraph.text for paragraph in source.paragraphs]


def headings(path: Path) -> list[str]:
    """The text of each heading of the source file at ``path``, as Markdown reads it."""
    return headings_of(path.read_bytes())


def seed_paragraphs(seed: Path) -> list[str]:
    """The seed's paragraphs (separated by blank lines), each line without the whitespace
    at its ends, which Markdown cannot keep."""
    parts = re.split(r"\n[ \t]*\n", seed.read_text(encoding="utf-8"))
    lines = [[line.strip() for line in part.split("\n") if line.strip()] for part in parts]
    return ["\n".join(part) for part in lines if part]


def front_matter(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("\n---\n", 1)[0] + "\n---\n"


def test_html_page_becomes_a_source_with_the_articles_paragraphs_and_metadata(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "import", "--site", str(site), str(NEWS_PAGE))
    assert (code, err) == (0, "")
    written = site / "content" / "kreml-schliesst-rueckgabe-annektierter.md"
    assert front_matter(written) == (
        "---\n"
        "title: Kreml schließt Rückgabe annektierter Gebiete aus\n"
        "outlet: Beispiel-Zeitung\n"
        "authors:\n"
        "- Anna Beispiel\n"
        "url: https://www.example.org/international/kreml-gebiete-nicht-verhandelbar\n"
        "published: 2025-02-27\n"  # the original date, not the update of 2025-02-28
        "language: de-AT\n"
        f"retrieved: {TODAY}\n"
        "---\n"
    )
    subheads = ["Annexion ukrainischer Gebiete", '"Eine gemeinsame Sehnsucht"']
    subheads.append("Trump für Gespräche")
    want = [p for p in seed_paragraphs(SEEDS[1]) if p not in subheads]
    want[0] = want[0].removeprefix("date 2025-02 ")  # the page starts at the article's words
    assert texts(load(written)) == want
    assert headings(written) == subheads
    for phrase in BOILERPLATE:
        assert not [text for text in texts(load(written)) if phrase in text], phrase


def test_import_prints_the_anchors_as_anchors_does_then_the_path(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "import", "--site", str(site), "--id", "kreml", str(NEWS_PAGE))
    assert code == 0
    _, anchors, _ = run(capsys, "anchors", "--site", str(site), "kreml")
    assert out == anchors + "created content/kreml.md (cite it as [@kreml#p1])\n"
    assert anchors.startswith("kreml: Kreml schließt Rückgabe annektierter Gebiete aus (")
    assert len(anchors.splitlines()) == 12  # the header and p1–p11


def test_page_with_metadata_only_in_meta_tags(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run(capsys, "import", "--site", str(site), "--id", "wende", str(META_PAGE))
    assert code == 0
    written = site / "content" / "wende.md"
    assert front_matter(written) == (
        "---\n"
        "title: 'Diplomatische Wende: USA und Russland starten Verhandlungen über Frieden!'\n"
        "outlet: die-nachrichten.at\n"
        "authors:\n"
        "- Maria Muster\n"
        "url: https://die-nachrichten.example/diplomatische-wende\n"
        "published: 2025-02-20\n"
        "language: de\n"
        f"retrieved: {TODAY}\n"
        "---\n"
    )
    seed = seed_paragraphs(SEEDS[0])
    # The page holds the seed from its second paragraph (the first is the headline, the
    # page's <h1>, which is the title and not repeated) to the "Details" box; its links
    # are links on the page, so their text is what the paragraph reads.
    article = seed[1 : seed.index(next(p for p in seed if p.startswith("Details")))]
    unlinked = [re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", p) for p in article]
    subhead = "Fortschritte in den diplomatischen Beziehungen"
    assert texts(load(written)) == [p for p in unlinked if p != subhead]
    assert headings(written) == [subhead]
    for phrase in BOILERPLATE:
        assert not [text for text in texts(load(written)) if phrase in text], phrase


@pytest.mark.parametrize("seed", SEEDS, ids=lambda path: path.stem)
def test_a_seed_as_plain_text_keeps_its_paragraphs_verbatim(
    site: Path, capsys: pytest.CaptureFixture[str], seed: Path
) -> None:
    code, _, err = run(
        capsys, "import", "--site", str(site), "--title", "Titel", "--outlet", "x", str(seed)
    )
    assert (code, err) == (0, "")
    source = load(site / "content" / "titel.md")
    assert texts(source) == seed_paragraphs(seed)
    assert [p.anchor for p in source.paragraphs][-1] == f"p{len(seed_paragraphs(seed))}"


def test_seed_oddities_survive(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Seed 000 has Markdown-looking links, raw HTML, tabs and line breaks in its
    "Details" box and a sentence broken by a blank line; seed 004 starts with a space."""
    for seed, name in zip(SEEDS, ("a", "b"), strict=True):
        args = ("import", "--site", str(site), "--title", name, "--outlet", "x", str(seed))
        assert run(capsys, *args)[0] == 0
    first = texts(load(site / "content" / "a.md"))
    assert "wie [tagesschau.de](https://www.tagesschau.de) berichtete." in first[2]
    assert first[4].endswith("wobei die Bedingungen für ein")
    assert first[5].startswith("Ende des Krieges")
    assert first[7] == (
        "Details\nVorfall\tSonstiges\nOrt\tIstanbul, Türkei\nQuellen\t"
        '<ul style="list-style-type: none">• www.kleinezeitung.at• www.tagesschau.de'
    )
    assert first[8] == "Besuchen Sie uns auf: die-nachrichten.at"
    assert texts(load(site / "content" / "b.md"))[0].startswith("date 2025-02 Der Kreml hat")


def test_the_site_checks_clean_with_a_brief_citing_imported_sources(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for args in (
        ("--id", "kreml", str(NEWS_PAGE)),
        ("--id", "wende", str(META_PAGE)),
        ("--id", "seed-a", "--title", "Diplomatische Wende", "--outlet", "x", str(SEEDS[0])),
        ("--id", "seed-b", "--title", "Kreml", "--url", "https://example.org/", str(SEEDS[1])),
    ):
        assert run(capsys, "import", "--site", str(site), *args)[0] == 0
    (site / "briefs").mkdir()
    (site / "briefs" / "b.md").write_text(
        "---\ntitle: Kreml\ndate: 2025-02-27\n---\n"
        "Der Status sei „unbestreitbar und nicht verhandelbar“ [@kreml#p1; @seed-b#p1]. "
        "Peskow sprach von einem „untrennbarer Teil“ [@wende#p2].\n\n"
        "Die Quellen: tagesschau.de [@seed-a#p3].\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "check", "--site", str(site))
    assert (code, out.splitlines()[0]) == (0, "ok: 1 brief and 4 sources checked, no problems")


def test_stdin_is_read_with_a_dash(
    site: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(NEWS_PAGE.read_bytes()), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", stdin)
    assert run(capsys, "import", "--site", str(site), "--id", "k", "-")[0] == 0
    assert texts(load(site / "content" / "k.md"))[0].startswith("Der Kreml hat")


def test_html_is_known_by_its_content_and_as_overrides(
    site: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    saved = tmp_path / "artikel.txt"
    shutil.copy(NEWS_PAGE, saved)
    assert run(capsys, "import", "--site", str(site), "--id", "k", str(saved))[0] == 0
    assert texts(load(site / "content" / "k.md"))[0].startswith("Der Kreml hat")
    shouting = tmp_path / "spitz.txt"
    shouting.write_text("<div>Spitze Klammern</div> sind hier Text.\n", encoding="utf-8")
    args = ("--title", "Spitz", "--outlet", "x", "--as", "text", str(shouting))
    assert run(capsys, "import", "--site", str(site), *args)[0] == 0
    assert texts(load(site / "content" / "spitz.md")) == [
        "<div>Spitze Klammern</div> sind hier Text."
    ]


def test_options_override_what_the_page_says(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("--title", "Eigener Titel", "--outlet", "Eigene", "--author", "A", "--author", "B")
    args += ("--published", "2025-02", "--kind", "agency", "--retrieved", "2025-03-01")
    args += ("--url", "https://example.org/k", "--language", "de")
    assert run(capsys, "import", "--site", str(site), *args, str(NEWS_PAGE))[0] == 0
    assert front_matter(site / "content" / "eigener-titel.md") == (
        "---\ntitle: Eigener Titel\noutlet: Eigene\nauthors:\n- A\n- B\n"
        "url: https://example.org/k\npublished: 2025-02\nlanguage: de\nkind: agency\n"
        "retrieved: 2025-03-01\n---\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            (),
            "site-builder: error: {file} names no title; give the article's headline with "
            '--title "…"\n',
        ),
        (
            ("--title", "T"),
            "site-builder: error: {file} does not say where the article "
            "appeared; give --outlet NAME or --url URL (--outlet unbekannt when nobody knows)\n",
        ),
        (("--title", "T", "--url", "javascript:alert(1)"), "site-builder: error: --url: "),
        (
            ("--title", "T", "--outlet", "x", "--published", "2024-02-30"),
            "site-builder: error: --published: ",
        ),
        (("--title", "T", "--outlet", "x", "--kind", "blog"), "site-builder: error: --kind: "),
        (
            ("--title", "T", "--outlet", "x", "--id", "Kreml Gebiete"),
            "site-builder: error: --id: 'Kreml Gebiete' is not an id",
        ),
        (("--title", "T", "--outlet", "x", "--id", "nul"), "site-builder: error: --id: 'nul'"),
        (
            ("--title", "!!!", "--outlet", "x"),
            "site-builder: error: the title '!!!' has no "
            "letters or digits to make an id from; give one with --id\n",
        ),
    ],
)
def test_plain_text_without_what_a_source_needs_is_refused(
    site: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    code, out, err = run(capsys, "import", "--site", str(site), *args, str(SEEDS[1]))
    assert (code, out) == (2, "")
    assert err.startswith(message.format(file=SEEDS[1]))
    assert not (site / "content").exists() or not list((site / "content").iterdir())


def test_never_overwrites(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ("import", "--site", str(site), "--title", "Kreml", "--outlet", "x")
    assert run(capsys, *args, str(SEEDS[1]))[0] == 0
    before = (site / "content" / "kreml.md").read_bytes()
    code, out, err = run(capsys, *args, str(SEEDS[0]))
    assert (code, out) == (2, "")
    assert err == (
        "site-builder: error: content/kreml.md exists already; give the new source another "
        "name with --id\n"
    )
    assert (site / "content" / "kreml.md").read_bytes() == before
    assert run(capsys, *args, "--id", "kreml-2", str(SEEDS[0]))[0] == 0


def test_an_id_taken_by_a_source_in_a_subfolder_is_refused(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (site / "content" / "archiv").mkdir(parents=True)
    (site / "content" / "archiv" / "kreml.md").write_text("---\ntitle: K\n---\nText.\n")
    args = ("--title", "Kreml", "--outlet", "x", str(SEEDS[1]))
    code, _, err = run(capsys, "import", "--site", str(site), *args)
    assert code == 2
    assert err == (
        "site-builder: error: the site has a source 'kreml' already (content/archiv/kreml.md); "
        "give the new source another name with --id\n"
    )
    assert sorted(p.name for p in (site / "content").iterdir()) == ["archiv"]


def test_a_planted_link_is_not_written_through(
    site: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (site / "content").mkdir()
    elsewhere = tmp_path / "elsewhere.txt"
    (site / "content" / "kreml.md").symlink_to(elsewhere)
    code, _, err = run(
        capsys, "import", "--site", str(site), "--title", "Kreml", "--outlet", "x", str(SEEDS[1])
    )
    assert code == 2
    assert "content/kreml.md exists already" in err
    assert not elsewhere.exists()
    (site / "content" / "kreml.md").unlink()
    (site / "content").rmdir()
    (site / "content").symlink_to(tmp_path)
    code, _, err = run(
        capsys, "import", "--site", str(site), "--title", "Kreml", "--outlet", "x", str(SEEDS[1])
    )
    assert code == 2
    assert not (tmp_path / "kreml.md").exists()


def test_input_that_is_not_an_article_is_a_clear_error(
    site: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cases = {
        "gross.txt": b"Wort " * (1024 * 1024 // 5 + 1),
        "latin1.txt": "Gespräch\n".encode("latin-1"),
        "leer.txt": b" \n\n\t\n",
        "nul.txt": b"Text\x00mit NUL\n",
        "leer.html": b"<!doctype html><html><body><nav><a href='/'>Start</a></nav></body></html>",
    }
    wanted = {
        "gross.txt": "is over 1 MiB; an article is read up to 1,048,576 bytes",
        "latin1.txt": "is not UTF-8 (byte 0xE4 on line 1) and declares no character set",
        "leer.txt": "holds no paragraph of text to import",
        "nul.txt": "holds a NUL character: it is not a text or HTML file",
        "leer.html": "holds no paragraph of text to import",
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        args = ("--title", "T", "--outlet", "x", str(tmp_path / name))
        code, out, err = run(capsys, "import", "--site", str(site), *args)
        assert (code, out) == (2, ""), name
        assert err.startswith("site-builder: error: ") and wanted[name] in err, (name, err)
        assert "Traceback" not in err
    code, _, err = run(capsys, "import", "--site", str(site), str(tmp_path))
    assert code == 2
    assert err == f"site-builder: error: {tmp_path} is not a regular file\n"
    code, _, err = run(capsys, "import", "--site", str(site), str(tmp_path / "fehlt.html"))
    assert (code, err) == (
        2,
        f"site-builder: error: cannot read {tmp_path}/fehlt.html: No such file or directory\n",
    )


def test_a_page_in_a_declared_character_set_is_decoded(
    site: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    page = NEWS_PAGE.read_text(encoding="utf-8").replace('"utf-8"', '"windows-1252"')
    (tmp_path / "alt.html").write_bytes(page.encode("cp1252"))
    code, _, _ = run(capsys, "import", "--site", str(site), "--id", "k", str(tmp_path / "alt.html"))
    assert code == 0
    assert texts(load(site / "content" / "k.md"))[2].startswith("Peskow begründete")


def test_a_value_of_the_page_the_site_would_refuse_is_left_out_with_a_note(
    site: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    page = NEWS_PAGE.read_text(encoding="utf-8").replace('lang="de-AT"', 'lang="deutsch_AT"')
    (tmp_path / "p.html").write_text(page, encoding="utf-8")
    code, _, err = run(capsys, "import", "--site", str(site), "--id", "k", str(tmp_path / "p.html"))
    assert code == 0
    assert err == (
        "note: left out the page's language ('deutsch_AT' is not a language code); give it "
        "with --language\n"
    )
    assert "language:" not in front_matter(site / "content" / "k.md")


HOSTILE_TITLES = [
    'Peskow: "Nicht verhandelbar"',
    "---",
    "Titel\n---\nid: x",
    "...",
    "- Liste: ja",
    "*fett* & [@kreml#p1] #tag",
    "'einfach' und \"doppelt\"",
    "key: value # Kommentar",
    "{a: 1}",
    "!!python/object:os.system",
    "&anker *alias",
    "2025-02-27",
    "NO",
]


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_hostile_titles_are_written_as_text(
    site: Path, capsys: pytest.CaptureFixture[str], title: str
) -> None:
    args = ("--id", "t", f"--title={title}", "--outlet", "x", str(SEEDS[1]))
    code, _, err = run(capsys, "import", "--site", str(site), *args)
    assert (code, err) == (0, "")
    assert load(site / "content" / "t.md").title == title


# Text that Markdown would read as markup, at a line's start, inside it and at its end.
_PIECES = st.sampled_from(
    [
        *"ab \t\n\\`*_[]<>&#-+=~!^@;:.)(0123456789|\"'",
        "\u00a0", "\u2028", "\x0b", "\x0c", "\x85", "\r\n", "\r",
        " ^name", "^x-1", "[@kreml#p1]", "\\[@a#p1]", "&amp;", "&#42;", "1. ", "1) ", "- ",
        "* ", "+ ", "> ", "# ", "    ", "```", "~~~", "---", "===", "***", "<b>", "<https://x>",
        "[a](https://x)", "![b](c.png)", "[ref]: https://x", "  \n", "\\\n", "„Zitat“",
    ]
)  # fmt: skip
_TEXT = st.lists(_PIECES, max_size=25).map("".join)
_PREFIX = st.sampled_from(["", "- ", "> ", "12. "])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_TEXT, _PREFIX, st.sampled_from([0, 0, 0, 2, 3])), max_size=5))
def test_any_paragraph_text_reads_back_as_written(blocks: list[tuple[str, str, int]]) -> None:
    """Whatever an article's paragraphs say, the source's paragraphs say the same (lines
    stripped at their ends, empty lines dropped: ``paragraph_text``)."""
    article = [Block(text, prefix, heading) for text, prefix, heading in blocks]
    data = ("---\ntitle: T\n---\n" + markdown_body(article)).encode("utf-8")
    source, problems = load_source("content/t.md", data, MD)
    assert problems == []
    assert source is not None
    want = [paragraph_text(b.text) for b in article if not b.heading and paragraph_text(b.text)]
    assert texts(source) == want
    assert all(paragraph.name is None for paragraph in source.paragraphs)
    headed = [" ".join(paragraph_text(b.text).split("\n")) for b in article if b.heading]
    assert headings_of(data) == [text for text in headed if text]


def headings_of(data: bytes) -> list[str]:
    tokens = MD.parse(data.decode("utf-8").split("\n---\n", 1)[1])
    inline = [tokens[i + 1] for i, t in enumerate(tokens) if t.type == "heading_open"]
    return ["".join(child.content for child in token.children or ()) for token in inline]


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60))
def test_any_title_reads_back_as_written(title: str) -> None:
    if field_problem("title", title.strip()) is not None or not title.strip():
        return  # refused with a message (too long, a line separator): tested above
    data = source_file_text({"title": title.strip()}, [Block("Text.")]).encode("utf-8")
    source, problems = load_source("content/t.md", data, MD)
    assert [p.code for p in problems] == []
    assert source is not None and source.title == title.strip()


def test_an_anchor_marker_at_a_paragraphs_end_is_text(
    site: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_text("Erster Absatz ^wichtig\n\n^p2\n", encoding="utf-8")
    args = ("--title", "T", "--outlet", "x", str(tmp_path / "a.txt"))
    assert run(capsys, "import", "--site", str(site), *args)[0] == 0
    source = load(site / "content" / "t.md")
    assert texts(source) == ["Erster Absatz ^wichtig", "^p2"]
    assert set(source.anchors) == {"p1", "p2"}


def test_file_permissions_follow_the_umask(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = os.umask(0o022)
    try:
        args = ("--title", "T", "--outlet", "x", str(SEEDS[0]))
        assert run(capsys, "import", "--site", str(site), *args)[0] == 0
    finally:
        os.umask(old)
    assert (site / "content" / "t.md").stat().st_mode & 0o777 == 0o644


STRUCTURED_PAGE = """<!doctype html><html lang="de"><head><meta charset="utf-8">
<title>Struktur</title><meta property="og:site_name" content="Beispiel-Zeitung"></head>
<body><article><h1>Struktur</h1>
<p>1. Absatz mit *Sternen*, _Strichen_ und `Code` &lt;b&gt; &amp;amp; [@kreml#p1] ^wichtig</p>
<blockquote><p># Zitat mit Raute</p><p>- zweiter Absatz<br>mit Umbruch</p></blockquote>
<ol><li>Erster Punkt mit genug Text, damit die Extraktion ihn als Inhalt erkennt.</li>
<li>Zweiter Punkt, ebenfalls mit genug Text für die Extraktion des Hauptinhalts.</li></ol>
<h2>Zwischentitel ##</h2>
<p>Ein weiterer Absatz, damit der Artikel lang genug ist, um erkannt zu werden.</p>
</article></body></html>"""


def test_a_pages_quotations_lists_breaks_and_subheadings_keep_their_shape(
    site: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "s.html").write_text(STRUCTURED_PAGE, encoding="utf-8")
    code, _, err = run(capsys, "import", "--site", str(site), str(tmp_path / "s.html"))
    assert (code, err) == (0, "")
    written = site / "content" / "struktur.md"
    assert texts(load(written)) == [
        "1. Absatz mit *Sternen*, _Strichen_ und `Code` <b> &amp; [@kreml#p1] ^wichtig",
        "# Zitat mit Raute",
        "- zweiter Absatz\nmit Umbruch",
        "Erster Punkt mit genug Text, damit die Extraktion ihn als Inhalt erkennt.",
        "Zweiter Punkt, ebenfalls mit genug Text für die Extraktion des Hauptinhalts.",
        "Ein weiterer Absatz, damit der Artikel lang genug ist, um erkannt zu werden.",
    ]
    body = written.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    assert "> \\# Zitat mit Raute\n" in body
    assert "> \\- zweiter Absatz\\\n> mit Umbruch\n" in body
    assert "\n1. Erster Punkt" in body and "\n2. Zweiter Punkt" in body
    assert headings(written) == ["Zwischentitel ##"]
    assert set(load(written).anchors) == {f"p{n}" for n in range(1, 7)}


def test_a_page_neither_utf8_nor_declaring_its_character_set_is_refused(
    site: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    page = STRUCTURED_PAGE.replace('<meta charset="utf-8">', "")
    (tmp_path / "s.html").write_bytes(page.encode("latin-1"))
    code, out, err = run(capsys, "import", "--site", str(site), str(tmp_path / "s.html"))
    assert (code, out) == (2, "")
    assert err == (
        f"site-builder: error: {tmp_path}/s.html is not UTF-8 (byte 0xFC on line 7) and "
        "declares no character set it is written in; convert it, e.g. 'iconv -f "
        "WINDOWS-1252 -t UTF-8'\n"
    )
