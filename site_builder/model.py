"""The immutable content model: what the loaders produce and every later stage reads.

Every value that came from a file keeps its ``Span`` so any stage can point an editor at it.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field

from .check.quotes import normalise
from .dates import PartialDate
from .diagnostics import Span
from .pickling import quick_pickle


@quick_pickle
@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph-level block of a source: positional anchor ``p{index}``, maybe ``^name``.

    ``text`` is what readers see (Markdown resolved, marker removed); ``markdown`` is the
    paragraph's own source text without the marker, as the file has it; ``quotable`` is
    ``text`` as the quote rule compares it (``quotes.normalise``), computed once per load.
    """

    index: int
    name: str | None
    text: str
    markdown: str
    span: Span
    quotable: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        quotable = normalise(self.text)
        # Most paragraphs compare as they read: then one string, not two equal ones, in
        # memory and in the build cache (a pickle keeps one copy of the same object).
        object.__setattr__(self, "quotable", self.text if quotable == self.text else quotable)

    @property
    def anchor(self) -> str:
        return f"p{self.index}"

    @property
    def anchors(self) -> tuple[str, ...]:
        return (self.anchor,) if self.name is None else (self.anchor, self.name)


@quick_pickle
@dataclass(frozen=True, slots=True)
class Source:
    """A stored source article, verbatim. ``anchors`` maps every anchor to its paragraph index.

    ``kind`` is one of ``fields.SOURCE_KINDS``; ``based_on`` the outlets or addresses the
    article says it relies on (its ``based_on`` and older ``sources`` entries, as written);
    ``retrieved`` is when the copy was stored and ``archive_url`` where an archived copy is.
    """

    id: str
    path: str
    title: str
    body_line: int
    paragraphs: tuple[Paragraph, ...]
    anchors: Mapping[str, int]
    id_span: Span
    outlet: str | None = None
    url: str | None = None
    published: PartialDate | None = None
    language: str | None = None
    kind: str = "original"
    based_on: tuple[str, ...] = ()
    retrieved: PartialDate | None = None
    archive_url: str | None = None
    # The article's byline, as written (``import`` fills it from the page).
    authors: tuple[str, ...] = ()
    # The body as HTML with a slot after each paragraph (``markdown_html.source_body_html``).
    html: str = ""

    def paragraph(self, anchor: str) -> Paragraph | None:
        index = self.anchors.get(anchor)
        return None if index is None else self.paragraphs[index - 1]

    def anchor_range(self) -> str:
        """``p1–p14`` plus explicit names: for messages that say which anchors exist."""
        if not self.paragraphs:
            return "no paragraphs"
        names = [p.name for p in self.paragraphs if p.name]
        positional = f"p1–p{len(self.paragraphs)}" if len(self.paragraphs) > 1 else "p1"
        return ", ".join([positional, *names])


@quick_pickle
@dataclass(frozen=True, slots=True)
class CitationRef:
    """One ``@source#anchor`` of a citation group; ``anchor`` is None when it was left out."""

    source_id: str
    anchor: str | None
    span: Span

    @property
    def key(self) -> str:
        return f"{self.source_id}#{self.anchor}"


@quick_pickle
@dataclass(frozen=True, slots=True)
class Quote:
    """Quoted text a citation group attests, or a quotation in a brief's title or summary
    (SPEC §4 quote rule); ``span`` is the opening quotation mark."""

    text: str
    span: Span


@quick_pickle
@dataclass(frozen=True, slots=True)
class CitationGroup:
    """``[@a#p1; @b#p4]`` in a brief: the refs, the sentence it backs and the quotations of
    that sentence it attests (``quotations.attested_quotations``)."""

    refs: tuple[CitationRef, ...]
    span: Span
    paragraph: int
    context: str
    quotes: tuple[Quote, ...] = ()


@quick_pickle
@dataclass(frozen=True, slots=True)
class BriefParagraph:
    """A paragraph-level block of a brief body and how many citation groups it holds."""

    index: int
    span: Span
    citations: int
    text: str


@quick_pickle
@dataclass(frozen=True, slots=True)
class Correction:
    date: PartialDate
    text: str


@quick_pickle
@dataclass(frozen=True, slots=True)
class Brief:
    """An editor's brief. ``slug`` comes from the file name (subfolders only organise).

    ``date`` is None only when the front matter's date is missing or wrong; an error was
    reported then, so a checked corpus has a date on every brief. ``tag_spans`` says where
    each of ``tags`` is written in the front matter (same order; empty when unknown).
    """

    path: str
    slug: str
    title: str
    date: PartialDate | None
    body_line: int
    paragraphs: tuple[BriefParagraph, ...]
    citations: tuple[CitationGroup, ...]
    summary: str | None = None
    tags: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    draft: bool = False
    updated: PartialDate | None = None
    corrections: tuple[Correction, ...] = ()
    tag_spans: tuple[Span, ...] = ()
    # ``publish_at``: not published before this moment (always with a UTC offset).
    # ``date_span``: where ``date`` is written, for the warning of a date in the future.
    publish_at: datetime.datetime | None = None
    date_span: Span | None = None
    # Quotations in the title and summary, by field name: they must stand in one of the
    # paragraphs the brief cites.
    front_quotes: tuple[tuple[str, Quote], ...] = ()
    # The body as HTML with a slot per run of citation markers, and per slot the refs of
    # its markers (``markdown_html.brief_body_html``).
    html: str = ""
    marker_runs: tuple[tuple[str, ...], ...] = ()

    def refs(self) -> tuple[CitationRef, ...]:
        return tuple(ref for group in self.citations for ref in group.refs)


@quick_pickle
@dataclass(frozen=True, slots=True)
class SitePage:
    """A page of the site itself (``pages/impressum.md`` → ``/impressum/``): how the
    newsroom works, Impressum, Datenschutz. Plain Markdown in the site's theme, linked from
    every page's footer; no citations (a ``[@…]`` in it is text)."""

    path: str
    slug: str
    title: str
    body: str
    description: str | None = None
    html: str = ""  # the body as HTML (``markdown_html.page_body_html``)
