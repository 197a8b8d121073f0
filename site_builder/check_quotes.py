"""The quote rule's diagnostics (SPEC §4): one quote against the paragraphs that attest it.

Pure, like ``check``: takes the quote, the cited paragraphs and the corpus, returns
diagnostics. When a quote does not stand where it is cited, it says where it does stand
(another paragraph, another source) or else the closest passage of the cited paragraphs.
"""

from __future__ import annotations

from collections.abc import Sequence

from .diagnostics import Diagnostic, error
from .model import Corpus, Quote, Source
from .quotes import closest_passage, normalise, quote_matches_normalised

Cited = Sequence[tuple[Source, str]]  # (source, anchor as cited), every anchor resolved


def quote_problems(quote: Quote, cited: Cited, corpus: Corpus) -> list[Diagnostic]:
    """Diagnostics for one quote attested by the cited (source, anchor) pairs."""
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
                hint=_corrected_citation(cited, elsewhere),
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


def _corrected_citation(cited: Cited, places: list[tuple[Source, str]]) -> str:
    """The group with the quote's paragraph in place of the ref that most likely meant it:
    the one ref of the same source, else the only ref; otherwise it is added. The group is
    read back from ``cited``, which holds its refs in order, each as written."""
    source, anchor = places[0]
    keys = [f"{cited_source.id}#{cited_anchor}" for cited_source, cited_anchor in cited]
    same_source = [i for i, (cited_source, _) in enumerate(cited) if cited_source.id == source.id]
    replaced = same_source[0] if len(same_source) == 1 else 0 if len(keys) == 1 else None
    wanted = f"{source.id}#{anchor}"
    if replaced is None:
        return f"add @{wanted} to the group: {_group([*keys, wanted])}"
    corrected = keys.copy()
    corrected[replaced] = wanted
    return f"cite {_group(corrected)} instead of {_group(keys)}"


def _group(keys: list[str]) -> str:
    return "[" + "; ".join(f"@{key}" for key in keys) + "]"
