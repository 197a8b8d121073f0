"""``check`` with the build cache, without unpickling the site: only the files whose bytes
changed are parsed, only the documents a check needs are unpickled (the briefs to check
again and the sources they cite), everything else is read from file summaries.

The diagnostics are those of ``pipeline.check_site``: the same checks run
(``site_check.check_summaries``), on the documents they need.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from ..cache import BuildCache, open_cache, shard_of
from ..corpus import Corpus
from ..diagnostics import Diagnostic, promote_warnings, sorted_diagnostics
from ..load.config import load_config
from ..load.discover import SiteFiles, discover
from ..load.document_cache import keep_documents, read_scan, read_shard, write_scan
from ..load.file_states import Scan, scan_site
from ..load.load import (
    Document,
    LoadedFile,
    load_chunk,
    load_files,
    unpack_dropping_results,
)
from ..lock.lock_cache import read_kept_lock
from ..model import Source
from ..pipeline import CheckOptions, CheckResult, check_site
from ..progress import Progress, no_progress
from .check_cache import KeptResults
from .incremental import Changes, check_changes, lock_result, write_updated_lock
from .schedule import future_date_warnings
from .site_state import SiteState, SummaryReader, SummaryStore, read_state, write_state
from .summaries import BriefSummary, FileSummary, read_summaries, summarise, write_summaries


def check_quickly(
    root: Path, options: CheckOptions, progress: Progress = no_progress
) -> CheckResult:
    """What ``check_site`` finds, and the lock it writes; ``corpus`` is left empty (nothing
    here needs it). Without the cache this is ``check_site``."""
    config = load_config(root)
    cache = open_cache(root) if options.use_cache else None
    if cache is None:
        return check_site(root, options, progress)
    files, problems = discover(root)
    store = _CachedStore(root, cache, files)
    kept = SummaryStore(cache)
    with _kept_for_the_run():
        state, changes = _changes(files, store, kept, progress)
    if state is None:  # nothing kept (or not what was counted): count every file
        kept = SummaryStore(cache, fresh=True)
        state, changes = SiteState(), _every_file(files, store, progress)
    store.expect(_digests_now(state, changes))
    reading = (_SummariesNow(kept, changes).summary, store)
    results = KeptResults(cache)
    found = check_changes(state, changes, reading, config, results)
    lock = read_kept_lock(root, cache)
    lock_found, entries = lock_result(state, reading, lock, (options.frozen, options.stale_blocks))
    lock_changed = write_updated_lock(config.root, lock, entries)
    for path, (_, new) in changes.items():
        kept.put(path, new)
    kept.write()
    results.write()
    if changes or state.changed:
        # Last: it vouches for the summaries written before it.
        write_state(cache, state, changes.keys())
    found += lock_found
    if options.clock is not None:
        found += _future_dates(state, reading[0], options.clock)
    diagnostics = sorted_diagnostics(problems + found)
    if options.strict:
        diagnostics = promote_warnings(diagnostics)
    counts = {"briefs": len(state.brief_slugs), "sources": len(state.sources)}
    digests = {path: digest for path, digest in state.digests.items() if digest is not None}
    return CheckResult(config, Corpus((), ()), diagnostics, lock_changed, digests, **counts)


@contextlib.contextmanager
def _kept_for_the_run() -> Iterator[None]:
    """The cycle collector paused while the kept tables are read, and what was read then
    exempt from its later walks (``gc.freeze``): the tables (hundreds of thousands of
    objects, no cycles) live as long as the run, and walking them, while they were read
    and once after, cost a check after one edit ≈ 20 ms for nothing to collect."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _future_dates(
    state: SiteState, summaries: SummaryReader, clock: datetime.datetime
) -> list[Diagnostic]:
    """``future_date_warnings`` of the briefs that can be dated after ``clock``."""
    datings = []
    for path in state.future_candidates(clock):
        summary = summaries(path)
        if summary is not None and isinstance(summary.document, BriefSummary):
            datings.append(summary.document.dating)
    return future_date_warnings(datings, clock)


def _changes(
    files: SiteFiles, store: _CachedStore, kept: SummaryStore, progress: Progress
) -> tuple[SiteState | None, Changes]:
    """The kept state and, for each file whose bytes are not those it counted, its
    summary then and now; no state when none is kept or a summary it counted is not."""
    state = read_state(store.cache)
    if state is None:
        return None, {}
    previous = read_scan(store.cache)
    scan = scan_site(store.root, files, previous)
    if _worth_keeping(previous, scan):
        write_scan(store.cache, scan)
    every = files.every
    now = set(every)
    digests = scan.digests()
    # Changed: not counted, unreadable now, or other bytes. (The lookups are made in C:
    # this runs over every file of the site after each edit. A path the state did not
    # count gets None there, which differs from any digest.)
    counted = state.digests.get
    changed = [
        path
        for path, digest in zip(every, map(digests.get, every), strict=True)
        if digest is None or counted(path) != digest
    ]
    changed += [path for path in state.digests if path not in now]
    before: dict[str, FileSummary | None] = {}
    for path in changed:
        old = kept.summary(path) if path in state.digests else None
        if path in state.digests and (old is None or old.digest != state.digests[path]):
            return None, {}
        before[path] = old
    after = _summarise(files, [path for path in changed if path in now], store, digests, progress)
    return state, {path: (before[path], after.get(path)) for path in changed}


# How many files the kept scan may fail to vouch for before a check writes the scan
# again. Until then the next check reads those files once more (an edited brief: a few
# kilobytes); writing the scan of a whole site costs more (20,000 entries pickled and
# signed, ≈ 30 ms) and would be paid after every edit.
_UNVOUCHED_FILES = 64


def _worth_keeping(previous: Scan | None, scan: Scan) -> bool:
    """Whether to write ``scan`` over the ``previous`` one kept: when none is kept, or
    when the kept one no longer vouches for enough files: those this scan had to read
    (new, changed, or changed too recently for ``stat`` to vouch for them) and those gone.
    Keeping the previous scan is always safe: each of its states is used only while
    ``stat`` vouches for it, as for any kept scan."""
    if previous is None:
        return True
    gone = len(previous.files.keys() - scan.files.keys())
    return scan.read + gone > _UNVOUCHED_FILES


def _every_file(files: SiteFiles, store: _CachedStore, progress: Progress) -> Changes:
    summaries = _summaries(files, store, progress)
    return {path: (None, summary) for path, summary in summaries.items()}


def _digests_now(state: SiteState, changes: Changes) -> dict[str, str | None]:
    digests = dict(state.digests)
    for path, (_, new) in changes.items():
        if new is None:
            digests.pop(path, None)
        else:
            digests[path] = new.digest
    return digests


class _SummariesNow:
    """Each file's summary now: the new one of a changed file, else the kept one."""

    def __init__(self, kept: SummaryStore, changes: Changes) -> None:
        self._kept, self._changes = kept, changes

    def summary(self, path: str) -> FileSummary | None:
        if path in self._changes:
            return self._changes[path][1]
        return self._kept.summary(path)


def _summaries(files: SiteFiles, store: _CachedStore, progress: Progress) -> dict[str, FileSummary]:
    """The summary of every file: kept ones while the file's digest holds, the others made
    from the file's kept load result or, when its bytes are new, from loading it."""
    cache = store.cache
    scan = scan_site(store.root, files, read_scan(cache))
    kept = read_summaries(cache)
    digests = scan.digests()
    fresh = [
        path for path in files.every if path in kept and kept[path].digest == digests.get(path)
    ]
    summaries = {path: kept[path] for path in fresh}
    stale = [path for path in files.every if path not in summaries]
    summaries.update(_summarise(files, stale, store, digests, progress))
    write_scan(cache, scan)
    write_summaries(cache, summaries, kept)
    return {path: summaries[path] for path in files.every}


def _summarise(
    files: SiteFiles,
    paths: list[str],
    store: _CachedStore,
    digests: Mapping[str, str],
    progress: Progress,
) -> dict[str, FileSummary]:
    """The summaries of ``paths``, from their kept load results where the digest holds,
    else from loading them (the new load results are kept)."""
    to_load = _only(files, {path for path in paths if not store.has(path, digests.get(path))})
    pickled = load_files(store.root, to_load, progress=progress)
    # Kept first, unpacked after: then each pickle can go as its document is made, and a
    # cold check never holds the pickles and the documents of the whole site at once.
    keep_documents(store.cache, pickled)
    loaded = unpack_dropping_results(to_load, pickled)
    store.add(loaded.files, loaded.documents, loaded.file_problems.keys())
    summaries = {}
    for path in paths:
        file = store.file(path)
        assert file is not None, "every stale file was kept or loaded"
        if path in loaded.file_problems:  # unpickled by the load already
            document, found = loaded.documents.get(path), list(loaded.file_problems[path])
        else:
            document, found = file.unpacked()
        summaries[path] = summarise(path, file.digest, document, found)
    return summaries


def _only(files: SiteFiles, paths: set[str]) -> SiteFiles:
    return SiteFiles(
        tuple(p for p in files.sources if p in paths),
        tuple(p for p in files.briefs if p in paths),
        tuple(p for p in files.pages if p in paths),
    )


class _CachedStore:
    """``check_cache.Documents`` from the build cache's load results, a shard read when
    one of its files is first asked for. Sources are kept once unpickled (checks compare
    them by identity); briefs are not (each is checked once)."""

    def __init__(self, root: Path, cache: BuildCache, files: SiteFiles) -> None:
        self.root, self.cache = root, cache
        kinds = {"source": files.sources, "brief": files.briefs, "page": files.pages}
        self._kinds = {path: kind for kind, paths in kinds.items() for path in paths}
        self._shards: dict[int, dict[str, LoadedFile]] = {}
        self._added: dict[str, LoadedFile] = {}
        self._expected: Mapping[str, str | None] = {}
        self._sources: dict[str, Source] = {}
        self._loaded: dict[str, Document] = {}
        self._fresh: set[str] = set()

    def add(
        self,
        files: Mapping[str, LoadedFile],
        documents: Mapping[str, Document],
        paths: Iterable[str],
    ) -> None:
        """Files loaded anew (``paths``; their pickles may be emptied once unpacked), and
        their documents (already unpickled: kept, not unpickled again)."""
        self._added.update(files)
        self._loaded.update(documents)
        self._fresh.update(paths)

    def expect(self, digests: Mapping[str, str | None]) -> None:
        """The digest of each file's bytes the documents must come from."""
        self._expected = digests

    def has(self, path: str, digest: str | None) -> bool:
        file = self.file(path)
        return digest is not None and file is not None and file.digest == digest

    def file(self, path: str) -> LoadedFile | None:
        if path in self._added:
            return self._added[path]
        shard = shard_of(path)
        if shard not in self._shards:
            self._shards[shard] = read_shard(self.cache, shard)
        return self._shards[shard].get(path)

    def document(self, path: str) -> Document | None:
        if path in self._sources:
            return self._sources[path]
        if path in self._fresh:  # a file that did not load has no document
            return self._loaded.get(path)
        file = self.file(path)
        if file is None or file.digest != self._expected.get(path):
            # The load result kept with the summary went missing (a cache write that
            # failed): load the file again.
            file = self._load(path)
        document, _ = file.unpacked()
        if isinstance(document, Source):
            self._sources[path] = document
        return document

    def _load(self, path: str) -> LoadedFile:
        [file] = load_chunk((self.root, self._kinds[path], (path,)))
        self._added[path] = file
        return file
