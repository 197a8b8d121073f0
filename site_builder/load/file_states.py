"""What files hold now, cheaply: a content digest per file, read only where ``stat``
cannot vouch for it.

A file whose size, modification time, change time and inode are those recorded by an
earlier run keeps its recorded digest, unless it changed within ``SETTLE_NS`` of that run's
scan: file times are coarse (a tick of the kernel clock), so a file rewritten with the same
size right after a scan can look unchanged. Those "racily clean" files are read again (git
does the same with its index). The change time (ctime) matters because the modification
time can be set back (``cp -p``, ``touch -d``) and the change time cannot.
"""

from __future__ import annotations

import hashlib
import operator
import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..pickling import quick_pickle
from .front_matter import MAX_FILE_BYTES

SETTLE_NS = 2_000_000_000


@quick_pickle
@dataclass(frozen=True, slots=True)
class FileState:
    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    digest: str  # sha256 of the bytes, hex


@dataclass(frozen=True, slots=True)
class Scan:
    """Digests of files (path relative to the site → state), and when the scan started."""

    started_ns: int
    files: Mapping[str, FileState]


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def scan_files(root: Path, paths: Iterable[str], previous: Scan | None, now_ns: int) -> Scan:
    """The state of each of ``paths`` that can be read (at most ``MAX_FILE_BYTES``: larger
    ones are never read, the loader reports them); ``now_ns`` is when this scan started."""
    files: dict[str, FileState] = {}
    for path in paths:
        state = _state(root / path, _trusted(previous, path))
        if state is not None:
            files[path] = state
    return Scan(now_ns, files)


def _trusted(previous: Scan | None, path: str) -> FileState | None:
    if previous is None:
        return None
    state = previous.files.get(path)
    if state is None or max(state.mtime_ns, state.ctime_ns) >= previous.started_ns - SETTLE_NS:
        return None
    return state


def _state(path: Path, known: FileState | None) -> FileState | None:
    try:
        info = path.stat()
        if known is not None and _same(info, known):
            return known
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    return FileState(info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, digest(data))


def _same(info: os.stat_result, known: FileState) -> bool:
    now = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
    return now == (known.size, known.mtime_ns, known.ctime_ns, known.inode)


TreeEntry = tuple[str, int, int, int, int]  # path, mode, size, max(mtime, ctime), inode


def tree_entries(folder: Path, prefix: str = "") -> list[TreeEntry]:
    """Every entry below ``folder`` as (path, mode, size, time, inode), without following
    links, in walk order; links are entered as what they point at too (a link's target can
    change while the link stays). Cheap: one ``lstat`` per entry, nothing read. Paths are
    relative to ``folder``, with ``prefix`` before them."""
    # A no-change build scans every input, so this is its largest cost after the stat
    # calls themselves: paths are joined from names (no ``relpath``, no ``Path``), and the
    # entries of a folder are sorted by a key taken in C.
    entries: list[TreeEntry] = []
    stack = [(os.fspath(folder), prefix)]
    while stack:
        here, relative = stack.pop()
        try:
            with os.scandir(here) as listing:
                found = sorted(listing, key=_by_name)
        except OSError:
            continue
        for entry in found:
            path = relative + entry.name
            try:
                info = entry.stat(follow_symlinks=False)
                link = entry.is_symlink()
                if link:
                    info = os.stat(entry.path)
            except OSError:
                entries.append((path, -1, 0, 0, 0))
                continue
            changed = max(info.st_mtime_ns, info.st_ctime_ns)
            entries.append((path, info.st_mode, info.st_size, changed, info.st_ino))
            if stat.S_ISDIR(info.st_mode) and not link:
                stack.append((entry.path, path + "/"))
    return entries


_by_name = operator.attrgetter("name")
