"""What a brief rests on (SPEC §4): claims resting only on aggregators, outlets named as the
reporter that the citation does not come from, sources without provenance, headings cited
as statements, briefs dated before their sources, tags spelled two ways. All warnings.

Pure: takes the corpus, returns diagnostics. A ref that does not resolve was reported by
``check`` already; these checks pass over it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from ..corpus import Corpus
from ..dates import PartialDate
from ..diagnostics import Diagnostic, Span, warning
from ..messages import Message, and_list, literal, msg, msg_n, or_list
from ..model import Brief, CitationGroup, CitationRef, Source
from ..names import shown
from .outlets import Reporter, named_reporters, outlet_keys, outlet_label
from .tags import tag_names, tag_slug

_HEADING_WORDS = 6  # a cited paragraph of fewer words, without a full stop, is a heading
_SENTENCE_ENDS = (".", "!", "?", "…")
_CLOSING_QUOTES = "\"'“”»«’‘›‹"


def check_sourcing(corpus: Corpus) -> list[Diagnostic]:
    """Every warning of SPEC §4 "What a brief rests on", for the whole corpus."""
    known = frozenset().union(*(source_outlet_keys(source) for source in corpus.sources))
    names = tag_names(corpus.briefs)
    problems = [problem for source in corpus.sources for problem in provenance(source)]
    for brief in corpus.briefs:
        problems += brief_sourcing(brief, corpus, known, names)
    return problems


def source_outlet_keys(source: Source) -> frozenset[str]:
    """The outlets a source names (its own and those it relies on): the site knows an
    outlet when any source names it."""
    return outlet_keys((source.outlet, source.url, *source.based_on))


def brief_sourcing(
    brief: Brief, corpus: Corpus, known: Collection[str], names: Mapping[str, str]
) -> list[Diagnostic]:
    """The warnings of one brief. Reads of the corpus only the sources the brief's refs
    resolve to; ``known`` and ``names`` are the site-wide outlet keys and tag names."""
    problems = _sentence_problems(brief, corpus, known)
    problems += _heading_like(brief, corpus)
    problems += _later_sources(brief, corpus)
    problems += _tag_variants(brief, names)
    return problems


# --- whose report a sentence rests on ---------------------------------------------------------


def _sentence_problems(brief: Brief, corpus: Corpus, known: Collection[str]) -> list[Diagnostic]:
    """Attribution and aggregator warnings, sentence by sentence (a group's ``context``)."""
    sentences: dict[tuple[int, str], list[CitationGroup]] = {}
    for group in brief.citations:
        sentences.setdefault((group.paragraph, group.context), []).append(group)
    problems: list[Diagnostic] = []
    for (_, context), groups in sentences.items():
        cited = [(group, _cited_sources(group, corpus)) for group in groups]
        resolved = [(group, sources) for group, sources in cited if sources]
        reporters = named_reporters(context, known)
        problems += _attribution_mismatch(resolved, reporters)
        for group, sources in resolved:
            problems += _aggregator_only(group, sources, reporters)
    return problems


def _cited_sources(group: CitationGroup, corpus: Corpus) -> tuple[Source, ...]:
    """The sources of the group's paragraphs; empty when a ref does not resolve."""
    sources: dict[str, Source] = {}
    for ref in group.refs:
        source = corpus.sources_by_id.get(ref.source_id)
        if source is None or ref.anchor not in source.anchors:
            return ()
        sources[source.id] = source
    return tuple(sources.values())


def _keys(source: Source) -> frozenset[str]:
    return outlet_keys((source.outlet, source.url))


def _attribution_mismatch(
    resolved: Sequence[tuple[CitationGroup, tuple[Source, ...]]],
    reporters: Sequence[Reporter],
) -> list[Diagnostic]:
    """A sentence naming an outlet as the reporter, none of whose cited paragraphs come
    from that outlet; reported once, at the sentence's first group. A source without
    outlet or URL could be anyone's: then nothing is said."""
    sources = list({s.id: s for _, found in resolved for s in found}.values())
    if not reporters or not sources or not all(_keys(source) for source in sources):
        return []
    cited = frozenset().union(*(_keys(source) for source in sources))
    if any(reporter.key in cited for reporter in reporters):
        return []
    named = shown(reporters[0].text)
    outlets = list(dict.fromkeys(_outlet_name(source) for source in sources))
    return [
        warning(
            resolved[0][0].span,
            "attribution-mismatch",
            msg(
                "the sentence names {named} as the reporter, but the cited paragraphs come "
                "from {outlets}",
                named=named,
                outlets=_and(outlets),
            ),
            hint=msg(
                "cite {named}'s own report, or say whose account it is: "
                "'wie {outlet} unter Berufung auf {named} berichtete'",
                named=named,
                outlet=outlets[0],
            ),
        )
    ]


def _outlet_name(source: Source) -> str:
    """The outlet as messages name it: ``outlet``, else the host of ``url``."""
    return shown(source.outlet or outlet_label(source.url or source.id))


def _aggregator_only(
    group: CitationGroup, sources: Sequence[Source], reporters: Sequence[Reporter]
) -> list[Diagnostic]:
    """A group resting only on aggregators, unless its sentence names as the reporter one
    of them or an outlet they say they rely on."""
    if not all(source.kind == "aggregator" for source in sources):
        return []
    own = frozenset().union(*(_keys(s) | outlet_keys(s.based_on) for s in sources))
    if any(reporter.key in own for reporter in reporters):
        return []
    names = list(dict.fromkeys(shown(source.outlet or source.id) for source in sources))
    return [
        warning(
            group.span,
            "aggregator-only",
            msg_n(
                "{names} rewrites other outlets' reports: cite the original or say whose "
                "report it is",
                "{names} rewrite other outlets' reports: cite the original or say whose "
                "report it is",
                len(names),
                names=_and(names),
            ),
            hint=_aggregator_hint(names[0], sources),
        )
    ]


def _aggregator_hint(name: str, sources: Sequence[Source]) -> Message:
    relied_on = list(dict.fromkeys(shown(outlet_label(t)) for s in sources for t in s.based_on))
    if not relied_on:
        return msg(
            "cite the original report, or name the reporter: 'wie {name} berichtete'", name=name
        )
    return msg(
        "cite the report it relies on ({outlets}), or name the reporter: "
        "'wie {name} unter Berufung auf {outlet} berichtete'",
        outlets=or_list([literal(outlet) for outlet in relied_on]),
        name=name,
        outlet=relied_on[0],
    )


def _and(names: Sequence[str]) -> Message:
    return and_list([literal(name) for name in names])


# --- sources ----------------------------------------------------------------------------------


def provenance(source: Source) -> list[Diagnostic]:
    """A source that says neither where it appeared nor where it is online."""
    if source.outlet or source.url:
        return []
    return [
        warning(
            Span(source.path, 1, 1),
            "source-without-provenance",
            msg(
                "source '{id}' has neither 'outlet' nor 'url': readers cannot tell "
                "whose text it is",
                id=source.id,
            ),
            hint=msg(
                "add 'outlet: …' (the publication it appeared in) or 'url: https://…' "
                "(the article's address) to the front matter"
            ),
        )
    ]


def _heading_like(brief: Brief, corpus: Corpus) -> list[Diagnostic]:
    """Refs to a paragraph that reads like a heading: a few words and no full stop (sources
    copied from web pages often have headings as plain lines)."""
    problems = []
    for ref in brief.refs():
        source = corpus.sources_by_id.get(ref.source_id)
        paragraph = source.paragraph(ref.anchor or "") if source else None
        if source is None or paragraph is None or not _reads_like_heading(paragraph.text):
            continue
        text = shown(" ".join(paragraph.text.split()))
        problems.append(
            warning(
                ref.span,
                "cites-heading-like-paragraph",
                msg("{key} „{text}“ reads like a heading, not a statement", key=ref.key, text=text),
                hint=msg(
                    "mark it as a heading in the source ('## {text}' in {place}) and cite "
                    "the paragraph that says it",
                    text=text,
                    place=f"{paragraph.span.path}:{paragraph.span.line}",
                ),
            )
        )
    return problems


def _reads_like_heading(text: str) -> bool:
    if text.rstrip().rstrip(_CLOSING_QUOTES).endswith(_SENTENCE_ENDS):
        return False
    return len(text.split(maxsplit=_HEADING_WORDS)) < _HEADING_WORDS


# --- dates and tags ---------------------------------------------------------------------------


def _later_sources(brief: Brief, corpus: Corpus) -> list[Diagnostic]:
    """Sources published after the brief's day (its ``updated`` day, when later), reported
    at the first ref of each. A partial ``published`` counts from its earliest day."""
    if brief.date is None:
        return []
    latest = max(_first_day(brief.date), _first_day(brief.updated or brief.date))
    problems = []
    seen: set[str] = set()
    for ref in brief.refs():
        source = corpus.sources_by_id.get(ref.source_id)
        if source is None or source.published is None or source.id in seen:
            continue
        seen.add(source.id)
        if latest < _first_day(source.published):
            problems.append(_later_source(brief, ref, source, source.published))
    return problems


def _later_source(
    brief: Brief, ref: CitationRef, source: Source, published: PartialDate
) -> Diagnostic:
    assert brief.date is not None
    dated = literal(_day(brief.date))
    if brief.updated is not None:
        dated = msg("{day} (updated {updated})", day=_day(brief.date), updated=_day(brief.updated))
    return warning(
        ref.span,
        "cites-later-source",
        msg(
            "the brief is dated {dated}, before '{id}' was published ({published})",
            dated=dated,
            id=source.id,
            published=published.isoformat(),
        ),
        hint=msg(
            "check the brief's 'date' and 'published' in {path}; if an update "
            "added this citation, set the brief's 'updated:' to that day",
            path=source.path,
        ),
    )


def _first_day(date: PartialDate) -> tuple[int, int, int]:
    """The earliest calendar day ``date`` allows, as written (a time of day is ignored)."""
    return (date.year, date.month or 1, date.day or 1)


def _day(date: PartialDate) -> str:
    year, month, day = _first_day(date)
    return f"{year:04d}-{month:02d}-{day:02d}"


def _tag_variants(brief: Brief, names: Mapping[str, str]) -> list[Diagnostic]:
    """Tags written otherwise than the site shows them (one page per slug)."""
    spans = brief.tag_spans
    if len(spans) != len(brief.tags):
        spans = (Span(brief.path, 1, 1),) * len(brief.tags)
    problems = []
    for tag, span in zip(brief.tags, spans, strict=True):
        slug = tag_slug(tag)
        name = names.get(slug, tag)
        if name != tag:
            problems.append(
                warning(
                    span,
                    "tag-variant",
                    msg(
                        "tag '{tag}' is a variant of '{name}', the spelling in use",
                        tag=shown(tag),
                        name=shown(name),
                    ),
                    hint=msg(
                        "write '{name}': both make the tag page /tags/{slug}/, "
                        "which is shown as '{name}'",
                        name=shown(name),
                        slug=slug,
                    ),
                )
            )
    return problems
