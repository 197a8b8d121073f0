"""``discover`` over a walk of the inputs already made: ``serve``'s watcher looks at every
input before each rebuild (``file_states.tree_entries`` with ``listings``), and the rebuild
takes the site's files from that look instead of walking the inputs a second time.

The result is ``discover``'s, as a walk of the disk would give it: the same files, the
``lstat`` of each, the same diagnostics, in the same order. What a folder holds is taken
from the look only while the folder is unchanged since (its inode, modification and change
time: adding, removing or renaming an entry changes them) and was last changed before
``steady_ns``: file times are coarse, so a second change in the same tick of the clock
would not show (the racy-time rule of ``file_states``). Otherwise the folder is listed
again. A top folder holding anything but plain folders and regular files with UTF-8 names
(a link, a pipe) is walked by ``discover``'s own rules. A file edited in place after the
look is taken as the look saw it; the watcher's next look sees the edit and rebuilds.

``serve`` keeps what a discovery found (``Discovered``): the next one takes an unchanged
folder's names and problems from there, and only the ``lstat`` of its files from the look.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import Diagnostic
from ..names import is_utf8
from .discover import (
    BRIEFS_DIR,
    PAGES_DIR,
    SOURCES_DIR,
    SiteFiles,
    _is_ignored,
    _markdown_files,
    _windows_name,
    _without_collisions,
)


@dataclass(frozen=True, slots=True)
class Listing:
    """A folder as a walk listed it (``file_states.tree_entries``): its own ``lstat``, taken
    before it was listed, and its entries, each name with the entry's own ``lstat`` (None
    for a link or an entry that could not be ``lstat``-ed), in the order the folder lists
    them."""

    folder: os.stat_result
    entries: list[tuple[str, os.stat_result | None]]


Identity = tuple[int, int, int]
"""A folder's inode, modification and change time (ns): what an entry added, removed or
renamed changes."""


@dataclass(frozen=True, slots=True)
class FolderFound:
    """What one plain folder gave ``discover``: the folders to enter (sorted), the names and
    paths of its Markdown files (sorted), and the problems of those names, as the folder
    was when it had ``identity``."""

    identity: Identity
    folders: tuple[str, ...]
    names: tuple[str, ...]
    paths: tuple[str, ...]
    problems: tuple[Diagnostic, ...]


@dataclass(frozen=True, slots=True)
class GroupFound:
    """What one top folder gave: its files in the order of the walk, and the same sorted
    without those whose names collide (``_without_collisions``), with those problems."""

    walked: tuple[str, ...]
    kept: tuple[str, ...]
    problems: tuple[Diagnostic, ...]


@dataclass(frozen=True, slots=True)
class Discovered:
    """What a discovery from a look found, by folder (only folders that were steady) and
    by top folder: the next discovery takes from here what did not change."""

    folders: Mapping[str, FolderFound] = field(default_factory=dict)
    groups: Mapping[str, GroupFound] = field(default_factory=dict)


def discover_from_look(
    root: Path, walked_ns: int, listings: Mapping[str, Listing], steady_ns: int
) -> tuple[SiteFiles, list[Diagnostic]]:
    """``discover`` of ``root`` from ``listings``, a walk started at ``walked_ns``; folders
    changed at or after ``steady_ns`` are listed again (see the module docstring)."""
    files, problems, _ = discover_again(root, walked_ns, listings, steady_ns, Discovered())
    return files, problems


def discover_again(
    root: Path,
    walked_ns: int,
    listings: Mapping[str, Listing],
    steady_ns: int,
    known: Discovered,
) -> tuple[SiteFiles, list[Diagnostic], Discovered]:
    """``discover_from_look``, taking what did not change from ``known`` (the last
    discovery's ``Discovered``); and what this one found, for the next."""
    problems: list[Diagnostic] = []
    lstats: dict[str, os.stat_result] = {}
    looked = _Looked(root, listings, steady_ns, known.folders)
    folders: dict[str, FolderFound] = {}
    groups: dict[str, GroupFound] = {}
    found = []
    for top in (SOURCES_DIR, BRIEFS_DIR, PAGES_DIR):
        walked = _listed_files(looked, top, lstats, folders)
        if walked is None:
            found.append(
                _without_collisions(_markdown_files(root, top, problems, lstats), problems)
            )
            continue
        problems.extend(walked.problems)
        group = known.groups.get(top)
        if group is None or group.walked != walked.paths:
            said: list[Diagnostic] = []
            kept = _without_collisions(tuple(sorted(walked.paths)), said)
            group = GroupFound(walked.paths, kept, tuple(said))
        groups[top] = group
        problems.extend(group.problems)
        found.append(group.kept)
    sources, briefs, pages = found
    files = SiteFiles(sources, briefs, pages, lstats, walked_ns)
    return files, problems, Discovered(folders, groups)


@dataclass(frozen=True, slots=True)
class _Walked:
    """A top folder's Markdown files in the order of the walk, and the problems of names."""

    paths: tuple[str, ...]
    problems: list[Diagnostic]


@dataclass(frozen=True, slots=True)
class _Looked:
    """The listings of a look, the time before which a folder must have last changed for
    its listing to be trusted, and what the last discovery found in steady folders."""

    root: Path
    listings: Mapping[str, Listing]
    steady_ns: int
    known: Mapping[str, FolderFound]

    def found(self, here: str) -> tuple[FolderFound, list[os.stat_result], bool] | None:
        """What the folder ``here`` (its path in the site, "/" at its end) holds now, the
        ``lstat`` of each of its files, and whether it was steady (then what it gave may be
        kept for the next discovery). None when it is no folder or not plain (then the disk
        decides)."""
        path = os.path.join(self.root, here[:-1])  # (with its "/", a link would be followed)
        try:
            now = os.lstat(path)
        except OSError:
            return None
        if not stat.S_ISDIR(now.st_mode):  # missing, a file, or a link (perhaps out of the site)
            return None
        identity = (now.st_ino, now.st_mtime_ns, now.st_ctime_ns)
        listing = self.listings.get(here)
        steady = listing is not None and _steady(listing.folder, identity, self.steady_ns)
        if listing is None or not steady:
            listing = _listing_now(path, now)
            if listing is None:
                return None
        kept = self.known.get(here) if steady else None
        if kept is not None and kept.identity == identity:
            infos = _infos(listing, kept.names)
            if infos is not None:
                return kept, infos, steady
        made = _folder_found(here, listing, identity)
        return None if made is None else (*made, steady)


def _steady(looked: os.stat_result, now: Identity, steady_ns: int) -> bool:
    """The folder listed with ``looked`` is unchanged (``now``) and was last changed before
    ``steady_ns``."""
    same = (looked.st_ino, looked.st_mtime_ns, looked.st_ctime_ns) == now
    return same and max(looked.st_mtime_ns, looked.st_ctime_ns) < steady_ns


def _listing_now(path: str, folder: os.stat_result) -> Listing | None:
    """The folder at ``path`` listed now (``folder``: its ``lstat``, just taken)."""
    entries: list[tuple[str, os.stat_result | None]] = []
    try:
        with os.scandir(path) as listing:
            for entry in listing:
                info = entry.stat(follow_symlinks=False)
                entries.append((entry.name, None if stat.S_ISLNK(info.st_mode) else info))
    except OSError:
        return None
    return Listing(folder, entries)


def _infos(listing: Listing, names: tuple[str, ...]) -> list[os.stat_result] | None:
    """The ``lstat`` of each of ``names`` in ``listing``, None if one is missing or a link."""
    # By name, not by position: nothing promises that a folder lists its entries in the
    # same order twice. (Mapped in C: an unchanged folder costs no Python per file.)
    by_name = dict(listing.entries)
    try:
        infos = list(map(by_name.__getitem__, names))
    except KeyError:
        return None
    return None if None in infos else infos  # type: ignore[return-value]


def _listed_files(
    looked: _Looked, top: str, lstats: dict[str, os.stat_result], folders: dict[str, FolderFound]
) -> _Walked | None:
    """``_markdown_files`` of the top folder ``top`` from the look: the files in the order
    of ``os.walk`` over sorted folders with the problems of their names; their ``lstats``
    and what each steady folder gave (``folders``) added. None when a folder below ``top``
    is not plain: then the disk decides."""
    paths: list[str] = []
    problems: list[Diagnostic] = []
    seen: dict[str, os.stat_result] = {}
    pending = [top + "/"]
    while pending:
        here = pending.pop()
        found = looked.found(here)
        if found is None:
            return None
        folder, infos, steady = found
        if steady:
            folders[here] = folder
        paths.extend(folder.paths)
        problems.extend(folder.problems)
        seen.update(zip(folder.paths, infos, strict=True))
        pending.extend(here + name + "/" for name in reversed(folder.folders))
    lstats.update(seen)
    return _Walked(tuple(paths), problems)


def _folder_found(
    here: str, listing: Listing, identity: Identity
) -> tuple[FolderFound, list[os.stat_result]] | None:
    """What the folder ``here`` gives ``discover`` (its path in the site, "/" at its end),
    as ``_markdown_files`` takes it, and the ``lstat`` of each Markdown file: folders in
    the listing's order (as ``os.walk`` gives them to ``_enter``), files sorted. None
    when the folder is not plain."""
    parts = _plain_parts(listing)
    if parts is None:
        return None
    folders, files = parts
    problems: list[Diagnostic] = []
    entered = []
    for name in folders:
        if _is_ignored(name):
            continue
        if not is_utf8(name):
            return None
        problems.extend(_windows_name(name, here + name))
        entered.append(name)
    names, infos = [], []
    for name, info in sorted(files, key=_first):
        if not name.endswith(".md") or _is_ignored(name):
            continue
        if not is_utf8(name):
            return None
        problems.extend(_windows_name(name, here + name))
        names.append(name)
        infos.append(info)
    paths = tuple(here + name for name in names)
    found = FolderFound(identity, tuple(sorted(entered)), tuple(names), paths, tuple(problems))
    return found, infos


def _first(pair: tuple[str, os.stat_result]) -> str:
    return pair[0]


def _plain_parts(listing: Listing) -> tuple[list[str], list[tuple[str, os.stat_result]]] | None:
    """The folders and the regular files of ``listing``; None if it holds anything else (a
    link, a pipe, an entry that could not be ``lstat``-ed)."""
    folders: list[str] = []
    files: list[tuple[str, os.stat_result]] = []
    for name, info in listing.entries:
        if info is None:
            return None
        if stat.S_ISDIR(info.st_mode):
            folders.append(name)
        elif stat.S_ISREG(info.st_mode):
            files.append((name, info))
        else:
            return None
    return folders, files
