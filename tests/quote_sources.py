"""Sources and quotes built in memory, for tests of ``check_quotes`` without files."""

from __future__ import annotations

from site_builder.check.check_quotes import quote_problems
from site_builder.corpus import Corpus
from site_builder.diagnostics import Diagnostic, Span
from site_builder.model import Paragraph, Quote, Source

QUOTE_SPAN = Span("briefs/b.md", 5, 10)


def source(source_id: str, *texts: str, language: str | None = None) -> Source:
    """A source whose paragraphs p1, p2, … have ``texts``."""
    paragraphs = tuple(
        Paragraph(n, None, text, text, Span(f"content/{source_id}.md", 4 + 2 * n))
        for n, text in enumerate(texts, 1)
    )
    return Source(
        id=source_id,
        path=f"content/{source_id}.md",
        title=source_id,
        body_line=5,
        paragraphs=paragraphs,
        anchors={p.anchor: p.index for p in paragraphs},
        id_span=Span(f"content/{source_id}.md"),
        language=language,
    )


def corpus(*sources: Source) -> Corpus:
    return Corpus(sources, (), {s.id: s for s in sources})


def problems_of(
    quote: str, cited: list[tuple[Source, str]], site_language: str = "de"
) -> list[Diagnostic]:
    """``check_quotes.quote_problems`` for ``quote``, in a corpus of the cited sources."""
    sources = {s.id: s for s, _ in cited}
    return quote_problems(
        Quote(quote, QUOTE_SPAN),
        cited,
        corpus(*sources.values()),
        site_language=site_language,
    )
