"""Diagnostics: what the checker tells an editor, with an exact place in a file.

The library returns diagnostics as data; only the CLI prints them (see ``report``).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

from .pickling import quick_pickle

# Every diagnostic code, with what it means. Codes are a stable contract (CI scripts and
# editors match on them); the README's table is checked against this list.
CODES: dict[str, str] = {
    "aggregator-only": "a claim resting only on paragraphs of aggregators",
    "anchor-moved": "a cited positional anchor whose paragraph now stands at another position",
    "attribution-mismatch": "a sentence names a reporter the cited paragraphs do not come from",
    "bad-date": "a date that is malformed or not in the calendar",
    "bad-file-name": "a file name with no letters or digits to make an id or slug from",
    "bad-id": "a source id that is not a slug",
    "bad-language": "a language that is not a BCP 47 code",
    "bad-url": "a URL that is not http(s)",
    "bom": "a file starting with a byte order mark",
    "broken-lock": "citations.lock cannot be read",
    "cites-heading-like-paragraph": "a cited paragraph that reads like a heading",
    "cites-later-source": "a brief dated before the publication of a source it cites",
    "control-character": "a control character or line separator in front matter",
    "duplicate-anchor": "an explicit ^name used twice in one source",
    "duplicate-key": "a front-matter key written twice",
    "duplicate-source-id": "two sources with the same id",
    "empty-field": "a required field without a value",
    "encoding": "a file that is not UTF-8",
    "field-type": "a front-matter value of the wrong type",
    "file-name-collision": "two files whose names differ only in case or Unicode form",
    "file-too-large": "a file over 1 MiB, which is not read",
    "future-date": "a brief dated in the future without publish_at",
    "front-matter-type": "front matter that is not a set of key: value lines",
    "internal-error": "a bug in site-builder, reported instead of a traceback",
    "invisible-character": "a bidi control or zero-width character in a brief",
    "lone-anchor": "a ^name marker that does not end a paragraph",
    "malformed-citation": "a [@…] group that is not a list of @source#anchor",
    "markdown-too-complex": "Markdown whose inline markup costs too much to read (kept as text)",
    "misplaced-front-matter": "front matter that does not start on line 1",
    "missing-anchor": "a citation without #anchor",
    "missing-field": "a required front-matter field is missing",
    "missing-front-matter": "a brief, source or page without front matter",
    "name-too-long": "a file name or tag that makes a URL part of over 200 characters",
    "nesting-too-deep": "lists or block quotes nested deeper than the Markdown parser reads",
    "no-citations": "a brief that cites nothing",
    "no-site": "the folder is not a site",
    "omission-drops-negation": "an omission in a quote that leaves out a negation",
    "outside-site": "a link that points outside the site folder",
    "page-url-taken": "a page in pages/ named like one of the site's own folders (briefs, …)",
    "quote-not-found": "quoted words that do not stand in the cited paragraphs",
    "relative-base-url": "a build without an absolute base_url, which feed and sitemap need",
    "reserved-anchor": "an explicit anchor that looks like p1, p2, …",
    "reserved-file-name": "a file or URL name Windows cannot store (con, aux, a trailing dot, …)",
    "slug-collision": "two briefs, or two pages, with the same URL",
    "source-without-provenance": "a source with neither outlet nor url",
    "stale-citation": "a cited paragraph changed since the citation was checked",
    "tag-variant": "a tag written otherwise than the same tag in other briefs (usa, USA)",
    "too-many-lines": "a file of over 50,000 lines, which is not read",
    "too-many-tags": "a brief with more tags than the limit (20)",
    "unbalanced-quote": "a quotation mark that opens and never closes in its paragraph",
    "unclosed-front-matter": "front matter without its closing ---",
    "uncited-paragraph": "a brief paragraph without a citation",
    "unknown-anchor": "a citation of an anchor the source does not have",
    "unknown-field": "a front-matter or site.yaml key that does not exist",
    "unknown-source": "a citation of a source that does not exist",
    "unlocked-citation": "a citation missing from citations.lock (with --frozen)",
    "unreadable-file": "a file that cannot be read",
    "unused-lock-entry": "a citations.lock entry that no brief cites (with --frozen)",
    "value-too-long": "a front-matter text longer than its field allows",
    "yaml-alias": "a YAML alias (*name) in front matter",
    "yaml-syntax": "front matter or site.yaml that is not valid YAML",
    "yaml-tag": "a YAML tag such as !!python/object in front matter",
}


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@quick_pickle
@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A place in a file of the site: 1-based line and column (Unicode code points).

    ``width`` is how many characters the thing found there spans (a citation, a quote, a
    front-matter value), for the underline under the line shown in text output; 1 where
    the loader does not know it. It takes no part in equality and order: a diagnostic is
    the same diagnostic, and sorts the same, however wide its underline."""

    path: str
    line: int = 1
    col: int = 1
    width: int = field(default=1, compare=False)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"

    def moved(self, lines: int = 0, col: int | None = None) -> Span:
        return Span(self.path, self.line + lines, self.col if col is None else col, self.width)


@quick_pickle
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

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"unregistered diagnostic code {self.code!r}")

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.span.path, self.span.line, self.span.col, self.code, self.message)


def error(
    span: Span,
    code: str,
    message: str,
    *,
    hint: str,
    details: tuple[tuple[str, str], ...] = (),
) -> Diagnostic:
    """An error; every diagnostic an editor sees says how to fix it (``hint``)."""
    return Diagnostic(span, Severity.ERROR, code, message, hint, details)


def warning(
    span: Span,
    code: str,
    message: str,
    *,
    hint: str,
    details: tuple[tuple[str, str], ...] = (),
) -> Diagnostic:
    """A warning (an error with ``--strict``), with its ``hint``."""
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
