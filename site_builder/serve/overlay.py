"""``serve``'s search overlays (``search.search_overlay``): the base they are made
against, and one overlay per edit, served from memory by ``serve_http``.

The base is what the served search bundle was made from: the records of the last build
that indexed (``Resident.indexed``) and the Pagefind page id of each, read from the
bundle's fragments once, when the files are quiet (``catch_up``), not while an editor
waits for an edit. An overlay is made after each build that kept the bundle as it was
(``search_later``) and dropped by the next build that indexes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..render.site_index import SiteIndex
from ..render.urls import SEARCH_BUNDLE, Urls
from ..search.search_bundle import index_records
from ..search.search_overlay import (
    IndexedRecords,
    build_overlay,
    bundle_date_order,
    bundle_page_ids,
    bundle_words,
    dictionary_records,
    overlay_change,
    read_fragments,
)
from ..search.search_records import SearchRecord, search_records
from .serve_http import OVERLAY_PREFIX


@dataclass(frozen=True, slots=True)
class ServedOverlay:
    """One overlay bundle in memory (paths below the bundle, bytes), numbered so that a
    search page loaded before the next one never mixes the two."""

    generation: int
    files: Mapping[str, bytes]

    @property
    def url(self) -> str:
        """Where the search page finds it: served from memory (``serve_http``)."""
        return f"{OVERLAY_PREFIX}{self.generation}/"


class SearchOverlays:
    """The base of the overlays and the number of the last one; used by the build thread
    only."""

    def __init__(self) -> None:
        self._base: IndexedRecords | None = None
        self._dictionary: list[SearchRecord] = []
        self._generation = 0

    def indexed(self, records: list[SearchRecord], out: Path, language: str) -> None:
        """A build indexed ``records`` into ``out``'s bundle, which is now served: they
        are the base of the next overlays."""
        bundle = out / SEARCH_BUNDLE
        page_ids = bundle_page_ids(read_fragments(bundle))
        by_url = {record.url: record for record in records}
        order = bundle_date_order(bundle, page_ids)
        self._dictionary = dictionary_records(records)
        # The words Pagefind makes of the base's: the dictionary's index holds them with
        # one posting each (the bundle's own chunks, with every posting, took 6 s to
        # read at 20,000 pages).
        words = bundle_words(index_records(self._dictionary, language).items())
        self._base = IndexedRecords(by_url, page_ids, order, tuple(sorted(words)))

    def forget(self) -> None:
        """The served bundle is not the base any more (a build indexed and failed after)."""
        self._base, self._dictionary = None, []

    def overlay(self, index: SiteIndex, base_url: str, language: str) -> ServedOverlay | None:
        """The overlay that brings the base up to ``index``'s records; None without a base
        or when nothing a reader can find changed."""
        if self._base is None:
            return None
        change = overlay_change(self._base.records, search_records(index, Urls(base_url)))
        if change.empty:
            return None
        files = build_overlay(self._base, change, self._dictionary, language)
        self._generation += 1
        return ServedOverlay(self._generation, files)
