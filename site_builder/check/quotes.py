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


# Places off word bounds tried with a plain ``find`` before the text is marked (below): a
# normal quote stands on word bounds at its first or second place, and marking a long text
# costs more than a few finds.
_PLAIN_TRIES = 8


def _find_on_word_bounds(haystack: str, needle: str, start: int) -> int:
    at = haystack.find(needle, start)
    for _ in range(_PLAIN_TRIES):
        if at < 0 or on_word_bounds(haystack, at, at + len(needle)):
            return at
        at = haystack.find(needle, at + 1)
    if at < 0:
        return -1
    # A needle standing at many places off word bounds ("aaa" in a 1 MB word) would cost
    # its length at every place: search the marked text once instead.
    return _marked(haystack).find(needle, at)


# Stands between a word and what is not a word in ``_Marked``. No loaded paragraph holds it
# (markdown-it turns NUL into U+FFFD); a text that does is searched place by place.
_MARK = "\x00"


# Marked texts kept: each about the size of its paragraph. Enough for a missing quote that
# is looked for in every paragraph of a site of 1 MB sources ("quote stands elsewhere").
@functools.lru_cache(maxsize=32)
def _marked(haystack: str) -> _Marked | _Unmarkable:
    """The marked form of a paragraph text, built once per text (see ``_Marked``)."""
    if _MARK in haystack:
        return _Unmarkable(haystack)
    return _Marked(haystack)


class _Marked:
    """A text with ``_MARK`` wherever a word starts or ends. A needle marked the same way
    (a mark before it when it starts with a word character, after it when it ends with
    one, and at its own word edges) stands in the marked text exactly where the needle
    stands in the text on word bounds, so one ``str.find``, linear in the text, finds it.
    Places are translated by counting marks (``str.count``, linear and fast)."""

    def __init__(self, text: str) -> None:
        # Splitting at word runs (kept) and joining with marks marks every word's edges.
        self._split = re.compile(f"({_word_pattern(text).pattern})").split
        self.text = _MARK.join(self._split(text))

    def find(self, needle: str, start: int) -> int:
        """The first place from ``start`` where ``needle`` stands on word bounds, or -1."""
        if _MARK in needle:  # not in the text, so the needle cannot stand there
            return -1
        marked = self.text.find(_MARK.join(self._split(needle)), self._slot(start))
        if marked < 0:
            return -1
        return marked - self.text.count(_MARK, 0, marked)

    def _slot(self, start: int) -> int:
        """Where the text's ``start`` stands in the marked text, before the mark there."""
        # The first place with ``start`` characters of the text before it: each round
        # counts the marks newly passed, fewer every time.
        at, marks, counted = start, 0, 0
        while True:
            marks += self.text.count(_MARK, counted, at)
            counted, ahead = at, start + marks
            if ahead == at:
                return at
            at = ahead


class _Unmarkable:
    """A text holding ``_MARK`` itself: searched place by place, as before marking."""

    def __init__(self, text: str) -> None:
        self.text = text

    def find(self, needle: str, start: int) -> int:
        at = self.text.find(needle, start)
        while at >= 0 and not on_word_bounds(self.text, at, at + len(needle)):
            at = self.text.find(needle, at + 1)
        return at


def _word_pattern(text: str) -> re.Pattern[str]:
    """Runs of word characters (``_in_word``) in ``text``: letters and digits, and the
    combining marks that stand in it (``\\w`` knows no marks)."""
    marks = "".join(sorted(c for c in set(_NOT_WORD_OR_SPACE.findall(text)) if _in_word(c)))
    return re.compile(f"(?:[^\\W_]|[{re.escape(marks)}])+" if marks else r"[^\W_]+")


_NOT_WORD_OR_SPACE = re.compile(r"[^\w\s]")


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
