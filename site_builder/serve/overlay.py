"""``serve``'s search overlays (``search.search_overlay``): the base they are made
against, and one overlay per edit, served from memory by ``serve_http``.

The base is what the served search bundle was made from: the records of the last build
that indexed (``Resident.indexed``), with the page name and place by date the bundle
gave each (``page_names``), made once, when the files are quiet (``catch_up``), not
while an editor waits for an edit. An overlay is made after each build that kept the
bundle as it was (``search_later``) and dropped by the next build that indexes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ..render.site_index import IndexState, SiteIndex
from ..render.urls import Urls
from ..search.page_names import page_names
from ..search.search_bundle import index_records
from ..search.search_error import SearchInterrupted, never_interrupted
from ..search.search_overlay import (
    IndexedRecords,
    build_overlay,
    bundle_words,
    dictionary_records,
    overlay_change,
    page_ranks,
)
from ..search.search_records import SearchRecord, brief_record, source_records
from .serve_http import OVERLAY_PREFIX

# How many records are made between two questions whether an edit is waiting (20,000
# take about 2 s: an edit waits a few milliseconds).
_ASK_EVERY = 200


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
        # The records of the last ``records`` call, by brief path and source id, with the
        # index and address base they were made from.
        self._made: tuple[SiteIndex, str] | None = None
        self._briefs: dict[str, SearchRecord] = {}
        self._sources: dict[str, list[SearchRecord]] = {}

    def indexed(
        self,
        records: list[SearchRecord],
        language: str,
        made_from: tuple[IndexState, str] | None = None,
        interrupted: Callable[[], bool] = never_interrupted,
    ) -> None:
        """A build indexed ``records`` into the bundle that is now served: they are the
        base of the next overlays. ``made_from``: the index state and address base they
        were made from (``search_records``), so that the next overlay makes records again
        for its edit alone, not for every brief and source (2.6 s of the first edit after
        a rebuild of the whole index, at 20,000 pages). ``interrupted``: see ``overlay``;
        stopped, the base is as it was."""
        dictionary = dictionary_records(records)
        # The words Pagefind makes of the base's: the dictionary's index holds them with
        # one posting each (the bundle's own chunks, with every posting, took 6 s to
        # read at 20,000 pages).
        words = bundle_words(index_records(dictionary, language, interrupted).items())
        if made_from is not None:
            self._keep(records, *made_from)
        by_url = {record.url: record for record in records}
        names, ranks = page_names(records), page_ranks(records)
        self._dictionary = dictionary
        self._base = IndexedRecords(by_url, names, ranks, tuple(sorted(words)))

    def _keep(self, records: list[SearchRecord], state: IndexState, base_url: str) -> None:
        """``records`` kept as ``records`` would have made them from ``state``: in
        ``search_records``' order, one per brief, then one per source."""
        index = state.index
        briefs = len(index.briefs)
        if len(records) != briefs + len(index.sources):
            self._made = None  # (not one record each: the next ``records`` makes them all)
            return
        paths = (brief.path for brief in index.briefs)
        self._briefs = dict(zip(paths, records[:briefs], strict=True))
        ids = (source.id for source in index.sources)
        self._sources = {id_: [record] for id_, record in zip(ids, records[briefs:], strict=True)}
        self._made = (index, base_url)

    @property
    def has_base(self) -> bool:
        return self._base is not None

    def forget(self) -> None:
        """The served bundle is not the base any more (a build indexed and failed after)."""
        self._base, self._dictionary = None, []

    def overlay(
        self,
        state: IndexState,
        base_url: str,
        language: str,
        interrupted: Callable[[], bool] = never_interrupted,
    ) -> ServedOverlay | None:
        """The overlay that brings the base up to the records of ``state``'s index; None
        without a base or when nothing a reader can find changed. Raises
        ``SearchInterrupted`` as soon as ``interrupted()`` says an edit is waiting (the
        records are asked it as they are made, Pagefind while it indexes)."""
        if self._base is None:
            return None
        change = overlay_change(self._base.records, self.records(state, base_url, interrupted))
        if change.empty:
            return None
        files = build_overlay(self._base, change, self._dictionary, language, interrupted)
        self._generation += 1
        return ServedOverlay(self._generation, files)

    def records(
        self,
        state: IndexState,
        base_url: str,
        interrupted: Callable[[], bool] = never_interrupted,
    ) -> list[SearchRecord]:
        """``search_records`` of ``state``'s index, in its order. When the index was
        updated from the one the last records were made from, only the records of the
        edited briefs and of the sources they cite (before or after) are made again: at
        20,000 pages making them all took most of an overlay (0.8 s of 1 s). Stopped
        halfway (``interrupted``), the next call for the same or a later index makes
        again what this one was to make, or all."""
        index, urls = state.index, Urls(base_url)
        again = _remade(state, self._made, base_url)
        if again is None:
            self._briefs, self._sources = {}, {}
            paths, sources = {brief.path for brief in index.briefs}, None
        else:
            paths, sources = again
        listed = {brief.path: brief for brief in index.briefs}
        for count, path in enumerate(paths):
            _ask(interrupted, count)
            self._briefs.pop(path, None)
            if path in listed:
                self._briefs[path] = brief_record(listed[path], index, urls)
        for count, source in enumerate(index.sources):
            if sources is None or source.id in sources:
                _ask(interrupted, count)
                self._sources[source.id] = source_records(source, index, urls)
        self._made = (index, base_url)
        records = [self._briefs[brief.path] for brief in index.briefs]
        for source in index.sources:
            records += self._sources[source.id]
        return records


def _ask(interrupted: Callable[[], bool], count: int) -> None:
    """Every ``_ASK_EVERY`` records, whether an edit is waiting: then stop."""
    if count % _ASK_EVERY == 0 and interrupted():
        raise SearchInterrupted("an edit came while the search records were made")


def _remade(
    state: IndexState, made: tuple[SiteIndex, str] | None, base_url: str
) -> tuple[set[str], set[str]] | None:
    """The brief paths and source ids whose records must be made again for ``state``
    when the last were made from ``made``; None: all of them (the index was made anew,
    from another one, with another address base, or a tag was renamed)."""
    change = state.change
    if made is None or change is None or made[0] is not change.since or made[1] != base_url:
        return None
    before, now = change.since, state.index
    if {tag.slug: tag.name for tag in before.tags} != {tag.slug: tag.name for tag in now.tags}:
        return None  # a tag renamed by its spellings: every record with it changes
    sources = {
        entry.source.id
        for path in change.paths
        for cited in (before.cited.get(path, ()), now.cited.get(path, ()))
        for entry in cited
    }
    return set(change.paths), sources
