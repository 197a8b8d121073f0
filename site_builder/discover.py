"""Find the Markdown files of a site: ``content/**/*.md`` and ``briefs/**/*.md``.

Hidden files and editor leftovers (``x.md~``, ``.#x.md``, ``#x.md#``) are skipped on purpose:
they are not content, and an editor's autosave must never break or change a build.
"""

from __future__ import annotations

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
    base = root / folder
    if not base.is_dir():
        return ()
    real_root = root.resolve()
    found = []
    for path in base.rglob("*.md"):
        relative = path.relative_to(root)
        if any(_is_ignored(part) for part in relative.parts):
            continue
        if not path.resolve().is_relative_to(real_root):
            problems.append(
                error(
                    Span(relative.as_posix()),
                    "outside-site",
                    "this link points outside the site folder; it is not read",
                    hint="copy the file into the site instead of linking to it",
                )
            )
            continue
        if path.is_file():
            found.append(relative.as_posix())
    return tuple(sorted(found))


def _is_ignored(name: str) -> bool:
    return name.startswith((".", "#")) or name.endswith("~")
