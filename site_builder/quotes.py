"""The quote rule (SPEC §4): quoted words must really stand in the cited paragraph.

Normalisation is deliberately small, so a match means the words are there: whitespace runs
become one space, every quotation mark becomes ``"``, apostrophes become ``'`` and invisible
characters (zero-width, soft hyphen) go. Case, letters, digits, dashes and punctuation must
match exactly. ``[…]``, ``[...]``, ``…`` and ``...`` inside a quote stand for an omission: the
pieces around it must appear in that order. Every piece must start and end on a word boundary,
so „verhandelbar“ does not match inside "unverhandelbar".
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

# closing mark → the opening marks it can close (German „…“ and „…”, English “…”, "…", «…», »…«)
CLOSERS: dict[str, str] = {"“": "„", "”": "“„", '"': '"', "»": "«", "«": "»"}
_QUOTE_MARKS = str.maketrans({c: '"' for c in '„“”‟"«»'} | {c: "'" for c in "‚‘’‛‹›`´"})
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
_MARKS_AND_INVISIBLES = _QUOTE_MARKS | _INVISIBLE
_OMISSION = re.compile(r"\[\s*(?:…|\.\.\.)\s*\]|\(\s*(?:…|\.\.\.)\s*\)|…|\.\.\.")
_EDGE_PUNCTUATION = "\"',.;:"


def normalise(text: str) -> str:
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.translate(_MARKS_AND_INVISIBLES).split())


def quote_pieces(quote: str) -> list[str]:
    """The normalised pieces of a quote between omission marks (empty pieces dropped)."""
    return [p for p in (normalise(piece) for piece in _OMISSION.split(quote)) if p]


def quote_matches(quote: str, paragraph_text: str) -> bool:
    """True when every piece of ``quote`` stands in ``paragraph_text``, in order, on word bounds."""
    return quote_matches_normalised(quote, normalise(paragraph_text))


def quote_matches_normalised(quote: str, haystack: str) -> bool:
    """``quote_matches`` for a paragraph text already passed through ``normalise``."""
    pieces = quote_pieces(quote)
    if not pieces:
        return False
    position = 0
    for piece in pieces:
        found = _find_on_word_bounds(haystack, piece, position)
        if found < 0:
            return False
        position = found + len(piece)
    return True


def _find_on_word_bounds(haystack: str, needle: str, start: int) -> int:
    at = haystack.find(needle, start)
    while at >= 0:
        before = haystack[at - 1] if at > 0 else " "
        after = haystack[at + len(needle)] if at + len(needle) < len(haystack) else " "
        starts_ok = not (before.isalnum() and needle[0].isalnum())
        ends_ok = not (after.isalnum() and needle[-1].isalnum())
        if starts_ok and ends_ok:
            return at
        at = haystack.find(needle, at + 1)
    return -1


@dataclass(frozen=True, slots=True)
class Passage:
    text: str
    similarity: float


def closest_passage(quote: str, paragraph_text: str) -> Passage:
    """The run of words in the paragraph most like the quote: shown when a quote fails."""
    words = normalise(paragraph_text).split(" ")
    wanted = " ".join(quote_pieces(quote))
    size = max(1, len(wanted.split(" ")))
    best = Passage("", 0.0)
    for width in {max(1, size - 1), size, size + 1}:
        for begin in range(max(1, len(words) - width + 1)):
            candidate = " ".join(words[begin : begin + width])
            ratio = difflib.SequenceMatcher(None, wanted, candidate, autojunk=False).ratio()
            if ratio > best.similarity:
                best = Passage(candidate, ratio)
    return Passage(best.text.strip(_EDGE_PUNCTUATION), best.similarity)


def find_quote_before(src: str, end: int, limit: int) -> tuple[int, int] | None:
    """(open, close) offsets of a quotation that ends right before ``end`` in ``src``.

    Only whitespace may stand between the closing mark and ``end``; the opening mark is the
    nearest matching one after ``limit`` (the end of the previous citation group).
    """
    close = end - 1
    while close >= limit and src[close] in " \t\n":
        close -= 1
    if close < limit or src[close] not in CLOSERS:
        return None
    openers = CLOSERS[src[close]]
    for position in range(close - 1, limit - 1, -1):
        if src[position] in openers:
            return (position, close) if position + 1 < close else None
    return None
