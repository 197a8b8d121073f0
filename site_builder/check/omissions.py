"""Omissions that turn a quote's meaning around (SPEC §4): an omission inside a quote
(``[…]``, ``...``, see ``quotes``) may not leave out a negation of the cited paragraph.

„unbestreitbar und […] verhandelbar“ stands in "unbestreitbar und nicht verhandelbar" by
the word-for-word rule, yet says the opposite. A quote's pieces can stand in a paragraph at
several places, and only one placement need be honest: the quote is reported only when
every placement of its pieces (in order, on word bounds) leaves a negation out between two
pieces. A leading or trailing omission leaves out nothing that can be named.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .quotes import on_word_bounds, piece_places

# Negations by primary language subtag, matched as whole words in any case. Besides the
# particles, the words that deny a noun or a whole clause (kein…, nichts, niemand, ohne;
# nothing, nobody, without): leaving one out flips a statement just as well.
NEGATIONS: dict[str, tuple[str, ...]] = {
    "de": (
        "nicht",
        "nichts",
        "nie",
        "niemals",
        "niemand",
        "niemanden",
        "niemandem",
        "nirgends",
        "kein",
        "keine",
        "keinen",
        "keinem",
        "keiner",
        "keines",
        "keins",
        "keinerlei",
        "weder",
        "ohne",
    ),
    "en": (
        "not",
        "no",
        "never",
        "nothing",
        "none",
        "nobody",
        "nowhere",
        "neither",
        "nor",
        "without",
        "cannot",
    ),
}
# English contractions: "isn't", "don't", "won't" (apostrophes are "'" once normalised).
_CONTRACTIONS = {"en": (r"[^\W_]+n't",)}


def _pattern(language: str) -> re.Pattern[str]:
    # Longest words first: "nicht" must not match the start of "nichts" and then be
    # rejected for ending inside a word, hiding the "nichts" that stands there.
    words = sorted(NEGATIONS[language], key=len, reverse=True)
    return re.compile("|".join([*words, *_CONTRACTIONS.get(language, ())]), re.IGNORECASE)


_PATTERNS = {language: _pattern(language) for language in NEGATIONS}

# Places looked at per piece. A piece standing more often than this (a lone "die" in a
# very long paragraph) is not judged: an error must be certain, and the alignment costs
# the square of this per pair of pieces.
MAX_PLACES = 64

Offsets = tuple[int, int]  # start and end in the paragraph's quotable text


@dataclass(frozen=True, slots=True)
class DroppedNegation:
    """The placement of a quote's pieces that leaves out the least negated text: where each
    piece stands, which gap between two pieces holds the negation (the shortest such gap),
    and the negation word in it."""

    pieces: tuple[Offsets, ...]
    gap: int  # the gap between pieces[gap] and pieces[gap + 1]
    negation: Offsets

    def gap_span(self, index: int) -> Offsets:
        return self.pieces[index][1], self.pieces[index + 1][0]


def language_negations(language: str) -> re.Pattern[str] | None:
    """The negation words of a BCP 47 language (``de``, ``de-AT``, ``en-GB``), or None for
    a language without a list: its quotes are not judged by this rule."""
    return _PATTERNS.get(language.split("-", 1)[0].casefold())


def negation_spans(text: str, language: str) -> list[Offsets]:
    """Where the negation words of ``language`` stand in ``text``, as whole words."""
    return list(_negation_spans(text, language))


# Every quote with an omission citing a paragraph looks for its negations: found once per
# paragraph, not once per quote (200 quotes against a 1 MB paragraph).
@functools.lru_cache(maxsize=8)
def _negation_spans(text: str, language: str) -> tuple[Offsets, ...]:
    pattern = language_negations(language)
    if pattern is None:
        return ()
    return tuple(
        match.span()
        for match in pattern.finditer(text)
        if on_word_bounds(text, match.start(), match.end())
    )


def dropped_negation(pieces: Sequence[str], haystack: str, language: str) -> DroppedNegation | None:
    """How the omissions of a quote (its ``pieces``, ``quotes.quote_pieces``) leave out a
    negation of ``haystack`` (normalised paragraph text) when every placement of the
    pieces does; None when one placement does not, when the pieces do not stand in
    ``haystack`` at all, or when a piece stands too often to tell."""
    if len(pieces) < 2:
        return None
    negations = negation_spans(haystack, language)
    if not negations:
        return None
    places = _places(pieces, haystack)
    if places is None:
        return None
    return _cheapest(places, _Negations(negations))


def _places(pieces: Sequence[str], haystack: str) -> list[list[Offsets]] | None:
    """Every place of every piece that can follow a place of the piece before it; each
    search starts where the previous piece's first place ends. None when a piece is missing
    or stands more than ``MAX_PLACES`` times there."""
    places = []
    start = 0
    for piece in pieces:
        found = piece_places(haystack, piece, start, MAX_PLACES + 1)
        if not found or len(found) > MAX_PLACES:
            return None
        places.append([(at, at + len(piece)) for at in found])
        start = found[0] + len(piece)
    return places


@dataclass(frozen=True, slots=True)
class _Negations:
    """Negation spans in ascending order, for "which negation lies within this gap"."""

    spans: list[Offsets]

    def first_within(self, start: int, end: int) -> Offsets | None:
        # Negations do not overlap, so the first one starting in the gap ends first.
        index = bisect.bisect_left(self.spans, (start, start))
        if index < len(self.spans) and self.spans[index][1] <= end:
            return self.spans[index]
        return None


def _cheapest(places: list[list[Offsets]], negations: _Negations) -> DroppedNegation | None:
    """The placement leaving out the fewest characters of negated gaps (dynamic programming
    over the places of consecutive pieces); None when that is none at all."""
    costs: list[int | None] = [0] * len(places[0])
    links: list[list[int]] = []
    for before, after in itertools.pairwise(places):
        step = [_best_link(before, costs, place, negations) for place in after]
        links.append([link for link, _ in step])
        costs = [cost for _, cost in step]
    finite = [(cost, index) for index, cost in enumerate(costs) if cost is not None]
    if not finite or min(finite)[0] == 0:
        return None
    chosen = [min(finite)[1]]
    for link in reversed(links):
        chosen.append(link[chosen[-1]])
    spans = tuple(piece[index] for piece, index in zip(places, reversed(chosen), strict=True))
    return _shortest_dropping(spans, negations)


def _best_link(
    before: list[Offsets], costs: list[int | None], place: Offsets, negations: _Negations
) -> tuple[int, int | None]:
    """The place of the previous piece that ``place`` best follows, and the cost so far
    (None: no place of the previous piece ends before ``place`` starts)."""
    best: tuple[int, int | None] = (-1, None)
    for index, (_, end) in enumerate(before):
        cost = costs[index]
        if end > place[0] or cost is None:
            continue
        if negations.first_within(end, place[0]) is not None:
            cost += place[0] - end
        if best[1] is None or cost < best[1]:
            best = (index, cost)
    return best


def _shortest_dropping(spans: tuple[Offsets, ...], negations: _Negations) -> DroppedNegation:
    dropping = [
        (spans[gap + 1][0] - spans[gap][1], gap, negation)
        for gap in range(len(spans) - 1)
        for negation in [negations.first_within(spans[gap][1], spans[gap + 1][0])]
        if negation is not None
    ]
    _, gap, negation = min(dropping)
    return DroppedNegation(spans, gap, negation)
