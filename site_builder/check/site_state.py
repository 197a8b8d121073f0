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

import datetime
import secrets
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..cache import SHARDS, BuildCache, builder_fingerprint, shard_of
from ..diagnostics import Diagnostic, Span
from .schedule import Dating
from .summaries import BriefSummary, FileSummary, PageSummary, SourceSummary
from .tags import tag_slug

# The summary of a file by path, as kept (``SummaryStore.summary``).
SummaryReader = Callable[[str], FileSummary | None]

_STATE = "check-state"
_DIGESTS = "check-digests"
# The digests changed since ``check-digests`` was written whole (path → its digest, in a
# tuple, or None: no longer counted): a check after an edit writes these few, not the
# digests of every file (20,000 of them at newsroom scale: 2.5 MB pickled and signed).
_SINCE = "check-digests-since"
# Past this many changed digests, they are written whole again.
_SINCE_LIMIT = 256
_SUMMARIES = "check-summaries"

# ``SiteState.now``: what a cited ``source#anchor`` resolves to besides a fingerprint.
NO_SOURCE = "-"  # no source has the id
NO_ANCHOR = ""  # the source has no such anchor


class BriefIndex:
    """Reverse indexes key → briefs (``cited:<source id>``, ``tag:<tag slug>``), each set
    kept as one string of brief numbers: unpickling 150,000 set members (or paths) cost a
    tenth of a second, a few thousand short strings next to nothing. A key's set is made
    when it is first touched; a brief keeps its number (``_paths``) while the index lives."""

    __slots__ = ("_joined", "_numbers", "_open", "_paths")

    def __init__(self) -> None:
        self._paths: list[str] = []
        self._numbers: dict[str, int] = {}
        self._joined: dict[str, str] = {}
        self._open: dict[str, set[int]] = {}

    def get(self, key: str) -> set[str]:
        """The briefs under ``key``."""
        return {self._paths[number] for number in self._members(key)}

    def change(self, key: str, path: str, step: int) -> None:
        """Add (``step`` > 0) or take out ``path``."""
        members = self._open.get(key)
        if members is None:
            members = self._open[key] = self._members(key)
        number = self._numbers.get(path)
        if step > 0:
            if number is None:
                number = self._numbers[path] = len(self._paths)
                self._paths.append(path)
            members.add(number)
        elif number is not None:
            members.discard(number)

    def _members(self, key: str) -> set[int]:
        if key in self._open:
            return set(self._open[key])
        joined = self._joined.get(key)
        return set(map(int, joined.split())) if joined else set()

    def __getstate__(self) -> tuple[list[str], dict[str, str]]:
        for key, members in self._open.items():
            if members:
                self._joined[key] = " ".join(map(str, sorted(members)))
            else:
                self._joined.pop(key, None)
        self._open = {}
        return self._paths, self._joined

    def __setstate__(self, state: tuple[list[str], dict[str, str]]) -> None:
        self._paths, self._joined = state
        self._numbers = {path: number for number, path in enumerate(self._paths)}
        self._open = {}


# The tables written as one (``check-state``) when any of them changed; ``digests``
# changes with every edit and is written on its own (``check-digests``).
_TABLES = (
    "shared",
    "file_problems",
    "sources",
    "brief_slugs",
    "page_slugs",
    "outlets",
    "spellings",
    "briefs_by",
    "cite_counts",
    "now",
    "dated",
    "brief_problems",
    "every_source",
    "lock_digest",
    "unsettled",
    "unused",
)


@dataclass(slots=True)
class SiteState:
    """Tables of the whole site, each kept equal to what the summaries of ``digests``'s
    files give (``add`` and ``remove`` one summary at a time). ``changed``: whether a
    table other than ``digests`` changed since it was read."""

    shared: str = ""  # what every brief's problems read (``incremental.shared_key``)
    digests: dict[str, str | None] = field(default_factory=dict)  # path → digest counted
    file_problems: dict[str, tuple[Diagnostic, ...]] = field(default_factory=dict)
    sources: dict[str, tuple[str, Span]] = field(default_factory=dict)  # path → id, span
    brief_slugs: dict[str, str] = field(default_factory=dict)
    page_slugs: dict[str, str] = field(default_factory=dict)
    outlets: Counter[str] = field(default_factory=Counter)  # outlet key → sources
    spellings: dict[str, Counter[str]] = field(default_factory=dict)  # tag slug → name → n
    briefs_by: BriefIndex = field(default_factory=BriefIndex)  # tags and cited sources
    cite_counts: Counter[str] = field(default_factory=Counter)  # source#anchor → briefs
    now: dict[str, str] = field(default_factory=dict)  # source#anchor → fingerprint now
    # Brief → the day it is dated (ordinal), if a full date: only briefs dated near or
    # after the clock can be in the future (``future_candidates``).
    dated: dict[str, int] = field(default_factory=dict)
    brief_problems: dict[str, tuple[Diagnostic, ...]] = field(default_factory=dict)
    every_source: set[str] = field(default_factory=set)  # briefs whose problems read all
    # For the lock of ``lock_digest``: the cited keys unsettled under it, its keys no
    # brief cites (``lock_summaries._settle``).
    lock_digest: str | None = None
    unsettled: set[str] = field(default_factory=set)
    unused: set[str] = field(default_factory=set)
    changed: bool = True
    # Cited keys whose count or fingerprint changed in this run (not kept).
    touched: set[str] = field(default_factory=set)
    token: str | None = None  # of the run that wrote the tables (``write_state``)
    # Of the digests as kept (not kept in ``check-state``): the stamp of their writing
    # whole, and the changes kept since (``write_state``).
    stamp: str | None = None
    since: dict[str, tuple[str | None] | None] = field(default_factory=dict)

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

    def future_candidates(self, clock: datetime.datetime) -> list[str]:
        """The briefs that can be dated after ``clock`` (``schedule.is_dated_later``): a
        date's zone moves it by at most a day and a few hours, so three days' margin."""
        earliest = clock.date().toordinal() - 3
        return sorted(path for path, day in self.dated.items() if day >= earliest)

    def add(self, path: str, summary: FileSummary) -> None:
        self._count(path, summary, 1)

    def remove(self, path: str, summary: FileSummary) -> None:
        self._count(path, summary, -1)

    def _count(self, path: str, summary: FileSummary, step: int) -> None:
        self.changed = True
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
        day = _day(brief.dating)
        if day is not None:
            _put(self.dated, path, day, step)
        for name in dict.fromkeys(brief.tags):
            slug = tag_slug(name)
            _tally(self.spellings.setdefault(slug, Counter()), (name,), step)
            if not self.spellings[slug]:
                del self.spellings[slug]
        for slug in {tag_slug(name) for name in brief.tags}:
            self.briefs_by.change(tag_key(slug), path, step)
        for source_id in brief.cited_ids:
            self.briefs_by.change(citing_key(source_id), path, step)
        _tally(self.cite_counts, brief.cited, step)


def citing_key(source_id: str) -> str:
    """``BriefIndex``'s key of the briefs citing the source id."""
    return "cited:" + source_id


def tag_key(slug: str) -> str:
    """``BriefIndex``'s key of the briefs tagged so."""
    return "tag:" + slug


def _day(dating: Dating | None) -> int | None:
    """The ordinal of the day a full date names (a moment's own day), else None."""
    if dating is None:
        return None
    date = dating.date
    if date.moment is not None:
        return date.moment.date().toordinal()
    if date.day is None or date.month is None:
        return None  # never dated later (``is_dated_later``)
    return datetime.date(date.year, date.month, date.day).toordinal()


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


@dataclass(frozen=True, slots=True)
class Rekey:
    """Which briefs' keys can have changed with an update, and which cited keys must be
    resolved again (their source's file changed, or they are newly cited)."""

    every_brief: bool
    briefs: frozenset[str]
    source_ids: frozenset[str]  # ids whose holding file (path or bytes) changed
    gone: frozenset[str]  # briefs no more (removed, or no longer loading)
    cited_keys: frozenset[str]  # what changed briefs cited before or cite now


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
        if old is not None and new is not None and _same_but_bytes(old, new):
            state.digests[path] = new.digest  # (an edit of a brief's prose, say)
            continue
        if old is not None:
            state.remove(path, old)
        if new is not None:
            state.add(path, new)
    every_brief = shared != state.shared or outlets != set(state.outlets)
    if shared != state.shared:
        state.shared, state.changed = shared, True
    after = _holding(state)
    moved = {i for i in holders.keys() | after.keys() if holders.get(i) != after.get(i)}
    briefs = {path for path, (_, new) in changes.items() if _is_brief(new)}
    for source_id in moved:
        briefs |= state.briefs_by.get(citing_key(source_id))
    renamed = names.items() ^ state.tag_names().items()
    for slug, _ in renamed:
        briefs |= state.briefs_by.get(tag_key(slug))
    if every_source != {path: state.digests[path] for path in state.sources}:
        briefs |= state.every_source
    gone = {path for path, (old, new) in changes.items() if _is_brief(old) and not _is_brief(new)}
    for path in gone:
        if path in state.brief_problems or path in state.every_source:
            state.brief_problems.pop(path, None)
            state.every_source.discard(path)
            state.changed = True
    briefs -= gone
    cited: set[str] = set()
    for old, new in changes.values():
        cited.update(_cited(old), _cited(new))
    return Rekey(
        every_brief, frozenset(briefs), frozenset(moved), frozenset(gone), frozenset(cited)
    )


def _cited(summary: FileSummary | None) -> tuple[str, ...]:
    brief = summary.document if summary is not None else None
    return brief.cited if isinstance(brief, BriefSummary) else ()


def _same_but_bytes(old: FileSummary, new: FileSummary) -> bool:
    """Whether the state counts the two alike (only ``digests`` differs)."""
    return old.problems == new.problems and old.document == new.document


def _holding(state: SiteState) -> dict[str, tuple[str, str | None]]:
    """Source id → the file that keeps it and its digest."""
    return {i: (path, state.digests[path]) for i, path in state.holders().items()}


def _is_brief(summary: FileSummary | None) -> bool:
    return summary is not None and isinstance(summary.document, BriefSummary)


def refresh_now(state: SiteState, rekey: Rekey, source_of: SummaryReader) -> None:
    """Resolve again each cited key of the sources whose file changed and each key newly
    cited; drop keys no longer cited. Every key of a changed brief is ``touched``, and
    every key whose resolution changed."""
    holders = state.holders()
    state.touched.update(rekey.cited_keys)
    for key in rekey.cited_keys:
        if key not in state.cite_counts:
            if state.now.pop(key, None) is not None:
                state.changed = True
        elif key not in state.now:
            _resolve(state, key, holders, source_of)
    if rekey.source_ids:
        for key in state.cite_counts:
            if key.partition("#")[0] in rekey.source_ids:
                _resolve(state, key, holders, source_of)


def _resolve(
    state: SiteState, key: str, holders: Mapping[str, str], source_of: SummaryReader
) -> None:
    # A source id cannot hold '#' (``markdown._REF`` ends it there): the split is exact.
    source_id, _, anchor = key.partition("#")
    path = holders.get(source_id)
    summary = source_of(path) if path is not None else None
    source = summary.document if summary is not None else None
    if not isinstance(source, SourceSummary):
        resolved = NO_SOURCE
    else:
        resolved = source.fingerprint(anchor) or NO_ANCHOR
    if state.now.get(key) != resolved:
        state.now[key], state.changed = resolved, True
        state.touched.add(key)


class SummaryStore:
    """The summaries the state was made from, in the build cache (``check-summaries-NNN``),
    a shard read when one of its files is first asked for; changed ones written back."""

    def __init__(self, cache: BuildCache, *, fresh: bool = False) -> None:
        """``fresh``: start from no summary (every shard is written anew)."""
        self._cache = cache
        self._shards: dict[int, dict[str, FileSummary]] = {}
        self._changed: set[int] = set()
        if fresh:
            self._shards = {shard: {} for shard in range(SHARDS)}
            self._changed = set(self._shards)

    def summary(self, path: str) -> FileSummary | None:
        return self._shard(shard_of(path)).get(path)

    def put(self, path: str, summary: FileSummary | None) -> None:
        """Keep ``summary`` (None: forget the path's). An unreadable file's is kept too:
        the state counted its problems, and takes them out by it."""
        shard = self._shard(shard_of(path))
        if summary is None:
            shard.pop(path, None)
        else:
            shard[path] = summary
        self._changed.add(shard_of(path))

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


def _shard_name(shard: int) -> str:
    return f"{_SUMMARIES}-{shard:03d}"


def read_state(cache: BuildCache) -> SiteState | None:
    """The kept state; None when there is none, another site-builder wrote it or its
    tables and digests are not of the same run. The digests changed since they were
    written whole are applied when they were kept for that writing (its stamp)."""
    tables = cache.read(_STATE)
    digests = cache.read(_DIGESTS)
    if not (_ours(tables, 3) and _ours(digests, 4) and tables[1] == digests[1]):
        return None
    values = tables[2]
    if not isinstance(values, dict) or set(values) != set(_TABLES):
        return None
    state = SiteState(digests=digests[2], changed=False, **values)
    state.token, state.stamp = tables[1], digests[3]
    since = cache.read(_SINCE)
    if _ours(since, 3) and since[1] == state.stamp:
        state.since = since[2]
        for path, digest in state.since.items():
            if digest is None:
                state.digests.pop(path, None)
            else:
                state.digests[path] = digest[0]
    return state


def write_state(cache: BuildCache, state: SiteState, paths: Iterable[str]) -> None:
    """Keep ``state``: its tables when they changed, then its digests whole; else only the
    digests changed since they were written whole (``paths``: the files whose digest this
    run may have changed), or whole again when those are many. A run stopped between
    two writes leaves tables and digests of different runs, which ``read_state`` refuses,
    or changes kept for an earlier writing of the digests, which it leaves out."""
    fingerprint = builder_fingerprint()
    if state.changed or state.token is None:
        state.token = secrets.token_hex(8)
        values = {name: getattr(state, name) for name in _TABLES}
        cache.write(_STATE, (fingerprint, state.token, values))
    elif state.stamp is not None:
        since = dict(state.since)
        for path in paths:
            since[path] = (state.digests[path],) if path in state.digests else None
        if len(since) <= _SINCE_LIMIT:
            cache.write(_SINCE, (fingerprint, state.stamp, since))
            state.since = since
            return
    state.stamp, state.since = secrets.token_hex(8), {}
    cache.write(_DIGESTS, (fingerprint, state.token, state.digests, state.stamp))


def _ours(table: object, size: int) -> bool:
    return isinstance(table, tuple) and len(table) == size and table[0] == builder_fingerprint()
