"""``check`` with the build cache, without unpickling the site: only the files whose bytes
changed are parsed, only the documents a check needs are unpickled (the briefs to check
again and the sources they cite), everything else is read from file summaries.

The diagnostics are those of ``pipeline.check_site``: the same checks run
(``site_check.check_summaries``), on the documents they need.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path

from ..cache import BuildCache, open_cache, shard_of
from ..diagnostics import promote_warnings, sorted_diagnostics
from ..load.config import load_config
from ..load.discover import SiteFiles, discover
from ..load.document_cache import keep_documents, read_scan, read_shard, write_scan
from ..load.file_states import scan_files
from ..load.load import Document, LoadedFile, load_chunk, load_documents
from ..model import Corpus, Source
from ..pipeline import CheckOptions, CheckResult, check_site
from ..progress import Progress, no_progress
from .schedule import future_date_warnings
from .site_check import check_summaries
from .summaries import (
    BriefSummary,
    FileSummary,
    SourceSummary,
    read_summaries,
    summarise,
    write_summaries,
)


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
    summaries = _summaries(files, store, progress)
    lock_options = options.frozen, options.stale_blocks
    found, changes = check_summaries(config, summaries, store, cache, lock_options)
    if options.clock is not None:
        datings = (
            s.document.dating for s in summaries.values() if isinstance(s.document, BriefSummary)
        )
        found = found + future_date_warnings(datings, options.clock)
    diagnostics = sorted_diagnostics(problems + found)
    if options.strict:
        diagnostics = promote_warnings(diagnostics)
    kinds = [summary.document for summary in summaries.values()]
    counts = {
        "briefs": sum(isinstance(kind, BriefSummary) for kind in kinds),
        "sources": sum(isinstance(kind, SourceSummary) for kind in kinds),
    }
    digests = {path: s.digest for path, s in summaries.items() if s.digest is not None}
    return CheckResult(config, Corpus((), ()), diagnostics, changes, digests, **counts)


def _summaries(files: SiteFiles, store: _CachedStore, progress: Progress) -> dict[str, FileSummary]:
    """The summary of every file: kept ones while the file's digest holds, the others made
    from the file's kept load result or, when its bytes are new, from loading it."""
    started = time.time_ns()
    cache = store.cache
    scan = scan_files(store.root, files.every, read_scan(cache), started)
    kept = read_summaries(cache)
    digests = {path: state.digest for path, state in scan.files.items()}
    fresh = [
        path for path in files.every if path in kept and kept[path].digest == digests.get(path)
    ]
    summaries = {path: kept[path] for path in fresh}
    stale = [path for path in files.every if path not in summaries]
    to_load = [path for path in stale if not store.has(path, digests.get(path))]
    loaded = load_documents(store.root, _only(files, set(to_load)), progress=progress)
    store.add(loaded.files, loaded.documents)
    for path in stale:
        file = store.file(path)
        assert file is not None, "every stale file was kept or loaded"
        if path in loaded.file_problems:  # unpickled by the load already
            document, found = loaded.documents.get(path), list(loaded.file_problems[path])
        else:
            document, found = file.unpacked()
        summaries[path] = summarise(path, file.digest, document, found)
    keep_documents(cache, loaded.files)
    write_scan(cache, scan)
    write_summaries(cache, summaries, kept)
    store.expect({path: s.digest for path, s in summaries.items()})
    return {path: summaries[path] for path in files.every}


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

    def add(self, files: Mapping[str, LoadedFile], documents: Mapping[str, Document]) -> None:
        """Files loaded anew, and their documents (already unpickled: kept, not unpickled
        again)."""
        self._added.update(files)
        self._loaded.update(documents)

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
        if path in self._loaded:
            return self._loaded[path]
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
