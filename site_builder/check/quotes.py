"""The quote rule (SPEC §4): quoted words must really stand in the cited paragraph.

Normalisation is deliberately small, so a match means the words are there: whitespace runs
become one space, every quotation mark, single or double, and every apostrophe becomes
``"`` (a German quote nests the source's "…" as ‚…‘) and invisible characters (zero-width,
soft hyphen) go. Case, letters, digits, dashes and punctuation must
match exactly. ``[…]``, ``[...]``, ``…`` and ``...`` inside a quote stand for an omission: the
pieces around it must appear in that order. Every piece must start and end on a word boundary,
so „verhandelbar“ does not match inside "unverhandelbar" (a combining mark is part of the
word of the letter it stands on).
"""

from __future__ import annotations

import functools
import re
import unicodedata

_DOUBLE_MARKS = str.maketrans(dict.fromkeys('„“”‟"«»', '"'))
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
_MARKS_AND_INVISIBLES = _DOUBLE_MARKS | _INVISIBLE
# A single mark between letters is an apostrophe ("Putin’s", "isn't"); any other is a
# quotation mark and compares like a double one: German copy nests the source's "…" as ‚…‘
# (SPEC §4).
_SINGLE = re.compile("[‚‘’‛‹›`´']")


def _single(match: re.Match[str]) -> str:
    text, at = match.string, match.start()
    before = text[at - 1] if at > 0 else " "
    after = text[at + 1] if at + 1 < len(text) else " "
    return "'" if _in_word(before) and after.isalnum() else '"'


_OMISSION = re.compile(r"\[\s*(?:…|\.\.\.)\s*\]|\(\s*(?:…|\.\.\.)\s*\)|…|\.\.\.")


def normalise(text: str) -> str:
    # Invisible characters go before NFC: one between a letter and its combining mark
    # ("A\u00ad\u0301") must not keep the two from composing to the "Á" the paragraph has.
    text = text.translate(_MARKS_AND_INVISIBLES)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = _SINGLE.sub(_single, text)
    return " ".join(text.split())


@functools.lru_cache(maxsize=4096)
def _pieces(quote: str) -> tuple[str, ...]:
    return tuple(p for p in (normalise(piece) for piece in _OMISSION.split(quote)) if p)


def quote_pieces(quote: str) -> list[str]:
    """The normalised pieces of a quote between omission marks (empty pieces dropped).
    Cached: a quote is matched, checked for omissions and maybe searched elsewhere."""
    return list(_pieces(quote))


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
        if on_word_bounds(haystack, at, at + len(needle)):
            return at
        at = haystack.find(needle, at + 1)
    return -1


def piece_places(haystack: str, piece: str, start: int, limit: int) -> list[int]:
    """Offsets of the first ``limit`` places from ``start`` where ``piece`` stands in
    ``haystack`` on word bounds (as the quote rule finds it), in ascending order."""
    places: list[int] = []
    at = _find_on_word_bounds(haystack, piece, start)
    while at >= 0 and len(places) < limit:
        places.append(at)
        at = _find_on_word_bounds(haystack, piece, at + 1)
    return places


def on_word_bounds(text: str, start: int, end: int) -> bool:
    """Does ``text[start:end]`` (not empty) cut no word of ``text`` apart at either end?"""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    starts_ok = not (_in_word(before) and _in_word(text[start]))
    ends_ok = not (_in_word(after) and _in_word(text[end - 1]))
    return starts_ok and ends_ok


def _in_word(char: str) -> bool:
    """Letters, digits and combining marks: a mark belongs to the letter before it, so
    „Haq“ does not stand in "Haq\u0301" (q́ has no composed form) and a Devanagari vowel
    sign does not end a word."""
    return char.isalnum() or unicodedata.category(char).startswith("M")
