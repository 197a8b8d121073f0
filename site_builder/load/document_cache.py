"""Load with the build cache: a file whose bytes are those it was loaded from last time is
not parsed again; its kept result (``load.LoadedFile``) is used.

Tables: ``documents-NN`` (path → ``LoadedFile``, in ``cache.SHARDS`` shards by path, so one
edited file rewrites one shard, not the whole corpus) and ``document-scan`` (the
``file_states.Scan`` that lets ``stat`` vouch for unchanged files).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..cache import BuildCache, read_sharded, shard_of, write_shards
from ..cache import read_shard as read_cache_shard
from ..progress import Progress, no_progress
from .discover import SiteFiles
from .file_states import Scan, scan_site
from .load import (
    LoadedDocuments,
    LoadedFile,
    load_documents,
    load_files,
    unpack_dropping_results,
)

_DOCUMENTS = "documents"
_SCAN = "document-scan"


def load_with_cache(
    root: Path, files: SiteFiles, cache: BuildCache | None, progress: Progress = no_progress
) -> LoadedDocuments:
    """``load.load_documents``, reusing what ``cache`` kept; keeps what it loads."""
    if cache is None:
        return load_documents(root, files, progress=progress)
    kept = _read_documents(cache)
    paths = files.every
    scan = scan_site(root, files, read_scan(cache))
    known = {
        path: kept[path]
        for path in paths
        if path in kept and kept[path].digest == scan.digest(path)
    }
    loaded = load_files(root, files, progress=progress, known=known)
    # Shards to rewrite: those of files loaded anew (an unreadable one is not kept: it
    # changes nothing unless it was kept before) and of kept files that were not reused.
    changed = {path for path, file in loaded.items() if file.digest and path not in known}
    changed |= kept.keys() - known.keys()
    _write_documents(cache, loaded, {shard_of(path) for path in changed})
    write_scan(cache, scan)
    # Kept first, unpacked after: then each pickle can go as its document is made.
    del kept, known
    return unpack_dropping_results(files, loaded)


def _read_documents(cache: BuildCache) -> dict[str, LoadedFile]:
    return read_sharded(cache, _DOCUMENTS)


def read_shard(cache: BuildCache, shard: int) -> dict[str, LoadedFile]:
    """The kept load results of one shard (another site-builder's results are not used)."""
    return read_cache_shard(cache, _DOCUMENTS, shard)


def keep_documents(cache: BuildCache, files: Mapping[str, LoadedFile]) -> None:
    """Add ``files`` (loaded anew) to the shards they belong in, leaving the rest as kept:
    for a run that loads a few files and reads only the shards it needs."""
    by_shard: dict[int, dict[str, LoadedFile]] = {}
    for path, file in files.items():
        if file.digest:
            by_shard.setdefault(shard_of(path), {})[path] = file
    for shard, added in sorted(by_shard.items()):
        write_shards(cache, _DOCUMENTS, {**read_shard(cache, shard), **added}, {shard})


def write_scan(cache: BuildCache, scan: Scan) -> None:
    cache.write(_SCAN, (_SCAN_FORMAT, scan.started_ns, dict(scan.files)))


def _write_documents(cache: BuildCache, files: dict[str, LoadedFile], shards: set[int]) -> None:
    """Rewrite ``shards`` with the files that belong in them (unreadable ones are not kept)."""
    kept = {path: file for path, file in files.items() if file.digest}
    write_shards(cache, _DOCUMENTS, kept, shards)


def read_scan(cache: BuildCache) -> Scan | None:
    """The kept scan, or None. The table is plain tuples with a format tag, not a ``Scan``
    object: an older site-builder that reads it finds no ``Scan`` (a cold start, not a
    misread), and one an older version kept (a ``Scan`` of objects) is not used here."""
    table = cache.read(_SCAN)
    if isinstance(table, tuple) and len(table) == 3 and table[0] == _SCAN_FORMAT:
        return Scan(table[1], table[2])
    return None


# Raised whenever what a file state holds changes.
_SCAN_FORMAT = "file states 2: size, mtime, ctime, inode, sha256"
