"""Find the Markdown files of a site: ``content/**/*.md``, ``briefs/**/*.md`` and
``pages/**/*.md``.

Hidden files and editor leftovers (``x.md~``, ``.#x.md``, ``#x.md#``) are skipped on purpose:
they are not content, and an editor's autosave must never break or change a build.

Only regular files inside the site are read: a link leading out of it, a link to nothing
or to itself, a pipe or a name that is not UTF-8 is reported and never opened. Names other
systems cannot check out (``con.md``, ``A.md`` beside ``a.md``) are reported too.
"""

from __future__ import annotations

import dataclasses
import operator
import os
import re
import stat
import time
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import Diagnostic, Span, error
from ..messages import Message, msg
from ..names import PLAIN_NAME, is_utf8, name_key, windows_problem

SOURCES_DIR = "content"
BRIEFS_DIR = "briefs"
PAGES_DIR = "pages"


@dataclass(frozen=True, slots=True)
class SiteFiles:
    """Paths relative to the site root, POSIX style, sorted.

    ``lstats``: the ``lstat`` the walk took of each plain file it found (a link has none),
    taken no earlier than ``walked_ns``; ``file_states.scan_site`` uses them instead of
    ``stat``-ing every file again (one walk of the inputs per command)."""

    sources: tuple[str, ...]
    briefs: tuple[str, ...]
    pages: tuple[str, ...] = ()
    lstats: Mapping[str, os.stat_result] = field(default_factory=dict, compare=False, repr=False)
    walked_ns: int = field(default=0, compare=False, repr=False)

    @property
    def every(self) -> tuple[str, ...]:
        return (*self.sources, *self.briefs, *self.pages)


def discover(root: Path) -> tuple[SiteFiles, list[Diagnostic]]:
    walked_ns = time.time_ns()  # before the first ``lstat`` (see ``SiteFiles``)
    problems: list[Diagnostic] = []
    lstats: dict[str, os.stat_result] = {}
    sources, briefs, pages = (
        _without_collisions(_markdown_files(root, folder, problems, lstats), problems)
        for folder in (SOURCES_DIR, BRIEFS_DIR, PAGES_DIR)
    )
    return SiteFiles(sources, briefs, pages, lstats, walked_ns), problems


def _markdown_files(
    root: Path, folder: str, problems: list[Diagnostic], lstats: dict[str, os.stat_result]
) -> tuple[str, ...]:
    """Markdown files below ``root/folder``. Links are followed only when they stay inside
    the site; a link leading out is reported, never read. Linked folders are not entered
    (their files would be read twice, or loop). The ``lstat`` of each plain file goes
    into ``lstats``."""
    base = root / folder
    if not base.is_dir():
        return ()
    real_root = root.resolve()
    if not _inside(base, real_root):  # content/ itself a link to a folder elsewhere
        problems.append(_outside(base, root))
        return ()
    walk = _Walk(root, real_root, problems, lstats, [])
    # Pre-order over sorted folders, as ``os.walk`` went (the problems keep its order).
    # Each folder is listed through a descriptor, so an entry's ``lstat`` is an
    # ``fstatat`` of one name in it, not a lookup of the whole path: the walk is most of
    # what a ``check`` after an edit costs on a site of 20,000 files.
    pending = [(os.fspath(base), _relative(base, root) + "/")]
    while pending:
        directory, prefix = pending.pop()
        folders = walk.folder(directory, prefix)
        pending.extend(
            (os.path.join(directory, name), prefix + name + "/") for name in reversed(folders)
        )
    return tuple(sorted(walk.found))


@dataclass(frozen=True, slots=True)
class _Walk:
    """One walk of a top folder: what it reports to (``problems``) and finds (``found``:
    Markdown files; ``lstats``: each plain one's ``lstat``)."""

    root: Path
    real_root: Path
    problems: list[Diagnostic]
    lstats: dict[str, os.stat_result]
    found: list[str]

    def folder(self, directory: str, prefix: str) -> list[str]:
        """The Markdown files of ``directory`` (``prefix``: its path in the site, "/" at its
        end) added; the folders to enter, sorted. A folder that cannot be listed holds
        nothing (as for ``os.walk``)."""
        root, real_root, problems = self.root, self.real_root, self.problems
        try:
            descriptor = os.open(directory, _FOLDER_FLAGS)
        except OSError:
            return []
        try:
            try:
                with os.scandir(descriptor) as listing:
                    entries = list(listing)
            except OSError:
                return []
            folders: list[os.DirEntry[str]] = []
            files: list[os.DirEntry[str]] = []
            for entry in entries:
                try:
                    is_folder = entry.is_dir()  # (a link to a folder too, as ``os.walk`` has it)
                except OSError:
                    is_folder = False
                (folders if is_folder else files).append(entry)
            # Folders are judged first, in the order listed, as ``os.walk`` had them judged.
            here = Path(directory)
            entered = [
                entry.name
                for entry in folders
                if _enter(here / entry.name, root, real_root, problems)
            ]
            for entry in sorted(files, key=_name):
                name = entry.name
                if _PLAIN_MARKDOWN.fullmatch(name):  # the common case: one match for the
                    info = _plain_entry(entry)  # name's rules below, one ``fstatat``
                    if info is not None:
                        self.lstats[prefix + name] = info
                        self.found.append(prefix + name)
                        continue
                if not name.endswith(".md") or _is_ignored(name):
                    continue
                # A plain file with a UTF-8 name, the common case, costs one ``fstatat`` and
                # no pathlib.
                info = _plain_entry(entry) if is_utf8(name) else None
                if info is None:
                    full = Path(directory, name)
                    problem = _file_problem(full, root, real_root)
                    if problem is not None:
                        problems.append(problem)
                        continue
                else:
                    self.lstats[prefix + name] = info
                problems.extend(_windows_name(name, prefix + name))
                self.found.append(prefix + name)
        finally:
            os.close(descriptor)
        return sorted(entered)


# A Markdown file name that is UTF-8, not ignored and fine on Windows, as most of a
# site's 20,000 are (``names.PLAIN_NAME`` ending in ".md"): checked with one match.
_PLAIN_MARKDOWN = re.compile(PLAIN_NAME.pattern + r"\.md")
_FOLDER_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)


_name = operator.attrgetter("name")


def _plain_entry(entry: os.DirEntry[str]) -> os.stat_result | None:
    """The ``lstat`` of a regular file's ``entry``, None for a link or anything else."""
    try:
        info = entry.stat(follow_symlinks=False)
    except OSError:
        return None
    return info if stat.S_ISREG(info.st_mode) else None


def _enter(folder: Path, root: Path, real_root: Path, problems: list[Diagnostic]) -> bool:
    """Should the walk enter ``folder``? Reports why not (or what is wrong with its name)."""
    if _is_ignored(folder.name):
        return False
    if not is_utf8(folder.name):
        problems.append(_not_utf8(folder, root))
        return False
    if folder.is_symlink():
        if not _inside(folder, real_root):
            problems.append(_outside(folder, root))
        return False
    problems.extend(_windows_name(folder.name, _relative(folder, root)))
    return True


def _file_problem(path: Path, root: Path, real_root: Path) -> Diagnostic | None:
    """Why ``path`` must not be read, or None."""
    if not is_utf8(path.name):
        return _not_utf8(path, root)
    if path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):  # no target, or a loop (Python 3.11 raises either)
            return _unreadable(path, root, msg("this link leads to no file (or in a circle)"))
        if not target.is_relative_to(real_root):
            return _outside(path, root)
    if path.is_dir():
        return _unreadable(path, root, msg("this is a folder, not a file"))
    if not path.is_file():
        return _unreadable(path, root, msg("this is not a regular file (a pipe or a device)"))
    return None


def read_site_file(root: Path, name: str, max_bytes: int) -> bytes | Diagnostic | None:
    """The bytes of the site's own file ``name`` (``site.yaml``, ``citations.lock``): None
    when there is none, a diagnostic when it must not be read by the rules of ``content/``
    (a link out of the site, a dangling link or a loop, a folder, a pipe) or is over
    ``max_bytes``. A pipe is never opened: opening one blocks until someone writes to it."""
    path = root / name
    if not os.path.lexists(path):
        return None
    problem = _file_problem(path, root, root.resolve())
    if problem is not None and problem.code == "unreadable-file":
        return dataclasses.replace(problem, hint=_SITE_FILE_HINT)
    if problem is not None:
        return problem
    try:
        return _read_regular(path, max_bytes)
    except OSError as exc:
        return _unreadable(
            path, root, msg("it cannot be read ({reason})", reason=exc.strerror), _SITE_FILE_HINT
        )


_SITE_FILE_HINT = msg("make it a plain file of the site folder (restore it from git), or delete it")


def _read_regular(path: Path, max_bytes: int) -> bytes | Diagnostic:
    """At most ``max_bytes`` of the regular file at ``path`` (a diagnostic if it is more)."""
    # O_NONBLOCK: should the file have become a pipe since it was looked at, opening it does
    # not block, and fstat refuses it.
    with os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as stream:
        info = os.fstat(stream.fileno())
        if not stat.S_ISREG(info.st_mode):
            return _unreadable(
                path, path.parent, msg("this is not a regular file"), _SITE_FILE_HINT
            )
        if info.st_size > max_bytes:
            return _too_large(path.name, info.st_size, max_bytes)
        data = stream.read(max_bytes + 1)  # a file that grows meanwhile is not read whole
    if len(data) > max_bytes:
        return _too_large(path.name, len(data), max_bytes)
    return data


def _too_large(name: str, size: int, max_bytes: int) -> Diagnostic:
    return error(
        Span(name),
        "file-too-large",
        msg(
            "{name} is over {mib} MiB ({size:,} bytes or more); it is not read",
            name=name,
            mib=max_bytes // (1024 * 1024),
            size=size,
        ),
        hint=msg("that is far more than a {name} holds: restore it from git", name=name),
    )


def _inside(path: Path, real_root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(real_root)
    except (OSError, RuntimeError):  # a link loop
        return False


def _relative(path: Path, root: Path) -> str:
    """``path`` relative to the site, POSIX style, printable even when it is not UTF-8."""
    relative = path.relative_to(root).as_posix()
    return os.fsencode(relative).decode("utf-8", "backslashreplace")


def _outside(path: Path, root: Path) -> Diagnostic:
    return error(
        Span(_relative(path, root)),
        "outside-site",
        msg("this link points outside the site folder; it is not read"),
        hint=msg("copy the file into the site instead of linking to it"),
    )


def _unreadable(
    path: Path,
    root: Path,
    why: Message,
    hint: Message | None = None,
) -> Diagnostic:
    span = Span(_relative(path, root))
    return error(
        span,
        "unreadable-file",
        msg("{why}; it is not read", why=why),
        hint=hint or msg("replace it with the Markdown file itself, or delete it"),
    )


def _not_utf8(path: Path, root: Path) -> Diagnostic:
    return error(
        Span(_relative(path, root)),
        "bad-file-name",
        msg("the name is not UTF-8 (made on a system with another encoding); it is not read"),
        hint=msg("rename it; other systems and URLs cannot spell this name"),
    )


def _windows_name(name: str, relative: str) -> list[Diagnostic]:
    """``name`` of the file or folder at ``relative`` (in the site), if Windows refuses it."""
    problem = windows_problem(name)
    if problem is None:
        return []
    return [
        error(
            Span(relative),
            "reserved-file-name",
            msg("{problem}: the site cannot be checked out on Windows", problem=problem),
            hint=msg("rename it (git for Windows refuses to check out such a name)"),
        )
    ]


def _without_collisions(paths: tuple[str, ...], problems: list[Diagnostic]) -> tuple[str, ...]:
    """``paths`` without those that macOS and Windows would take for an earlier one (same
    name up to case and Unicode form); each of those is an error naming both files."""
    kept: list[str] = []
    first_of: dict[str, str] = {}
    for path in paths:
        first = first_of.setdefault(name_key(path), path)
        if first is path:
            kept.append(path)
            continue
        same_form = unicodedata.normalize("NFC", first) == unicodedata.normalize("NFC", path)
        how = (
            msg(
                "this file and {first} are one name in two Unicode forms (such as ü as one "
                "character and as u with a combining ¨): macOS and Windows keep only one of them",
                first=first,
            )
            if same_form
            else msg(
                "this file and {first} differ only in case or Unicode form: macOS and Windows "
                "keep only one of them",
                first=first,
            )
        )
        problems.append(
            error(
                Span(path),
                "file-name-collision",
                how,
                hint=msg("rename or delete one of them; this one is not read until then"),
            )
        )
    return tuple(kept)


def _is_ignored(name: str) -> bool:
    return name.startswith((".", "#")) or name.endswith("~")
