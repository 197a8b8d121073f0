"""``serve``'s search overlay: search current seconds after an edit, without re-indexing.

Pagefind has no incremental mode: on a 20,000-page site a re-index takes a minute and
more, and one index split into shards ranks worse (docs/decisions.md, "Search shards").
So ``serve`` keeps the bundle it serves (the *base*, one index, ranked as ``build``
ranks it) and after an edit indexes only what changed into a small second bundle, the
overlay, which the search page merges (``pagefind.mergeIndex``). Until the base is
re-indexed once the files are quiet, the overlay stands in for it:

- **Records added or changed** since the base are in the overlay.
- **Records changed or removed** are *stale* in the base: the overlay names their
  Pagefind page ids and filter values, and the search page drops them from the results
  and their counts.
- **Every word of the base** is in the overlay too, as *dictionary* records the search
  page never shows. Pagefind answers a word an index lacks with the longest indexed word
  that is a prefix of it („abzielen“ → „ab“); an overlay of one brief lacks nearly every
  word, and would answer nearly every search with such hits. With the base's words it
  lacks only what the base lacks, as the one index would.
- **Words the base lacks** („Ankara“, new to the site): Pagefind answers such a word in
  the base with the longest base word it starts with („an“). The overlay lists its words
  the base lacks, and for a search with one the page shows the overlay's hits only.
- **Sorted by date**, an overlay record stands where its date puts it among the base's
  records: Pagefind scores a sorted hit by its position in its own bundle's order, so
  the overlay says each record's place in the base's order (``date_places``) and the
  search page scores the hit by that.

What it cannot do: score an overlay record as the one index would (relevance is counted
within each bundle). The set of hits and their counts are right; where an edited record
stands among the others by relevance is approximate until the re-index, seconds to a
minute later. ``build`` never makes an overlay: what it publishes is one index.
"""

from __future__ import annotations

import bisect
import contextlib
import gzip
import json
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .search_bundle import decode_pagefind, index_records
from .search_records import DATE, SearchRecord

OVERLAY_FILE = "overlay.json"
# Addresses of the dictionary records: never a page of the site, never shown.
DICTIONARY_URL = "/__site-builder/search-dictionary/"
_FRAGMENT_SIGNATURE = b"pagefind_dcd"
_URL_FIRST = _FRAGMENT_SIGNATURE + b'{"url":"'
_FRAGMENT_HEAD = 4096
_GZIP = 16 + zlib.MAX_WBITS  # zlib's window bits for a gzip stream
_JSON = json.JSONDecoder()
# What the search page needs of an overlay bundle: its index, not Pagefind's scripts or
# WebAssembly (a merged index is searched with the base bundle's).
_INDEX_FILES = ("pagefind-entry.json", ".pf_meta", ".pf_index", ".pf_fragment", ".pf_filter")


@dataclass(frozen=True, slots=True)
class IndexedRecords:
    """What the served (base) search bundle was made from: its records by address, the
    Pagefind page id of each address in it and its order by date."""

    records: Mapping[str, SearchRecord]
    page_ids: Mapping[str, str]
    date_order: tuple[str, ...]  # the addresses with a date, in the bundle's date order
    words: tuple[str, ...]  # the words Pagefind indexed (stemmed), sorted


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


def bundle_page_ids(fragments: Iterable[tuple[str, bytes]]) -> dict[str, str]:
    """The Pagefind page id of each address, from a bundle's fragment files (path below
    the bundle, bytes): a fragment is named by its page's id and holds its address."""
    ids: dict[str, str] = {}
    for path, data in fragments:
        if path.startswith("fragment/"):
            url = _fragment_url(data)
            if url is not None:
                ids[url] = path.removeprefix("fragment/").removesuffix(".pf_fragment")
    return ids


def _fragment_url(data: bytes) -> str | None:
    """The address a fragment (gzip: signature, then JSON starting with ``"url"``) holds,
    read from its start: at 20,000 pages, unpacking every fragment whole took 2 s."""
    head = zlib.decompressobj(_GZIP).decompress(data, _FRAGMENT_HEAD)
    if head.startswith(_URL_FIRST):
        with contextlib.suppress(json.JSONDecodeError):  # an address longer than the head
            url, _ = _JSON.raw_decode(head.decode("utf-8", "ignore"), len(_URL_FIRST) - 1)
            return url if isinstance(url, str) else None
    raw = gzip.decompress(data)  # another layout: read it whole
    if not raw.startswith(_FRAGMENT_SIGNATURE):
        return None
    url = json.loads(raw[len(_FRAGMENT_SIGNATURE) :]).get("url")
    return url if isinstance(url, str) else None


def bundle_date_order(bundle: Path, page_ids: Mapping[str, str]) -> tuple[str, ...]:
    """The addresses of the bundle folder ``bundle`` in its order by date (oldest first),
    from its metadata: the pages by number, and each sort as page numbers in order."""
    url_of = {page: url for url, page in page_ids.items()}
    entry = json.loads((bundle / "pagefind-entry.json").read_bytes())
    order: list[str] = []
    for details in entry["languages"].values():
        meta = decode_pagefind((bundle / f"pagefind.{details['hash']}.pf_meta").read_bytes())
        pages = [page[0] for page in meta[1]]  # [page id, word count], by page number
        for name, numbers in meta[4]:  # [sort name, page numbers in its order]
            if name == DATE:
                order += [url_of[pages[n]] for n in numbers if pages[n] in url_of]
    return tuple(order)


def bundle_words(files: Iterable[tuple[str, bytes]]) -> set[str]:
    """The words of a bundle's index chunks (path below the bundle, bytes), as Pagefind
    indexed them: stemmed, lower case, without diacritics."""
    words: set[str] = set()
    for path, data in files:
        if path.startswith("index/"):
            for chunk in decode_pagefind(data):  # [[word, postings, …], …]
                words.update(entry[0] for entry in chunk)
    return words


def read_fragments(bundle: Path) -> Iterable[tuple[str, bytes]]:
    """The fragment files of the bundle folder ``bundle``, as ``bundle_page_ids`` takes them."""
    for path in sorted((bundle / "fragment").glob("*.pf_fragment")):
        yield f"fragment/{path.name}", path.read_bytes()


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
) -> dict[str, bytes]:
    """The overlay bundle's files (paths below the bundle): Pagefind's index of the
    changed records and the ``dictionary``, and ``overlay.json`` for the search page
    (static/search.js): what it must not show (the dictionary's page ids: ``hidden``; the
    base's stale records with their filter values: ``stale``), the overlay's records with
    theirs (``records``), their places in the base's date order (``places``), and the
    words the base lacks (``fresh``)."""
    files = index_records([*change.records, *dictionary], language)
    files = {path: data for path, data in files.items() if path.endswith(_INDEX_FILES)}
    ids = bundle_page_ids(files.items())
    hidden = sorted(page for url, page in ids.items() if url.startswith(DICTIONARY_URL))
    records = {
        ids[record.url]: dict(record.filters) for record in change.records if record.url in ids
    }
    stale = [
        {"id": base.page_ids[url], "filters": dict(base.records[url].filters)}
        for url in change.stale
        if url in base.page_ids
    ]
    places = {ids[url]: place for url, place in date_places(base, change).items() if url in ids}
    overlay = {
        "hidden": hidden,
        "stale": stale,
        "records": records,
        "places": places,
        "fresh": fresh_words(base.words, bundle_words(files.items())),
    }
    files[OVERLAY_FILE] = json.dumps(overlay, ensure_ascii=False).encode("utf-8")
    return files


def date_places(base: IndexedRecords, change: OverlayChange) -> dict[str, float]:
    """Where each dated record of ``change`` stands in the base's order by date: a place
    between two of the base's positions (0, 1, …, in ``base.date_order``). Pagefind
    scores a hit sorted by date by its position in its own bundle's order, so an overlay's
    own positions say nothing about the base's; the search page scores an overlay hit by
    this place instead. Records of equal date stand in the order of the records (as
    Pagefind numbers pages in the order they are given)."""
    stale = set(change.stale)
    # The base's live records in its date order, with where each stands among the records now.
    keys: list[tuple[str, int]] = []
    positions: list[int] = []
    for position, url in enumerate(base.date_order):
        if url not in stale and url in change.order:
            keys.append((base.records[url].sort[DATE], change.order[url]))
            positions.append(position)
    slots: dict[int, list[tuple[tuple[str, int], str]]] = {}
    for record in change.records:
        if DATE in record.sort:
            key = (record.sort[DATE], change.order[record.url])
            at = bisect.bisect_left(keys, key)
            slot = positions[at] if at < len(positions) else len(base.date_order)
            slots.setdefault(slot, []).append((key, record.url))
    places: dict[str, float] = {}
    for slot, placed in slots.items():
        placed.sort()
        for n, (_, url) in enumerate(placed, start=1):
            places[url] = slot - 1 + n / (len(placed) + 1)
    return places
