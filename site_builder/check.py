"""Cross-document checks, once the whole corpus is loaded: citations resolve, quotes stand in
the cited paragraphs, every brief is sourced, ids and URLs are unique.

Pure: takes the corpus and configuration, returns diagnostics. Never renders anything.
"""

from __future__ import annotations

from collections.abc import Iterable

from .check_sourcing import check_sourcing
from .config import SiteConfig
from .diagnostics import Diagnostic, Span, error
from .model import Brief, CitationGroup, CitationRef, Corpus, Quote, Source
from .quotes import closest_passage, normalise, quote_matches_normalised
from .suggest import closest, did_you_mean


def build_corpus(
    sources: Iterable[Source], briefs: Iterable[Brief]
) -> tuple[Corpus, list[Diagnostic]]:
    """The corpus, with duplicate source ids and colliding brief slugs reported.

    The first file (in path order) keeps a contested id, so citations still resolve.
    """
    problems: list[Diagnostic] = []
    by_id: dict[str, Source] = {}
    ordered_sources = tuple(sorted(sources, key=lambda s: s.path))
    for source in ordered_sources:
        first = by_id.setdefault(source.id, source)
        if first is not source:
            problems.append(
                error(
                    source.id_span,
                    "duplicate-source-id",
                    f"source id '{source.id}' is already used by {first.path}",
                    hint="set a different 'id:' in one of the two files' front matter",
                )
            )
    ordered_briefs = tuple(sorted(briefs, key=lambda b: b.path))
    problems += _slug_collisions(ordered_briefs)
    corpus = Corpus(ordered_sources, ordered_briefs, by_id)
    return corpus, problems


def _slug_collisions(briefs: tuple[Brief, ...]) -> list[Diagnostic]:
    problems = []
    by_slug: dict[str, Brief] = {}
    for brief in briefs:
        first = by_slug.setdefault(brief.slug, brief)
        if first is not brief:
            problems.append(
                error(
                    Span(brief.path),
                    "slug-collision",
                    f"this brief and {first.path} both become /briefs/{brief.slug}/",
                    hint="rename one of the files (ä→ae, ö→oe, ü→ue, ß→ss and case do not "
                    "tell files apart in URLs)",
                )
            )
    return problems


def check_corpus(corpus: Corpus, config: SiteConfig) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    for brief in corpus.briefs:
        problems += check_brief(brief, corpus, config)
    problems += check_sourcing(corpus)
    return problems


def check_brief(brief: Brief, corpus: Corpus, config: SiteConfig) -> list[Diagnostic]:
    problems = _sourcing_problems(brief, config)
    every: list[tuple[Source, str] | None] = []
    for group in brief.citations:
        resolved = [_resolve(ref, corpus, problems) for ref in group.refs]
        every += resolved
        if all(r is not None for r in resolved):
            cited = [r for r in resolved if r is not None]
            for quote in group.quotes:
                problems += _quote_problems(group, quote, cited, corpus)
    if every and all(r is not None for r in every):
        problems += _front_quote_problems(brief, [r for r in every if r is not None], corpus)
    return problems


def _front_quote_problems(
    brief: Brief, cited: list[tuple[Source, str]], corpus: Corpus
) -> list[Diagnostic]:
    """Quotations in the title and summary must stand in a paragraph the brief cites
    (checked only when every citation of the brief resolves)."""
    problems = []
    paragraphs = [source.paragraph(anchor) for source, anchor in cited]
    for field, quote in brief.front_quotes:
        if any(
            p is not None and quote_matches_normalised(quote.text, p.quotable) for p in paragraphs
        ):
            continue
        elsewhere = _quote_elsewhere(quote.text, [source for source, _ in cited], corpus)
        hint = (
            f"it stands in {_listing(elsewhere)}: cite that paragraph in the body, or change "
            f"the {field}"
            if elsewhere
            else f"quote a cited paragraph word for word in the {field}, or cite the "
            "paragraph that says it in the body"
        )
        problems.append(
            error(
                quote.span,
                "quote-not-found",
                f"quoted text „{normalise(quote.text)}“ in the {field} stands in none of the "
                "paragraphs this brief cites",
                hint=hint,
            )
        )
    return problems


def _sourcing_problems(brief: Brief, config: SiteConfig) -> list[Diagnostic]:
    if not any(paragraph.citations for paragraph in brief.paragraphs):
        return [
            error(
                _body_start(brief),
                "no-citations",
                "brief cites no source",
                hint="back each statement with a citation such as [@source#p1]; "
                "'site-builder anchors SOURCE' lists a source's paragraphs",
            )
        ]
    if not config.require_citation_per_paragraph:
        return []
    return [
        error(
            paragraph.span,
            "uncited-paragraph",
            f"paragraph {paragraph.index} cites no source",
            hint="add a citation such as [@source#p1] to this paragraph (or switch the rule "
            "off with 'require_citation_per_paragraph: false' in site.yaml)",
        )
        for paragraph in brief.paragraphs
        if paragraph.citations == 0
    ]


def _body_start(brief: Brief) -> Span:
    """The first paragraph, or the front matter's closing line when the body is empty."""
    if brief.paragraphs:
        return brief.paragraphs[0].span
    return Span(brief.path, max(1, brief.body_line - 1))


def _resolve(
    ref: CitationRef, corpus: Corpus, problems: list[Diagnostic]
) -> tuple[Source, str] | None:
    """(source, anchor) of a ref, or None with the reason appended to ``problems``."""
    source = corpus.sources_by_id.get(ref.source_id)
    if source is None:
        problems.append(
            error(
                ref.span,
                "unknown-source",
                f"there is no source '{ref.source_id}'",
                hint=f"{did_you_mean(ref.source_id, corpus.sources_by_id)}"
                "sources are the files in content/; the id is the file name or 'id:'",
            )
        )
        return None
    if ref.anchor is None:
        problems.append(
            error(
                ref.span,
                "missing-anchor",
                f"citation of '{ref.source_id}' names no paragraph",
                hint=f"write @{ref.source_id}#p1 (or a ^name anchor); "
                f"'site-builder anchors {ref.source_id}' lists them",
            )
        )
        return None
    if ref.anchor not in source.anchors:
        problems.append(_unknown_anchor(ref, ref.anchor, source))
        return None
    return source, ref.anchor


def _unknown_anchor(ref: CitationRef, anchor: str, source: Source) -> Diagnostic:
    guess = closest(anchor, source.anchors, cutoff=0.5)
    suggestion = f"did you mean '{guess}'? " if guess else ""
    return error(
        ref.span,
        "unknown-anchor",
        f"source '{source.id}' has no anchor '{anchor}' (it has {source.anchor_range()})",
        hint=f"{suggestion}'site-builder anchors {source.id}' lists them",
    )


def _quote_problems(
    group: CitationGroup, quote: Quote, cited: list[tuple[Source, str]], corpus: Corpus
) -> list[Diagnostic]:
    texts = []
    for source, anchor in cited:
        paragraph = source.paragraph(anchor)
        assert paragraph is not None
        if quote_matches_normalised(quote.text, paragraph.quotable):
            return []
        texts.append((f"{source.id}#{anchor}", paragraph.text))
    where = " or ".join(key for key, _ in texts)
    message = f"quoted text „{normalise(quote.text)}“ does not stand in {where}"
    elsewhere = _quote_elsewhere(quote.text, [source for source, _ in cited], corpus)
    if elsewhere:
        found = _listing(elsewhere)
        return [
            error(
                quote.span,
                "quote-not-found",
                f"{message}; the quote stands in {found}",
                hint=_corrected_citation(group, elsewhere),
            )
        ]
    best_key, best = max(
        ((key, closest_passage(quote.text, text)) for key, text in texts),
        key=lambda item: item[1].similarity,
    )
    return [
        error(
            quote.span,
            "quote-not-found",
            message,
            hint="quote the source word for word ([…] marks an omission), or cite the paragraph "
            "that says it",
            details=(("closest", f"{best_key}: „{best.text}“"),) if best.text else (),
        )
    ]


def _quote_elsewhere(quote: str, cited: list[Source], corpus: Corpus) -> list[tuple[Source, str]]:
    """Where the quote stands instead (source, anchor): in other paragraphs of the cited
    sources, or else in exactly one other source; the usual cause is a wrong paragraph
    number. A paragraph's ^name is given rather than its position: it does not move."""
    unique = {source.id: source for source in cited}
    found = [hit for source in unique.values() for hit in _paragraphs_quoting(quote, source)]
    if found:
        return found
    others = [
        hits
        for source in corpus.sources
        if source.id not in unique and corpus.sources_by_id.get(source.id) is source
        for hits in [_paragraphs_quoting(quote, source)]
        if hits
    ]
    return others[0] if len(others) == 1 else []


def _paragraphs_quoting(quote: str, source: Source) -> list[tuple[Source, str]]:
    return [
        (source, paragraph.name or paragraph.anchor)
        for paragraph in source.paragraphs
        if quote_matches_normalised(quote, paragraph.quotable)
    ]


_LISTED = 3  # places named at most; more are summed up


def _listing(places: list[tuple[Source, str]]) -> str:
    """``kreml-gebiete#p10`` or ``kreml-gebiete#p10, #p12 and 2 more paragraphs``."""
    names = []
    previous = None
    for source, anchor in places[:_LISTED]:
        names.append(f"#{anchor}" if source.id == previous else f"{source.id}#{anchor}")
        previous = source.id
    if len(places) > _LISTED:
        names.append(f"{len(places) - _LISTED} more paragraphs")
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _corrected_citation(group: CitationGroup, places: list[tuple[Source, str]]) -> str:
    """The group with the quote's paragraph in place of the ref that most likely meant it:
    the one ref of the same source, else the only ref; otherwise it is added."""
    source, anchor = places[0]
    keys = [ref.key for ref in group.refs]
    same_source = [i for i, ref in enumerate(group.refs) if ref.source_id == source.id]
    replaced = same_source[0] if len(same_source) == 1 else 0 if len(keys) == 1 else None
    wanted = f"{source.id}#{anchor}"
    if replaced is None:
        return f"add @{wanted} to the group: {_group([*keys, wanted])}"
    corrected = keys.copy()
    corrected[replaced] = wanted
    return f"cite {_group(corrected)} instead of {_group(keys)}"


def _group(keys: list[str]) -> str:
    return "[" + "; ".join(f"@{key}" for key in keys) + "]"
