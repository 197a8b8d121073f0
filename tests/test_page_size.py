"""A brief page is as big as what it shows, not more: the cited paragraphs' text once, the
brief's own text, and a bounded amount of markup per marker, per cited paragraph and per
source (issue 14: pages at newsroom scale). Repetition creeping back — a paragraph's text
twice, a title per marker, a long link per line — breaks the bound."""

from __future__ import annotations

from html import escape
from pathlib import Path

import pytest

from site_builder.cli import main
from site_builder.load.config import load_config
from site_builder.pipeline import load_corpus
from site_builder.render.site_index import SiteIndex, build_index, cited_sources

ROOT = Path(__file__).parent.parent
# Bytes of a brief page that do not grow with its content: head, masthead, footer, headings
# (with some room for them to change).
FIXED = 4100
# Markup per citation marker (its button, and its link back in the source list), per cited
# paragraph's entry (label, "Zur Quelle" with ``?von=``, close button) and per source (its
# list line and JSON-LD work); the texts are counted on their own.
PER_MARKER = 260
PER_ENTRY = 550
PER_SOURCE = 420


def _bound(index: SiteIndex, path: str) -> int:
    """The most bytes the page of the brief at ``path`` may have, computed from its content."""
    brief = next(b for b in index.briefs if b.path == path)
    cited = index.cited[path]
    sources = cited_sources(cited)
    texts = sum(len(escape(c.paragraph.text).encode()) for c in cited)  # once each
    works = sum(len(c.source.title.encode()) + len(c.source.outlet.encode()) for c in cited)
    own = len(brief.html.encode())
    # Title and summary stand in <title>, the meta tags, the heading and the JSON-LD.
    head = 5 * (len(brief.title.encode()) + len((brief.summary or "").encode()))
    source_words = sum(
        2 * (len(s.source.title.encode()) + len(s.source.outlet.encode()))
        + 2 * len((s.source.url or "").encode())
        for s in sources
    )
    markers = sum(len(run) for run in brief.marker_runs)
    return (
        FIXED
        + texts
        + works
        + own
        + head
        + source_words
        + PER_MARKER * markers
        + PER_ENTRY * len(cited)
        + PER_SOURCE * len(sources)
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SiteIndex]:
    out = tmp_path_factory.mktemp("lean") / "public"
    assert main(["build", "--site", str(ROOT), "--out", str(out), "--frozen", "--no-search"]) == 0
    corpus, _, _ = load_corpus(load_config(ROOT))
    return out, build_index(corpus)


def test_every_brief_page_is_within_its_content_bound(built: tuple[Path, SiteIndex]) -> None:
    out, index = built
    assert len(index.briefs) == 7
    for brief in index.briefs:
        size = (out / "briefs" / brief.slug / "index.html").stat().st_size
        assert size <= _bound(index, brief.path), (brief.slug, size, _bound(index, brief.path))


def test_the_bound_fails_pages_that_repeat_their_cited_text(built: tuple[Path, SiteIndex]) -> None:
    """The bounds are tight enough to notice the cited paragraphs' text a second time."""
    out, index = built
    sizes = texts = bounds = 0
    for brief in index.briefs:
        sizes += (out / "briefs" / brief.slug / "index.html").stat().st_size
        texts += sum(len(escape(c.paragraph.text).encode()) for c in index.cited[brief.path])
        bounds += _bound(index, brief.path)
    assert sizes + texts > bounds
