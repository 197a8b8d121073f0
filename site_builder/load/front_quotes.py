"""Quotations in a brief's ``title`` and ``summary`` (SPEC §4), with the place of each
opening mark in the file, so a diagnostic points at the mark, not just at the field.

The value is read from YAML (quotes and escapes resolved), but the place is found in the
file's own text: the quotation's first characters are searched for between the start and
the end of the value; if YAML escapes hide them, the value's start is used.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import yaml

from ..diagnostics import Diagnostic, Span
from ..messages import Message, msg
from ..model import Quote
from .front_matter import Document, split_lines
from .quotations import find_quotations

QUOTED_FIELDS = ("title", "summary")
# How a message names a quoted field: "in the title".
FIELD_WORDS = {"title": msg("the title"), "summary": msg("the summary")}
_SNIPPET = 8  # characters of a quotation searched for in the file's text
Unbalanced = Callable[[Span, str, Message], Diagnostic]  # (span, mark, where) → warning


def front_matter_quotes(
    document: Document, text: str, values: Mapping[str, object], unbalanced: Unbalanced
) -> tuple[tuple[tuple[str, Quote], ...], list[Diagnostic]]:
    """(field, quote) for every quotation of the title and summary, and a diagnostic made
    by ``unbalanced`` for each quotation mark that never closes."""
    if not isinstance(document.front_matter, yaml.MappingNode):
        return (), []
    lines = split_lines(text)
    quotes: list[tuple[str, Quote]] = []
    problems: list[Diagnostic] = []
    for key, node in document.front_matter.value:
        field = key.value if isinstance(key, yaml.ScalarNode) else None
        value = values.get(field) if field in QUOTED_FIELDS else None
        if field is None or not isinstance(value, str):
            continue
        found = find_quotations(value)
        if not found.closed and not found.unclosed:
            continue  # most titles quote no one: then no positions are needed
        place = _locator(document, lines, node)
        for quotation in found.closed:
            words = " ".join(quotation.inner(value).split())
            if words and not quotation.single:
                width = quotation.close + 1 - quotation.open
                quotes.append((field, Quote(words, place(value, quotation.open, width))))
        where = FIELD_WORDS[field]
        problems += [unbalanced(place(value, at, 1), value[at], where) for at in found.unclosed]
    return tuple(quotes), problems


def _locator(
    document: Document, lines: list[str], node: yaml.Node
) -> Callable[[str, int, int], Span]:
    """A function giving the file position of ``value[offset]`` for the value of ``node``."""
    first = document.front_matter_line - 1  # index into ``lines`` of the YAML's first line
    start, end = node.start_mark, node.end_mark
    places: list[tuple[int, int]] = []  # (line, column) of each character of the raw value
    raw = []
    for index in range(first + start.line, min(first + end.line, len(lines) - 1) + 1):
        line = lines[index]
        begin = start.column if index == first + start.line else 0
        stop = end.column if index == first + end.line else len(line)
        for column in range(begin, min(stop, len(line))):
            raw.append(line[column])
            places.append((index + 1, column + 1))
    written = "".join(raw)
    skip = 1 if isinstance(node, yaml.ScalarNode) and node.style in ('"', "'") else 0

    def place(value: str, offset: int, width: int) -> Span:
        """``width``: of the thing at ``offset`` in ``value``; written the same in the file
        unless the value is escaped or folded (then its underline is a little off)."""
        for probe in (value[offset : offset + _SNIPPET], value[offset]):
            found = written.find(probe, skip)
            if found >= 0:
                line, column = places[found]
                return Span(document.path, line, column, width)
        return document.span_of(node)

    return place
