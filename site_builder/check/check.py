"""Cross-document checks, once the whole corpus is loaded: citations resolve, quotes stand in
the cited paragraphs, every brief is sourced, ids and URLs are unique.

Pure: takes the corpus and configuration, returns diagnostics. Never renders anything.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence
from typing import TypeVar

from ..corpus import Corpus
from ..diagnostics import Diagnostic, Span, error
from ..load.config import SiteConfig
from ..messages import Message, joined, msg
from ..model import Brief, CitationRef, SitePage, Source
from ..suggest import closest_anchor, did_you_mean, maybe_meant
from .check_quotes import HelpBudget, front_quote_problems, quote_problems
from .check_sourcing import check_sourcing


def build_corpus(
    sources: Iterable[Source], briefs: Iterable[Brief], pages: Iterable[SitePage] = ()
) -> tuple[Corpus, list[Diagnostic]]:
    """The corpus, with duplicate source ids and colliding brief and page slugs reported.

    The first file (in path order) keeps a contested id, so citations still resolve.
    """
    ordered_sources = tuple(sorted(sources, key=lambda s: s.path))
    by_id: dict[str, Source] = {}
    for source in ordered_sources:
        by_id.setdefault(source.id, source)
    ordered_briefs = tuple(sorted(briefs, key=lambda b: b.path))
    ordered_pages = tuple(sorted(pages, key=lambda p: p.path))
    problems = duplicate_source_ids([(s.path, s.id, s.id_span) for s in ordered_sources])
    brief_slugs = [(b.path, b.slug) for b in ordered_briefs]
    problems += slug_collisions(brief_slugs, msg("this brief"), "/briefs/{}/")
    problems += slug_collisions([(p.path, p.slug) for p in ordered_pages], msg("this page"), "/{}/")
    corpus = Corpus(ordered_sources, ordered_briefs, by_id, ordered_pages)
    return corpus, problems


def corpus_in_order(
    sources: Iterable[Source],
    briefs: Iterable[Brief],
    pages: Iterable[SitePage],
    last: Corpus | None = None,
) -> Corpus:
    """The corpus ``build_corpus`` makes, without its problems: for ``serve``, whose check
    finds them (``check.incremental``). ``last``: the corpus of its last build, whose
    sources and ids are taken while the sources are the same objects (an edit of briefs)."""
    # Once per rebuild over the whole site: sorting by a C getter, no per-document
    # tuples, no slug checks (30 ms at 20,000 pages with them).
    listed = tuple(sources)
    if last is not None and len(listed) == len(last.sources) == sum(
        map(operator.is_, listed, last.sources)
    ):
        return Corpus(
            last.sources, _in_path_order(briefs), last.sources_by_id, _in_path_order(pages)
        )
    ordered_sources = _in_path_order(listed)
    by_id: dict[str, Source] = {}
    for source in ordered_sources:
        by_id.setdefault(source.id, source)
    return Corpus(ordered_sources, _in_path_order(briefs), by_id, _in_path_order(pages))


_path = operator.attrgetter("path")


_Document = TypeVar("_Document", Source, Brief, SitePage)


def _in_path_order(documents: Iterable[_Document]) -> tuple[_Document, ...]:
    return tuple(sorted(documents, key=_path))


def duplicate_source_ids(sources: Sequence[tuple[str, str, Span]]) -> list[Diagnostic]:
    """An error for each source (path, id, id's span; in path order) whose id an earlier
    one has. Takes plain values, so the check cache can run it over file summaries."""
    problems = []
    first_path: dict[str, str] = {}
    for path, source_id, id_span in sources:
        first = first_path.setdefault(source_id, path)
        if first != path:
            problems.append(
                error(
                    id_span,
                    "duplicate-source-id",
                    msg("source id '{id}' is already used by {path}", id=source_id, path=first),
                    hint=msg("set a different 'id:' in one of the two files' front matter"),
                )
            )
    return problems


def slug_collisions(
    documents: Sequence[tuple[str, str]], what: Message, address: str
) -> list[Diagnostic]:
    """An error for each document (path, slug; in path order) whose slug an earlier one
    has: both would be written to the same ``address`` (``/briefs/{}/``), one over the
    other."""
    problems = []
    first_path: dict[str, str] = {}
    for path, slug in documents:
        first = first_path.setdefault(slug, path)
        if first != path:
            problems.append(
                error(
                    Span(path),
                    "slug-collision",
                    msg(
                        "{this} and {path} both become {address}",
                        this=what,
                        path=first,
                        address=address.format(slug),
                    ),
                    hint=msg(
                        "rename one of the files (ä→ae, ö→oe, ü→ue, ß→ss, case and "
                        "subfolders do not tell files apart in URLs)"
                    ),
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
    budget = HelpBudget()  # the help of this brief's quote diagnostics, bounded together
    for group in brief.citations:
        resolved = [_resolve(ref, corpus, problems) for ref in group.refs]
        every += resolved
        if all(r is not None for r in resolved):
            cited = [r for r in resolved if r is not None]
            for quote in group.quotes:
                problems += quote_problems(
                    quote, cited, corpus, site_language=config.language, budget=budget
                )
    if every and all(r is not None for r in every):
        cited_by_brief = [r for r in every if r is not None]
        problems += front_quote_problems(brief, cited_by_brief, corpus, config.language, budget)
    return problems


def _sourcing_problems(brief: Brief, config: SiteConfig) -> list[Diagnostic]:
    if not any(paragraph.citations for paragraph in brief.paragraphs):
        return [
            error(
                _body_start(brief),
                "no-citations",
                msg("brief cites no source"),
                hint=msg(
                    "back each statement with a citation such as [@source#p1]; "
                    "'site-builder anchors SOURCE' lists a source's paragraphs"
                ),
            )
        ]
    if not config.require_citation_per_paragraph:
        return []
    return [
        error(
            paragraph.span,
            "uncited-paragraph",
            msg("paragraph {index} cites no source", index=paragraph.index),
            hint=msg(
                "add a citation such as [@source#p1] to this paragraph (or switch the rule "
                "off with 'require_citation_per_paragraph: false' in site.yaml)"
            ),
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
                msg("there is no source '{id}'", id=ref.source_id),
                hint=joined(
                    [
                        did_you_mean(ref.source_id, corpus.sources_by_id),
                        msg("sources are the files in content/; the id is the file name or 'id:'"),
                    ]
                ),
            )
        )
        return None
    if ref.anchor is None:
        problems.append(
            error(
                ref.span,
                "missing-anchor",
                msg("citation of '{id}' names no paragraph", id=ref.source_id),
                hint=msg(
                    "write @{id}#p1 (or a ^name anchor); 'site-builder anchors {id}' lists them",
                    id=ref.source_id,
                ),
            )
        )
        return None
    if ref.anchor not in source.anchors:
        problems.append(_unknown_anchor(ref, ref.anchor, source))
        return None
    return source, ref.anchor


def _unknown_anchor(ref: CitationRef, anchor: str, source: Source) -> Diagnostic:
    guess = closest_anchor(anchor, source.anchors, len(source.paragraphs))
    return error(
        ref.span,
        "unknown-anchor",
        msg(
            "source '{id}' has no anchor '{anchor}' (it has {anchors})",
            id=source.id,
            anchor=anchor,
            anchors=source.anchor_range() if source.paragraphs else msg("no paragraphs"),
        ),
        hint=joined(
            [maybe_meant(guess), msg("'site-builder anchors {id}' lists them", id=source.id)]
        ),
    )
