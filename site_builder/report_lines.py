"""The file lines a text report shows under its diagnostics, read from the site.

A report may hold hundreds of diagnostics: each file is read once, and only the files that
have one, only the lines they point at are kept. Only files of the site are read, by the
rules of the load stage: never a path outside the site folder or a link leading out of it,
never a pipe or a folder, never more than ``MAX_FILE_BYTES``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path, PurePosixPath

from .diagnostics import Diagnostic, Span
from .language import ENGLISH, Language
from .load.discover import read_site_file
from .load.limits import MAX_FILE_BYTES
from .report import format_text
from .report_snippet import WHOLE_FILE_CODES, Snippet, snippet

# (path in the site, 1-based line number) → the line without its line ending.
ShownLines = Mapping[tuple[str, int], str]
_BOM = "\ufeff"


def text_report(
    diagnostics: Sequence[Diagnostic],
    site: Path | None,
    colour: bool,
    language: Language = ENGLISH,
) -> list[str]:
    """Each of ``diagnostics`` as text (``format_text``) in ``language``, with the line of
    the site's file it points at when that can be shown."""
    lines = read_lines(site, (d.span for d in diagnostics if d.code not in WHOLE_FILE_CODES))
    return [format_text(d, colour, shown_line(d, lines), language) for d in diagnostics]


def shown_line(diagnostic: Diagnostic, lines: ShownLines) -> Snippet | None:
    """The snippet of the line ``diagnostic`` points at, if ``lines`` has it and it is
    about a place in a file (not a file as a whole)."""
    span = diagnostic.span
    line = lines.get((span.path, span.line))
    if line is None or diagnostic.code in WHOLE_FILE_CODES:
        return None
    # The gutter printed before the line: " 12 | ".
    return snippet(line, span.col, span.width, indent=len(str(span.line)) + 4)


def read_lines(site: Path | None, spans: Iterable[Span]) -> dict[tuple[str, int], str]:
    """The lines of the site's files that ``spans`` point at (those that can be read)."""
    wanted: dict[str, set[int]] = {}
    for span in spans:
        wanted.setdefault(span.path, set()).add(span.line)
    if site is None:
        return {}
    found: dict[tuple[str, int], str] = {}
    for path, numbers in wanted.items():
        lines = _file_lines(site, path)
        for number in numbers:
            if 1 <= number <= len(lines):
                found[(path, number)] = lines[number - 1].rstrip("\r\n")
    return found


def _file_lines(site: Path, path: str) -> list[str]:
    """The lines of the site's file ``path`` as the loader counts them; none when it is no
    plain path inside the site, or cannot or must not be read."""
    if not _inside(site, path):
        return []
    data = read_site_file(site, path, MAX_FILE_BYTES)
    if not isinstance(data, bytes):
        return []
    # As the loader reads: a byte order mark is not part of line 1 (columns count after
    # it). Bytes that are not UTF-8 (an ``encoding`` error) are shown as U+FFFD: every
    # column before the first of them is the same as in the loader's count.
    text = data.decode("utf-8", "replace").removeprefix(_BOM)
    # Imported here: every command imports this module, and the YAML parser with
    # ``front_matter`` only when a diagnostic is printed with its line.
    from .load.front_matter import split_lines  # noqa: PLC0415

    return split_lines(text)


def _inside(site: Path, path: str) -> bool:
    """Is ``path`` a relative path to something inside the site folder (links resolved)?"""
    relative = PurePosixPath(path)
    if not path or relative.is_absolute() or ".." in relative.parts or "\x00" in path:
        return False
    try:
        real_site = os.path.realpath(site)
        real = os.path.realpath(site / path)
    except (OSError, ValueError):
        return False
    return os.path.commonpath([real_site, real]) == real_site and real != real_site
