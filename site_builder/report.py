"""Diagnostics as text (coloured on a terminal), JSON, or GitHub Actions annotations."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .diagnostics import Diagnostic, Severity
from .language import ENGLISH, Language
from .messages import msg, msg_n

if TYPE_CHECKING:  # report_snippet shows lines with ``printable``, imported from here
    from .report_snippet import Snippet

FORMATS = ("text", "json", "github")
_COLOURS = {Severity.ERROR: "\033[1;31m", Severity.WARNING: "\033[1;33m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"
_GUTTER = "\033[1;34m"  # the line number and its bars, as rustc colours them
_SEVERITY_WORDS = {Severity.ERROR: msg("error"), Severity.WARNING: msg("warning")}
_HINT = msg("hint")
# git's colours for a word diff: removed words red, added words green, markers included.
_REMOVED_COLOUR, _ADDED_COLOUR = "\033[31m", "\033[32m"
_WORD_CHANGE = re.compile(r"\[-.*?-\]|\{\+.*?\+\}", re.DOTALL)
# Detail lines that hold a word diff: a stale paragraph, a quote's closest passage, the
# text an omission leaves out.
_WORD_DIFF_DETAILS = frozenset({"diff", "closest", "left out"})
# Shown as escapes: diagnostics quote editors' files, and a control character (ESC starts a
# terminal command), a line separator or a bidi control must not act on the terminal or
# the annotation it is printed to. A lone surrogate (a JSON or YAML escape such as "\ud800"
# can make one) cannot be written to a UTF-8 stream at all: printing it would crash.
_UNPRINTABLE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_SURROGATE = re.compile("[\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` with control characters, line separators, bidi controls and lone
    surrogates written as escapes (``\\x1b``, ``\\u202e``, ``\\ud800``); tabs stay."""
    return _UNPRINTABLE.sub(_escape_character, text)


def _escape_character(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def paint_word_diff(text: str) -> str:
    """A plain word diff (``[-alt-]{+neu+}``) coloured as ``git diff --word-diff=plain``
    colours it on a terminal."""

    def paint(match: re.Match[str]) -> str:
        change = match.group()
        colour = _REMOVED_COLOUR if change.startswith("[-") else _ADDED_COLOUR
        return f"{colour}{change}{_RESET}"

    return _WORD_CHANGE.sub(paint, text)


def format_text(
    diagnostic: Diagnostic,
    colour: bool = False,
    snippet: Snippet | None = None,
    language: Language = ENGLISH,
) -> str:
    """``path:line:col: error[code]: message`` then indented detail and hint lines, in
    ``language`` (German names the code in German too); with the ``snippet`` of the file
    line (see ``report_snippet``), that line with a caret under the column, and the detail
    and hint lines as ``   = hint: …`` below it, as rustc does."""
    severity = language(_SEVERITY_WORDS[diagnostic.severity])
    code = language.code_name(diagnostic.code)
    span, message = printable(str(diagnostic.span)), printable(language(diagnostic.message))
    head = f"{span}: {severity}[{code}]: {message}"
    if colour:
        paint = _COLOURS[diagnostic.severity]
        head = f"{_BOLD}{span}{_RESET}: {paint}{severity}[{code}]{_RESET}: {message}"
    lines = [head]
    indent = "  "
    if snippet is not None:
        lines += _snippet_lines(diagnostic, snippet, colour)
        bar = f"{_GUTTER}={_RESET}" if colour else "="
        indent = " " * (len(str(diagnostic.span.line)) + 2) + bar + " "
    for label, text in diagnostic.details:
        shown = printable(language(text))
        if colour and label in _WORD_DIFF_DETAILS:
            shown = paint_word_diff(shown)
        lines.append(f"{indent}{language(label)}: {shown}")
    if diagnostic.hint:
        hint, word = printable(language(diagnostic.hint)), language(_HINT)
        lines.append(
            f"{indent}{_DIM}{word}:{_RESET} {hint}" if colour else f"{indent}{word}: {hint}"
        )
    return "\n".join(lines)


def _snippet_lines(diagnostic: Diagnostic, snippet: Snippet, colour: bool) -> list[str]:
    """The gutter, as wide as the line number, then the line and its carets."""
    number = str(diagnostic.span.line)
    pad = " " * (len(number) + 1)
    text = f" {snippet.text}" if snippet.text else ""  # an empty line: no trailing space
    if not colour:
        return [f"{pad} |", f" {number} |{text}", f"{pad} | {snippet.marks}"]
    paint = _COLOURS[diagnostic.severity]
    carets = snippet.marks.lstrip(" \t")
    lead = snippet.marks[: len(snippet.marks) - len(carets)]
    return [
        f"{pad}{_GUTTER}|{_RESET}",
        f"{_GUTTER} {number} |{_RESET}{text}",
        f"{pad}{_GUTTER}|{_RESET} {lead}{paint}{carets}{_RESET}",
    ]


def summary(
    diagnostics: Sequence[Diagnostic], briefs: int, sources: int, language: Language = ENGLISH
) -> str:
    """The closing line: what was checked and how many problems were found."""
    checked = msg(
        "{briefs} and {sources}",
        briefs=msg_n("{n} brief", "{n} briefs", briefs),
        sources=msg_n("{n} source", "{n} sources", sources),
    )
    errors = sum(1 for d in diagnostics if d.is_error)
    warnings = len(diagnostics) - errors
    if not diagnostics:
        return language(msg("ok: {checked} checked, no problems", checked=checked))
    found = msg(
        "{errors}, {warnings} in {checked}",
        errors=msg_n("{n} error", "{n} errors", errors),
        warnings=msg_n("{n} warning", "{n} warnings", warnings),
        checked=checked,
    )
    return language(found)


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def format_json(
    diagnostics: Sequence[Diagnostic], checked: dict[str, int], language: Language = ENGLISH
) -> str:
    """The diagnostics as one JSON document: codes, severities and labels stay the stable
    English identifiers scripts match on; message, hint and detail text are in ``language``
    (editors read them)."""
    records = [
        {
            "path": d.span.path,
            "line": d.span.line,
            "column": d.span.col,
            "severity": d.severity.value,
            "code": d.code,
            "message": language(d.message),
            "hint": None if d.hint is None else language(d.hint),
            "details": [{"label": label, "text": language(text)} for label, text in d.details],
        }
        for d in diagnostics
    ]
    errors = sum(1 for d in diagnostics if d.is_error)
    document = {
        "diagnostics": records,
        "summary": {"errors": errors, "warnings": len(records) - errors, **checked},
    }
    # Lone surrogates stand only in strings, where the escape is the same character to a
    # JSON reader, and where a UTF-8 stream could not take them raw.
    return _SURROGATE.sub(_escape_character, json.dumps(document, ensure_ascii=False, indent=2))


def format_github(diagnostic: Diagnostic, language: Language = ENGLISH) -> str:
    """A workflow command: GitHub shows it as an annotation on the file and line (its title
    the stable code, its text in ``language``)."""
    command = "error" if diagnostic.is_error else "warning"
    span = diagnostic.span
    properties = ",".join(
        [
            f"file={_escape_property(span.path)}",
            f"line={span.line}",
            f"col={span.col}",
            f"title={_escape_property(diagnostic.code)}",
        ]
    )
    details = (f"{language(label)}: {language(text)}" for label, text in diagnostic.details)
    body = [language(diagnostic.message), *details]
    if diagnostic.hint:
        body.append(f"{language(_HINT)}: {language(diagnostic.hint)}")
    return f"::{command} {properties}::{_escape_data(chr(10).join(body))}"


def _escape_data(text: str) -> str:
    lines = text.replace("%", "%25").split("\n")  # the body's own line breaks stay
    return "%0A".join(printable(line) for line in lines)


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
