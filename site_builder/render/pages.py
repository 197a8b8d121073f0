"""Every page of the site as (where, which template, what data): the site map in code.

Pure: a checked corpus and its index in, page descriptions out. Templates only lay out.
A page is plain data, cheap to make: its Markdown body is a recipe (``BriefBody``,
``SourceBody``): the HTML made when the document was loaded, whose slots (citation
markers, "cited in" boxes) are filled only when the page is rendered, so an unchanged page
(same data, see ``page_keys``) is not rendered at all, and no page parses Markdown.
"""

from __future__ import annotations

import functools
import math
import operator
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..dates import PartialDate, german_moment
from ..load.config import SiteConfig
from ..memo import NO_MEMO, Memo
from ..model import Brief, SitePage, Source
from ..pickling import quick_pickle
from ..search.search_records import BRIEF_TYPE, SOURCE_TYPE
from .excerpts import excerpt
from .render_markdown import (
    AllCiting,
    PreviewTexts,
    cited_in_html,
    german_number,
    render_brief_body,
    render_source_body,
)
from .site_index import (
    CitedParagraph,
    CitedSource,
    Citing,
    IndexChange,
    SiteIndex,
    Tag,
    cited_numbers,
    cited_sources,
    place_of,
    source_count,
)
from .urls import SEARCH_PAGE, Urls, brief_page, citing_page, home_page, source_page, tag_page

BRIEFS_PER_PAGE = 20
# Briefs a source paragraph's "Zitiert in" names, newest first; a paragraph cited more
# often links to the listing of them all (``citing_pages``), ``CITING_PER_PAGE`` to a
# page. At 20,000 briefs a popular paragraph is cited by 1,700: one box of them all made
# the source page megabytes, rendered again whenever any of them was edited.
CITED_IN_SHOWN = 10
CITING_PER_PAGE = 50
# Tags a brief's card in a list shows; more are counted („+ 3 weitere“) and all are on the
# brief's own page. A card stands on each of its tags' pages, so a card naming every tag
# made a site grow with the square of a brief's tags (issue 16).
CARD_TAGS = 5
# How a brief's source list names a source's kind (``fields.SOURCE_KINDS``); an original
# report needs no word.
KIND_NAMES = {
    "agency": "Nachrichtenagentur",
    "aggregator": "Nachrichtenaggregator",
    "press-release": "Pressemitteilung",
    "official": "amtliche Veröffentlichung",
}
# The query parameter that tells a source page which brief the reader came from.
FROM_BRIEF = "von"


@quick_pickle
@dataclass(frozen=True, slots=True)
class BriefBody:
    """A brief's page as a recipe: the brief, its numbered cited paragraphs (``cited``, in
    the order it first cites them) and its tags as (name, page). Everything else the page
    shows (markers, previews, source list) is derived from these when it is rendered, in
    parallel, and only for a page whose recipe changed."""

    brief: Brief
    cited: tuple[CitedParagraph, ...]
    tags: tuple[tuple[str, str], ...]


@quick_pickle
@dataclass(frozen=True, slots=True)
class SourceBody:
    """A source's body as the page shows it: under paragraph ``n`` the newest briefs citing
    it (``CITED_IN_SHOWN`` at most), and, when there are more, how many (``totals``)."""

    source: Source
    citing: dict[int, tuple[Citing, ...]]
    totals: dict[int, int] = field(default_factory=dict)


@quick_pickle
@dataclass(frozen=True, slots=True)
class SitePageBody:
    """A site page's Markdown body."""

    page: SitePage


@quick_pickle
@dataclass(frozen=True, slots=True)
class Page:
    """``page`` is the URL path below ``base_url`` (``briefs/x/``); ``context`` feeds the
    template, with what ``rendered_context`` makes of ``body`` (the recipe) when there is
    one. ``in_sitemap`` is False for pages search engines should not list."""

    page: str
    template: str
    title: str
    description: str
    context: dict[str, Any]
    in_sitemap: bool = True
    body: BriefBody | SourceBody | SitePageBody | None = None


# A group of pages: what one part of the index makes ("brief", path), ("tag", slug),
# ("source", id), ("citing", id), ("home", ""), … (``page_groups``). ``serve`` patches the
# page list group by group: an edit names the groups it touched (``patched_groups``).
Group = tuple[str, str]
HOME: Group = ("home", "")
SOURCES: Group = ("sources", "")
TAGS: Group = ("tags", "")
SEARCH: Group = ("search", "")
SITE: Group = ("site", "")


def all_pages(index: SiteIndex, config: SiteConfig, memo: Memo = NO_MEMO) -> list[Page]:
    """Every page. With a ``memo`` (``serve``), a page is the same object as in the last
    build while what it shows is (the same briefs' listings, the same citing entries), so
    its key is found, not made: at 20,000 pages re-keying every home and tag page took
    a second per rebuild."""
    return [page for pages in page_groups(index, config, memo).values() for page in pages]


def page_groups(
    index: SiteIndex, config: SiteConfig, memo: Memo = NO_MEMO, listings: Listings | None = None
) -> dict[Group, list[Page]]:
    """Every page by its group, in the site's order (``all_pages``)."""
    listings = listings or Listings(index, memo)
    groups = {HOME: home_pages(index, config, listings, memo)}
    groups.update((("brief", b.path), [listings.page(b)]) for b in index.briefs)
    groups[SOURCES] = [sources_list(index, memo)]
    groups.update((("source", s.id), [source_detail(s, index, memo)]) for s in index.sources)
    groups.update((("citing", s.id), citing_pages(s, index, memo)) for s in index.sources)
    groups[TAGS] = [tags_list(index, memo)]
    groups.update((("tag", t.slug), tag_detail(t, index, listings, memo)) for t in index.tags)
    groups[SEARCH] = [search_page(index)]
    groups[SITE] = [*(site_page(page) for page in index.pages), not_found_page()]
    return groups


def group_order(index: SiteIndex) -> list[Group]:
    """The groups of ``page_groups`` in its order: the sitemap lists pages in it."""
    return [
        HOME,
        *(("brief", b.path) for b in index.briefs),
        SOURCES,
        *(("source", s.id) for s in index.sources),
        *(("citing", s.id) for s in index.sources),
        TAGS,
        *(("tag", t.slug) for t in index.tags),
        SEARCH,
        SITE,
    ]


# Briefs an edit may change (or re-list, a renamed tag re-lists all its briefs) before
# ``serve``'s page list is made whole again rather than patched.
PATCH_MOST = 500


@dataclass(frozen=True, slots=True)
class PageList:
    """The pages of one build as ``serve`` keeps them for the next (``patched_list``):
    the index and configuration they were made for, each listed brief's listing and page
    by path, every page by group, and the date the feed says the site was updated."""

    index: SiteIndex
    config: SiteConfig
    listings: dict[str, tuple[dict[str, Any], Page]]
    groups: dict[Group, list[Page]]
    latest: PartialDate | None

    @property
    def pages(self) -> list[Page]:
        return [page for pages in self.groups.values() for page in pages]


@dataclass(frozen=True, slots=True)
class PagePatch:
    """``patched_list``'s result: the new page list, the groups made again (``touched``),
    and whether every group stands where it stood (``same_order``: no brief moved in the
    site's order, none came or went, no tag did), which the sitemap follows."""

    pages: PageList
    touched: set[Group]
    same_order: bool


def page_list(index: SiteIndex, config: SiteConfig, memo: Memo = NO_MEMO) -> PageList:
    """Every page (``page_groups``), kept to be patched by the next build."""
    listings = Listings(index, memo)
    groups = page_groups(index, config, memo, listings)
    return PageList(index, config, listings.made, groups, latest_date(index))


def patched_list(
    old: PageList,
    index: SiteIndex,
    config: SiteConfig,
    memo: Memo = NO_MEMO,
    change: IndexChange | None = None,
) -> PagePatch | None:
    """``old`` brought up to date with ``index``: only the groups the difference between
    ``old.index`` and ``index`` names are made again (the changed briefs' own pages, the
    home pages around them, the pages of every tag a changed or re-listed brief carries or
    carried, the pages of every source a changed brief cites or cited, the sources, tags
    and search pages). A group not named is the same list of the same pages. ``change``
    (``site_index.updated_index``) says which briefs changed, when it was made from
    ``old.index``; else they are found by comparing. None when the difference is not one
    of briefs alone (a source, a site page, the configuration or the schedule changed)
    or too large (``PATCH_MOST``): then the whole list is made (``page_list``)."""
    before = old.index
    if (
        old.config != config
        or not _same_objects(before.sources, index.sources)
        or not _same_objects(before.pages, index.pages)
        or before.scheduled != index.scheduled
    ):
        return None
    found = _changed_briefs(before, index, change)
    if found is None:
        return None
    was, now = found  # path → the brief listed there before / now, of the changed paths
    changed = was.keys() | now.keys()
    old_tags = {tag.slug: tag for tag in before.tags}
    tags = {tag.slug: tag for tag in index.tags}
    touched_tags = {
        tag.slug
        for path in changed
        for tag in (*before.tags_by_brief.get(path, ()), *index.tags_by_brief.get(path, ()))
    }
    relisted = dict(now)
    for slug in touched_tags:  # a tag renamed by its spellings: every card of it changes
        if slug in old_tags and slug in tags and old_tags[slug].name != tags[slug].name:
            relisted.update((brief.path, brief) for brief in tags[slug].briefs)
    if len(relisted) > PATCH_MOST:
        return None
    # A re-listed brief's card stands on the pages of all its tags.
    touched_tags.update(tag.slug for path in relisted for tag in index.tags_by_brief[path])
    listings = dict(old.listings)
    groups = dict(old.groups)
    touched: set[Group] = {HOME, TAGS, SEARCH}
    for path in changed:
        listings.pop(path, None)
        groups.pop(("brief", path), None)
        touched.add(("brief", path))
    for path, brief in relisted.items():
        listings[path] = memo.call(_listing_and_page, *_listing_row(brief, index))
        groups[("brief", path)] = [listings[path][1]]
        touched.add(("brief", path))  # (its page names its tags too)
    shown = Listings.of_made(listings)
    # The briefs whose cards changed, as they stood (``was``) and stand: found in lists
    # of briefs by bisection (``place_of``), not by walking every brief.
    dirty = (
        [*was.values(), *(b for p, b in relisted.items() if p not in now)],
        list(relisted.values()),
    )

    def home(number: int, count: int) -> Page:
        return _home_page_of(index, config, shown, memo, (number, count))

    groups[HOME] = _patched_pager(old.groups[HOME], (before.briefs, index.briefs), dirty, home)
    for slug in touched_tags:
        kept = groups.pop(("tag", slug), [])
        if slug in tags:
            tag_pages = _patched_tag(kept, old_tags.get(slug), tags[slug], dirty, (shown, memo))
            groups[("tag", slug)] = tag_pages
        touched.add(("tag", slug))
    sources = {source.id: source for source in index.sources}
    cited_by_changed = {
        entry.source.id
        for path in changed
        for entries in (before.cited.get(path, ()), index.cited.get(path, ()))
        for entry in entries
    }
    for source_id in cited_by_changed:
        groups[("source", source_id)] = [source_detail(sources[source_id], index, memo)]
        groups[("citing", source_id)] = citing_pages(sources[source_id], index, memo)
        touched.update((("source", source_id), ("citing", source_id)))
    counts = before.citing_briefs, index.citing_briefs
    if any(counts[0].get(source_id) != counts[1].get(source_id) for source_id in cited_by_changed):
        groups[SOURCES] = [sources_list(index, memo)]  # (it counts each source's briefs)
        touched.add(SOURCES)
    groups[TAGS] = [tags_list(index, memo)]
    groups[SEARCH] = [search_page(index)]
    latest = _patched_latest(old, index, was, now)
    same_order = len(before.briefs) == len(index.briefs) and [t.slug for t in before.tags] == [
        t.slug for t in index.tags
    ]
    same_order = same_order and _same_places((before.briefs, index.briefs), was, now)
    made = PageList(index, config, listings, groups, latest)
    return PagePatch(made, touched, same_order)


def _changed_briefs(
    before: SiteIndex, index: SiteIndex, change: IndexChange | None
) -> tuple[dict[str, Brief], dict[str, Brief]] | None:
    """Of the paths whose listed brief changed between ``before`` and ``index``: the brief
    listed there before, and the one listed now (None: more than ``PATCH_MOST``)."""
    if change is not None and change.since is before:
        if len(change.paths) > PATCH_MOST:
            return None
        was = {p: change.before[p] for p in change.paths if p in before.cited}
        now = {p: change.briefs[p] for p in change.paths if p in index.cited}
        return was, now
    old = {brief.path: brief for brief in before.briefs}
    new = {brief.path: brief for brief in index.briefs}
    changed = {path for path, brief in new.items() if old.get(path) is not brief}
    changed.update(path for path in old if path not in new)
    # A brief's cited paragraphs are the same tuple while it and its sources are; should
    # they not be, its listing and the pages of what it cites are made again all the same.
    changed.update(path for path in new if index.cited[path] is not before.cited.get(path))
    if len(changed) > PATCH_MOST:
        return None
    return {p: old[p] for p in changed if p in old}, {p: new[p] for p in changed if p in new}


def _same_places(
    briefs: tuple[tuple[Brief, ...], tuple[Brief, ...]],
    was: dict[str, Brief],
    now: dict[str, Brief],
) -> bool:
    """Every changed brief stands where it stood (with as many briefs before and now, the
    unchanged ones then stand where they stood too)."""
    if was.keys() != now.keys():
        return False
    before, after = briefs
    return all(place_of(before, was[path]) == place_of(after, now[path]) for path in was)


def _patched_pager(
    old: list[Page],
    members: tuple[tuple[Brief, ...], tuple[Brief, ...]],
    dirty: tuple[list[Brief], list[Brief]],
    page: Callable[[int, int], Page],
) -> list[Page]:
    """The pages of a paged list of briefs (``BRIEFS_PER_PAGE`` each) whose members went
    from ``members[0]`` to ``members[1]``: ``page(number, count)`` makes page ``number``.
    With as many members as before, only the pages from the first to the last place a
    ``dirty`` brief (changed, or its card changed) stood or stands at are made again: the
    others show the same briefs (the members between moved, those outside did not)."""
    before, now = members
    count = max(1, math.ceil(len(now) / BRIEFS_PER_PAGE))
    if len(before) != len(now) or len(old) != count:
        return [page(number, count) for number in range(1, count + 1)]
    found = [place_of(before, brief) for brief in dirty[0]]
    found += [place_of(now, brief) for brief in dirty[1]]
    places = [n for n in found if n is not None]  # (None: not on this list)
    if not places:
        return old
    first, last = min(places) // BRIEFS_PER_PAGE, max(places) // BRIEFS_PER_PAGE
    made = list(old)
    for at in range(first, last + 1):
        made[at] = page(at + 1, count)
    return made


def _patched_tag(
    old: list[Page],
    was: Tag | None,
    tag: Tag,
    dirty: tuple[list[Brief], list[Brief]],
    made: tuple[Listings, Memo],
) -> list[Page]:
    """The pages of ``tag`` (``old``: of ``was``), those showing no ``dirty`` brief kept
    (``_patched_pager``) unless the tag's name changed (every page shows it)."""
    listings, memo = made

    def page(number: int, count: int) -> Page:
        chunk = tag.briefs[(number - 1) * BRIEFS_PER_PAGE : number * BRIEFS_PER_PAGE]
        shown = [listings.of(b) for b in chunk]
        return memo.call(_tag_page, tag.name, tag.slug, number, count, *shown)

    if was is None or was.name != tag.name:
        count = max(1, math.ceil(len(tag.briefs) / BRIEFS_PER_PAGE))
        return [page(number, count) for number in range(1, count + 1)]
    return _patched_pager(old, (was.briefs, tag.briefs), dirty, page)


def _patched_latest(
    old: PageList, index: SiteIndex, was: dict[str, Brief], now: dict[str, Brief]
) -> PartialDate | None:
    """``latest_date(index)``, looked for among all briefs only when a changed brief's
    date (before or after) is as late as the last build's latest: otherwise the latest is
    the same brief's as before (the first of the latest in the site's order)."""
    if old.latest is None:
        return latest_date(index)
    latest = old.latest.sort_key()
    for brief in (*was.values(), *now.values()):
        date = brief.updated or brief.date
        if date is not None and date.sort_key() >= latest:
            return latest_date(index)
    return old.latest


def _same_objects(old: tuple[Any, ...], new: tuple[Any, ...]) -> bool:
    return len(old) == len(new) and all(map(operator.is_, old, new))


def not_found_page() -> Page:
    return Page(
        "404.html",
        "404.html",
        "Seite nicht gefunden",
        "Diese Seite gibt es nicht.",
        {},
        in_sitemap=False,
    )


class Listings:
    """What lists show of each brief (``listing``) and the brief's own page, made once per
    build (a brief stands on a home page, on each of its tags' pages and on its own), and
    kept by ``memo`` while the brief, its cited paragraphs, its tags' names and its
    schedule are the same."""

    def __init__(self, index: SiteIndex, memo: Memo = NO_MEMO) -> None:
        # Every listed brief at once, one lookup each while its brief, cited paragraphs,
        # schedule and tags' names are the same (``Memo.each``; ``serve``'s index keeps
        # them for briefs an edit did not touch): walking each brief through ``call``
        # was most of the page list's time at 20,000 pages.
        rows = [_listing_row(brief, index) for brief in index.briefs]
        made = memo.each(_listing_and_page, rows)
        # brief path → (its listing, its page), in the site's order
        self.made = {brief.path: both for brief, both in zip(index.briefs, made, strict=True)}

    @classmethod
    def of_made(cls, made: dict[str, tuple[dict[str, Any], Page]]) -> Listings:
        """The listings ``made`` holds (``patched_list``)."""
        listings = cls.__new__(cls)
        listings.made = made
        return listings

    def of(self, brief: Brief) -> dict[str, Any]:
        return self.made[brief.path][0]

    def page(self, brief: Brief) -> Page:
        return self.made[brief.path][1]


def _listing_row(brief: Brief, index: SiteIndex) -> tuple[Any, ...]:
    """What a brief's listing and page are made from (``_listing_and_page``)."""
    scheduled = _scheduled_text(brief, index) if brief.path in index.scheduled else ""
    tags = [part for tag in index.tags_by_brief[brief.path] for part in (tag.name, tag.slug)]
    return (brief, index.cited[brief.path], scheduled, *tags)


def home_pages(
    index: SiteIndex,
    config: SiteConfig,
    listings: Listings | None = None,
    memo: Memo = NO_MEMO,
) -> list[Page]:
    listings = listings or Listings(index)
    count = max(1, math.ceil(len(index.briefs) / BRIEFS_PER_PAGE))
    return [
        _home_page_of(index, config, listings, memo, (number, count))
        for number in range(1, count + 1)
    ]


def _home_page_of(
    index: SiteIndex,
    config: SiteConfig,
    listings: Listings,
    memo: Memo,
    place: tuple[int, int],
) -> Page:
    """Home page ``number`` of ``count`` (``place``)."""
    number, count = place
    chunk = index.briefs[(number - 1) * BRIEFS_PER_PAGE : number * BRIEFS_PER_PAGE]
    title = config.title if number == 1 else f"{config.title} – Seite {number}"
    description = config.description or config.title
    shown = [listings.of(b) for b in chunk]
    return memo.call(_home_page, number, count, title, description, *shown)


def _home_page(
    number: int, count: int, title: str, description: str, *shown: dict[str, Any]
) -> Page:
    pager = _pager(number, count, home_page)
    context = {"briefs": list(shown), "pager": pager}
    return Page(home_page(number), "home.html", title, description, context)


def _listing_and_page(
    brief: Brief, cited: tuple[CitedParagraph, ...], scheduled: str, *tags: str
) -> tuple[dict[str, Any], Page]:
    """``tags``: name, slug, name, slug … (strings, so ``Memo`` finds them by value)."""
    links = tuple((name, tag_page(slug)) for name, slug in zip(tags[::2], tags[1::2], strict=True))
    made = listing(brief, cited, links)
    made["scheduled"] = scheduled  # cards mark it as its page does
    return made, _brief_page(brief, cited, scheduled, links)


def listing(
    brief: Brief, cited: tuple[CitedParagraph, ...], tags: tuple[tuple[str, str], ...]
) -> dict[str, Any]:
    """What a list of briefs shows of one: its page, how many sources it rests on (as many
    as its source list has entries: one per source, not per paragraph), its tags (all, for
    its own page) and those its card shows (``card_tags``, ``CARD_TAGS`` at most; how many
    more it has is ``more_tags``)."""
    return {
        "brief": brief,
        "page": brief_page(brief.slug),
        "source_count": source_count(cited),
        "tags": list(tags),
        "card_tags": list(tags[:CARD_TAGS]),
        "more_tags": max(0, len(tags) - CARD_TAGS),
    }


def _scheduled_text(brief: Brief, index: SiteIndex) -> str:
    """„geplant für 1. Dezember 2026, 06:00 Uhr“ for a brief shown before its
    ``publish_at`` (``--drafts``), else "". A string: the page key sees it by value."""
    if brief.path not in index.scheduled or brief.publish_at is None:
        return ""
    return f"geplant für {german_moment(brief.publish_at)}"


def _brief_page(
    brief: Brief,
    cited: tuple[CitedParagraph, ...],
    scheduled: str,
    tags: tuple[tuple[str, str], ...],
) -> Page:
    return Page(
        brief_page(brief.slug),
        "brief.html",
        brief.title,
        brief.summary or brief.title,
        {"brief": brief, "scheduled": scheduled},
        body=BriefBody(brief, cited, tags),
    )


def site_page(page: SitePage) -> Page:
    """``/impressum/`` from ``pages/impressum.md``: the site's own words in its theme."""
    return Page(
        f"{page.slug}/",
        "page.html",
        page.title,
        page.description or page.title,
        {"site_page": page},
        body=SitePageBody(page),
    )


def footer_links(index: SiteIndex) -> tuple[tuple[str, str], ...]:
    """(title, page) of every site page, for the footer of every page."""
    return tuple((page.title, f"{page.slug}/") for page in index.pages)


def _source_entry(entry: CitedSource) -> dict[str, Any]:
    """What the brief's source list shows of one source: its number and the source, how
    it came about (``provenance``) and its cited paragraphs (whose entries
    ``render_markdown`` makes: they are also the previews)."""
    return {
        "number": entry.number,
        "source": entry.source,
        "provenance": provenance(entry.source),
        "paragraphs": entry.paragraphs,
    }


def provenance(source: Source) -> str:
    """Where a source's text comes from, in words: its kind unless it is an original, what
    it says it is based on, when it was stored ("" when nothing is known)."""
    parts = []
    if source.kind in KIND_NAMES:
        parts.append(KIND_NAMES[source.kind])
    if source.based_on:
        names = [name.split("://", 1)[-1].rstrip("/") for name in source.based_on]
        parts.append("stützt sich auf " + ", ".join(names))
    if source.retrieved:
        parts.append(f"abgerufen am {source.retrieved.german()}")
    return " · ".join(parts)


def paragraph_page(entry: CitedParagraph, brief: Brief) -> str:
    """The cited paragraph on its source page, saying which brief the reader comes from
    (``?von=<slug>``), so the source page can lead back."""
    return f"{source_page(entry.source.id)}?{from_query(brief)}#{entry.paragraph.anchor}"


@functools.lru_cache(maxsize=1024)
def _from_query(slug: str) -> str:
    return urllib.parse.urlencode({FROM_BRIEF: slug})


def from_query(brief: Brief) -> str:
    """``von=<slug>``: made once per brief, not once per link (urlencode is slow)."""
    return _from_query(brief.slug)


def rendered_context(
    body: BriefBody | SourceBody | SitePageBody,
    previews: PreviewTexts,
    config: SiteConfig,
    urls: Urls,
) -> dict[str, Any]:
    """What a page's template gets made from its recipe: the HTML of its Markdown body
    (``body``, made at load, its slots filled), and for a brief the source list entry of
    each cited paragraph by label, which its markers open as a preview (``entries``, from
    the texts made once per build), and its schema.org data (``json_ld``)."""
    if isinstance(body, SitePageBody):
        return {"body": body.page.html}
    if isinstance(body, BriefBody):
        brief = body.brief

        def link(entry: CitedParagraph) -> str:
            return urls.link(paragraph_page(entry, brief))

        numbers = cited_numbers(brief, body.cited)
        rendered = render_brief_body(
            brief.html, brief.marker_runs, numbers, link, previews, groups=brief.citations
        )
        return {
            "sources": [_source_entry(entry) for entry in cited_sources(body.cited)],
            "listing": listing(brief, body.cited, body.tags),
            "body": rendered.body,
            "entries": rendered.entries,
            "json_ld": brief_json_ld(brief, body.cited, config, urls),
        }

    def citing_link(citing: Citing) -> str:
        return urls.link(brief_page(citing.brief.slug))

    def cited_in(number: int) -> str:
        total = body.totals.get(number)
        everyone = None
        if total is not None:
            everyone = AllCiting(total, number, urls.link(citing_page(body.source.id, number)))
        return cited_in_html(body.citing.get(number, ()), citing_link, everyone)

    return {"body": render_source_body(body.source.html, cited_in)}


def brief_json_ld(
    brief: Brief, cited: tuple[CitedParagraph, ...], config: SiteConfig, urls: Urls
) -> dict[str, Any]:
    """schema.org NewsArticle: the brief, its cited sources (one work each) and
    corrections, published by the site. The template writes it as a JSON data block
    (``tojson`` escapes ``<``)."""
    assert brief.date is not None
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": brief.title,
        "datePublished": brief.date.isoformat(),
        "dateModified": (brief.updated or brief.date).isoformat(),
        "inLanguage": config.language,
        "mainEntityOfPage": urls.absolute(brief_page(brief.slug)),
        "publisher": {"@type": "Organization", "name": config.title, "url": urls.absolute("")},
        "citation": [_citation_ld(entry.source, urls) for entry in cited_sources(cited)],
    }
    if brief.authors:
        data["author"] = [{"@type": "Person", "name": name} for name in brief.authors]
    if brief.summary:
        data["description"] = brief.summary
    if brief.tags:
        data["keywords"] = list(brief.tags)
    if brief.corrections:
        data["correction"] = [
            {"@type": "CorrectionComment", "text": c.text, "datePublished": c.date.isoformat()}
            for c in brief.corrections
        ]
    return data


def _citation_ld(source: Source, urls: Urls) -> dict[str, Any]:
    """A cited source as a work: named and linked, not quoted (the page quotes it)."""
    data: dict[str, Any] = {
        "@type": "CreativeWork",
        "name": source.title,
        "url": source.url or urls.absolute(source_page(source.id)),
    }
    if source.outlet:
        data["publisher"] = {"@type": "Organization", "name": source.outlet}
    if source.published:
        data["datePublished"] = source.published.isoformat()
    return data


def sources_list(index: SiteIndex, memo: Memo = NO_MEMO) -> Page:
    sources = sorted(index.sources, key=lambda s: (s.title.casefold(), s.id))
    counted = [part for s in sources for part in (s, _cited_count(s, index))]
    return memo.call(_sources_list, *counted)


def _sources_list(*counted: Source | int) -> Page:
    """``counted``: source, how many briefs cite it, source, … in the list's order."""
    sources = [s for s in counted[::2] if isinstance(s, Source)]
    counts = [n for n in counted[1::2] if isinstance(n, int)]
    entries = [
        {"source": s, "page": source_page(s.id), "cited": n}
        for s, n in zip(sources, counts, strict=True)
    ]
    return Page(
        "sources/",
        "sources.html",
        "Quellen",
        "Alle gespeicherten Quellen, auf die sich die Meldungen stützen.",
        {"entries": entries},
    )


def _cited_count(source: Source, index: SiteIndex) -> int:
    return index.citing_briefs.get(source.id, 0)


def source_detail(source: Source, index: SiteIndex, memo: Memo = NO_MEMO) -> Page:
    """A source's page; the same object as in the last build (``memo``) when the source,
    its count of citing briefs and the citing list of each paragraph are (``serve``'s
    index keeps a list no edit touched as the same tuple). A paragraph shows its
    ``CITED_IN_SHOWN`` newest citing briefs: an edit of an older one changes no byte."""
    citing = [index.citing.get((source.id, p.index), ()) for p in source.paragraphs]
    return memo.call(_source_page, source, _cited_count(source, index), *citing)


def _source_page(source: Source, cited: int, *citing: tuple[Citing, ...]) -> Page:
    """``citing``: each paragraph's citing briefs, newest first, in the source's order."""
    shown: dict[int, tuple[Citing, ...]] = {}
    totals: dict[int, int] = {}
    for paragraph, entries in zip(source.paragraphs, citing, strict=True):
        if entries:
            shown[paragraph.index] = entries[:CITED_IN_SHOWN]
        if len(entries) > CITED_IN_SHOWN:
            totals[paragraph.index] = len(entries)
    description = f"Quelle: {source.title}" + (f" ({source.outlet})" if source.outlet else "")
    return Page(
        source_page(source.id),
        "source.html",
        source.title,
        description,
        {
            "source": source,
            "cited": cited,
            # What kind of text it is, unless an original article: "Nachrichtenaggregator".
            "kind_name": KIND_NAMES.get(source.kind),
        },
        body=SourceBody(source, shown, totals),
    )


def citing_pages(source: Source, index: SiteIndex, memo: Memo = NO_MEMO) -> list[Page]:
    """For each paragraph of ``source`` cited by more briefs than its box shows, the
    listing of them all, newest first, ``CITING_PER_PAGE`` to a page
    (``sources/<id>/p4/``, ``sources/<id>/p4/page/2/``). A page is the same object as in
    the last build (``memo``) while the briefs it shows are: an edit re-keys the pages of
    the lists it touched, and re-renders those whose briefs changed."""
    pages: list[Page] = []
    for paragraph in source.paragraphs:
        entries = index.citing.get((source.id, paragraph.index), ())
        if len(entries) > CITED_IN_SHOWN:
            made = memo.call(_paragraph_pages, source, paragraph.index, entries, memo=memo)
            pages += made
    return pages


def _paragraph_pages(
    source: Source, paragraph: int, entries: tuple[Citing, ...], *, memo: Memo
) -> list[Page]:
    count = math.ceil(len(entries) / CITING_PER_PAGE)
    pages = []
    for number in range(1, count + 1):
        chunk = entries[(number - 1) * CITING_PER_PAGE : number * CITING_PER_PAGE]
        where = (paragraph, number, count, len(entries))
        pages.append(memo.call(_citing_page, source, *where, *chunk))
    return pages


def _citing_page(
    source: Source, paragraph: int, number: int, count: int, total: int, *chunk: Citing
) -> Page:
    pager = _pager(number, count, lambda n: citing_page(source.id, paragraph, n))
    suffix = f" – Seite {number}" if number > 1 else ""
    text = source.paragraphs[paragraph - 1].text
    return Page(
        citing_page(source.id, paragraph, number),
        "citing.html",
        f"Meldungen, die Absatz {paragraph} zitieren: {source.title}{suffix}",
        f"Alle {german_number(total)} Meldungen, die Absatz {paragraph} von „{source.title}“ "
        f"zitieren{suffix}.",
        {
            "source": {"id": source.id, "title": source.title, "outlet": source.outlet},
            "paragraph": paragraph,
            "quote": excerpt(text),
            "total": german_number(total),
            "citing": [
                {"brief": c.brief, "page": brief_page(c.brief.slug), "contexts": c.contexts}
                for c in chunk
            ],
            "pager": pager,
        },
        # A listing of links, not content of its own: search engines find the briefs
        # through the sitemap already.
        in_sitemap=False,
    )


def tags_list(index: SiteIndex, memo: Memo = NO_MEMO) -> Page:
    return memo.call(_tags_list, *index.tags)


def _tags_list(*tags: Tag) -> Page:
    return Page(
        "tags/",
        "tags.html",
        "Themen",
        "Alle Themen der Meldungen.",
        {"tags": [(t, tag_page(t.slug)) for t in tags]},
    )


def tag_detail(
    tag: Tag, index: SiteIndex, listings: Listings | None = None, memo: Memo = NO_MEMO
) -> list[Page]:
    """The briefs of one tag, each with what the home page shows of it (``_listing``),
    ``BRIEFS_PER_PAGE`` to a page like the home page: a tag of a large site has thousands,
    and one page of them all would be megabytes, rendered again for every edit of any."""
    listings = listings or Listings(index)
    count = max(1, math.ceil(len(tag.briefs) / BRIEFS_PER_PAGE))
    pages = []
    for number in range(1, count + 1):
        chunk = tag.briefs[(number - 1) * BRIEFS_PER_PAGE : number * BRIEFS_PER_PAGE]
        shown = [listings.of(b) for b in chunk]
        pages.append(memo.call(_tag_page, tag.name, tag.slug, number, count, *shown))
    return pages


def _tag_page(name: str, slug: str, number: int, count: int, *shown: dict[str, Any]) -> Page:
    pager = _pager(number, count, lambda n: tag_page(slug, n))
    suffix = f" – Seite {number}" if number > 1 else ""
    return Page(
        tag_page(slug, number),
        "tag.html",
        f"Thema: {name}{suffix}",
        f"Meldungen zum Thema {name}{suffix}.",
        # The tag's name, not its Tag: that holds every brief of the tag, and a page
        # must not depend on briefs it does not show (see ``page_keys``).
        {"tag": {"name": name, "slug": slug}, "briefs": list(shown), "pager": pager},
    )


def _pager(number: int, count: int, page: Callable[[int], str]) -> dict[str, Any]:
    """Where page ``number`` of ``count`` links to (``page(n)``: the address of page n)."""
    return {
        "number": number,
        "count": count,
        "previous": page(number - 1) if number > 1 else None,
        "next": page(number + 1) if number < count else None,
    }


def search_page(index: SiteIndex) -> Page:
    """``/search/``: the search form with the filters of the index (``search_records``
    uses the same values); the results come from Pagefind in the browser."""
    outlets = sorted({s.outlet for s in index.sources if s.outlet}, key=str.casefold)
    return Page(
        SEARCH_PAGE,
        "search.html",
        "Suche",
        "Meldungen und Quellen durchsuchen, bis auf den einzelnen Absatz.",
        {
            "types": [(BRIEF_TYPE, "Meldungen"), (SOURCE_TYPE, "Quellen")],
            "tags": [tag.name for tag in index.tags],
            "outlets": outlets,
        },
        in_sitemap=False,
    )


def latest_date(index: SiteIndex) -> PartialDate | None:
    dates = [b.updated or b.date for b in index.briefs if b.date is not None]
    return max(dates, key=PartialDate.sort_key) if dates else None
