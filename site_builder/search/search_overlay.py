"""``serve``'s search overlay: search current seconds after an edit, without re-indexing.

Pagefind has no incremental mode: on a 20,000-page site a re-index takes a minute and
more, and one index split into shards ranks worse (docs/decisions.md, "Search shards").
So ``serve`` keeps the bundle it serves (the *base*, one index, ranked as ``build``
ranks it) and after an edit indexes only what changed into a small second bundle, the
overlay, which the search page merges (``pagefind.mergeIndex``). Until the base is
re-indexed once the files are quiet, the overlay stands in for it:

- **Records added or changed** since the base are in the overlay.
- **Records changed or removed** are *stale* in the base: the overlay names their page
  names, and the search page drops them from the results and so from their counts.
- **Every word of the base** is in the overlay too, as *dictionary* records the search
  page never shows. Pagefind answers a word an index lacks with the longest indexed word
  that is a prefix of it („abzielen“ → „ab“); an overlay of one brief lacks nearly every
  word, and would answer nearly every search with such hits. With the base's words it
  lacks only what the base lacks, as the one index would.
- **Words the base lacks** („Ankara“, new to the site): Pagefind answers such a word in
  the base with the longest base word it starts with („an“). The overlay lists its words
  the base lacks, and for a search with one the page shows the overlay's hits only.
- **Where an overlay record stands.** The search page tells a base hit's kind and place
  by date from its page name (``page_names``); the overlay says the same of each of its
  records, with a place by date between the base's (``overlay_places``).

What it cannot do: score an overlay record as the one index would (relevance is counted
within each bundle). The set of hits and their counts are right; where an edited record
stands among the others by relevance is approximate until the re-index, seconds to a
minute later. ``build`` never makes an overlay: what it publishes is one index.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from .page_names import date_of, kind_of, ranked
from .search_bundle import bundle_page_ids, decode_pagefind, index_records
from .search_error import never_interrupted
from .search_records import SearchRecord

OVERLAY_FILE = "overlay.json"
# Addresses of the dictionary records: never a page of the site, never shown.
DICTIONARY_URL = "/__site-builder/search-dictionary/"
# What the search page needs of an overlay bundle: its index, not Pagefind's scripts or
# WebAssembly (a merged index is searched with the base bundle's).
_INDEX_FILES = ("pagefind-entry.json", ".pf_meta", ".pf_index", ".pf_fragment", ".pf_filter")


@dataclass(frozen=True, slots=True)
class IndexedRecords:
    """What the served (base) search bundle was made from: its records by address, the
    page name of each address in it (``page_names``), and where each stands by date: its
    date and rank."""

    records: Mapping[str, SearchRecord]
    page_ids: Mapping[str, str]
    ranks: Mapping[str, tuple[str, int]]  # by address: date, rank
    words: tuple[str, ...]  # the words Pagefind indexed (stemmed), sorted


def page_ranks(records: Sequence[SearchRecord]) -> dict[str, tuple[str, int]]:
    """The date and rank of each record of ``records``, by address, as ``page_names``
    ranks them."""
    return {record.url: (date_of(record), rank) for rank, (record, _) in enumerate(ranked(records))}


@dataclass(frozen=True, slots=True)
class OverlayChange:
    """How the records now differ from the base's: the records to index (new or changed),
    the addresses whose base record is stale (changed or gone), and the order now."""

    records: tuple[SearchRecord, ...]
    stale: tuple[str, ...]
    order: Mapping[str, int]  # where each address stands among the records now

    @property
    def empty(self) -> bool:
        return not self.records and not self.stale


def overlay_change(base: Mapping[str, SearchRecord], now: Iterable[SearchRecord]) -> OverlayChange:
    """What differs between ``base`` (by address) and the records ``now``."""
    records: list[SearchRecord] = []
    stale: list[str] = []
    order: dict[str, int] = {}
    for record in now:
        order[record.url] = len(order)
        before = base.get(record.url)
        if before != record:
            records.append(record)
            if before is not None:
                stale.append(record.url)
    stale += sorted(url for url in base if url not in order)
    return OverlayChange(tuple(records), tuple(stale), order)


def dictionary_records(records: Iterable[SearchRecord]) -> list[SearchRecord]:
    """Every word of ``records`` (content and searchable meta), sorted, in records about
    as long as the average record, so that Pagefind's length weighting treats the
    overlay's real records as it treats the base's."""
    words: set[str] = set()
    total = count = 0
    for record in records:
        split = record.content.split()
        words.update(split)
        for value in record.meta.values():
            words.update(value.split())
        total += len(split)
        count += 1
    size = max(8, total // max(count, 1))
    ordered = sorted(words)
    return [
        SearchRecord(f"{DICTIONARY_URL}{n}/", " ".join(ordered[at : at + size]), {}, {}, {})
        for n, at in enumerate(range(0, len(ordered), size))
    ]


def bundle_words(files: Iterable[tuple[str, bytes]]) -> set[str]:
    """The words of a bundle's index chunks (path below the bundle, bytes), as Pagefind
    indexed them: stemmed, lower case, without diacritics."""
    words: set[str] = set()
    for path, data in files:
        if path.startswith("index/"):
            for chunk in decode_pagefind(data):  # [[word, postings, …], …]
                words.update(entry[0] for entry in chunk)
    return words


def fresh_words(base: Sequence[str], overlay: set[str]) -> list[tuple[str, str]]:
    """Each word of ``overlay`` that the ``base`` words (sorted) lack, with its shortest
    start that no base word has. A searched word starting so finds nothing in the base,
    and Pagefind then answers it with the longest base word it starts with („Ankara“ →
    „an“): the search page leaves those base hits out (static/search.js)."""
    fresh: list[tuple[str, str]] = []
    for word in sorted(overlay.difference(base)):
        for length in range(1, len(word) + 1):
            start = word[:length]
            at = bisect.bisect_left(base, start)
            if at == len(base) or not base[at].startswith(start):
                fresh.append((word, start))
                break
    return fresh


def build_overlay(
    base: IndexedRecords,
    change: OverlayChange,
    dictionary: Sequence[SearchRecord],
    language: str,
    interrupted: Callable[[], bool] = never_interrupted,
) -> dict[str, bytes]:
    """The overlay bundle's files (paths below the bundle): Pagefind's index of the
    changed records and the ``dictionary``, and ``overlay.json`` for the search page
    (static/search.js): what it must not show (the dictionary's page ids: ``hidden``; the
    base's stale records by page name: ``stale``), what each of the overlay's records is
    (``records``: kind, group and place by date, as a page name says it of a base
    record) and the words the base lacks (``fresh``). Raises ``SearchInterrupted`` when
    ``interrupted()`` says to stop while Pagefind indexes."""
    files = index_records([*change.records, *dictionary], language, interrupted)
    files = {path: data for path, data in files.items() if path.endswith(_INDEX_FILES)}
    ids = bundle_page_ids(files.items())
    hidden = sorted(page for url, page in ids.items() if url.startswith(DICTIONARY_URL))
    places = overlay_places(base, change)
    records = {ids[url]: place for url, place in places.items() if url in ids}
    stale = [base.page_ids[url] for url in change.stale if url in base.page_ids]
    overlay = {
        "hidden": hidden,
        "stale": stale,
        "records": records,
        "fresh": fresh_words(base.words, bundle_words(files.items())),
    }
    files[OVERLAY_FILE] = json.dumps(overlay, ensure_ascii=False).encode("utf-8")
    return files


def overlay_places(
    base: IndexedRecords, change: OverlayChange
) -> dict[str, tuple[str, str, float]]:
    """What each record of ``change`` is, as the search page reads it from a base page
    name: its kind (``b`` or ``q``), its group (the base page's name when the base has
    that brief or source at the same date, so the page treats both as one, else a name
    of its own) and its place by date.

    A record the base has at the same date keeps the base's rank; any other stands
    between two of the base's ranks, where its date and its place among the records now
    put it (equal dates in the order of the records, as ``page_names`` ranks them)."""
    dates = {record.url: date_of(record) for record in change.records}
    kept = {
        url: rank
        for url, (date, rank) in base.ranks.items()
        if url in change.order and dates.get(url, date) == date
    }
    # The base's records that stay where they are, in rank order, by where they stand now.
    ordered = sorted(kept, key=kept.__getitem__)
    keys = [(base.ranks[url][0], change.order[url]) for url in ordered]
    slots: dict[int, list[tuple[tuple[str, int], str]]] = {}
    for url, date in dates.items():
        if url not in kept:
            at = bisect.bisect_left(keys, (date, change.order[url]))
            slot = kept[ordered[at]] if at < len(ordered) else len(base.ranks)
            slots.setdefault(slot, []).append(((date, change.order[url]), url))
    places = {url: (base.page_ids[url], float(rank)) for url, rank in kept.items()}
    for slot, placed in slots.items():
        placed.sort()
        for n, (_, url) in enumerate(placed, start=1):
            places[url] = (f"+{url}", slot - 1 + n / (len(placed) + 1))
    return {record.url: (kind_of(record), *places[record.url]) for record in change.records}
