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
import os
import stat
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final

from .discover import SiteFiles
from .limits import MAX_FILE_BYTES

if TYPE_CHECKING:
    from .discover_look import Listing

SETTLE_NS = 2_000_000_000


FileState = tuple[int, int, int, int, str]
"""What a scan recorded of a file: size, modification time, change time (both in ns),
inode, and the sha256 of its bytes (hex); read with the indices below.

A plain tuple, not a class: ``check`` after one edit reads and writes the scan of every
file of the site (20,000 at newsroom scale), and plain tuples are unpickled and pickled
in C, about 4× faster than objects restored through ``__setstate__``."""

# Literal indices (``Final``), so that a type checker knows what each one reads.
SIZE: Final = 0
MTIME: Final = 1
CTIME: Final = 2
INODE: Final = 3
DIGEST: Final = 4


@dataclass(frozen=True, slots=True)
class Scan:
    """Digests of files (path relative to the site → state), and when the scan started.
    ``read``: how many files this scan read because the previous one could not vouch for
    them (new, changed, or changed too recently); not kept with the scan."""

    started_ns: int
    files: Mapping[str, FileState]
    read: int = field(default=0, compare=False)

    def digest(self, path: str) -> str | None:
        """The digest of ``path``'s bytes, None when it could not be read."""
        state = self.files.get(path)
        return None if state is None else state[DIGEST]

    def digests(self) -> dict[str, str]:
        return {path: state[DIGEST] for path, state in self.files.items()}


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def scan_site(root: Path, files: SiteFiles, previous: Scan | None) -> Scan:
    """``scan_files`` of every file ``discover`` found, with the ``lstat`` it took of each
    plain file instead of a second ``stat`` (a link is ``stat``-ed here, through to its
    target). The scan counts as started when the walk did: the racy-clean rule needs a
    start no later than the look that recorded a file's times."""
    started = files.walked_ns or time.time_ns()
    return scan_files(root, files.every, previous, started, files.lstats)


def scan_files(
    root: Path,
    paths: Iterable[str],
    previous: Scan | None,
    now_ns: int,
    looked: Mapping[str, os.stat_result] | None = None,
) -> Scan:
    """The state of each of ``paths`` that can be read (at most ``MAX_FILE_BYTES``: larger
    ones are never read, the loader reports them); ``now_ns`` is when this scan started,
    no later than its first ``stat``. ``looked``: the ``stat`` of some of the paths, taken
    after ``now_ns`` (the others are ``stat``-ed here)."""
    folder = os.fspath(root)
    known = previous.files if previous is not None else {}
    settled = previous.started_ns - SETTLE_NS if previous is not None else 0
    seen = looked or {}
    files: dict[str, FileState] = {}
    read = 0
    for path in paths:
        state, info = known.get(path), seen.get(path)
        # The common case inline (``_trusted`` and ``_same``, no call per file): this runs
        # for every file of the site after each edit in ``serve``.
        if (
            state is not None
            and info is not None
            and state[MTIME] < settled
            and state[CTIME] < settled
            and (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino) == state[:DIGEST]
        ):
            files[path] = state
            continue
        trusted = _trusted(state, settled)
        state = _state(folder, path, trusted, info)
        if state is not None:
            files[path] = state
            read += state is not trusted
    return Scan(now_ns, files, read)


def _trusted(state: FileState | None, settled: int) -> FileState | None:
    """``state`` if it was recorded long enough after the file's last change (``settled``:
    the previous scan's start less ``SETTLE_NS``) for ``stat`` to vouch for it."""
    if state is None or state[MTIME] >= settled or state[CTIME] >= settled:
        return None
    return state


def _state(
    folder: str, path: str, known: FileState | None, info: os.stat_result | None
) -> FileState | None:
    """The state of ``path``: ``known`` while ``info`` (its ``stat``, taken here when None)
    matches it, else read."""
    # This runs for every input of every command: the path is joined only when it is
    # needed, as a string (no ``Path``).
    try:
        if info is None:
            info = os.stat(os.path.join(folder, path))
        if known is not None and _same(info, known):
            return known
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
            return None
        return _read_state(os.path.join(folder, path))
    except OSError:
        return None


def _read_state(full: str) -> FileState | None:
    """The state of the regular file at ``full``, its times taken from the opened file: the
    file may have been replaced since it was looked at (by a pipe, which is never read)."""
    with os.fdopen(os.open(full, os.O_RDONLY | os.O_NONBLOCK), "rb") as stream:
        info = os.fstat(stream.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
            return None
        data = stream.read()
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, digest(data))


def _same(info: os.stat_result, known: FileState) -> bool:
    now = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
    return now == known[:DIGEST]


TreeEntry = tuple[str, int, int, int, int]  # path, mode, size, max(mtime, ctime), inode


@dataclass(frozen=True, slots=True)
class Unwatched:
    """Files that ``tree_entries`` leaves out of ``files``: those whose name ``name`` names,
    those in a folder whose name ``folder`` names (at any depth), and those below
    ``skipped`` (a path as in the entries, ending in "/"). Decided once per folder: a look
    at 20,000 files must not split every path into its folders."""

    folder: Callable[[str], bool]
    name: Callable[[str], bool]
    skipped: str | None = None

    def counts(self, folder: str) -> bool:
        """Whether files in ``folder`` (a path as in the entries, ending in "/") may count."""
        return not self._skips(folder) and not any(map(self.folder, folder.split("/")[:-1]))

    def counts_inside(self, name: str, folder: str) -> bool:
        """Whether files in ``folder``, named ``name``, may count, when files in the folder
        that holds it do."""
        return not self.folder(name) and not self._skips(folder)

    def _skips(self, folder: str) -> bool:
        return self.skipped is not None and folder.startswith(self.skipped)


def tree_entries(
    folder: Path,
    prefix: str = "",
    files: dict[str, tuple[int, int]] | None = None,
    *,
    unwatched: Unwatched | None = None,
    listings: dict[str, Listing] | None = None,
) -> list[TreeEntry]:
    """Every entry below ``folder`` as (path, mode, size, time, inode), without following
    links, in the order the folders list them (compare two walks with ``same_entries``);
    links are entered as what they point at too (a link's target can change while the link
    stays). Cheap: one ``lstat`` per entry, nothing read. Paths are relative to ``folder``,
    with ``prefix`` before them. ``files``: filled with (modification time, size) of each
    entry that is not a folder (``serve``'s watcher compares those), but for those
    ``unwatched`` names. ``listings``: filled with each folder's entries and their own
    ``lstat`` (``discover.Listing``, keyed by the folder's path with a "/" at its end), so
    that ``discover`` need not walk the folders again (``discover_from_look``)."""
    # A no-change build scans every input, so this is its largest cost after the stat
    # calls themselves: paths are joined from names (no ``relpath``, no ``Path``), and the
    # listings are not sorted (``same_entries`` sorts only when the orders differ). Each
    # folder is opened and its entries ``lstat``-ed relative to it (``fstatat``): the
    # kernel then resolves one name per entry, not the whole path.
    entries: list[TreeEntry] = []
    counted = files if unwatched is None or unwatched.counts(prefix) else None
    stack = [(os.fspath(folder), prefix, counted)]
    while stack:
        here, relative, counted = stack.pop()
        try:
            descriptor = os.open(here, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            continue
        try:
            listed = _listed(descriptor, listings is not None)
            if listed is None:
                continue
            found, own = listed
            if listings is not None and own is not None:
                listings[relative] = own
            for entry in found:
                name = entry.name
                path = relative + name
                info = _entry_stat(entry, descriptor, own)
                if info is None:
                    entries.append((path, -1, 0, 0, 0))
                    continue
                changed = max(info.st_mtime_ns, info.st_ctime_ns)
                entries.append((path, info.st_mode, info.st_size, changed, info.st_ino))
                if stat.S_ISDIR(info.st_mode):
                    if not entry.is_symlink():
                        inner = path + "/"
                        keeps = counted is not None and (
                            unwatched is None or unwatched.counts_inside(name, inner)
                        )
                        stack.append((here + os.sep + name, inner, counted if keeps else None))
                elif counted is not None and (unwatched is None or not unwatched.name(name)):
                    counted[path] = (info.st_mtime_ns, info.st_size)
        finally:
            os.close(descriptor)
    return entries


def _listed(descriptor: int, keep: bool) -> tuple[list[os.DirEntry[str]], Listing | None] | None:
    """The entries of the open folder ``descriptor``; with ``keep``, also its ``Listing``,
    its own ``stat`` taken before it is listed (a change to the listing after that changes
    the folder's times: ``discover_look`` trusts a listing by them). None if it cannot be
    listed."""
    try:
        own = _listing(os.fstat(descriptor)) if keep else None
        with os.scandir(descriptor) as listing:
            return list(listing), own
    except OSError:
        return None


def _listing(folder: os.stat_result) -> Listing:
    """An empty ``Listing`` of the folder. Imported here: only ``serve``'s look keeps
    listings, and a build or check need not import ``discover_look`` (six dataclasses made
    at import, ≈ 5 ms of a build that finds nothing changed)."""
    from .discover_look import Listing  # noqa: PLC0415

    return Listing(folder, [])


def _entry_stat(
    entry: os.DirEntry[str], descriptor: int, own: Listing | None
) -> os.stat_result | None:
    """The ``lstat`` of ``entry`` (in the open folder ``descriptor``), of its target for a
    link; None when it cannot be taken. ``own`` hears the entry's own ``lstat`` (None for
    a link or an error)."""
    mine: os.stat_result | None = None
    info: os.stat_result | None
    try:
        if entry.is_symlink():
            info = os.stat(entry.name, dir_fd=descriptor)
        else:
            info = mine = entry.stat(follow_symlinks=False)
    except OSError:
        info = mine = None
    if own is not None:
        own.entries.append((entry.name, mine))
    return info


def same_entries(first: Sequence[TreeEntry], second: Sequence[TreeEntry]) -> bool:
    """Whether two walks (``tree_entries``) found the same entries, in whatever order: a
    folder lists its entries in the same order while it is unchanged, so sorting is
    rarely needed."""
    if len(first) != len(second):
        return False
    if first == second:
        return True
    # Two walks that differ (an edit: ``serve``'s every rebuild) are told apart by their
    # sets, a hash each: sorting 20,000 entries twice took 30 ms. Sorted only when the
    # sets agree (a set does not count repeats).
    return set(first) == set(second) and sorted(first) == sorted(second)
