"""Diagnostics: what the checker tells an editor, with an exact place in a file.

The library returns diagnostics as data; only the CLI prints them (see ``report``).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A place in a file of the site: 1-based line and column (Unicode code points)."""

    path: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"

    def moved(self, lines: int = 0, col: int | None = None) -> Span:
        return Span(self.path, self.line + lines, self.col if col is None else col)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem: where, how bad, which check (stable ``code``), what and how to fix it.

    ``details`` are labelled extra lines such as the old and new text of a stale citation.
    """

    span: Span
    severity: Severity
    code: str
    message: str
    hint: str | None = None
    details: tuple[tuple[str, str], ...] = field(default=())

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.span.path, self.span.line, self.span.col, self.code, self.message)


def error(
    span: Span,
    code: str,
    message: str,
    hint: str | None = None,
    details: tuple[tuple[str, str], ...] = (),
) -> Diagnostic:
    return Diagnostic(span, Severity.ERROR, code, message, hint, details)


def warning(
    span: Span,
    code: str,
    message: str,
    hint: str | None = None,
    details: tuple[tuple[str, str], ...] = (),
) -> Diagnostic:
    return Diagnostic(span, Severity.WARNING, code, message, hint, details)


def sorted_diagnostics(diagnostics: Iterable[Diagnostic]) -> tuple[Diagnostic, ...]:
    """Diagnostics in file order, duplicates removed, so output is stable between runs."""
    return tuple(sorted(set(diagnostics), key=Diagnostic.sort_key))


def promote_warnings(diagnostics: Iterable[Diagnostic]) -> tuple[Diagnostic, ...]:
    """``--strict``: every warning becomes an error."""
    return tuple(
        Diagnostic(d.span, Severity.ERROR, d.code, d.message, d.hint, d.details)
        for d in diagnostics
    )


def count_errors(diagnostics: Iterable[Diagnostic]) -> int:
    return sum(1 for d in diagnostics if d.is_error)
