"""The quote rule's diagnostics (SPEC §4): one quote against the paragraphs that attest it.

Pure, like ``check``: takes the quote, the cited paragraphs and the corpus, returns
diagnostics. A quote passes when it stands in one cited paragraph with omissions that leave
out no negation (``omissions``). When it stands nowhere it was cited, the diagnostic says
where it does stand (another paragraph, another source) or else the closest passage of the
cited paragraphs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from ..corpus import Corpus
from ..diagnostics import Diagnostic, error
from ..load.front_quotes import FIELD_WORDS
from ..messages import Message, and_list, literal, msg, msg_n, or_list
from ..model import Brief, Paragraph, Quote, Source
from .omissions import DroppedNegation, dropped_negation
from .passages import closest_passage, is_indexed
from .quotes import normalise, quote_matches_normalised, quote_pieces
from .word_diff import Part, describe, render_plain, shortened

Cited = Sequence[tuple[Source, str]]  # (source, anchor as cited), every anchor resolved
# Detail labels (report colours them as word diffs; JSON keeps their English text).
CLOSEST, LEFT_OUT = msg("closest"), msg("left out")

# What one brief's quote-not-found diagnostics may read to help: where else the quote
# stands (a scan of every paragraph of the site) and the closest passage (an index of
# each cited paragraph's words, about 0.2 s per MB, paid for only when it is not kept
# already: one long paragraph serves all its quotes). A quote's own check is always done;
# only this help is bounded, so that a brief of thousands of wrong quotes against
# megabyte paragraphs cannot take minutes (issue 16). The first wrong quotes of a brief,
# the ones an editor fixes first, get all of it: a scan of a 20,000-page site reads
# about 20 MB.
ELSEWHERE_CHARACTERS = 256 * 1024 * 1024
CLOSEST_CHARACTERS = 8 * 1024 * 1024


@dataclass(slots=True)
class Allowance:
    """Characters that may still be read; spent all or nothing, and once refused, empty
    (what was not read then is not read later either, so help stays consistent)."""

    characters: int

    def spend(self, characters: int) -> bool:
        if characters > self.characters:
            self.characters = 0
            return False
        self.characters -= characters
        return True


@dataclass(slots=True)
class HelpBudget:
    """What one brief's quote diagnostics may still read for help: the scan for where else
    a quote stands (``ELSEWHERE_CHARACTERS``) and closest passages (``CLOSEST_CHARACTERS``).
    The limits are read when a budget is made, so that a test can lower them."""

    elsewhere: Allowance = dataclasses.field(
        default_factory=lambda: Allowance(ELSEWHERE_CHARACTERS)
    )
    closest: Allowance = dataclasses.field(default_factory=lambda: Allowance(CLOSEST_CHARACTERS))


def quote_problems(
    quote: Quote,
    cited: Cited,
    corpus: Corpus,
    *,
    site_language: str = "de",
    budget: HelpBudget | None = None,
) -> list[Diagnostic]:
    """Diagnostics for one quote attested by the cited (source, anchor) pairs.

    ``site_language`` (``SiteConfig.language``) is the language of a source that names
    none: it chooses the negations an omission may not leave out. ``budget`` bounds the
    help of a quote-not-found diagnostic over all quotes of a brief (one per brief)."""
    dropping: list[tuple[str, str, DroppedNegation]] = []
    for source, anchor in cited:
        paragraph = _paragraph(source, anchor)
        if not quote_matches_normalised(quote.text, paragraph.quotable):
            continue
        language = source.language or site_language
        dropped = dropped_negation(quote_pieces(quote.text), paragraph.quotable, language)
        if dropped is None:
            return []
        dropping.append((f"{source.id}#{anchor}", paragraph.quotable, dropped))
    if dropping:
        return [_dropped_negation(quote, *min(dropping, key=_left_out_length))]
    return [_not_found(quote, cited, corpus, budget or HelpBudget())]


def front_quote_problems(
    brief: Brief,
    cited: Cited,
    corpus: Corpus,
    site_language: str,
    budget: HelpBudget | None = None,
) -> list[Diagnostic]:
    """Quotations in the title and summary must stand in one of the paragraphs the brief
    cites (``cited``: all of them, every one resolved), omitting no negation."""
    budget = budget or HelpBudget()
    problems = []
    for field, quote in brief.front_quotes:
        found = quote_problems(quote, cited, corpus, site_language=site_language, budget=budget)
        for problem in found:
            problems.append(
                problem
                if problem.code != "quote-not-found"
                else _not_in_brief(quote, field, cited, corpus, budget)
            )
    return problems


def _not_in_brief(
    quote: Quote, field: str, cited: Cited, corpus: Corpus, budget: HelpBudget
) -> Diagnostic:
    elsewhere = _quote_elsewhere(quote.text, [source for source, _ in cited], corpus, budget)
    where = FIELD_WORDS[field]
    hint = (
        msg(
            "it stands in {places}: cite that paragraph in the body, or change {field}",
            places=_listing(elsewhere),
            field=where,
        )
        if elsewhere
        else msg(
            "quote a cited paragraph word for word in {field}, or cite the paragraph "
            "that says it in the body",
            field=where,
        )
    )
    return error(
        quote.span,
        "quote-not-found",
        msg(
            "quoted text „{quote}“ in {field} stands in none of the paragraphs this brief cites",
            quote=normalise(quote.text),
            field=where,
        ),
        hint=hint,
    )


def _paragraph(source: Source, anchor: str) -> Paragraph:
    paragraph = source.paragraph(anchor)
    assert paragraph is not None, "cited anchors are resolved before quotes are checked"
    return paragraph


def _not_found(quote: Quote, cited: Cited, corpus: Corpus, budget: HelpBudget) -> Diagnostic:
    """Where the quote stands instead, or that it runs across a paragraph break, or else
    the closest passage of the cited paragraphs."""
    where = or_list([literal(f"{source.id}#{anchor}") for source, anchor in cited])
    message = msg(
        "quoted text „{quote}“ does not stand in {places}",
        quote=normalise(quote.text),
        places=where,
    )
    elsewhere = _quote_elsewhere(quote.text, [source for source, _ in cited], corpus, budget)
    if elsewhere:
        return error(
            quote.span,
            "quote-not-found",
            msg(
                "{problem}; the quote stands in {places}",
                problem=message,
                places=_listing(elsewhere),
            ),
            hint=_corrected_citation(cited, elsewhere),
        )
    across = _across_break(quote.text, cited)
    if across:
        return error(
            quote.span,
            "quote-not-found",
            msg("{problem}; it runs across the break between {pair}", problem=message, pair=across),
            hint=msg(
                "quotes cannot cross a paragraph break; cite both paragraphs and quote each "
                "part separately"
            ),
        )
    return error(
        quote.span,
        "quote-not-found",
        message,
        hint=msg(
            "quote the source word for word ([…] marks an omission), or cite the paragraph "
            "that says it"
        ),
        details=_closest(quote.text, cited, budget),
    )


def _across_break(quote: str, cited: Cited) -> Message | None:
    """``src#p5 and #p6`` when the quote stands in a cited paragraph and the one before or
    after it read as one text: it starts at the end of one and goes on at the start of the
    next (it stands in neither alone, or it would have been found there)."""
    for source, anchor in cited:
        index = source.anchors[anchor]
        for first, second in ((index - 1, index), (index, index + 1)):
            if first < 1 or second > len(source.paragraphs):
                continue
            pair = source.paragraphs[first - 1], source.paragraphs[second - 1]
            if quote_matches_normalised(quote, f"{pair[0].quotable} {pair[1].quotable}"):
                names = [anchor if p.index == index else p.name or p.anchor for p in pair]
                return and_list([literal(f"{source.id}#{names[0]}"), literal(f"#{names[1]}")])
    return None


# A closest passage is at most about the quote's length (500 characters): shown whole.
_WHOLE_PASSAGE = 500


def _closest(quote: str, cited: Cited, budget: HelpBudget) -> tuple[tuple[Message, str], ...]:
    """The ``closest`` detail: the cited paragraphs' passage closest to the quote, as a
    word diff from the quote's words (``[-brief-]{+source+}``); none if nothing is close
    or the brief's budget for this help is spent."""
    passages = [
        (f"{source.id}#{anchor}", closest_passage(quote, text))
        for source, anchor in cited
        for text in [_paragraph(source, anchor).text]
        if is_indexed(text) or budget.closest.spend(len(text))
    ]
    if not passages:
        return ()
    key, best = max(passages, key=lambda item: item[1].rank())
    if not best.text:
        return ()
    diff = describe(" ".join(quote_pieces(quote)), best.text, context=_WHOLE_PASSAGE)
    return ((CLOSEST, f"{key}: „{diff}“"),)


# omissions


def _left_out_length(item: tuple[str, str, DroppedNegation]) -> int:
    start, end = item[2].gap_span(item[2].gap)
    return end - start


def _dropped_negation(quote: Quote, key: str, text: str, dropped: DroppedNegation) -> Diagnostic:
    start, end = dropped.gap_span(dropped.gap)
    left_out = _excerpt(text, start, end, dropped.negation)
    return error(
        quote.span,
        "omission-drops-negation",
        msg(
            "the omission in „{quote}“ leaves out „{left_out}“ from {key}",
            quote=normalise(quote.text),
            left_out=left_out,
            key=key,
        ),
        hint=msg(
            "quote the left-out words with the negation, or end the quote before the omission"
        ),
        details=((LEFT_OUT, f"„{_with_gaps(text, dropped)}“"),),
    )


_AROUND = 3  # words of a long left-out text shown on each side of its negation, or at its ends


def _excerpt(text: str, start: int, end: int, focus: tuple[int, int] | None) -> str:
    """``text[start:end]`` without its edge spaces; when long, cut to ``_AROUND`` words on
    each side of ``focus`` (the negation) or, without one, to its first and last words."""
    gap = text[start:end]
    start += len(gap) - len(gap.lstrip())
    end -= len(gap) - len(gap.rstrip())
    if focus is None:
        words = text[start:end].split(" ")
        if len(words) <= 2 * _AROUND + 1:
            return text[start:end]
        return " ".join([*words[:_AROUND], "…", *words[-_AROUND:]])
    head = text[start : focus[0]].split(" ")  # the last item is glued to the negation (a „)
    tail = text[focus[1] : end].split(" ")  # the first one too (a comma)
    if len(head) > _AROUND + 1:
        head = ["…", *head[-_AROUND - 1 :]]
    if len(tail) > _AROUND + 1:
        tail = [*tail[: _AROUND + 1], "…"]
    return " ".join(head) + text[slice(*focus)] + " ".join(tail)


def _with_gaps(text: str, dropped: DroppedNegation) -> str:
    """The quoted stretch of ``text`` as a word diff from the quote: its pieces as they
    stand, the left-out text between them as added words, long stretches shortened."""
    parts = [Part("same", text[slice(*dropped.pieces[0])])]
    for gap in range(len(dropped.pieces) - 1):
        start, end = dropped.gap_span(gap)
        left_out = text[start:end]
        focus = dropped.negation if gap == dropped.gap else None
        if left_out.strip():
            lead = left_out[: len(left_out) - len(left_out.lstrip())]
            parts += [Part("same", lead), Part("added", _excerpt(text, start, end, focus))]
            left_out = left_out[len(left_out.rstrip()) :]
        parts.append(Part("same", left_out + text[slice(*dropped.pieces[gap + 1])]))
    return render_plain(shortened(_merged(parts)))


def _merged(parts: list[Part]) -> list[Part]:
    merged: list[Part] = []
    for part in parts:
        if merged and merged[-1].kind == part.kind == "same":
            merged[-1] = Part("same", merged[-1].text + part.text)
        elif part.text:
            merged.append(part)
    return merged


# quotes found elsewhere


def _quote_elsewhere(
    quote: str, cited: list[Source], corpus: Corpus, budget: HelpBudget
) -> list[tuple[Source, str]]:
    """Where the quote stands instead (source, anchor): in other paragraphs of the cited
    sources, or else in exactly one other source; the usual cause is a wrong paragraph
    number. A paragraph's ^name is given rather than its position: it does not move.
    Nothing when the brief's budget cannot pay for the whole scan (a partial scan could
    call a source the only one that has the quote)."""
    unique = {source.id: source for source in cited}
    found = [
        hit for source in unique.values() for hit in _paragraphs_quoting(quote, source, budget)
    ]
    if found:
        return found
    others = [
        hits
        for source in corpus.sources
        if source.id not in unique and corpus.sources_by_id.get(source.id) is source
        for hits in [_paragraphs_quoting(quote, source, budget)]
        if hits
    ]
    return others[0] if len(others) == 1 and budget.elsewhere.characters else []


def _paragraphs_quoting(quote: str, source: Source, budget: HelpBudget) -> list[tuple[Source, str]]:
    if not budget.elsewhere.spend(sum(len(paragraph.quotable) for paragraph in source.paragraphs)):
        return []
    return [
        (source, paragraph.name or paragraph.anchor)
        for paragraph in source.paragraphs
        if quote_matches_normalised(quote, paragraph.quotable)
    ]


_LISTED = 3  # places named at most; more are summed up


def _listing(places: list[tuple[Source, str]]) -> Message:
    """``kreml-gebiete#p10`` or ``kreml-gebiete#p10, #p12 and 2 more paragraphs``."""
    names = []
    previous = None
    for source, anchor in places[:_LISTED]:
        names.append(literal(f"#{anchor}" if source.id == previous else f"{source.id}#{anchor}"))
        previous = source.id
    if len(places) > _LISTED:
        more = len(places) - _LISTED
        names.append(msg_n("{n} more paragraph", "{n} more paragraphs", more))
    return and_list(names)


def _corrected_citation(cited: Cited, places: list[tuple[Source, str]]) -> Message:
    """The group with the quote's paragraph in place of the ref that most likely meant it:
    the one ref of the same source, else the only ref; otherwise it is added. The group is
    read back from ``cited``, which holds its refs in order, each as written."""
    source, anchor = places[0]
    keys = [f"{cited_source.id}#{cited_anchor}" for cited_source, cited_anchor in cited]
    same_source = [i for i, (cited_source, _) in enumerate(cited) if cited_source.id == source.id]
    replaced = same_source[0] if len(same_source) == 1 else 0 if len(keys) == 1 else None
    wanted = f"{source.id}#{anchor}"
    if replaced is None:
        return msg(
            "add @{wanted} to the group: {group}", wanted=wanted, group=_group([*keys, wanted])
        )
    corrected = keys.copy()
    corrected[replaced] = wanted
    return msg(
        "cite {corrected} instead of {cited}", corrected=_group(corrected), cited=_group(keys)
    )


def _group(keys: list[str]) -> str:
    return "[" + "; ".join(f"@{key}" for key in keys) + "]"
