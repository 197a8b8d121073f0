"""The write stage: put the rendered files on disk, all or nothing.

The new site is written into a temporary sibling folder and swapped in only when complete,
so a failed or interrupted build leaves the previous output as it was. Output folders are
checked before anything is touched: site-builder writes and deletes only folders it made,
recognised by the marker file it puts in each of them.

Writing every file of a large site costs seconds (a folder per page), so the output swapped
out is kept as the *spare* (``.public.spare`` beside ``public/``). The next build takes the
spare, whose files it knows (``Spare``), changes only the files that differ, and swaps it in:
the cost follows what changed, and the swap stays one atomic step.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import operator
import os
import re
import shutil
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from ..load.discover import BRIEFS_DIR, PAGES_DIR, SOURCES_DIR
from ..messages import Message, msg
from ..pickling import quick_pickle
from ..render.output_file import DEFAULT_THEME, OutputFile
from ..safe_files import new_folder

fcntl: ModuleType | None
try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

MARKER = ".site-builder-output"
_MARKER_TEXT = "This folder is written by site-builder; it is replaced on every build.\n"
# The site's inputs: an output inside one would be read back, or replace what an editor wrote.
PROTECTED = (SOURCES_DIR, BRIEFS_DIR, PAGES_DIR, "templates")


class OutputFolderError(Exception):
    """The output folder is not one site-builder may replace (usage error, exit 2)."""


class OutputWriteError(Exception):
    """Writing the output failed (disk full, no permission); the previous output is intact."""


class KeptFileChangedError(OSError):
    """A file of the previous output that a page was to be taken from is not the one the
    last build wrote (edited or removed by hand since): the page must be rendered."""


def _trusted(origin: str) -> bool:
    """``write_output``'s default: origins were checked by whoever named them."""
    return True


# origin → True when it still holds what the build that wrote it recorded
OriginCheck = Callable[[str], bool]


def check_output_folder(out: Path, site_root: Path) -> None:
    """Refuse an ``out`` whose replacement could lose anything that is not our output."""
    target = out.resolve()
    site = site_root.resolve()
    home = Path.home().resolve()
    if out.is_symlink():
        raise OutputFolderError(msg("{out} is a symbolic link; give the real folder", out=out))
    if Path(os.path.abspath(out)).is_relative_to(os.path.abspath(site_root)) and not (
        target.is_relative_to(site)
    ):  # a link planted in the site (``.site-builder-cache -> ~``) must not lead writes out
        raise OutputFolderError(msg("{out} leads out of the site through a symbolic link", out=out))
    if target == Path(target.anchor) or target == home:
        if target == home:
            raise OutputFolderError(msg("{out} is the home folder", out=out))
        raise OutputFolderError(msg("{out} is /", out=out))
    if site.is_relative_to(target):
        raise OutputFolderError(
            msg("{out} holds the site itself ({site})", out=out, site=site_root)
        )
    for name in PROTECTED:
        if target.is_relative_to(site / name):
            raise OutputFolderError(
                msg("{out} is inside the site's {folder}/ folder", out=out, folder=name)
            )
    if target.is_relative_to(DEFAULT_THEME.resolve()):
        raise OutputFolderError(msg("{out} is inside site-builder's default theme", out=out))
    if target.exists() and not target.is_dir():
        raise OutputFolderError(msg("{out} exists and is not a folder", out=out))
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).is_file():
        raise OutputFolderError(
            msg(
                "{out} is not empty and was not written by site-builder (no {marker} in it)",
                out=out,
                marker=MARKER,
            )
        )


class OutputBusyError(OutputFolderError):
    """Another build is writing the same output folder (exit 2; nothing was touched)."""


def lock_file(out: Path) -> Path:
    """``.NAME.lock`` beside the output folder ``out``: held by the build writing it."""
    out = out.resolve()
    return out.parent / f".{out.name}.lock"


@contextlib.contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """Hold the lock of the output folder ``out`` (``lock_file``) for as long as the block
    runs: two builds into one folder would take each other's spare and temporary folders.
    A second build does not wait (a CI job must not hang behind an editor's build): it
    raises ``OutputBusyError`` naming the process that holds the lock. The lock file is
    opened without following links, only when it is a plain file of its own (no hard link
    to another file), and the lock ends with the process, however it ends."""
    if fcntl is None:  # (Windows: no flock; builds into one folder are not guarded there)
        yield
        return
    path = lock_file(out)
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, flags, 0o666)
    except OSError as exc:
        reason = "it is a symbolic link" if exc.errno == errno.ELOOP else exc.strerror
        refused = msg("cannot open the lock {path}: {reason}; remove it", path=path, reason=reason)
        raise OutputFolderError(refused) from exc
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
            raise OutputFolderError(msg("{path} is not a plain file; remove it", path=path))
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(descriptor, 20, 0).decode("ascii", "replace").strip()
            process = msg(" (process {pid})", pid=holder) if holder.isdigit() else ""
            raise OutputBusyError(
                msg(
                    "another build is running into {out}{process}; try again when it has finished",
                    out=out,
                    process=process,
                )
            ) from None
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(descriptor)  # (closing releases the lock)


@quick_pickle
@dataclass(frozen=True, slots=True)
class KnownFile:
    """A file a build wrote: what it was made for (``OutputFile.key``) and its identity on
    disk then. A file still of that identity still holds those bytes (a write changes the
    modification time; the output and the spare share files by hard links, so a file
    edited by hand in one is edited in both: the identity check catches it in either)."""

    key: str
    size: int
    mtime_ns: int
    inode: int

    @classmethod
    def of(cls, key: str, path: Path) -> KnownFile:
        info = path.lstat()
        return cls(key, info.st_size, info.st_mtime_ns, info.st_ino)

    def matches(self, path: Path | str) -> bool:
        try:
            info = os.lstat(path)  # (not Path.lstat: this runs for every file of a build)
        except OSError:
            return False
        identity = (info.st_size, info.st_mtime_ns, info.st_ino)
        return stat.S_ISREG(info.st_mode) and identity == (self.size, self.mtime_ns, self.inode)


@dataclass(frozen=True, slots=True)
class Spare:
    """What the spare folder holds, as the build that made it recorded: the folder's inode
    (a folder replaced since is not ours to trust) and its files."""

    inode: int
    files: Mapping[str, KnownFile]


@dataclass(frozen=True, slots=True)
class Base:
    """What a build that hands ``write_output`` only the files that changed (``serve``
    after an edit) keeps of the last output: its files (``files``, as its record names
    them, in the folder ``origin``, given as text ending in the separator) but
    ``removed``. A kept file is not looked at when the spare holds it for the same key:
    only what the edit touched is compared and written."""

    files: Mapping[str, KnownFile]
    origin: str
    removed: frozenset[str]


def spare_folder(out: Path) -> Path:
    return out.parent / f".{out.name}.spare"


def write_output(
    files: Iterable[OutputFile],
    out: Path,
    spare: Spare | None = None,
    keep_spare: bool = False,
    holds: OriginCheck = _trusted,
    *,
    base: Base | None = None,
) -> set[str]:
    """Write ``files`` (with ``base``: and the last output's files they do not replace)
    as the complete content of ``out`` (call ``check_output_folder``
    first, and hold ``output_lock``), starting from the spare folder when ``spare``
    describes it; with ``keep_spare`` the old output becomes the spare. Nothing outside
    ``out`` and its siblings ``.NAME.new-PID-RANDOM``, ``.NAME.old-PID-RANDOM`` (made anew
    by this call) and ``.NAME.spare`` is ever written.
    Returns the paths of the files written (the others were already in place). Raises
    ``OutputWriteError`` when the disk refuses, saying what became of the output; its
    cause is a ``KeptFileChangedError`` when ``holds`` refused a file's origin (checked
    just before the file is linked from it)."""
    out = out.resolve()
    untouched = left_as_it_was(out)  # said of ``out`` as it is before this call
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(out)
        fresh = new_folder(out.parent, f".{out.name}.new-{os.getpid()}-")
    except OSError as exc:
        raise OutputWriteError(f"{exc}; {untouched}") from exc
    stale: Path | None = None
    try:
        written = _prepare(files, fresh, (spare, spare_folder(out)), holds, base)
        stale = new_folder(out.parent, f".{out.name}.old-{os.getpid()}-")
        _swap(fresh, out, stale)
    except _SwapUndoneError as exc:
        stale = None  # it holds the previous output now: the next build puts it back
        raise OutputWriteError(f"{exc}; {exc.state}") from exc
    except OSError as exc:
        raise OutputWriteError(f"{exc}; {untouched}") from exc
    finally:
        _discard(fresh)
        # (After a failed swap ``stale`` holds no output: _put_aside finds no marker.)
        if stale is not None and not (keep_spare and _put_aside(stale, spare_folder(out))):
            _discard(stale)
    return written


def left_as_it_was(out: Path) -> Message:
    """What a build that stopped before writing did to ``out``: nothing. Said as it is
    true: a first build (no ``out`` yet) has no previous output to leave as it was."""
    if out.exists() or out.is_symlink():
        return msg("the previous output was left as it was")
    return msg("nothing was written to {out}", out=out)


class _SwapUndoneError(OSError):
    """The swap failed half-way; ``state`` says where the previous output is now."""

    def __init__(self, error: OSError, state: str) -> None:
        super().__init__(error.errno, error.strerror, error.filename)
        self.state = state


def _discard(folder: Path) -> None:
    """Remove a temporary folder this build made, if it is still there: whole when it
    holds our marker, else only when empty (a folder without the marker is not ours to
    empty). Never fails: the output is complete by now, or the error is already known."""
    with contextlib.suppress(OSError):
        if folder.is_symlink() or not folder.is_dir():
            return
        if (folder / MARKER).is_file():
            shutil.rmtree(folder)
        else:
            folder.rmdir()


def _prepare(
    files: Iterable[OutputFile],
    fresh: Path,
    spare_at: tuple[Spare | None, Path],
    holds: OriginCheck,
    base: Base | None = None,
) -> set[str]:
    """The new output in ``fresh``: the spare brought up to date when it can be claimed
    (renamed, so no other build can use it at the same time), else written whole.

    ``files`` may be a stream made as it is written (a large site is never held in memory
    at once); if bringing the spare up to date fails, a list is written whole instead, a
    stream cannot be had twice: the error stands (the output is untouched either way)."""
    spare, spare_path = spare_at
    if spare is not None and _claim(spare_path, spare.inode, fresh):
        try:
            return _update_tree(files, fresh, spare.files, holds, base)
        except (OSError, ValueError):
            _discard(fresh)  # anything unexpected: write it whole
            if not isinstance(files, list):
                raise
    else:
        _remove_ours(spare_path)  # a spare nobody knows the content of is of no use
    if not fresh.is_dir():
        fresh.mkdir()  # the failed update above removed the claimed spare
    return _write_tree(_with_base(files, base), fresh, holds)


def _with_base(files: Iterable[OutputFile], base: Base | None) -> Iterable[OutputFile]:
    """``files``, then each file of ``base`` they did not replace, from where it is."""
    if base is None:
        return files
    return _completed(files, base, {})


def _completed(
    files: Iterable[OutputFile], base: Base, present: Mapping[str, KnownFile]
) -> Iterator[OutputFile]:
    """``files``, then each file of ``base`` they did not replace, unless ``present``
    holds it for the same key (then it stays where it is, not looked at)."""
    seen = set()
    for file in files:
        seen.add(file.path)
        yield file
    # The base's files that ``present`` holds as the same object are found in C (a
    # Python step for each of 26,000 files was ≈ 12 ms of every ``serve`` rebuild).
    paths, knowns = list(base.files.keys()), list(base.files.values())
    theres = list(map(present.get, paths))
    for at in itertools.compress(itertools.count(), map(operator.is_not, theres, knowns)):
        path, known, there = paths[at], knowns[at], theres[at]
        if path in seen or path in base.removed:
            continue
        if there is not None and there.key == known.key:
            continue
        yield OutputFile(path, origin=base.origin + path, key=known.key)


def _claim(spare_path: Path, inode: int, fresh: Path) -> bool:
    try:
        info = spare_path.lstat()
        if info.st_ino != inode or not (spare_path / MARKER).is_file():
            return False
        spare_path.rename(fresh)  # over the empty folder made for this build
    except OSError:
        return False
    return True


def _put_aside(stale: Path, spare_path: Path) -> bool:
    """Keep the swapped-out output as the spare; False when it could not be (then the
    next build writes every file: slower, never wrong)."""
    if stale.is_symlink() or not (stale / MARKER).is_file():
        return False  # no output was swapped out (the first build, or a failed one)
    try:
        _remove_ours(spare_path)
        stale.rename(spare_path)
    except OSError:  # a spare appeared meanwhile, or a file of the old one is stuck
        return False
    return True


def _remove_ours(folder: Path) -> None:
    """Remove ``folder`` if it is one of ours (a folder, no link, with our marker)."""
    if folder.is_dir() and not folder.is_symlink() and (folder / MARKER).is_file():
        shutil.rmtree(folder)


def _swap(fresh: Path, out: Path, stale: Path) -> None:
    """Put ``fresh`` where ``out`` is; the old ``out`` ends up in ``stale`` (an empty
    folder made for it, which a rename of a folder may replace).

    Where the system can (Linux: ``renameat2`` with ``RENAME_EXCHANGE``), the two folders
    trade places in one atomic step, so no moment exists without a complete ``out``, even
    for a build killed with SIGKILL. Elsewhere it takes two renames; a build killed between
    them leaves the previous output in ``stale``, and ``recover_interrupted_swap`` puts it
    back before the next build. Once ``out`` holds the new output, nothing that fails
    after counts: the old output then waits in ``fresh`` or ``stale``, both removed."""
    if out.exists() and _exchange(fresh, out):
        with contextlib.suppress(OSError):
            fresh.rename(stale)
        return
    moved = out.exists()
    if moved:
        out.rename(stale)
    try:
        fresh.rename(out)
    except OSError as exc:
        if not moved:
            raise  # there was no previous output to move back
        try:
            stale.rename(out)  # put the previous output back
        except OSError:
            raise _SwapUndoneError(
                exc, f"the previous output waits in {stale} (the next build puts it back)"
            ) from exc
        raise


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically; False where the system cannot (then nothing changed)."""
    if sys.platform != "linux":
        return False
    # Imported here: only a build that writes swaps, and every build imports this module.
    import ctypes  # noqa: PLC0415

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False  # a C library without renameat2 (glibc < 2.28, musl < 1.2.?)
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes += [ctypes.c_uint]
    result = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if result == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False  # the kernel or file system cannot exchange: take two renames
    raise OSError(error, os.strerror(error), str(second))


def recover_interrupted_swap(out: Path) -> None:
    """If a build was killed between its two renames (systems without an atomic swap),
    ``out`` is missing and the previous output waits in ``.out.old-PID-RANDOM``: put it
    back."""
    out = out.resolve()
    if out.exists() or not out.parent.is_dir():
        return
    for path, pid in _temporary_folders(out, "old"):
        if pid == os.getpid() or not _is_running(pid):  # (see remove_leftovers)
            path.rename(out)
            return


def remove_leftovers(out: Path) -> None:
    """Remove the temporary folders of earlier builds that were killed before they could
    clean up: ``.public.new-PID-RANDOM`` / ``.public.old-PID-RANDOM`` beside ``out`` that
    hold our marker (or are empty), unless process PID still runs (a parallel build is
    still using its folder). A folder without the marker that holds anything is never
    touched, whatever its name."""
    for path, pid in _temporary_folders(out, "new", "old", empty_too=True):
        # Our own PID: an earlier build of this process (``serve``) that could not clean
        # up; builds into one folder never overlap (``output_lock``).
        if pid == os.getpid() or not _is_running(pid):
            _discard(path)


def _temporary_folders(
    out: Path, *kinds: str, empty_too: bool = False
) -> Iterator[tuple[Path, int]]:
    """``.public.KIND-PID-RANDOM`` folders beside ``out`` (also ``.public.KIND-PID``, the
    names of earlier versions) that hold our marker, or are empty with ``empty_too``, and
    are no links; with the PID of the build that made them."""
    pattern = re.compile(rf"\.{re.escape(out.name)}\.(?:{'|'.join(kinds)})-([0-9]+)(?:-[0-9a-f]+)?")
    for path in sorted(out.parent.iterdir()):
        match = pattern.fullmatch(path.name)
        if not match or path.is_symlink() or not path.is_dir():
            continue
        if (path / MARKER).is_file() or (empty_too and not any(path.iterdir())):
            yield path, int(match.group(1))


def _is_running(pid: int) -> bool:
    if os.name == "nt":
        return True  # os.kill(pid, 0) would stop the process there: keep the folder
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        return True  # it exists, run by another user
    return True


def _write_tree(files: Iterable[OutputFile], folder: Path, holds: OriginCheck) -> set[str]:
    """Write ``files`` into the new, empty ``folder`` (made by this build). Each path must
    be a plain relative path (no ``..``, ``.``, empty or absolute part): checked on the
    text, which is enough here because ``folder`` is new and holds only what this loop
    creates, so no symbolic link can redirect a write (and resolving every path cost
    seconds on large sites)."""
    (folder / MARKER).write_text(_MARKER_TEXT, encoding="utf-8")
    made: set[str] = set()
    written = set()
    for file in files:
        _check_path(file.path)
        parent = file.path.rpartition("/")[0]
        if parent and parent not in made:
            (folder / parent).mkdir(parents=True, exist_ok=True)
            made.add(parent)
        _put(file, folder / file.path, holds)
        written.add(file.path)
    return written


def _update_tree(
    files: Iterable[OutputFile],
    folder: Path,
    present: Mapping[str, KnownFile],
    holds: OriginCheck,
    base: Base | None = None,
) -> set[str]:
    """Turn ``folder``, which holds ``present``, into ``files``: a file made for the same key
    and untouched since stays, others are replaced, those no longer wanted are removed. A
    file is never written into: it is removed first (it may be linked from the output).
    With ``base``, ``files`` are what changed since the last output, whose other files
    are wanted too (``_completed``)."""
    if base is not None:
        files = _completed(files, base, present)
    # The folders that hold a file: made when a file in a new folder comes (a file that
    # ``present`` holds has its folder), so an edit in ``serve`` never makes the set.
    folders: set[str] | None = None
    folder_text = os.fspath(folder)
    written = set()
    wanted = set()
    for file in files:
        wanted.add(file.path)
        known = present.get(file.path)
        if known is None:  # (a path the spare holds was checked when it was written)
            _check_path(file.path)
        # Joined as text: pathlib per file cost more than the lstat on large sites.
        kept = known if known is not None and known.key == file.key else None
        if kept is not None and kept.matches(f"{folder_text}/{file.path}"):
            continue
        target = folder / file.path
        parent = file.path.rpartition("/")[0]
        if known is None and parent:
            if folders is None:
                folders = {path.rpartition("/")[0] for path in present}
            if parent not in folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                folders.add(parent)
        if known is not None:
            target.unlink(missing_ok=True)
        _put(file, target, holds)
        written.add(file.path)
    gone = present.keys() - wanted
    if base is not None:  # (kept in place: not handed on, still wanted; in C)
        gone = (gone - base.files.keys()) | (gone & base.removed)
    for path in gone:
        (folder / path).unlink(missing_ok=True)
    _remove_empty_folders(folder, {path.rpartition("/")[0] for path in gone})
    return written


def _remove_empty_folders(root: Path, candidates: set[str]) -> None:
    """Remove those of ``candidates`` (and their parents) that are empty now, deepest first."""
    every: set[str] = set()
    for candidate in candidates:
        parts = candidate.split("/")
        every.update("/".join(parts[:n]) for n in range(1, len(parts) + 1) if candidate)
    for folder in sorted(every, key=lambda path: path.count("/"), reverse=True):
        with contextlib.suppress(OSError):  # not empty: still in use
            (root / folder).rmdir()


def _check_path(path: str) -> None:
    parts = path.split("/")
    if any(part in ("", ".", "..") or "\x00" in part for part in parts):
        raise ValueError(f"refusing to write outside the output folder: {path!r}")


def _put(file: OutputFile, target: Path, holds: OriginCheck) -> None:
    """Write the file, or link it when the previous output holds its bytes already: no
    bytes are written, and the file keeps its identity, so the next build can keep it too.
    (Where links cannot be made, as across file systems, the bytes are copied.) The
    origin is checked here, just before it is used (``holds``), not when the page was
    passed over: most kept files never need it (the spare holds them in place)."""
    if file.origin is not None and file.content is None:
        if not holds(file.origin):
            raise KeptFileChangedError(errno.ESTALE, "changed since it was written", file.origin)
        try:
            os.link(file.origin, target, follow_symlinks=False)
            return
        except OSError:
            pass
    target.write_bytes(file.data)
