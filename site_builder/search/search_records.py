"""What readers can search: the published site as Pagefind records.

Pure: a site index in, records out. One record per brief, one per source (its title and
outlet, landing on the page top) and one per source paragraph, landing on the paragraph
(``/sources/<id>/#p3``). Pagefind's own page crawl returns sub-results only for headings,
so a hit in the middle of an article would land on the page top; a record per paragraph
lands on the paragraph and its excerpt is that paragraph's text.

Pagefind indexes every metadata value as searchable text, so ``meta`` holds only what
should be found (titles, summaries). What a result merely shows (kind, date, outlet,
the article a paragraph belongs to) travels as filter values, which are not searched:
otherwise "Februar" would find every record dated February, and every paragraph of an
article would match the words of its title.

The search page lists a source's paragraph hits grouped under the source, counts briefs,
sources and paragraphs and sorts by date without loading a hit: the bundle names each
record's page by what it is, which source it belongs to and its place by date
(``page_names``), so the records carry no filter or sort for that.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..dates import PartialDate
from ..model import Brief, Paragraph, Source
from ..pickling import quick_pickle
from ..render.site_index import SiteIndex
from ..render.urls import Urls, brief_page, source_page

# Filter keys as the search page asks for them (the values are what readers see), and the
# key of the date the bundle's page names are ordered by (``page_names``).
TYPE, TAG, OUTLET, DATE = "type", "tag", "outlet", "date"
# Filters for display only (see above): the German date, and a paragraph's article title.
PUBLISHED, SOURCE = "published", "source"
BRIEF_TYPE, SOURCE_TYPE = "Meldung", "Quelle"
# Date key of a source without a publication date: before every date, so after every
# dated record when sorted newest first.
UNDATED = "0000"


@quick_pickle
@dataclass(frozen=True, slots=True)
class SearchRecord:
    """One search result as Pagefind stores it. ``url`` is the link readers follow
    (with the base path); ``content`` is the searchable plain text; ``meta`` is shown
    with the result; ``filters`` are what the search page narrows by; ``sort`` holds the
    date the bundle's page names order it by (``page_names``)."""

    url: str
    content: str
    meta: Mapping[str, str]  # searchable: every value is indexed
    filters: Mapping[str, tuple[str, ...]]
    sort: Mapping[str, str]


def search_records(index: SiteIndex, urls: Urls) -> list[SearchRecord]:
    """Every record of the published site (drafts only if ``index`` holds them), in page
    order: briefs newest first, then sources with their paragraphs in document order."""
    records = [brief_record(brief, index, urls) for brief in index.briefs]
    for source in index.sources:
        records += source_records(source, index, urls)
    return records


def brief_record(brief: Brief, index: SiteIndex, urls: Urls) -> SearchRecord:
    outlets = {entry.source.outlet for entry in index.cited[brief.path] if entry.source.outlet}
    meta = {"title": brief.title}
    if brief.summary:
        meta["summary"] = brief.summary
    filters = {
        TYPE: (BRIEF_TYPE,),
        TAG: tuple(tag.name for tag in index.tags_of(brief)),
        OUTLET: tuple(sorted(outlets)),
        PUBLISHED: _german(brief.date),
    }
    return SearchRecord(
        urls.link(brief_page(brief.slug)),
        _join([p.text for p in brief.paragraphs]),
        meta,
        _non_empty(filters),
        {DATE: _sort_date(brief.date)},
    )


# Paragraph records per source at most. Pagefind's indexing costs about a millisecond per
# record and grows faster than the records do (60,000 one-word paragraphs took 80 s,
# 300,000 did not finish in 15 minutes), and a hit per one-word paragraph finds nothing a
# reader could use. A source with more paragraphs gets records of consecutive paragraphs,
# each landing on its first one; normal sources (this site's have at most a few dozen
# paragraphs) keep one record per paragraph.
MAX_PARAGRAPH_RECORDS = 1_000


def source_records(source: Source, index: SiteIndex, urls: Urls) -> list[SearchRecord]:
    """The source's own record (title and outlet) and one per paragraph, or one per run of
    consecutive paragraphs in a source of more than ``MAX_PARAGRAPH_RECORDS``."""
    page = urls.link(source_page(source.id))
    shown = {
        TYPE: (SOURCE_TYPE,),
        OUTLET: (source.outlet,) if source.outlet else (),
        PUBLISHED: _german(source.published),
    }
    sort = {DATE: _sort_date(source.published)}
    all_tags: set[str] = set()
    paragraphs = []
    for run in paragraph_runs(source.paragraphs, MAX_PARAGRAPH_RECORDS):
        tags = sorted({tag for p in run for tag in _citing_tags(source, p.index, index)})
        all_tags |= set(tags)
        filters = {**shown, TAG: tuple(tags), SOURCE: (source.title,)}
        paragraphs.append(
            SearchRecord(
                f"{page}#{run[0].anchor}",
                _join([p.text for p in run]),
                {},
                _non_empty(filters),
                sort,
            )
        )
    filters = {**shown, TAG: tuple(sorted(all_tags))}
    header = SearchRecord(page, source.title, {"title": source.title}, _non_empty(filters), sort)
    return [header, *paragraphs]


def paragraph_runs(paragraphs: Sequence[Paragraph], most: int) -> list[Sequence[Paragraph]]:
    """``paragraphs`` in at most ``most`` runs of consecutive ones: one each when there are
    no more than ``most``, else runs of at least a ``most``-th of all their text (so a
    long paragraph stays alone and tiny ones are merged)."""
    if len(paragraphs) <= most:
        return [paragraphs[at : at + 1] for at in range(len(paragraphs))]
    share = -(-sum(len(p.text) + 1 for p in paragraphs) // most)  # rounded up
    runs: list[Sequence[Paragraph]] = []
    start, size = 0, 0
    for at, paragraph in enumerate(paragraphs):
        size += len(paragraph.text) + 1
        if size >= share:
            runs.append(paragraphs[start : at + 1])
            start, size = at + 1, 0
    if start < len(paragraphs):
        runs.append(paragraphs[start:])
    return runs


def _citing_tags(source: Source, paragraph: int, index: SiteIndex) -> tuple[str, ...]:
    """The tags of the briefs citing this paragraph: "Quelle" + "Ukraine" finds the source
    paragraphs that Ukraine briefs rest on."""
    names = {
        tag.name
        for citing in index.citing.get((source.id, paragraph), ())
        for tag in index.tags_of(citing.brief)
    }
    return tuple(sorted(names))


def _german(date: PartialDate | None) -> tuple[str, ...]:
    return (date.german(),) if date is not None else ()


def _sort_date(date: PartialDate | None) -> str:
    """A string that sorts chronologically (``page_names`` compares them as text):
    ``2025-02-00`` for February 2025, times in UTC."""
    if date is None:
        return UNDATED
    year, month, day, time = date.sort_key()
    return f"{year:04d}-{month:02d}-{day:02d}" + (f"T{time}" if time else "")


def _join(parts: list[str]) -> str:
    return "\n".join(part for part in parts if part)


def _non_empty(filters: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    return {name: values for name, values in filters.items() if values}
