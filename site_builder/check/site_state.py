"""What the site-wide checks derive from every file's summary, kept between runs and brought
up to date by the summaries of the files that changed: a check after an edit reads the
summaries of the edited files, not of the site.

``SiteState`` holds the tables (source ids, slugs, outlets, tag spellings, who cites what,
each cited paragraph's fingerprint now) and, for the briefs, reverse indexes that say which
briefs' keys can have changed (``Rekey``). Keys stay the rule of correctness
(``check_cache``): the indexes only choose which briefs are keyed again; a brief whose key
holds keeps its kept problems.

It is a pure structure: ``quick_check`` keeps it in the build cache (``read_state``,
``write_state``), ``serve`` could keep one in memory and feed it the summaries its
resident load replaced.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..cache import BuildCache, builder_fingerprint
from ..diagnostics import Diagnostic, Span
from ..render.site_index import tag_slug
from .schedule import Dating
from .summaries import BriefSummary, FileSummary, PageSummary, SourceSummary

# The summary of a file by path, as kept (``SummaryStore.summary``).
SummaryReader = Callable[[str], FileSummary | None]

_STATE = "check-state"
_SUMMARIES = "check-summaries"
# Finer than ``cache.SHARDS``: an edit reads and rewrites the shard of each edited file
# (before: every summary was unpickled), so a shard should hold few summaries.
_SUMMARY_SHARDS = 256

# ``SiteState.now``: what a cited ``source#anchor`` resolves to besides a fingerprint.
NO_SOURCE = "-"  # no source has the id
NO_ANCHOR = ""  # the source has no such anchor


@dataclass(slots=True)
class SiteState:
    """Tables of the whole site, each kept equal to what the summaries of ``digests``'s
    files give (``add`` and ``remove`` one summary at a time)."""

    shared: str = ""  # key of what every brief's problems read (``brief_checks.shared_key``)
    digests: dict[str, str | None] = field(default_factory=dict)  # path → digest counted
    file_problems: dict[str, tuple[Diagnostic, ...]] = field(default_factory=dict)
    sources: dict[str, tuple[str, Span]] = field(default_factory=dict)  # path → id, span
    brief_slugs: dict[str, str] = field(default_factory=dict)
    page_slugs: dict[str, str] = field(default_factory=dict)
    outlets: Counter[str] = field(default_factory=Counter)  # outlet key → sources
    spellings: dict[str, Counter[str]] = field(default_factory=dict)  # tag slug → name → n
    tag_briefs: dict[str, set[str]] = field(default_factory=dict)  # tag slug → briefs
    citing: dict[str, set[str]] = field(default_factory=dict)  # source id → briefs
    cite_counts: Counter[str] = field(default_factory=Counter)  # source#anchor → briefs
    now: dict[str, str] = field(default_factory=dict)  # source#anchor → fingerprint now
    datings: dict[str, Dating] = field(default_factory=dict)
    brief_problems: dict[str, tuple[Diagnostic, ...]] = field(default_factory=dict)
    every_source: set[str] = field(default_factory=set)  # briefs whose problems read all

    def holders(self) -> dict[str, str]:
        """Source id → the path of the file that keeps it (the first in path order)."""
        found: dict[str, str] = {}
        for path in sorted(self.sources):
            found.setdefault(self.sources[path][0], path)
        return found

    def tag_names(self) -> dict[str, str]:
        """``site_index.tag_names`` of the briefs counted."""
        return {
            slug: min(counts.items(), key=lambda item: (-item[1], item[0]))[0]
            for slug, counts in self.spellings.items()
        }

    def add(self, path: str, summary: FileSummary) -> None:
        self._count(path, summary, 1)

    def remove(self, path: str, summary: FileSummary) -> None:
        self._count(path, summary, -1)

    def _count(self, path: str, summary: FileSummary, step: int) -> None:
        if step > 0:
            self.digests[path] = summary.digest
        else:
            del self.digests[path]
        document = summary.document
        problems = summary.problems
        if isinstance(document, SourceSummary):
            problems += document.provenance
            _put(self.sources, path, (document.id, document.id_span), step)
            _tally(self.outlets, document.outlet_keys, step)
        elif isinstance(document, BriefSummary):
            self._count_brief(path, document, step)
        elif isinstance(document, PageSummary):
            _put(self.page_slugs, path, document.slug, step)
        _put(self.file_problems, path, problems, step if problems else 0)

    def _count_brief(self, path: str, brief: BriefSummary, step: int) -> None:
        _put(self.brief_slugs, path, brief.slug, step)
        if brief.dating is not None:
            _put(self.datings, path, brief.dating, step)
        for name in dict.fromkeys(brief.tags):
            slug = tag_slug(name)
            _tally(self.spellings.setdefault(slug, Counter()), (name,), step)
            if not self.spellings[slug]:
                del self.spellings[slug]
        for slug in {tag_slug(name) for name in brief.tags}:
            _member(self.tag_briefs, slug, path, step)
        for source_id in brief.cited_ids:
            _member(self.citing, source_id, path, step)
        _tally(self.cite_counts, brief.cited, step)


def _put(table: dict[str, Any], path: str, value: object, step: int) -> None:
    if step > 0:
        table[path] = value
    elif step < 0:
        table.pop(path, None)


def _tally(counts: Counter[str], keys: Iterable[str], step: int) -> None:
    for key in keys:
        counts[key] += step
        if counts[key] <= 0:
            del counts[key]


def _member(index: dict[str, set[str]], key: str, path: str, step: int) -> None:
    if step > 0:
        index.setdefault(key, set()).add(path)
        return
    members = index.get(key)
    if members is not None:
        members.discard(path)
        if not members:
            del index[key]


@dataclass(frozen=True, slots=True)
class Rekey:
    """Which briefs' keys can have changed with an update, and which cited keys must be
    resolved again (their source's file changed, or they are newly cited)."""

    every_brief: bool
    briefs: frozenset[str]
    source_ids: frozenset[str]  # ids whose holding file (path or bytes) changed
    gone: frozenset[str]  # briefs no more (removed, or no longer loading)


def update(
    state: SiteState,
    changes: Mapping[str, tuple[FileSummary | None, FileSummary | None]],
    shared: str,
) -> Rekey:
    """Bring ``state`` from the old to the new summary of each changed path (None: no file
    then) and say which briefs' keys can have changed. ``shared``: the key of what every
    brief reads besides the outlets (builder, config)."""
    holders = _holding(state)
    names = state.tag_names()
    outlets = set(state.outlets)
    every_source = {path: state.digests[path] for path in state.sources}
    for path, (old, new) in changes.items():
        if old is not None:
            state.remove(path, old)
        if new is not None:
            state.add(path, new)
    every_brief = shared != state.shared or outlets != set(state.outlets)
    state.shared = shared
    after = _holding(state)
    moved = {i for i in holders.keys() | after.keys() if holders.get(i) != after.get(i)}
    briefs = {path for path, (_, new) in changes.items() if _is_brief(new)}
    for source_id in moved:
        briefs |= state.citing.get(source_id, set())
    renamed = names.items() ^ state.tag_names().items()
    for slug, _ in renamed:
        briefs |= state.tag_briefs.get(slug, set())
    if every_source != {path: state.digests[path] for path in state.sources}:
        briefs |= state.every_source
    gone = {path for path, (old, new) in changes.items() if _is_brief(old) and not _is_brief(new)}
    for path in gone:
        state.brief_problems.pop(path, None)
        state.every_source.discard(path)
    briefs -= gone
    return Rekey(every_brief, frozenset(briefs), frozenset(moved), frozenset(gone))


def _holding(state: SiteState) -> dict[str, tuple[str, str | None]]:
    """Source id → the file that keeps it and its digest."""
    return {i: (path, state.digests[path]) for i, path in state.holders().items()}


def _is_brief(summary: FileSummary | None) -> bool:
    return summary is not None and isinstance(summary.document, BriefSummary)


def refresh_now(state: SiteState, source_ids: frozenset[str], source_of: SummaryReader) -> None:
    """Resolve again each cited key of ``source_ids`` and each key cited but not yet
    resolved; drop keys no longer cited."""
    holders = state.holders()
    for key in [key for key in state.now if key not in state.cite_counts]:
        del state.now[key]
    for key in state.cite_counts:
        source_id, _, anchor = key.partition("#")
        if key in state.now and source_id not in source_ids:
            continue
        path = holders.get(source_id)
        summary = source_of(path) if path is not None else None
        source = summary.document if summary is not None else None
        if not isinstance(source, SourceSummary):
            state.now[key] = NO_SOURCE
        else:
            state.now[key] = source.fingerprint(anchor) or NO_ANCHOR


class SummaryStore:
    """The summaries the state was made from, in the build cache (``check-summaries-NNN``),
    a shard read when one of its files is first asked for; changed ones written back."""

    def __init__(self, cache: BuildCache, *, fresh: bool = False) -> None:
        """``fresh``: start from no summary (every shard is written anew)."""
        self._cache = cache
        self._shards: dict[int, dict[str, FileSummary]] = {}
        self._changed: set[int] = set()
        if fresh:
            self._shards = {shard: {} for shard in range(_SUMMARY_SHARDS)}
            self._changed = set(self._shards)

    def summary(self, path: str) -> FileSummary | None:
        return self._shard(_shard_of(path)).get(path)

    def put(self, path: str, summary: FileSummary | None) -> None:
        """Keep ``summary`` (None: forget the path's). An unreadable file's is kept too:
        the state counted its problems, and takes them out by it."""
        shard = self._shard(_shard_of(path))
        if summary is None:
            shard.pop(path, None)
        else:
            shard[path] = summary
        self._changed.add(_shard_of(path))

    def write(self) -> None:
        for shard in sorted(self._changed):
            self._cache.write(_shard_name(shard), (builder_fingerprint(), self._shards[shard]))
        self._changed.clear()

    def _shard(self, shard: int) -> dict[str, FileSummary]:
        if shard not in self._shards:
            table = self._cache.read(_shard_name(shard))
            valid = isinstance(table, tuple) and len(table) == 2
            self._shards[shard] = table[1] if valid and table[0] == builder_fingerprint() else {}
        return self._shards[shard]


def _shard_of(path: str) -> int:
    return zlib.crc32(path.encode("utf-8", "surrogateescape")) % _SUMMARY_SHARDS


def _shard_name(shard: int) -> str:
    return f"{_SUMMARIES}-{shard:03d}"


def read_state(cache: BuildCache) -> SiteState | None:
    """The kept state; None when there is none or another site-builder wrote it."""
    table = cache.read(_STATE)
    if isinstance(table, tuple) and len(table) == 2 and table[0] == builder_fingerprint():
        state = table[1]
        return state if isinstance(state, SiteState) else None
    return None


def write_state(cache: BuildCache, state: SiteState) -> None:
    cache.write(_STATE, (builder_fingerprint(), state))
