"""The names of the search bundle's pages: what the search page tells from a hit's id.

Pagefind names each page of its bundle by a hash of its content, and a hit's id is that
name. To group a source's paragraph hits under it, count briefs, sources and paragraphs,
and sort by date, the search page needed two filters and a sort: at 20,000 pages the
sort alone was 129 KB of the metadata every reader loads first, the two filters 124 KB
more, and the random hashes 350 KB. Named by what the page needs, a hit says it itself,
and the bundle needs neither the sort nor the two filters:

- ``b<rank>``: a brief;
- ``q<rank>``: a source's own record (its title);
- ``q<rank>.<n>``: the ``n``-th paragraph record of that source (1, 2, …, article order).

``rank`` (base 36) is the brief's or source's place among all briefs and sources by date,
oldest first, equal dates in the order of the records (as Pagefind sorted them). A new
brief, the newest, takes the next rank and leaves every other name as it was.

The names are no longer content hashes: see docs/decisions.md ("Search page names") for
what that means for a host's caches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .search_records import BRIEF_TYPE, DATE, TYPE, UNDATED, SearchRecord

BRIEF, SOURCE, PARAGRAPH = "b", "q", "p"
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True, slots=True)
class Group:
    """A brief's record, or a source's own record with its paragraph records: one entry on
    the search page, at one place by date."""

    page: str  # the address without a fragment
    date: str  # the sort key of ``search_records``
    first: int  # where its first record stands among the records
    brief: bool
    records: tuple[SearchRecord, ...]


def page_names(records: Sequence[SearchRecord]) -> dict[str, str]:
    """Each record's page name, by address (see the module's docstring)."""
    names: dict[str, str] = {}
    for group, name in ranked_groups(records):
        n = 0
        for record in group.records:
            if "#" in record.url:
                n += 1
                names[record.url] = f"{name}.{n}"
            else:
                names[record.url] = name
    return names


def ranked_groups(records: Sequence[SearchRecord]) -> list[tuple[Group, str]]:
    """The groups of ``records`` by date (rank 0, 1, …), each with its name."""
    ordered = sorted(record_groups(records), key=lambda group: (group.date, group.first))
    return [
        (group, (BRIEF if group.brief else SOURCE) + base36(rank))
        for rank, group in enumerate(ordered)
    ]


def record_groups(records: Sequence[SearchRecord]) -> list[Group]:
    """The records grouped by page, in the order of their first records."""
    by_page: dict[str, list[SearchRecord]] = {}
    first: dict[str, int] = {}
    for at, record in enumerate(records):
        page = page_of(record.url)
        by_page.setdefault(page, []).append(record)
        first.setdefault(page, at)
    return [
        Group(
            page,
            group[0].sort.get(DATE, UNDATED),
            first[page],
            group[0].filters.get(TYPE) == (BRIEF_TYPE,),
            tuple(group),
        )
        for page, group in by_page.items()
    ]


def page_of(url: str) -> str:
    return url.partition("#")[0]


def base36(number: int) -> str:
    digits = ""
    while True:
        number, digit = divmod(number, 36)
        digits = _DIGITS[digit] + digits
        if number == 0:
            return digits


def rank_of(name: str) -> int:
    """The rank a page name holds (``q1x.3`` → 69)."""
    return int(name[1:].partition(".")[0], 36)
