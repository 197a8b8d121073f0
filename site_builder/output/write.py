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
import ctypes
import errno
import os
import re
import shutil
import stat
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..pickling import quick_pickle
from ..render.render import DEFAULT_THEME, OutputFile

MARKER = ".site-builder-output"
_MARKER_TEXT = "This folder is written by site-builder; it is replaced on every build.\n"
PROTECTED = ("content", "briefs", "templates")


class OutputFolderError(Exception):
    """The output folder is not one site-builder may replace (usage error, exit 2)."""


class OutputWriteError(Exception):
    """Writing the output failed (disk full, no permission); the previous output is intact."""


def check_output_folder(out: Path, site_root: Path) -> None:
    """Refuse an ``out`` whose replacement could lose anything that is not our output."""
    target = out.resolve()
    site = site_root.resolve()
    home = Path.home().resolve()
    if out.is_symlink():
        raise OutputFolderError(f"{out} is a symbolic link; give the real folder")
    if target == Path(target.anchor) or target == home:
        raise OutputFolderError(f"{out} is {'the home folder' if target == home else '/'}")
    if site.is_relative_to(target):
        raise OutputFolderError(f"{out} holds the site itself ({site_root})")
    for name in PROTECTED:
        if target.is_relative_to(site / name):
            raise OutputFolderError(f"{out} is inside the site's {name}/ folder")
    if target.is_relative_to(DEFAULT_THEME.resolve()):
        raise OutputFolderError(f"{out} is inside site-builder's default theme")
    if target.exists() and not target.is_dir():
        raise OutputFolderError(f"{out} exists and is not a folder")
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).is_file():
        raise OutputFolderError(
            f"{out} is not empty and was not written by site-builder (no {MARKER} in it)"
        )


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


def spare_folder(out: Path) -> Path:
    return out.parent / f".{out.name}.spare"


def write_output(
    files: Iterable[OutputFile], out: Path, spare: Spare | None = None, keep_spare: bool = False
) -> set[str]:
    """Write ``files`` as the complete content of ``out`` (call ``check_output_folder``
    first), starting from the spare folder when ``spare`` describes it; with
    ``keep_spare`` the old output becomes the spare. Nothing outside ``out`` and its
    siblings ``.NAME.new-PID``, ``.NAME.old-PID`` and ``.NAME.spare`` is ever written.
    Returns the paths of the files written (the others were already in place). Raises
    ``OutputWriteError`` when the disk refuses; ``out`` is then as it was."""
    out = out.resolve()
    fresh = out.parent / f".{out.name}.new-{os.getpid()}"
    stale = out.parent / f".{out.name}.old-{os.getpid()}"
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(out)
        written = _prepare(files, fresh, spare, spare_folder(out))
        _swap(fresh, out, stale)
        _put_aside(stale, spare_folder(out) if keep_spare else None)
    except OSError as exc:
        raise OutputWriteError(str(exc)) from exc
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
        shutil.rmtree(stale, ignore_errors=True)
    return written


def _prepare(
    files: Iterable[OutputFile], fresh: Path, spare: Spare | None, spare_path: Path
) -> set[str]:
    """The new output in ``fresh``: the spare brought up to date when it can be claimed
    (renamed, so no other build can use it at the same time), else written whole.

    ``files`` may be a stream made as it is written (a large site is never held in memory
    at once); if bringing the spare up to date fails, a list is written whole instead, a
    stream cannot be had twice: the error stands (the output is untouched either way)."""
    if spare is not None and _claim(spare_path, spare.inode, fresh):
        try:
            return _update_tree(files, fresh, spare.files)
        except (OSError, ValueError):
            shutil.rmtree(fresh, ignore_errors=True)  # anything unexpected: write it whole
            if not isinstance(files, list):
                raise
    else:
        _remove_ours(spare_path)  # a spare nobody knows the content of is of no use
    return _write_tree(files, fresh)


def _claim(spare_path: Path, inode: int, fresh: Path) -> bool:
    try:
        info = spare_path.lstat()
        if info.st_ino != inode or not (spare_path / MARKER).is_file():
            return False
        spare_path.rename(fresh)
    except OSError:
        return False
    return True


def _put_aside(stale: Path, spare_path: Path | None) -> None:
    """Keep the swapped-out output as the spare (when asked and when it is a folder)."""
    if spare_path is None or not stale.is_dir():
        return
    _remove_ours(spare_path)
    with contextlib.suppress(OSError):  # a spare appeared meanwhile: ours goes with ``stale``
        stale.rename(spare_path)


def _remove_ours(folder: Path) -> None:
    """Remove ``folder`` if it is one of ours (a folder, no link, with our marker)."""
    if folder.is_dir() and not folder.is_symlink() and (folder / MARKER).is_file():
        shutil.rmtree(folder)


def _swap(fresh: Path, out: Path, stale: Path) -> None:
    """Put ``fresh`` where ``out`` is; the old ``out`` ends up in ``stale`` (for removal).

    Where the system can (Linux: ``renameat2`` with ``RENAME_EXCHANGE``), the two folders
    trade places in one atomic step, so no moment exists without a complete ``out``, even
    for a build killed with SIGKILL. Elsewhere it takes two renames; a build killed between
    them leaves the previous output in ``stale``, and ``recover_interrupted_swap`` puts it
    back before the next build."""
    if out.exists() and _exchange(fresh, out):
        fresh.rename(stale)
        return
    if out.exists():
        out.rename(stale)
    try:
        fresh.rename(out)
    except BaseException:
        if stale.exists():
            stale.rename(out)  # put the previous output back
        raise


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically; False where the system cannot (then nothing changed)."""
    if sys.platform != "linux":
        return False
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
    ``out`` is missing and the previous output waits in ``.out.old-PID``: put it back."""
    out = out.resolve()
    if out.exists() or not out.parent.is_dir():
        return
    for path, pid in _temporary_folders(out, "old"):
        if not _is_running(pid):
            path.rename(out)
            return


def remove_leftovers(out: Path) -> None:
    """Remove the temporary folders of earlier builds that were killed before they could
    clean up: ``.public.new-PID`` / ``.public.old-PID`` beside ``out`` that hold our marker,
    unless process PID still runs (a parallel build is still using its folder)."""
    for path, pid in _temporary_folders(out, "new", "old"):
        if pid == os.getpid() or not _is_running(pid):
            shutil.rmtree(path)


def _temporary_folders(out: Path, *kinds: str) -> Iterator[tuple[Path, int]]:
    """``.public.KIND-PID`` folders beside ``out`` that hold our marker (and are no links),
    with the PID of the build that made them."""
    pattern = re.compile(rf"\.{re.escape(out.name)}\.(?:{'|'.join(kinds)})-([0-9]+)")
    for path in sorted(out.parent.iterdir()):
        match = pattern.fullmatch(path.name)
        if match and not path.is_symlink() and (path / MARKER).is_file():
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


def _write_tree(files: Iterable[OutputFile], folder: Path) -> set[str]:
    """Write ``files`` into the new, empty ``folder``. Each path must be a plain relative
    path (no ``..``, ``.``, empty or absolute part): checked on the text, which is enough
    here because ``folder`` is new and holds only what this loop creates, so no symbolic
    link can redirect a write (and resolving every path cost seconds on large sites)."""
    folder.mkdir()
    (folder / MARKER).write_text(_MARKER_TEXT, encoding="utf-8")
    made: set[str] = set()
    written = set()
    for file in files:
        _check_path(file.path)
        parent = file.path.rpartition("/")[0]
        if parent and parent not in made:
            (folder / parent).mkdir(parents=True, exist_ok=True)
            made.add(parent)
        _put(file, folder / file.path)
        written.add(file.path)
    return written


def _update_tree(
    files: Iterable[OutputFile], folder: Path, present: Mapping[str, KnownFile]
) -> set[str]:
    """Turn ``folder``, which holds ``present``, into ``files``: a file made for the same key
    and untouched since stays, others are replaced, those no longer wanted are removed. A
    file is never written into: it is removed first (it may be linked from the output)."""
    folders = {path.rpartition("/")[0] for path in present}
    folder_text = os.fspath(folder)
    written = set()
    wanted = set()
    for file in files:
        _check_path(file.path)
        wanted.add(file.path)
        known = present.get(file.path)
        # Joined as text: pathlib per file cost more than the lstat on large sites.
        kept = known if known is not None and known.key == file.key else None
        if kept is not None and kept.matches(os.path.join(folder_text, file.path)):
            continue
        target = folder / file.path
        parent = file.path.rpartition("/")[0]
        if parent and parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(parent)
        if known is not None:
            target.unlink(missing_ok=True)
        _put(file, target)
        written.add(file.path)
    for path in present.keys() - wanted:
        (folder / path).unlink(missing_ok=True)
    _remove_empty_folders(folder, {path.rpartition("/")[0] for path in present.keys() - wanted})
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


def _put(file: OutputFile, target: Path) -> None:
    """Write the file, or link it when the previous output holds its bytes already: no
    bytes are written, and the file keeps its identity, so the next build can keep it too.
    (Where links cannot be made, as across file systems, the bytes are copied.)"""
    if file.origin is not None and file.content is None:
        try:
            os.link(file.origin, target, follow_symlinks=False)
            return
        except OSError:
            pass
    target.write_bytes(file.data)
