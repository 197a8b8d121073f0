"""Writing files and folders inside a site that someone else may have prepared.

A site is a repository anyone can send: it may hold symbolic links planted where
site-builder writes (``.citations.lock.1234.tmp -> ~/.bashrc``), named for a range of process
ids. So nothing here opens an existing path for writing: every temporary file and folder is
made anew under a random name (``O_CREAT | O_EXCL | O_NOFOLLOW``, ``mkdir``; both refuse
any existing entry, a link included) and then renamed over its target. A rename replaces a
link that stands at the target; it never writes through it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

_ATTEMPTS = 100  # random names collide only when someone plants them on purpose


def new_file(folder: Path, prefix: str, mode: int) -> tuple[int, Path]:
    """A new, empty file in ``folder`` named ``prefix`` + random letters, open for writing
    (descriptor, path). ``mode`` is filtered by the umask, as for any file an editor saves."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    flags |= getattr(os, "O_CLOEXEC", 0)
    for _ in range(_ATTEMPTS):
        path = folder / f"{prefix}{secrets.token_hex(6)}"
        try:
            return os.open(path, flags, mode), path
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name for {prefix}* in {folder}")


def new_folder(parent: Path, prefix: str) -> Path:
    """A new, empty folder in ``parent`` named ``prefix`` + random letters, made by this
    call (never one that was there before). Its mode follows the umask (``tempfile.mkdtemp``
    would make it 0700, and it may become the published output folder)."""
    for _ in range(_ATTEMPTS):
        path = parent / f"{prefix}{secrets.token_hex(6)}"
        try:
            os.mkdir(path, 0o777)
            return path
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name for {prefix}* in {parent}")


def replace_file(target: Path, data: bytes, mode: int = 0o666) -> None:
    """Replace ``target`` with ``data`` atomically: a reader sees the old file or the new
    one, never half of one. A symbolic link at ``target`` is replaced, not followed. On any
    error (disk full, read-only) the temporary file is removed and ``target`` is as it was;
    the ``OSError`` stands."""
    descriptor, temporary = new_file(target.parent, f".{target.name}.", mode)
    try:
        try:
            _write_all(descriptor, data)
        finally:
            os.close(descriptor)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):  # a read-only folder may refuse this too
            os.unlink(temporary)
        raise


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


def real_folder(folder: Path, base: Path) -> bool:
    """Make ``folder`` (inside ``base``) and its parents up to ``base`` as real folders;
    False when one of them is a symbolic link or no folder (then nothing is made below it:
    a planted ``.site-builder-cache -> /elsewhere`` must not lead writes out of the site)."""
    relative = folder.relative_to(base)
    current = base
    for part in relative.parts:
        current = current / part
        try:
            os.mkdir(current, 0o777)
        except FileExistsError:
            pass
        except OSError:
            return False
        if not current.is_dir() or current.is_symlink():
            return False
    return True


def create_text_file(folder: Path, name: str, text: str) -> str | None:
    """Create ``folder/name`` holding ``text`` (UTF-8), never touching an existing file:
    None when written; "exists" when a file (or a link) of that name is there; "link" when
    ``folder`` is a symbolic link or no folder; else the system's reason. ``folder`` is
    made when missing (its parent must exist)."""
    try:
        os.mkdir(folder, 0o777)
    except FileExistsError:
        pass
    except OSError as exc:
        return exc.strerror or str(exc)
    if folder.is_symlink() or not folder.is_dir():
        return "link"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    flags |= getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(folder / name, flags, 0o666)
    except FileExistsError:
        return "exists"
    except OSError as exc:
        return exc.strerror or str(exc)
    try:
        _write_all(descriptor, text.encode("utf-8"))
    except OSError as exc:
        os.close(descriptor)
        with contextlib.suppress(OSError):
            os.unlink(folder / name)  # a half-written source would be read as the article
        return exc.strerror or str(exc)
    os.close(descriptor)
    return None
