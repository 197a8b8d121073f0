"""Find the Markdown files of a site: ``content/**/*.md`` and ``briefs/**/*.md``.

Hidden files and editor leftovers (``x.md~``, ``.#x.md``, ``#x.md#``) are skipped on purpose:
they are not content, and an editor's autosave must never break or change a build.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic, Span, error

SOURCES_DIR = "content"
BRIEFS_DIR = "briefs"


@dataclass(frozen=True, slots=True)
class SiteFiles:
    """Paths relative to the site root, POSIX style, sorted."""

    sources: tuple[str, ...]
    briefs: tuple[str, ...]


def discover(root: Path) -> tuple[SiteFiles, list[Diagnostic]]:
    problems: list[Diagnostic] = []
    sources = _markdown_files(root, SOURCES_DIR, problems)
    briefs = _markdown_files(root, BRIEFS_DIR, problems)
    return SiteFiles(sources, briefs), problems


def _markdown_files(root: Path, folder: str, problems: list[Diagnostic]) -> tuple[str, ...]:
    """Markdown files below ``root/folder``. Links are followed only when they stay inside
    the site; a link leading out is reported, never read. Linked folders are not entered
    (their files would be read twice, or loop)."""
    base = root / folder
    if not base.is_dir():
        return ()
    real_root = root.resolve()
    found = []
    for directory, folders, files in os.walk(base):
        here = Path(directory)
        folders[:] = sorted(name for name in folders if not _is_ignored(name))
        for name in folders:
            if (here / name).is_symlink() and not _inside(here / name, real_root):
                problems.append(_outside(here / name, root))
        for name in files:
            path = here / name
            if not name.endswith(".md") or _is_ignored(name):
                continue
            if path.is_symlink() and not _inside(path, real_root):
                problems.append(_outside(path, root))
            elif path.is_file():
                found.append(path.relative_to(root).as_posix())
    return tuple(sorted(found))


def _inside(path: Path, real_root: Path) -> bool:
    return path.resolve().is_relative_to(real_root)


def _outside(path: Path, root: Path) -> Diagnostic:
    return error(
        Span(path.relative_to(root).as_posix()),
        "outside-site",
        "this link points outside the site folder; it is not read",
        hint="copy the file into the site instead of linking to it",
    )


def _is_ignored(name: str) -> bool:
    return name.startswith((".", "#")) or name.endswith("~")
