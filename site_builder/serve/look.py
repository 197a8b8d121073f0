"""The watcher's look at the inputs, kept from one look to the next (``KeptLook``).

Every look is a real look: each folder is listed and every entry ``lstat``-ed again, and
nothing is taken from the file system's events. What is kept is what the look *made* of
each entry: the walk's entry (``file_states.TreeEntry``) and the snapshot's (mtime,
size). Both are a function of the entry's name and its ``lstat`` (mode, size, times,
inode), so while those are the same as in the last look, the last look's are taken: a
folder of 16,000 briefs, one edited, costs its listing, its ``lstat`` calls and a
comparison in C, not 16,000 Python steps (the look was a third of ``serve``'s rebuild).

The result equals ``watch.look_at_inputs``'s (``previous_build.input_entries`` with a
snapshot and listings): the same entries in the same order, the same snapshot and
listings, each listing with the ``lstat`` results of this look. A link's target is
``stat``-ed on every look (its own ``lstat`` does not change when the target does); a
folder whose names, order or kinds of entries changed, or where an entry could not be
``lstat``-ed, is walked entry by entry as ``tree_entries`` walks it.
"""

from __future__ import annotations

import operator
import os
import stat
import time
from dataclasses import dataclass, field
from itertools import compress, count
from pathlib import Path

from ..load.discover_look import Listing
from ..load.file_states import TreeEntry, Unwatched
from ..output.previous_build import INPUT_FILES, INPUT_FOLDERS, InputScan

FileTimes = tuple[int, int]  # (modification time in ns, size), as in ``watch.Snapshot``
Key = tuple[int, int, int, int, int]  # mode, size, mtime, ctime, inode of an ``lstat``
_Listed = list[tuple[str, os.stat_result | None]]  # ``Listing.entries``

_NAME = operator.attrgetter("name")
_LSTAT = operator.methodcaller("stat", follow_symlinks=False)
_KEY = operator.attrgetter("st_mode", "st_size", "st_mtime_ns", "st_ctime_ns", "st_ino")


@dataclass(frozen=True, slots=True)
class _Folder:
    """What the last look made of one folder: its entries' names and ``lstat`` keys in the
    order it listed them, the walk's entries and the snapshot's files made of them, the
    folders to enter (as the walk's stack takes them: path, site path, counted), and the
    positions of links (their targets are looked at every time). ``reusable``: False when
    an entry could not be ``lstat``-ed (then the folder is walked entry by entry)."""

    names: list[str]
    keys: list[Key]
    entries: list[TreeEntry]
    files: dict[str, FileTimes]
    pushes: list[tuple[str, str, bool]]
    links: list[int]
    reusable: bool


@dataclass
class KeptLook:
    """The watcher's looks at the site at ``root`` (leaving out of the snapshot what
    ``unwatched`` names), each taking what the last made of unchanged entries. One per
    watcher (``watch.kept_look``)."""

    root: Path
    unwatched: Unwatched
    _folders: dict[str, _Folder] = field(default_factory=dict)

    def look(self) -> tuple[dict[str, FileTimes], InputScan]:
        """``watch.look_at_inputs``, from a full walk of the inputs."""
        started = time.time_ns()
        walk = _Walk(self.unwatched, self._folders)
        for folder in INPUT_FOLDERS:
            walk.tree(os.fspath(self.root / folder), f"{folder}/")
        entries = walk.entries
        for name in INPUT_FILES:  # as ``input_entries``: followed, never left out
            try:
                info = (self.root / name).stat()
            except OSError:
                entries.append((name, -1, 0, 0, 0))
                continue
            changed = max(info.st_mtime_ns, info.st_ctime_ns)
            entries.append((name, info.st_mode, info.st_size, changed, info.st_ino))
            if stat.S_ISREG(info.st_mode):
                walk.files[name] = (info.st_mtime_ns, info.st_size)
        self._folders = walk.made
        return walk.files, InputScan(started, tuple(entries), walk.listings)


@dataclass
class _Walk:
    """One look: ``tree_entries`` over each input folder, with ``known`` (the last look's
    folders) taken where unchanged."""

    unwatched: Unwatched
    known: dict[str, _Folder]
    entries: list[TreeEntry] = field(default_factory=list)
    files: dict[str, FileTimes] = field(default_factory=dict)
    listings: dict[str, Listing] = field(default_factory=dict)
    made: dict[str, _Folder] = field(default_factory=dict)

    def tree(self, top: str, prefix: str) -> None:
        """The entries below the folder ``top`` (its site path ``prefix``), as
        ``tree_entries`` walks them: depth first, each folder's entries together."""
        stack = [(top, prefix, self.unwatched.counts(prefix))]
        while stack:
            here, relative, counted = stack.pop()
            folder = self._folder(here, relative, counted)
            if folder is None:
                continue
            self.made[relative] = folder
            self.entries += folder.entries
            self.files.update(folder.files)
            stack += folder.pushes

    def _folder(self, here: str, relative: str, counted: bool) -> _Folder | None:
        """The folder ``here`` now, its listing added to ``listings``; None when it cannot
        be opened or listed (then it has no listing and no entries, as in ``tree_entries``)."""
        try:
            descriptor = os.open(here, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            return None
        try:
            try:
                own = os.fstat(descriptor)
                with os.scandir(descriptor) as listing:
                    found = list(listing)
            except OSError:
                return None
            known = self.known.get(relative)
            made = None
            if known is not None and known.reusable:
                made = self._again(descriptor, found, relative, counted, known)
            if made is None:
                made = self._walked(descriptor, found, here, relative, counted)
            folder, listed = made
            self.listings[relative] = Listing(own, listed)
            return folder
        finally:
            os.close(descriptor)

    def _again(
        self,
        descriptor: int,
        found: list[os.DirEntry[str]],
        relative: str,
        counted: bool,
        known: _Folder,
    ) -> tuple[_Folder, _Listed] | None:
        """The folder from ``known`` where its entries' ``lstat`` is unchanged; None when
        it must be walked entry by entry (names, order or kinds changed, an error)."""
        names = list(map(_NAME, found))
        if names != known.names:
            return None
        try:
            infos: list[os.stat_result] = list(map(_LSTAT, found))
        except OSError:
            return None
        keys: list[Key] = list(map(_KEY, infos))
        changed = list(compress(count(), map(operator.ne, keys, known.keys)))
        if any(stat.S_IFMT(keys[i][0]) != stat.S_IFMT(known.keys[i][0]) for i in changed):
            return None  # a file became a folder or a link, or back: the walk decides
        listed: _Listed = list(zip(names, infos, strict=True))
        entries, files = known.entries, known.files
        if changed or known.links:
            entries, files = list(entries), dict(files)
        for i in changed:
            if i in known.links:
                continue
            info = infos[i]
            path = relative + names[i]
            changed_ns = max(info.st_mtime_ns, info.st_ctime_ns)
            entries[i] = (path, info.st_mode, info.st_size, changed_ns, info.st_ino)
            if path in files:
                files[path] = (info.st_mtime_ns, info.st_size)
        for i in known.links:
            listed[i] = (names[i], None)
            path = relative + names[i]
            files.pop(path, None)
            target = _target(names[i], descriptor)
            if target is None:
                entries[i] = (path, -1, 0, 0, 0)
                continue
            changed_ns = max(target.st_mtime_ns, target.st_ctime_ns)
            entries[i] = (path, target.st_mode, target.st_size, changed_ns, target.st_ino)
            if counted and not stat.S_ISDIR(target.st_mode) and not self.unwatched.name(names[i]):
                files[path] = (target.st_mtime_ns, target.st_size)
        return _Folder(names, keys, entries, files, known.pushes, known.links, True), listed

    def _walked(
        self,
        descriptor: int,
        found: list[os.DirEntry[str]],
        here: str,
        relative: str,
        counted: bool,
    ) -> tuple[_Folder, _Listed]:
        """The folder walked entry by entry, exactly as ``tree_entries`` walks it."""
        names: list[str] = []
        keys: list[Key] = []
        entries: list[TreeEntry] = []
        files: dict[str, FileTimes] = {}
        pushes: list[tuple[str, str, bool]] = []
        links: list[int] = []
        listed: _Listed = []
        reusable = True
        for position, entry in enumerate(found):
            name = entry.name
            path = relative + name
            names.append(name)
            try:
                own: os.stat_result | None = entry.stat(follow_symlinks=False)
            except OSError:
                own = None
            # Taken again only while the ``lstat`` says what the listing said: a link is
            # one (a name replaced between the two is walked again next time).
            if own is None or stat.S_ISLNK(own.st_mode) != entry.is_symlink():
                reusable = False
            keys.append((-1, 0, 0, 0, 0) if own is None else _KEY(own))
            info = own
            if entry.is_symlink():
                links.append(position)
                info = _target(name, descriptor)
                listed.append((name, None))
            else:
                listed.append((name, own))
            if info is None:
                entries.append((path, -1, 0, 0, 0))
                continue
            changed_ns = max(info.st_mtime_ns, info.st_ctime_ns)
            entries.append((path, info.st_mode, info.st_size, changed_ns, info.st_ino))
            if stat.S_ISDIR(info.st_mode):
                if not entry.is_symlink():
                    inner = path + "/"
                    keeps = counted and self.unwatched.counts_inside(name, inner)
                    pushes.append((here + os.sep + name, inner, keeps))
            elif counted and not self.unwatched.name(name):
                files[path] = (info.st_mtime_ns, info.st_size)
        return _Folder(names, keys, entries, files, pushes, links, reusable), listed


def _target(name: str, descriptor: int) -> os.stat_result | None:
    """The ``stat`` of what the link ``name`` in the open folder ``descriptor`` points at."""
    try:
        return os.stat(name, dir_fd=descriptor)
    except OSError:
        return None
