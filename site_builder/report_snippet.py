"""The offending line under a diagnostic in text output, with a caret under the column,
as rustc and Elm show it::

    briefs/x.md:8:36: error[unknown-anchor]: source 'kreml-gebiete' has no anchor 'p99' (…)
       |
     8 | Peskow sprach von einem „Prozess“ [@kreml-gebiete#p99].
       |                                    ^^^^^^^^^^^^^^^^^^
       = hint: …

The line is shown as a terminal will draw it, so that the caret stands under the right
character: control characters, line separators, bidi and other format characters (a
zero-width space) are shown as escapes (``\\x1b``, ``\\u200b``: the invisible character a
diagnostic names can be seen); a tab stays a tab in both lines, so both reach the same tab
stop; a wide character (CJK, most emoji) takes two columns, a combining accent none. A long
line (a source paragraph is one line of thousands of characters) is shown as a window of
at most ``WINDOW`` columns around the place, with ``…`` where it is cut.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from .report import printable

# Columns of a line shown at most (a terminal is 80 to 200 wide; the gutter comes first).
WINDOW = 100
# Of them, at most this many before the place: what follows it is what the message is about.
_BEFORE = WINDOW // 3
# Characters of a line shown at most, however few columns they take.
_CHARACTERS = 4 * WINDOW
# Where terminals put tab stops (every eighth column), to underline a tab in a span.
TAB_STOP = 8
_CUT = "…"
# Codes that name a file as a whole (its name, its size, that it is there at all), not a
# place in it: their span is line 1 of the file, and showing that line would mislead.
WHOLE_FILE_CODES = frozenset(
    {
        "bad-file-name",
        "file-name-collision",
        "file-too-large",
        "name-too-long",
        "no-site",
        "relative-base-url",
        "outside-site",
        "page-url-taken",
        "reserved-file-name",
        "slug-collision",
        "too-many-lines",
        "unreadable-file",
        "unused-lock-entry",
    }
)


@dataclass(frozen=True, slots=True)
class Snippet:
    """A line as shown (escaped, perhaps a window of it) and the line of carets under it:
    tabs and spaces up to the place, then a ``^`` for every column of the span shown."""

    text: str
    marks: str


def snippet(line: str, col: int, width: int, indent: int = 0) -> Snippet | None:
    """``line`` (without its line ending) with ``width`` characters from the 1-based
    ``col`` underlined, to the end of the line at most; None when ``col`` is not on the line
    (the file changed since it was read). ``indent``: the columns printed before the line
    (the gutter), which decide where a tab inside the span ends."""
    begin = col - 1
    if not 0 <= begin <= len(line):
        return None
    end = min(begin + max(width, 1), len(line))
    start, stop = _window(line, begin)
    text = "".join(_shown(char) for char in line[start:stop])
    head = _CUT if start > 0 else ""
    tail = _CUT if stop < len(line) else ""
    marks = _marks(line[start:stop], begin - start, min(end, stop) - start, indent + len(head))
    return Snippet(head + text + tail, (" " if head else "") + marks)


def _window(line: str, begin: int) -> tuple[int, int]:
    """The characters ``[start, stop)`` of ``line`` to show: at most ``WINDOW`` columns,
    ``begin`` among them, with up to ``_BEFORE`` columns before it when the line is long."""
    if len(line) <= WINDOW and sum(map(_budget_columns, line)) <= WINDOW:  # all of it
        return 0, len(line)
    budget = WINDOW - 2  # the two "…"
    used = 1 if begin == len(line) else 0  # a caret after the last character
    # Characters are capped too: combining marks take no column, and a line of a
    # mebibyte of them would otherwise be shown whole.
    start = begin
    while start > 0 and begin - start < _CHARACTERS // 3:
        if used + _budget_columns(line[start - 1]) > _BEFORE:
            break
        start -= 1
        used += _budget_columns(line[start])
    stop = begin
    while stop < len(line) and stop - start < _CHARACTERS:
        if used + _budget_columns(line[stop]) > budget:
            break
        used += _budget_columns(line[stop])
        stop += 1
    while start > 0 and stop - start < _CHARACTERS:
        if used + _budget_columns(line[start - 1]) > budget:
            break
        start -= 1
        used += _budget_columns(line[start])
    return start, max(stop, min(begin + 1, len(line)))


def _marks(shown: str, begin: int, end: int, indent: int) -> str:
    """The caret line for the characters ``shown``, underlining ``[begin, end)`` (or one
    column after the last character when ``begin`` is the length: a thing missing there)."""
    parts: list[str] = []
    column = indent
    for index, char in enumerate(shown[:end]):
        if char == "\t":
            filled = TAB_STOP - column % TAB_STOP
            parts.append("^" * filled if index >= begin else "\t")
            column += filled
            continue
        columns = _columns(_shown(char))
        parts.append(("^" if index >= begin else " ") * columns)
        column += columns
    if "^" not in "".join(parts[begin:]):  # an empty span or a combining mark
        parts.append("^")
    return "".join(parts)


def _shown(char: str) -> str:
    """``char`` as the terminal gets it: control, separator and format characters as escapes."""
    shown = printable(char)
    if shown == char and unicodedata.category(char) == "Cf":
        return f"\\u{ord(char):04x}"
    return shown


def _columns(text: str) -> int:
    """Terminal columns of ``text`` (no tabs): wide characters two, combining marks none."""
    return sum(_char_columns(char) for char in text)


def _char_columns(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _budget_columns(char: str) -> int:
    """Columns ``char`` takes at most once shown (a tab: up to a full tab stop)."""
    return TAB_STOP if char == "\t" else _columns(_shown(char))
