"""The names of the search bundle's pages: what the search page tells from a hit's id.

Pagefind names each page of its bundle by a hash of its content, and a hit's id is that
name. To count briefs and sources and sort by date, the search page needed a filter and
a Pagefind sort: at 20,000 pages the sort alone was 129 KB of the metadata every reader
loads first, and the random hashes 350 KB. Named by what the page needs, a hit says it
itself, and the bundle needs neither:

- ``b<rank>``: a brief;
- ``q<rank>``: a source.

``rank`` (base 36) is the brief's or source's place among all briefs and sources by date,
oldest first, equal dates in the order of the records (as Pagefind sorted them). A new
brief, the newest, takes the next rank and leaves every other name as it was.

The names are no longer content hashes: docs/decisions.md ("One search record per
source") says what that means for a host's caches.
"""

from __future__ import annotations

from collections.abc import Sequence

from .search_records import BRIEF_TYPE, DATE, TYPE, UNDATED, SearchRecord

BRIEF, SOURCE = "b", "q"
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def page_names(records: Sequence[SearchRecord]) -> dict[str, str]:
    """Each record's page name, by address (see the module's docstring)."""
    return {record.url: name for record, name in ranked(records)}


def ranked(records: Sequence[SearchRecord]) -> list[tuple[SearchRecord, str]]:
    """``records`` by date (rank 0, 1, …), each with its page name."""
    order = sorted(range(len(records)), key=lambda at: (date_of(records[at]), at))
    return [(records[at], kind_of(records[at]) + base36(rank)) for rank, at in enumerate(order)]


def date_of(record: SearchRecord) -> str:
    return record.sort.get(DATE, UNDATED)


def kind_of(record: SearchRecord) -> str:
    return BRIEF if record.filters.get(TYPE) == (BRIEF_TYPE,) else SOURCE


def base36(number: int) -> str:
    digits = ""
    while True:
        number, digit = divmod(number, 36)
        digits = _DIGITS[digit] + digits
        if number == 0:
            return digits


def rank_of(name: str) -> int:
    """The rank a page name holds (``q1x`` → 69)."""
    return int(name[1:], 36)
