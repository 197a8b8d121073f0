"""What readers can search: the published site as Pagefind records.

Pure: a site index in, records out. One record per brief and one per source: its
paragraphs as the content, its title as searchable metadata. A hit in a source lands on
the paragraph the matched words stand in (``/sources/<id>/#p3``): Pagefind gives each hit
the positions of its matched words among the words of the content (the content split at
whitespace, as its own excerpts count them), and the record carries the number of words
of each paragraph (filter ``paragraph_words``), so the search page places each position in
its paragraph and shows that paragraph's words around it. Until round 10 each paragraph
was a record of its own: 56,716 records at 20,000 pages instead of 20,000, whose names
the reader loaded before any search, and Pagefind's per-hit scoring grows with the square
of the hits (docs/decisions.md, "One search record per source").

Pagefind indexes every metadata value as searchable text, so ``meta`` holds only what
should be found (titles, summaries). What a result merely shows (kind, date, outlet, the
paragraphs' words) travels as filter values, which are not searched: otherwise
"Februar" would find every record dated February.

The search page counts briefs and sources and sorts by date without loading a hit: the
bundle names each record's page by what it is and its place by date (``page_names``), so
the records carry no filter or sort for that.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from ..dates import PartialDate
from ..model import Brief, Source
from ..pickling import quick_pickle
from ..render.site_index import SiteIndex
from ..render.urls import Urls, brief_page, source_page
from .search_error import SearchInterrupted, never_interrupted

# Filter keys as the search page asks for them (the values are what readers see), and the
# key of the date the bundle's page names are ordered by (``page_names``).
TYPE, TAG, OUTLET, DATE = "type", "tag", "outlet", "date"
# Filters for display only (see above): the German date; each paragraph's number and
# count of words (``1:45 2:52 …``), by which the search page places a source's hits; and
# per tag the paragraphs its briefs cite (``Ukraine:1,5``).
PUBLISHED, PARAGRAPH_WORDS, CITED_BY_TAG = "published", "paragraph_words", "cited_by_tag"
BRIEF_TYPE, SOURCE_TYPE = "Meldung", "Quelle"
# The characters at which Python's ``str.split``, Pagefind and the search page (JavaScript's
# ``\s``) split words differently (each of the Unicode spaces checked against Pagefind
# 1.5): Python splits at the separators U+001C–U+001F and the others do not; JavaScript
# splits at a byte order mark and Pagefind does not. A paragraph's word count must count
# as all three do, so the search content has a space for the first and nothing for the
# second; no reader sees either.
_AGREED_SPLIT = {**dict.fromkeys(range(0x1C, 0x20), " "), 0xFEFF: None}
# How many records are made between two questions whether to stop (``search_records``).
_ASK_EVERY = 200
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


def search_records(
    index: SiteIndex, urls: Urls, interrupted: Callable[[], bool] = never_interrupted
) -> list[SearchRecord]:
    """Every record of the published site (drafts only if ``index`` holds them), in page
    order: briefs newest first, then sources with their paragraphs in document order.
    Raises ``SearchInterrupted`` when ``interrupted()`` says to stop (asked every
    ``_ASK_EVERY`` records: ``serve``'s rebuild of the whole index gives way to an edit,
    and at 20,000 pages the records alone take 2 s)."""
    records: list[SearchRecord] = []
    for record in each_search_record(index, urls):
        if len(records) % _ASK_EVERY == 0 and interrupted():
            raise SearchInterrupted("an edit came while the search records were made")
        records.append(record)
    return records


def each_search_record(index: SiteIndex, urls: Urls) -> Iterator[SearchRecord]:
    """``search_records``, each made when it is asked for: Pagefind indexes the first
    while the next are made."""
    for brief in index.briefs:
        yield brief_record(brief, index, urls)
    for source in index.sources:
        yield from source_records(source, index, urls)


def collected(records: Iterable[SearchRecord], into: list[SearchRecord]) -> Iterator[SearchRecord]:
    """``records`` handed on, each also appended to ``into`` (for what needs them all
    once they are indexed: the bundle's page names, its key)."""
    for record in records:
        into.append(record)
        yield record


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
        _join([searchable(p.text) for p in brief.paragraphs]),
        meta,
        _non_empty(filters),
        {DATE: _sort_date(brief.date)},
    )


def source_records(source: Source, index: SiteIndex, urls: Urls) -> list[SearchRecord]:
    """The source as one record: its paragraphs as the content, its title as searchable
    metadata, and for the search page the number of words of each paragraph, by which it
    finds the paragraph of each matched word (a hit's word positions count the words of
    the content; see the module docstring), and which paragraphs the briefs of each tag
    cite (``Ukraine:1,5``), by which it lists those when a search names the tag."""
    page = urls.link(source_page(source.id))
    cited: dict[str, list[int]] = {}
    for paragraph in source.paragraphs:
        for tag in _citing_tags(source, paragraph.index, index):
            cited.setdefault(tag, []).append(paragraph.index)
    texts = [searchable(p.text) for p in source.paragraphs]
    words = " ".join(
        f"{p.index}:{len(t.split())}" for p, t in zip(source.paragraphs, texts, strict=True)
    )
    filters = {
        TYPE: (SOURCE_TYPE,),
        OUTLET: (source.outlet,) if source.outlet else (),
        PUBLISHED: _german(source.published),
        TAG: tuple(sorted(cited)),
        PARAGRAPH_WORDS: (words,) if words else (),
        CITED_BY_TAG: tuple(f"{tag}:{','.join(map(str, cited[tag]))}" for tag in sorted(cited)),
    }
    return [
        SearchRecord(
            page,
            _join(texts),
            {"title": source.title},
            _non_empty(filters),
            {DATE: _sort_date(source.published)},
        )
    ]


def _citing_tags(source: Source, paragraph: int, index: SiteIndex) -> tuple[str, ...]:
    """The tags of the briefs citing this paragraph: "Quelle" + "Ukraine" finds the
    sources that Ukraine briefs rest on, and lists the paragraphs they cite."""
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


def searchable(text: str) -> str:
    """``text`` as the search content holds it: split into the same words by Python,
    Pagefind and the search page (see ``_AGREED_SPLIT``)."""
    return text.translate(_AGREED_SPLIT)


def _join(parts: list[str]) -> str:
    return "\n".join(part for part in parts if part)


def _non_empty(filters: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    return {name: values for name, values in filters.items() if values}
