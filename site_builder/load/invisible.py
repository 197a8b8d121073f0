"""Invisible characters: bidi controls and zero-width characters.

A right-to-left override (U+202E) reverses the text after it, up to the end of its
paragraph, and a zero-width space hides inside a word; neither can be seen in an editor.
Briefs get a warning for each line holding one (``invisible_characters``). Sources keep
them, verbatim, and every text the site writes is closed with ``close_bidi``, so no text
can reorder the page text after it (a citation number, a permalink, a footer).
"""

from __future__ import annotations

import re
import unicodedata

from ..diagnostics import Diagnostic, Span, warning
from ..messages import msg, msg_n

_EMBEDDINGS = "\u202a\u202b\u202d\u202e"  # LRE, RLE, LRO, RLO: closed by PDF
_ISOLATES = "\u2066\u2067\u2068"  # LRI, RLI, FSI: closed by PDI
_PDF, _PDI = "\u202c", "\u2069"
_BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Bidi controls and marks, and zero-width characters without a job in German or English text.
# Not listed: zero-width (non-)joiners (emoji sequences, ligatures) and the soft hyphen.
_INVISIBLE = re.compile(
    "[\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def close_bidi(text: str) -> str:
    """``text`` with a closing PDF or PDI appended for every embedding, override or
    isolate it leaves open, counted as the Unicode bidi algorithm does (rules X6a, X7): a
    PDF closes the innermost embedding only inside the current isolate, a PDI closes its
    isolate and every embedding opened within. The characters of ``text`` are kept."""
    if text.isascii() or _BIDI_CONTROL.search(text) is None:  # (``isascii`` reads a flag)
        return text
    stack: list[str] = []
    for match in _BIDI_CONTROL.finditer(text):
        char = match.group()
        if char in _EMBEDDINGS:
            stack.append(_PDF)
        elif char in _ISOLATES:
            stack.append(_PDI)
        elif char == _PDF:
            if stack and stack[-1] == _PDF:
                stack.pop()
        elif _PDI in stack:
            del stack[len(stack) - 1 - stack[::-1].index(_PDI) :]
    return text + "".join(reversed(stack))


def invisible_characters(text: str, path: str) -> list[Diagnostic]:
    """A warning for each line of the file ``text`` that holds an invisible character,
    at the first one; the message names it and counts the others on the line."""
    problems: list[Diagnostic] = []
    if _INVISIBLE.search(text) is None:  # one scan of the file, not one per line
        return problems
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        found = [match.start() for match in _INVISIBLE.finditer(line)]
        if not found:
            continue
        char = line[found[0]]
        message = msg("invisible character U+{code:04X} {name}", code=ord(char), name=_name(char))
        if len(found) > 1:
            message = msg_n(
                "invisible character U+{code:04X} {name} (and {n} more on this line)",
                "invisible character U+{code:04X} {name} (and {n} more on this line)",
                len(found) - 1,
                code=ord(char),
                name=_name(char),
            )
        problems.append(
            warning(
                Span(path, number, found[0] + 1),
                "invisible-character",
                message,
                hint=msg(
                    "delete it: readers cannot see it, and it can hide or reorder the text "
                    "around it"
                ),
            )
        )
    return problems


def _name(char: str) -> str:
    return unicodedata.name(char, "FORMAT CHARACTER")
