"""``citations.lock`` parsed once per content, kept in the build cache in a form that loads
fast: a check reads each entry's fingerprint (table ``lock-index``) and the texts (table
``lock-texts``) only when a citation is unsettled or the lock is to be written.

A 20,000-page site's lock is 17 MB of JSON (0.3 s to decode); its fingerprints pickled are
2 MB. Whether the file changed is seen as ``file_states`` sees it for documents: its
``lstat`` (size, times, inode) as recorded, unless it changed within ``SETTLE_NS`` of the
recording, else the digest of its bytes. The kept parse is a function of the bytes only, so
it is used for any file with the same digest (a lock restored from git parses no more).
"""

from __future__ import annotations

import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..cache import BuildCache, builder_fingerprint
from ..diagnostics import Diagnostic
from ..load.discover import read_site_file
from ..load.file_states import SETTLE_NS, digest
from .lock import LOCK_NAME, MAX_LOCK_BYTES, LockEntry, parse_lock, read_lock

_INDEX = "lock-index"
_TEXTS = "lock-texts"


@dataclass(frozen=True, slots=True)
class _Stat:
    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int


@dataclass(slots=True)
class KeptLock:
    """The site's lock as ``lock.read_lock`` reads it: ``fingerprints`` (None when there is
    no lock or it is broken: ``broken`` says why), the whole entries on demand."""

    root: Path
    fingerprints: dict[str, str] | None
    broken: list[Diagnostic]
    digest: str | None  # of the file's bytes, when it was read
    cache: BuildCache | None
    _entries: dict[str, LockEntry] | None = field(default=None)

    def entries(self) -> dict[str, LockEntry] | None:
        """Every entry with its text: kept ones when their digest is this lock's, else
        the file parsed again."""
        if self.fingerprints is None:
            return None
        if self._entries is None:
            self._entries = self._kept_entries()
        if self._entries is None:
            lock, _ = read_lock(self.root)
            self._entries = lock if lock is not None else {}
        return self._entries

    def _kept_entries(self) -> dict[str, LockEntry] | None:
        if self.cache is None or self.fingerprints is None:
            return None
        table = self.cache.read(_TEXTS)
        if not _ours(table, self.digest):
            return None
        texts: dict[str, str] = table[2]
        if texts.keys() != self.fingerprints.keys():
            return None
        return {key: LockEntry(self.fingerprints[key], texts[key]) for key in texts}


def read_kept_lock(root: Path, cache: BuildCache) -> KeptLock:
    """The lock of the site at ``root``, parsed only when its bytes are new to ``cache``."""
    recorded_ns = time.time_ns()
    path = root / LOCK_NAME
    now = _lstat(path)
    index = cache.read(_INDEX)
    if now is not None and isinstance(index, tuple) and len(index) == 6:
        _, kept_digest, kept_stat, kept_ns, fingerprints, broken = index
        settled = max(now.mtime_ns, now.ctime_ns) < kept_ns - SETTLE_NS
        if _ours(index, kept_digest) and kept_stat == now and settled:
            return KeptLock(root, fingerprints, list(broken), kept_digest, cache)
    data = read_site_file(root, LOCK_NAME, MAX_LOCK_BYTES)
    if data is None or isinstance(data, Diagnostic):
        return KeptLock(root, None, [] if data is None else [data], None, cache)
    found = digest(data)
    if _ours(index, found) and len(index) == 6:
        fingerprints, broken = index[4], list(index[5])
        entries = None
    else:
        lock, broken = parse_lock(data)
        entries = lock
        fingerprints = None if lock is None else {k: e.fingerprint for k, e in lock.items()}
        if lock is not None:
            texts = {key: entry.text for key, entry in lock.items()}
            cache.write(_TEXTS, (builder_fingerprint(), found, texts))
    if now is not None:
        row = (builder_fingerprint(), found, now, recorded_ns, fingerprints, tuple(broken))
        cache.write(_INDEX, row)
    return KeptLock(root, fingerprints, broken, found, cache, entries)


def _ours(table: object, lock_digest: str | None) -> bool:
    """Whether ``table`` was written by this site-builder for the lock of that digest."""
    return (
        isinstance(table, tuple)
        and len(table) >= 3
        and table[0] == builder_fingerprint()
        and lock_digest is not None
        and table[1] == lock_digest
    )


def _lstat(path: Path) -> _Stat | None:
    """The file's state when it is a regular file (not a link); else None: such a lock is
    read the careful way (``read_site_file`` says what is wrong with it)."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_LOCK_BYTES:
        return None
    return _Stat(info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def read_lock_again(root: Path, previous: KeptLock | None) -> KeptLock:
    """The lock of the site at ``root`` for a process that keeps it in memory (``serve``):
    parsed only when its bytes are not those of ``previous``."""
    data = read_site_file(root, LOCK_NAME, MAX_LOCK_BYTES)
    if data is None or isinstance(data, Diagnostic):
        return KeptLock(root, None, [] if data is None else [data], None, None)
    found = digest(data)
    if previous is not None and previous.digest == found:
        return previous
    lock, broken = parse_lock(data)
    fingerprints = None if lock is None else {k: e.fingerprint for k, e in lock.items()}
    return KeptLock(root, fingerprints, broken, found, None, lock)
