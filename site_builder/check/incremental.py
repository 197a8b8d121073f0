"""The site's check brought up to date by the files that changed: the site-wide checks from
the kept ``site_state.SiteState``, each brief keyed again only when the state says one of
its key's inputs can have changed, the lock's checks from each cited paragraph's
fingerprint now. What it finds is what ``site_check.check_summaries`` finds over every
summary (``tests/test_check_cache.py`` compares them over random edits).
"""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import compress
from pathlib import Path
from typing import Protocol

from ..cache import builder_fingerprint
from ..diagnostics import Diagnostic
from ..load.config import SiteConfig
from ..lock.lock import LockEntry, lock_changes, write_lock
from ..lock.lock_cache import KeptLock, read_lock_again
from ..lock.lock_summaries import kept_lock_check
from ..messages import Message, msg
from .check import duplicate_source_ids, slug_collisions
from .check_cache import BriefCheck, BriefKeys, Documents, EverySource, checked_brief
from .site_state import SiteState, SummaryReader, refresh_now, update
from .summaries import BriefSummary, FileSummary

# What changed: path → (the summary counted in the state, the summary now); None: no file.
Changes = Mapping[str, tuple[FileSummary | None, FileSummary | None]]


class Results(Protocol):
    """Each brief's kept ``BriefCheck`` (``check_cache.KeptResults``, or a dict)."""

    def get(self, path: str) -> BriefCheck | None: ...
    def put(self, path: str, result: BriefCheck | None) -> None: ...


@dataclass(frozen=True, slots=True)
class StateFacts:
    """``check_cache.SiteFacts`` of a ``SiteState``."""

    state: SiteState
    sources_by_id: Mapping[str, str]
    known_outlets: frozenset[str]
    tag_names: Mapping[str, str]

    @classmethod
    def of(cls, state: SiteState) -> StateFacts:
        return cls(state, state.holders(), frozenset(state.outlets), state.tag_names())

    def source_paths(self) -> Iterator[str]:
        return iter(sorted(self.state.sources))

    def digest(self, path: str) -> str | None:
        return self.state.digests[path]


def shared_key(config: SiteConfig) -> str:
    """What every brief's check reads besides the files (``BriefKeys``'s shared part,
    outlets aside): when it changes, every brief is keyed again."""
    return "\0".join(
        [builder_fingerprint(), config.language, str(config.require_citation_per_paragraph)]
    )


def check_changes(
    state: SiteState,
    changes: Changes,
    reading: tuple[SummaryReader, Documents],
    config: SiteConfig,
    results: Results,
) -> list[Diagnostic]:
    """Bring ``state`` up to date with ``changes`` and return every problem of the site but
    the lock's: ``reading`` gives the summary (as now) and the document of any file."""
    summaries, documents = reading
    rekey = update(state, changes, shared_key(config))
    refresh_now(state, rekey, summaries)
    facts = StateFacts.of(state)
    keys, every = BriefKeys(facts, config), EverySource()
    for path in rekey.gone:
        results.put(path, None)
    for path in sorted(state.brief_slugs if rekey.every_brief else rekey.briefs):
        summary = summaries(path)
        brief = summary.document if summary is not None else None
        assert isinstance(brief, BriefSummary), "a brief to key has a brief's summary"
        old = results.get(path)
        if old is not None and old.key == keys.of(path, brief, old.all_sources):
            result = old
        else:
            result = checked_brief(path, brief, facts, documents, (config, keys, every))
            results.put(path, result)
        _note(state, path, result)
    return site_problems(state)


def _note(state: SiteState, path: str, result: BriefCheck) -> None:
    """Count the brief's result in the state (``changed`` when it differs)."""
    before = state.brief_problems.get(path, ()), path in state.every_source
    if result.problems:
        state.brief_problems[path] = result.problems
    else:
        state.brief_problems.pop(path, None)
    if result.all_sources:
        state.every_source.add(path)
    else:
        state.every_source.discard(path)
    if before != (result.problems, result.all_sources):
        state.changed = True


def site_problems(state: SiteState) -> list[Diagnostic]:
    """``check_cache.site_problems`` and the briefs' kept problems, from the state."""
    problems = _flat(state.file_problems.values())
    ids = {path: source_id for path, (source_id, _) in state.sources.items()}
    shared = _shared(ids)
    sources = sorted((p, i, state.sources[p][1]) for p, i in ids.items() if i in shared)
    problems += duplicate_source_ids(sources)
    problems += _collisions(state.brief_slugs, msg("this brief"), "/briefs/{}/")
    problems += _collisions(state.page_slugs, msg("this page"), "/{}/")
    return problems + _flat(state.brief_problems.values())


def _collisions(slugs: Mapping[str, str], what: Message, address: str) -> list[Diagnostic]:
    """``slug_collisions`` of the documents whose slug another one has (the others have
    none: no need to sort them)."""
    shared = _shared(slugs)
    return slug_collisions(
        sorted(item for item in slugs.items() if item[1] in shared), what, address
    )


def _shared(values: Mapping[str, str]) -> set[str]:
    """The values more than one key has."""
    return {value for value, count in Counter(values.values()).items() if count > 1}


def _flat(groups: Iterable[tuple[Diagnostic, ...]]) -> list[Diagnostic]:
    return [problem for group in groups for problem in group]


def lock_result(
    state: SiteState,
    reading: tuple[SummaryReader, Documents],
    lock: KeptLock,
    lock_options: tuple[bool, bool],
) -> tuple[list[Diagnostic], dict[str, LockEntry] | None]:
    """The lock's problems (those of reading it among them) and the entries to write,
    None when there is nothing to write (frozen, broken, or no change)."""
    frozen, stale_is_error = lock_options
    found, entries = kept_lock_check(state, reading, lock, frozen, stale_is_error)
    if frozen or lock.broken or entries is None:
        return lock.broken + found, None
    return lock.broken + found, entries


def write_updated_lock(root: Path, lock: KeptLock, entries: Mapping[str, LockEntry] | None) -> int:
    """Write the updated lock when it differs (as ``site_check.check_summaries`` does); how
    many of its entries changed. Raises ``LockWriteError``."""
    if entries is None:
        return 0
    changes = lock_changes(lock.entries() or {}, entries)
    if changes or (lock.fingerprints is None and entries):
        write_lock(root, entries)
    return changes


def _changed(
    counted: Mapping[str, FileSummary], summaries: Mapping[str, FileSummary]
) -> dict[str, tuple[FileSummary | None, FileSummary | None]]:
    """(counted, now) of each path whose summary is not the object counted."""
    if list(counted) == list(summaries):  # the same files in the same order: compared in C
        differ = map(operator.is_not, counted.values(), summaries.values())
        return {path: (counted[path], summaries[path]) for path in compress(summaries, differ)}
    return {
        path: (counted.get(path), summaries.get(path))
        for path in counted.keys() | summaries.keys()
        if counted.get(path) is not summaries.get(path)
    }


class _Kept(dict[str, BriefCheck]):
    """``Results`` in memory."""

    def put(self, path: str, result: BriefCheck | None) -> None:
        if result is None:
            self.pop(path, None)
        else:
            self[path] = result


@dataclass
class MemoryCheck:
    """The check of a process that keeps the site in memory between builds (``serve``):
    the state, the summaries it counted (compared by identity with the next build's: an
    unchanged file keeps its summary object), each brief's result and the lock."""

    state: SiteState = field(default_factory=SiteState)
    counted: dict[str, FileSummary] = field(default_factory=dict)
    results: _Kept = field(default_factory=_Kept)
    lock: KeptLock | None = None

    def check(
        self,
        config: SiteConfig,
        summaries: Mapping[str, FileSummary],
        documents: Documents,
        lock_options: tuple[bool, bool],
    ) -> tuple[list[Diagnostic], int]:
        """Every problem of the site whose files ``summaries`` describes (what
        ``site_check.check_summaries`` finds), and how many lock entries changed (the lock
        is written unless frozen)."""
        changes = _changed(self.counted, summaries)
        reading = (summaries.get, documents)
        self.state.touched = set()
        try:
            found = check_changes(self.state, changes, reading, config, self.results)
            self.lock = read_lock_again(config.root, self.lock)
            lock_found, entries = lock_result(self.state, reading, self.lock, lock_options)
        except BaseException:
            # A state updated half way is no state: start from none next time.
            self.state, self.counted, self.results = SiteState(), {}, _Kept()
            raise
        self.counted = dict(summaries)
        return found + lock_found, write_updated_lock(config.root, self.lock, entries)
