"""Diagnostics: what the checker tells an editor, with an exact place in a file.

The library returns diagnostics as data; only the CLI prints them (see ``report``).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from .messages import Message
from .pickling import quick_pickle


class Code(NamedTuple):
    """What a diagnostic code is called in German text output, and what it means."""

    german: str
    meaning: str


# Every diagnostic code, with its German name and what it means. Codes are a stable
# contract (CI scripts and editors match on them, in JSON and GitHub output); German text
# output shows the German name. The README's table is checked against this list.
CODES: dict[str, Code] = {
    "aggregator-only": Code(
        "nur-aggregatoren", "a claim resting only on paragraphs of aggregators"
    ),
    "anchor-moved": Code(
        "anker-verschoben",
        "a cited positional anchor whose paragraph now stands at another position",
    ),
    "attribution-mismatch": Code(
        "falsche-zuschreibung", "a sentence names a reporter the cited paragraphs do not come from"
    ),
    "bad-date": Code("ungültiges-datum", "a date that is malformed or not in the calendar"),
    "bad-file-name": Code(
        "ungültiger-dateiname", "a file name with no letters or digits to make an id or slug from"
    ),
    "bad-id": Code("ungültige-id", "a source id that is not a slug"),
    "bad-language": Code("ungültige-sprache", "a language that is not a BCP 47 code"),
    "bad-url": Code("ungültige-url", "a URL that is not http(s)"),
    "bom": Code("bom", "a file starting with a byte order mark"),
    "broken-lock": Code("lock-unlesbar", "citations.lock cannot be read"),
    "cites-heading-like-paragraph": Code(
        "beleg-auf-überschrift", "a cited paragraph that reads like a heading"
    ),
    "cites-later-source": Code(
        "quelle-jünger-als-meldung", "a brief dated before the publication of a source it cites"
    ),
    "control-character": Code(
        "steuerzeichen", "a control character or line separator in front matter"
    ),
    "duplicate-anchor": Code("doppelter-anker", "an explicit ^name used twice in one source"),
    "duplicate-key": Code("doppelter-schlüssel", "a front-matter key written twice"),
    "duplicate-source-id": Code("doppelte-quellen-id", "two sources with the same id"),
    "empty-field": Code("leeres-feld", "a required field without a value"),
    "encoding": Code("kodierung", "a file that is not UTF-8"),
    "field-type": Code("falscher-feldtyp", "a front-matter value of the wrong type"),
    "file-name-collision": Code(
        "dateinamen-kollision", "two files whose names differ only in case or Unicode form"
    ),
    "file-too-large": Code("datei-zu-groß", "a file over 1 MiB, which is not read"),
    "future-date": Code("datum-in-der-zukunft", "a brief dated in the future without publish_at"),
    "front-matter-type": Code(
        "front-matter-form", "front matter that is not a set of key: value lines"
    ),
    "internal-error": Code(
        "interner-fehler", "a bug in site-builder, reported instead of a traceback"
    ),
    "invisible-character": Code(
        "unsichtbares-zeichen", "a bidi control or zero-width character in a brief"
    ),
    "lone-anchor": Code("alleinstehender-anker", "a ^name marker that does not end a paragraph"),
    "malformed-citation": Code(
        "fehlerhafter-beleg", "a [@…] group that is not a list of @source#anchor"
    ),
    "markdown-too-complex": Code(
        "markdown-zu-komplex", "Markdown whose inline markup costs too much to read (kept as text)"
    ),
    "misplaced-front-matter": Code(
        "front-matter-nicht-oben", "front matter that does not start on line 1"
    ),
    "missing-anchor": Code("anker-fehlt", "a citation without #anchor"),
    "missing-field": Code("feld-fehlt", "a required front-matter field is missing"),
    "missing-front-matter": Code(
        "front-matter-fehlt", "a brief, source or page without front matter"
    ),
    "name-too-long": Code(
        "name-zu-lang", "a file name or tag that makes a URL part of over 200 characters"
    ),
    "nesting-too-deep": Code(
        "zu-tief-verschachtelt",
        "lists or block quotes nested deeper than the Markdown parser reads",
    ),
    "no-citations": Code("keine-belege", "a brief that cites nothing"),
    "no-site": Code("keine-site", "the folder is not a site"),
    "omission-drops-negation": Code(
        "auslassung-tilgt-verneinung", "an omission in a quote that leaves out a negation"
    ),
    "outside-site": Code("außerhalb-der-site", "a link that points outside the site folder"),
    "page-url-taken": Code(
        "seiten-url-vergeben",
        "a page in pages/ named like one of the site's own folders (briefs, …)",
    ),
    "quote-not-found": Code(
        "zitat-nicht-gefunden", "quoted words that do not stand in the cited paragraphs"
    ),
    "relative-base-url": Code(
        "base-url-relativ", "a build without an absolute base_url, which feed and sitemap need"
    ),
    "reserved-anchor": Code("reservierter-anker", "an explicit anchor that looks like p1, p2, …"),
    "reserved-file-name": Code(
        "reservierter-dateiname",
        "a file or URL name Windows cannot store (con, aux, a trailing dot, …)",
    ),
    "slug-collision": Code("url-kollision", "two briefs, or two pages, with the same URL"),
    "source-without-provenance": Code(
        "quelle-ohne-herkunft", "a source with neither outlet nor url"
    ),
    "stale-citation": Code(
        "veralteter-beleg", "a cited paragraph changed since the citation was checked"
    ),
    "tag-variant": Code(
        "schlagwort-variante",
        "a tag written otherwise than the same tag in other briefs (usa, USA)",
    ),
    "too-many-lines": Code("zu-viele-zeilen", "a file of over 50,000 lines, which is not read"),
    "too-many-tags": Code("zu-viele-schlagwörter", "a brief with more tags than the limit (20)"),
    "unbalanced-quote": Code(
        "offenes-anführungszeichen", "a quotation mark that opens and never closes in its paragraph"
    ),
    "unclosed-front-matter": Code("front-matter-offen", "front matter without its closing ---"),
    "uncited-paragraph": Code("absatz-ohne-beleg", "a brief paragraph without a citation"),
    "unknown-anchor": Code("unbekannter-anker", "a citation of an anchor the source does not have"),
    "unknown-field": Code(
        "unbekanntes-feld", "a front-matter or site.yaml key that does not exist"
    ),
    "unknown-source": Code("unbekannte-quelle", "a citation of a source that does not exist"),
    "unlocked-citation": Code(
        "beleg-nicht-im-lock", "a citation missing from citations.lock (with --frozen)"
    ),
    "unreadable-file": Code("datei-unlesbar", "a file that cannot be read"),
    "unused-lock-entry": Code(
        "unbenutzter-lock-eintrag", "a citations.lock entry that no brief cites (with --frozen)"
    ),
    "value-too-long": Code("wert-zu-lang", "a front-matter text longer than its field allows"),
    "yaml-alias": Code("yaml-alias", "a YAML alias (*name) in front matter"),
    "yaml-syntax": Code("yaml-syntax", "front matter or site.yaml that is not valid YAML"),
    "yaml-tag": Code("yaml-tag", "a YAML tag such as !!python/object in front matter"),
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
    r"""One problem: where, how bad, which check (stable ``code``), what and how to fix it.

    ``details`` are labelled extra lines such as the old and new text of a stale citation.
    ``message``, ``hint`` and detail labels made by site-builder are ``Message``\ s: their
    ``str`` is the English text, and the report prints them in the chosen language.
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
    message: Message,
    *,
    hint: Message,
    details: tuple[tuple[Message, str], ...] = (),
) -> Diagnostic:
    """An error; every diagnostic an editor sees says how to fix it (``hint``)."""
    return Diagnostic(span, Severity.ERROR, code, message, hint, details)


def warning(
    span: Span,
    code: str,
    message: Message,
    *,
    hint: Message,
    details: tuple[tuple[Message, str], ...] = (),
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
