"""Output as big as what readers need, whatever a brief throws at it (issue 16, points 8
and 9): a brief's tags are capped and its cards name a few of them, so a site grows
linearly with its tags; a citation's preview is an excerpt of its paragraph, so a page
grows with its citations, not with the size of the paragraphs they cite."""

from __future__ import annotations

import itertools
from html import escape
from pathlib import Path

import pytest

from site_builder.cli import main
from site_builder.load.config import load_config
from site_builder.load.fields import MAX_TAGS
from site_builder.pipeline import load_corpus
from site_builder.render.excerpts import PREVIEW_CHARS, excerpt
from site_builder.render.pages import CARD_TAGS
from site_builder.render.site_index import build_index
from tests.sitefiles import SITE_YAML, brief, write_site

ROOT = Path(__file__).parent.parent
BODY = "Der Status sei nicht verhandelbar [@quelle#p1].\n"


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1740787200")


def build(site: Path, out: Path) -> int:
    return main(["build", "--site", str(site), "--out", str(out), "--no-search"])


def output_bytes(out: Path) -> int:
    return sum(path.stat().st_size for path in out.rglob("*") if path.is_file())


# --- point 8: tags ----------------------------------------------------------------------


def tagged_brief(count: int) -> str:
    """A brief with ``count`` tags of the same length (so sizes compare)."""
    tags = ", ".join(f"Thema{number:04d}" for number in range(count))
    return brief(BODY, f"---\ntitle: Testmeldung\ndate: 2025-02-27\ntags: [{tags}]\n---\n")


def test_output_grows_linearly_with_a_briefs_tags_up_to_the_cap(tmp_path: Path) -> None:
    """Each tag is a page holding the brief's card: were the card to name every tag, each
    further tag would add more than the one before (4,000 tags made 674 MB)."""
    counts = (MAX_TAGS - 12, MAX_TAGS - 8, MAX_TAGS - 4, MAX_TAGS)
    assert counts[0] > CARD_TAGS  # every card says „+ N weitere“
    sizes = []
    for count in counts:
        site = write_site(tmp_path / f"site-{count}", {"briefs/b.md": tagged_brief(count)})
        assert build(site, tmp_path / f"out-{count}") == 0
        sizes.append(output_bytes(tmp_path / f"out-{count}"))
    steps = [later - earlier for earlier, later in itertools.pairwise(sizes)]
    # Four tags more cost the same each time, give or take some digits (counts, compressed
    # bytes); cards naming every tag add 4 × 4 × 2 tag links (some 1,400 bytes) per step.
    assert max(steps) - min(steps) <= 100, (sizes, steps)


def test_a_card_names_a_few_tags_and_counts_the_rest(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {"briefs/b.md": tagged_brief(MAX_TAGS)})
    out = tmp_path / "out"
    assert build(site, out) == 0
    home = (out / "index.html").read_text("utf-8")
    assert home.count('href="/tags/thema') == CARD_TAGS
    assert f'<li class="more-tags">+ {MAX_TAGS - CARD_TAGS} weitere</li>' in home
    tag_page = (out / "tags" / "thema0000" / "index.html").read_text("utf-8")
    assert tag_page.count('href="/tags/thema') == CARD_TAGS
    # The brief's own page names them all.
    page = (out / "briefs" / "b" / "index.html").read_text("utf-8")
    assert page.count('href="/tags/thema') == MAX_TAGS


@pytest.mark.parametrize("count", [MAX_TAGS + 1, 4000])
def test_more_tags_than_the_cap_fail_the_build_with_a_diagnostic(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], count: int
) -> None:
    site = write_site(tmp_path / "site", {"briefs/b.md": tagged_brief(count)})
    out = tmp_path / "out"
    assert build(site, out) == 1
    assert not out.exists()
    captured = capsys.readouterr()
    lines = (captured.out + captured.err).splitlines()
    head = (
        f"briefs/b.md:4:7: error[too-many-tags]: 'tags' has {count:,} entries; "
        f"at most {MAX_TAGS} are allowed"
    )
    assert lines[lines.index(head) + 3 : lines.index(head) + 5] == [
        "   |       ^",
        f"   = hint: keep the {MAX_TAGS} that say best what the brief is about; "
        "each tag is a page of the site",
    ]


def test_a_block_list_of_tags_is_reported_at_its_first_entry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tags = "".join(f"  - Thema{number}\n" for number in range(MAX_TAGS + 1))
    head = f"---\ntitle: Testmeldung\ndate: 2025-02-27\ntags:\n{tags}---\n"
    site = write_site(tmp_path / "site", {"briefs/b.md": brief(BODY, head), "site.yaml": SITE_YAML})
    assert main(["check", "--site", str(site)]) == 1
    captured = capsys.readouterr()
    assert "briefs/b.md:5:3: error[too-many-tags]: 'tags' has 21 entries" in captured.out


# --- point 9: citation previews ---------------------------------------------------------

# A paragraph of 1 MB (the file cap is 1 MiB) with one sentence worth quoting in its middle.
FILLER = "Wort " * 100_000
MIDDLE = "Der Minister nannte die Lage „ernst, aber beherrschbar“ und reiste ab."
LONG_SOURCE = f"---\ntitle: Dokument\noutlet: Amt\n---\n{FILLER}{MIDDLE} {FILLER}Ende.\n"
CITATIONS = 300
# Bytes of a brief page that do not grow with its citations (head, masthead, footer, the
# source list's heading), and per citation: its sentence in the brief, its marker and its
# link back from the source list (``test_page_size`` counts these finer).
PAGE_FIXED = 8_000
PER_CITATION = 320


def long_paragraph_site(root: Path, sentence: str) -> Path:
    body = "\n\n".join(sentence.format(number) for number in range(CITATIONS))
    return write_site(root, {"content/dokument.md": LONG_SOURCE, "briefs/b.md": brief(body + "\n")})


def preview_of(page: str) -> str:
    start = page.index('<blockquote class="citation-preview-quote"><p>„') + 47
    return page[start : page.index("“</p></blockquote>", start)]


@pytest.mark.parametrize(
    "sentence",
    [
        "Satz {} nennt das Dokument [@dokument#p1].",
        "Satz {}: „ernst, aber beherrschbar“ [@dokument#p1].",
    ],
    ids=["plain", "quoting"],
)
def test_a_page_citing_a_1_mb_paragraph_300_times_is_bounded_by_its_citations(
    tmp_path: Path, sentence: str
) -> None:
    """The preview is an excerpt, on the page once: the page grows with its citations, not
    with the paragraph (it was 1 MB here, and 302 MB when each citation held the text)."""
    site = long_paragraph_site(tmp_path / "site", sentence)
    out = tmp_path / "out"
    assert build(site, out) == 0
    size = (out / "briefs" / "b" / "index.html").stat().st_size
    assert size <= PAGE_FIXED + 3 * PREVIEW_CHARS + PER_CITATION * CITATIONS, size
    # The whole paragraph is on its source page, where "Zur Quelle" leads.
    assert FILLER + MIDDLE in (out / "sources" / "dokument" / "index.html").read_text("utf-8")


def test_a_long_paragraphs_preview_starts_at_its_start_when_nothing_is_quoted(
    tmp_path: Path,
) -> None:
    site = long_paragraph_site(tmp_path / "site", "Satz {} nennt das Dokument [@dokument#p1].")
    assert build(site, tmp_path / "out") == 0
    page = (tmp_path / "out" / "briefs" / "b" / "index.html").read_text("utf-8")
    preview = preview_of(page)
    assert preview.startswith("Wort Wort ") and preview.endswith("Wort…")
    assert len(preview) <= PREVIEW_CHARS + 1


def test_a_long_paragraphs_preview_shows_the_passage_the_brief_quotes(tmp_path: Path) -> None:
    site = long_paragraph_site(
        tmp_path / "site", "Satz {}: „ernst, aber beherrschbar“ [@dokument#p1]."
    )
    assert build(site, tmp_path / "out") == 0
    page = (tmp_path / "out" / "briefs" / "b" / "index.html").read_text("utf-8")
    preview = preview_of(page)
    assert preview.startswith("…Wort ") and preview.endswith(" Wort…")
    assert escape(MIDDLE) in preview
    assert len(preview) <= PREVIEW_CHARS + 2
    assert page.count(escape(MIDDLE)) == 1  # once on the page, shared by its 300 markers


def test_excerpts_show_short_paragraphs_whole_and_cut_long_ones_at_words() -> None:
    short = "Wort " * (PREVIEW_CHARS // 5)
    assert excerpt(short.strip()) == short.strip()
    assert excerpt("a" * PREVIEW_CHARS) == "a" * PREVIEW_CHARS
    cut = excerpt("lang " * 1000, ["lang lang"])
    assert cut.endswith("lang…") and len(cut) <= PREVIEW_CHARS + 1
    # One word of 1 MB: cut inside it, never between a letter and its accent.
    word = excerpt("e\u0301" * 500_000)
    assert len(word) <= PREVIEW_CHARS + 1 and word.endswith("\u0301…")
    quoted = excerpt("x" * 2000 + " Ziel " + "y" * 2000, ["Ziel"])
    assert "Ziel" in quoted and quoted.startswith("…") and quoted.endswith("…")


def test_a_quote_not_found_plainly_leaves_the_preview_at_the_start() -> None:
    text = "Anfang " + "Wort " * 1000
    assert excerpt(text, ["fehlt hier", "auch nicht"]).startswith("Anfang Wort")


def test_every_cited_paragraph_of_this_site_is_shown_whole() -> None:
    """The cap is above this site's paragraphs: their previews look as before."""
    corpus, _, _ = load_corpus(load_config(ROOT))
    index = build_index(corpus)
    lengths = [len(c.paragraph.text) for cited in index.cited.values() for c in cited]
    assert lengths and max(lengths) <= PREVIEW_CHARS


def test_a_quotes_excerpt_opens_with_its_sentence_when_that_is_near() -> None:
    """The source list shows two lines of an entry: they should hold the quoted words."""
    text = "Vorher. " * 300 + MIDDLE + " Danach." * 300
    shown = excerpt(text, ["ernst, aber beherrschbar"])
    assert shown.startswith("…" + MIDDLE) and shown.endswith("…")
    # Near the end, the window ends with the paragraph and starts at a word.
    near_end = excerpt("Wort " * 400 + MIDDLE, ["ernst, aber beherrschbar"])
    assert near_end.startswith("…Wort ") and near_end.endswith(MIDDLE)
    assert len(near_end) <= PREVIEW_CHARS + 1
