"""The write stage: put the rendered files on disk, all or nothing.

The new site is written into a temporary sibling folder and swapped in only when complete,
so a failed or interrupted build leaves the previous output as it was. Output folders are
checked before anything is touched: site-builder writes and deletes only folders it made,
recognised by the marker file it puts in each of them.
"""

from __future__ import annotations

import ctypes
import errno
import os
import re
import shutil
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from .render import DEFAULT_THEME, OutputFile

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


def write_output(files: Iterable[OutputFile], out: Path) -> None:
    """Write ``files`` as the complete content of ``out`` (call ``check_output_folder``
    first). Nothing outside ``out`` and its temporary siblings is ever written. Raises
    ``OutputWriteError`` when the disk refuses; ``out`` is then as it was."""
    out = out.resolve()
    fresh = out.parent / f".{out.name}.new-{os.getpid()}"
    stale = out.parent / f".{out.name}.old-{os.getpid()}"
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(out)
        _write_tree(files, fresh)
        _swap(fresh, out, stale)
    except OSError as exc:
        raise OutputWriteError(str(exc)) from exc
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
        shutil.rmtree(stale, ignore_errors=True)


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


def _write_tree(files: Iterable[OutputFile], folder: Path) -> None:
    """Write ``files`` into the new, empty ``folder``. Each path must be a plain relative
    path (no ``..``, ``.``, empty or absolute part): checked on the text, which is enough
    here because ``folder`` is new and holds only what this loop creates, so no symbolic
    link can redirect a write (and resolving every path cost seconds on large sites)."""
    folder.mkdir()
    (folder / MARKER).write_text(_MARKER_TEXT, encoding="utf-8")
    made: set[str] = set()
    for file in files:
        parts = file.path.split("/")
        if any(part in ("", ".", "..") or "\x00" in part for part in parts):
            raise ValueError(f"refusing to write outside the output folder: {file.path!r}")
        parent = "/".join(parts[:-1])
        if parent and parent not in made:
            (folder / parent).mkdir(parents=True, exist_ok=True)
            made.add(parent)
        (folder / file.path).write_bytes(file.data)
