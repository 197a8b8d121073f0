"""What the previous build into an output folder left behind, kept in the build cache: the
state of the site's inputs it read, its result, and for each file it wrote the key it was
made for and the file's identity on disk.

With it a build can keep files instead of writing them again (``kept_file``: same key, and
the file is still the one written, by size, modification time and inode) and can tell that
nothing at all changed (``is_up_to_date``): the inputs and the output folder look exactly as
they did after that build, and the same options were given. A file touched since is never
kept; a hand-edited output folder is rebuilt.
"""

from __future__ import annotations

import hashlib
import operator
import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..cache import BuildCache
from ..diagnostics import Diagnostic
from ..load.file_states import SETTLE_NS, TreeEntry, Unwatched, same_entries, tree_entries
from ..render.output_file import OutputFile
from .write import MARKER, PROTECTED, Base, KnownFile, Spare, spare_folder

if TYPE_CHECKING:
    from ..load.config import SiteConfig
    from ..load.discover_look import Listing

# The inputs a build record covers (``input_entries``; ``serve.look`` walks the same).
INPUT_FOLDERS = PROTECTED
INPUT_FILES = ("site.yaml", "citations.lock")


class InputScan(NamedTuple):
    """When a walk of the inputs started (``time.time_ns``, before its first ``stat``) and what
    it found (``input_entries``). ``listings``: each input folder's entries with their own
    ``lstat`` (``discover.Listing``), when the walk kept them (``serve``'s look does, for
    ``discover_from_look``)."""

    started: int
    entries: tuple[TreeEntry, ...]
    listings: Mapping[str, Listing] | None = None


@dataclass(frozen=True, slots=True)
class BuildRecord:
    """``options`` is a digest of site-builder and the build options; ``inputs`` the site's
    files as ``input_entries`` saw them at ``scanned_ns``. ``out`` is the output folder's
    (inode, mtime) after the build and ``current`` its files; ``spare_inode`` and
    ``spare`` the same of the spare folder (``write.Spare``), when its content is known.
    ``search_key`` and ``search`` say what the search bundle was made from and its files.
    ``diagnostics`` and the counts are the build's result, ``config`` the ``site.yaml`` it
    read: while the inputs are unchanged it is what reading ``site.yaml`` again would give,
    so a build that finds nothing changed neither reads it nor imports the YAML parser.

    ``slot`` (0 or 1) names the table that holds ``current``; the other holds ``spare``,
    written by the build before as its ``current``, under that build's stamp
    (``spare_stamp``). So a build writes one file list, not two: the spare's is on disk
    already (the lists of 26,000 files took 0.3 s to pickle and write per build). ``search``
    is kept with ``current`` in that table, not in the small part every build reads: at
    20,000 pages it names 57,000 files, 60 % of the small part's bytes, and only a build
    that writes needs it."""

    options: str
    scanned_ns: int
    inputs: tuple[TreeEntry, ...]
    out: tuple[int, int]
    current: Mapping[str, KnownFile]
    spare_inode: int | None
    spare: Mapping[str, KnownFile] | None
    search_key: str | None
    search: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]
    briefs: int
    sources: int
    files: int
    slot: int = 0
    spare_stamp: str | None = None
    config: SiteConfig | None = None


_FIELDS = tuple(field.name for field in fields(BuildRecord))


def _record_name(out: Path) -> str:
    """The cache table of the builds into ``out`` (each output folder has its own)."""
    return "output-" + hashlib.sha256(os.fsencode(out.resolve())).hexdigest()[:16]


def read_record(cache: BuildCache | None, out: Path) -> BuildRecord | None:
    """The record of the last build into ``out``, without its file lists (``current``,
    ``spare`` and ``search`` are empty): all a build needs to find that nothing changed,
    quickly."""
    if cache is None:
        return None
    record = cache.read(_record_name(out))
    found = record[1] if _is_part(record, BuildRecord) else None
    return found if isinstance(found, BuildRecord) and _complete(found) else None


def _complete(record: BuildRecord) -> bool:
    """Every field is set: a record pickled by a version of site-builder whose
    ``BuildRecord`` had fewer fields unpickles without them (then it is of no use)."""
    return all(hasattr(record, name) for name in _FIELDS)


def with_files(
    cache: BuildCache | None,
    out: Path,
    record: BuildRecord | None,
    kept: tuple[Path, BuildRecord] | None = None,
) -> BuildRecord | None:
    """``record`` with its file lists, or None when they are not to be had. ``kept``
    (``serve``): the output folder and the whole record of this process's last build,
    used instead of reading the lists back when ``record`` is the one it wrote."""
    if cache is None or record is None:
        return None
    if kept is not None and kept[0] == out and _stamp(kept[1]) == _stamp(record):
        return kept[1]
    listed = _file_list(cache, out, record.slot, _stamp(record))
    if listed is None:
        return None  # written by another build than the summary: trust neither
    current, search = listed
    spare = None
    if record.spare_inode is not None and record.spare_stamp is not None:
        spare_listed = _file_list(cache, out, 1 - record.slot, record.spare_stamp)
        spare = spare_listed[0] if spare_listed is not None else None
    return replace(record, current=current, spare=spare, search=search)


def _file_list(
    cache: BuildCache, out: Path, slot: int, stamp: str
) -> tuple[Mapping[str, KnownFile], tuple[str, ...]] | None:
    """The file list in table ``slot`` and the search bundle's files among them, if the
    build of ``stamp`` wrote it."""
    files = cache.read(f"{_record_name(out)}-files-{slot}")
    if not (isinstance(files, tuple) and len(files) == _FILE_LIST_PARTS):
        return None  # (a table of an older site-builder has no search list: not used)
    stamp_written, columns, search = files
    if stamp_written != stamp or not isinstance(columns, tuple) or not isinstance(search, tuple):
        return None
    current = _from_columns(columns)
    return None if current is None else (current, search)


_FILE_LIST_PARTS = 3  # (stamp, the output's files as ``_columns``, the search bundle's)

# The file list as columns, not as a dict of ``KnownFile`` objects: pickling 26,000 objects
# took 0.1 s of every build, the columns a quarter of it. The tag names the format: a
# table of another (an older site-builder's dict, say) is not used.
_COLUMNS = "known-files-1"


def _columns(files: Mapping[str, KnownFile]) -> tuple[Any, ...]:
    """``files`` as (tag, paths, keys, sizes, modification times, inodes)."""
    known = files.values()
    return (
        _COLUMNS,
        tuple(files),
        tuple(file.key for file in known),
        tuple(file.size for file in known),
        tuple(file.mtime_ns for file in known),
        tuple(file.inode for file in known),
    )


def _from_columns(columns: tuple[Any, ...]) -> dict[str, KnownFile] | None:
    """The file list ``_columns`` stored, or None for a table of another format."""
    if len(columns) != 6 or columns[0] != _COLUMNS:
        return None
    paths, keys, sizes, times, inodes = columns[1:]
    every = (paths, keys, sizes, times, inodes)
    if not all(isinstance(column, tuple) and len(column) == len(paths) for column in every):
        return None
    return dict(zip(paths, map(KnownFile, keys, sizes, times, inodes), strict=True))


def write_record(cache: BuildCache, out: Path, record: BuildRecord) -> None:
    """Store ``record`` in two tables: the file list of the output with the search
    bundle's files (large, in table ``record.slot``) and the rest (small), both marked with
    one stamp so a pair from two different builds is never mixed. The spare's list stays
    in the other table, where the build before wrote it (``spare_stamp`` says which build)."""
    stamp = _stamp(record)
    listed = (stamp, _columns(record.current), record.search)
    cache.write(f"{_record_name(out)}-files-{record.slot}", listed)
    cache.write(_record_name(out), (stamp, replace(record, current={}, spare=None, search=())))


def _stamp(record: BuildRecord) -> str:
    return f"{record.scanned_ns}:{record.out}"


def _is_part(value: object, kind: type) -> bool:
    return isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], kind)


def input_entries(
    root: Path,
    files: dict[str, tuple[int, int]] | None = None,
    *,
    unwatched: Unwatched | None = None,
    listings: dict[str, Listing] | None = None,
) -> tuple[TreeEntry, ...]:
    """Every entry of the site a build reads (``content/``, ``briefs/``, ``pages/``,
    ``templates/``, ``site.yaml``, ``citations.lock``), by ``stat``: nothing is read.
    ``files``, ``unwatched``, ``listings``: see ``tree_entries`` (``site.yaml`` and the
    lock are in ``files`` only when regular files)."""
    entries: list[TreeEntry] = []
    for folder in INPUT_FOLDERS:
        entries += tree_entries(
            root / folder, f"{folder}/", files, unwatched=unwatched, listings=listings
        )
    for name in INPUT_FILES:
        try:
            info = (root / name).stat()
            changed = max(info.st_mtime_ns, info.st_ctime_ns)
            entries.append((name, info.st_mode, info.st_size, changed, info.st_ino))
            if files is not None and stat.S_ISREG(info.st_mode):
                files[name] = (info.st_mtime_ns, info.st_size)
        except OSError:
            entries.append((name, -1, 0, 0, 0))
    return tuple(entries)


def folder_identity(folder: Path) -> tuple[int, int] | None:
    """(inode, mtime) of a folder of ours (a real folder with our marker), else None."""
    try:
        info = folder.lstat()
        if not stat.S_ISDIR(info.st_mode) or not (folder / MARKER).is_file():
            return None
    except OSError:
        return None
    return info.st_ino, info.st_mtime_ns


_changed = operator.itemgetter(3)  # of a ``TreeEntry``


def is_up_to_date(
    record: BuildRecord | None, options: str, inputs: tuple[TreeEntry, ...], out: Path
) -> bool:
    """True when a build with ``options`` would write what ``out`` holds: the same options
    and inputs as the recorded build, none of them modified so close to its scan that an
    edit could hide in the clock's tick (``file_states.SETTLE_NS``), and the output folder
    the one that build left (same folder, no entry added or removed at its top).

    Files edited by hand inside the output are not looked for (that would cost a ``stat``
    per file); ``build --no-cache`` rewrites everything."""
    if record is None or record.options != options or not same_entries(record.inputs, inputs):
        return False
    if max(map(_changed, inputs), default=0) >= record.scanned_ns - SETTLE_NS:
        return False
    return folder_identity(out) == record.out


@dataclass(frozen=True, slots=True)
class PreviousOutput:
    """The output folder ``out``, its spare, and the record of the build that made them.

    ``checked``: ``kept`` offers a file only once ``lstat`` showed it is still the one
    written. Otherwise (the usual case) it offers what the record names, and ``holds``
    checks a file when ``write`` is about to link it: at most one ``lstat`` per file of a
    build, since most files are kept in place in the spare (checked there by ``write``)
    and never linked. A file that fails ``holds`` stops the write
    (``KeptFileChangedError``); the build then starts again with ``checked``."""

    out: Path
    record: BuildRecord | None
    spare_trusted: bool
    # ``out`` and its spare as text, joined with each file's path in ``kept``.
    out_text: str = ""
    spare_text: str = ""
    checked: bool = False

    @classmethod
    def of(cls, out: Path, record: BuildRecord | None, checked: bool = False) -> PreviousOutput:
        """The spare is trusted when it is the folder the record describes."""
        spare = folder_identity(spare_folder(out.resolve()))
        trusted = (
            record is not None
            and record.spare is not None
            and spare is not None
            and spare[0] == record.spare_inode
        )
        out = out.resolve()
        texts = os.fspath(out) + os.sep, os.fspath(spare_folder(out)) + os.sep
        return cls(out, record, trusted, *texts, checked=checked)

    @property
    def search_key(self) -> str | None:
        return self.record.search_key if self.record is not None else None

    def spare(self) -> Spare | None:
        if not self.spare_trusted or self.record is None or self.record.spare is None:
            return None
        assert self.record.spare_inode is not None
        return Spare(self.record.spare_inode, self.record.spare)

    def kept(self, path: str, key: str) -> str | None:
        """Where a file made for ``key`` at ``path`` is on disk: in the output (then it is
        linked), or, ``checked``, in the spare (then it stays in place), else None."""
        if self.record is None:
            return None
        # Paths joined as strings: this runs for every page of every build.
        written = self.record.current.get(path)
        if written is not None and written.key == key:
            file = self.out_text + path
            if not self.checked or written.matches(file):
                return file
        if self.checked and self.spare_trusted and self.record.spare is not None:
            # (Only a list of files is made before ``write`` claims the spare: a stream's
            # spare has moved by now, and ``write`` keeps what it holds anyway.)
            in_spare = self.record.spare.get(path)
            if in_spare is not None and in_spare.key == key:
                file = self.spare_text + path
                if in_spare.matches(file):
                    return file
        return None

    def holds(self, origin: str) -> bool:
        """``origin`` (named by ``kept``) is still the file the record describes."""
        record = self.record
        if record is None:
            return False
        if origin.startswith(self.out_text):
            known = record.current.get(origin[len(self.out_text) :])
        elif origin.startswith(self.spare_text) and self.spare_trusted and record.spare:
            known = record.spare.get(origin[len(self.spare_text) :])
        else:
            return False
        return known is not None and known.matches(origin)


def _with_kept(
    made: dict[str, KnownFile],
    base: Base,
    written: set[str],
    spare_files: Mapping[str, KnownFile] | None,
    out: Path,
) -> dict[str, KnownFile]:
    """The files of ``base`` that ``made`` did not replace, then ``made``: a kept file not
    written stayed in place in the spare (which is the output now), as its list says."""
    # In C where it runs per file (a loop over the 26,000 files of the output was 15 ms of
    # every rebuild): the list copied, the spare's entries put in by ``update`` (which
    # keeps each path where it stands), the few written files ``stat``-ed.
    current = dict(base.files)
    for path in made.keys() | base.removed:
        current.pop(path, None)
    checked = current.keys() if spare_files is None else current.keys() & written
    if spare_files is not None:
        in_place = current.keys() - written
        current.update(zip(in_place, map(spare_files.__getitem__, in_place), strict=True))
    for path in checked:
        current[path] = KnownFile.of(current[path].key, out / path)
    current.update(made)
    return current


def record_stamp(record: BuildRecord) -> str:
    """What tells this record apart from another build's (also marks its file lists)."""
    return _stamp(record)


def new_record(
    previous: PreviousOutput,
    files: Iterable[OutputFile],
    written: set[str],
    options: str,
    scan: InputScan,
    *,
    base: Base | None = None,
) -> BuildRecord | None:
    """The record of the build that just wrote ``files`` into ``previous.out`` (``written``:
    the paths it wrote; the others stayed in place from the spare). The old output is the
    spare now; its content is known when it was the recorded output. ``base``: ``files``
    were what changed, the other files of ``base`` were kept (``write.Base``)."""
    out = folder_identity(previous.out)
    if out is None:
        return None
    old = previous.record
    spare_files = old.spare if old is not None and previous.spare_trusted else None
    current = {}
    for file in files:
        assert file.key is not None, "every output file has a key"
        if file.path in written or spare_files is None or file.path not in spare_files:
            current[file.path] = KnownFile.of(file.key, previous.out / file.path)
        else:
            current[file.path] = spare_files[file.path]
    if base is not None:
        current = _with_kept(current, base, written, spare_files, previous.out)
    spare = folder_identity(spare_folder(previous.out))
    known = old is not None and spare is not None and spare[0] == old.out[0]
    # The spare's list is the old record's ``current``, in its table: this one goes to the other.
    slot = 1 - old.slot if old is not None else 0
    return BuildRecord(
        options=options,
        scanned_ns=scan[0],
        inputs=scan[1],
        out=out,
        current=current,
        spare_inode=spare[0] if known and spare else None,
        spare=old.current if known and old else None,
        search_key=None,
        search=(),
        diagnostics=(),
        briefs=0,
        sources=0,
        files=len(current),
        slot=slot,
        spare_stamp=_stamp(old) if known and old else None,
    )
