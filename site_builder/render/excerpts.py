"""What a citation's preview shows of its paragraph: the whole paragraph when it is short,
as nearly every paragraph is, else an excerpt of ``PREVIEW_CHARS`` around the passage the
brief quotes (or from the paragraph's start), marked with „…“.

A preview stands on every page of a brief citing the paragraph, so showing a long
paragraph whole made pages grow with the paragraphs they cite (300 citations of a 1 MB
paragraph: a 302 MB page, issue 16). The whole paragraph is on its source page, which
"Zur Quelle" opens.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from ..check.quotes import quote_pieces

# The most characters a preview shows of a paragraph. Paragraphs of news articles are
# shorter (this site's longest cited one has 829 characters), so they are shown whole; a
# longer one is a document pasted as one paragraph, of which a preview shows a window.
PREVIEW_CHARS = 1000
# A window around a quote opens with the quote's sentence when it starts at most this many
# characters before the quote (so the list's two-line view shows the quote), else this
# many characters before it.
_CONTEXT_BEFORE = PREVIEW_CHARS // 4
_SENTENCE_END = re.compile(r"[.!?…][\"“”»«’‘']?\s+")
# Quotes tried per paragraph, and words of a quote searched for: each search reads the
# paragraph once, so a brief quoting a long paragraph a thousand times still reads it a
# few times.
_QUOTES_TRIED = 3
_WORDS_SEARCHED = 8
# Quotation marks and apostrophes compare alike (the quote rule, ``check.quotes``).
_MARK = "[\"'„“”‟«»‚‘’‛‹›`´]"
ELLIPSIS = "…"


def excerpt(text: str, quotes: Iterable[str] = ()) -> str:
    """``text`` if it has at most ``PREVIEW_CHARS`` characters; else a window of that many
    around the first of ``quotes`` found in it (else from its start), cut at spaces, with
    „…“ where text is left out."""
    if len(text) <= PREVIEW_CHARS:
        return text
    quoted = _quoted_at(text, quotes)
    start, exact = (0, True) if quoted is None else _sentence_start(text, quoted)
    end = min(len(text), start + PREVIEW_CHARS)
    if end - start < PREVIEW_CHARS:  # a quote near the end: the window ends with the text
        start, exact = end - PREVIEW_CHARS, False
    if start > 0 and not exact:
        start = _word_start(text, start, end)
    if end < len(text):
        end = _word_end(text, start, end)
    before = ELLIPSIS if start > 0 else ""
    after = ELLIPSIS if end < len(text) else ""
    return f"{before}{text[start:end].strip()}{after}"


def _quoted_at(text: str, quotes: Iterable[str]) -> int | None:
    """Where the first quote found starts in ``text``: its first piece's first words,
    searched loosely (marks alike, any run of whitespace). A quote not found this way (an
    invisible character, another Unicode form) leaves the preview at the start."""
    tried = 0
    for quote in dict.fromkeys(quotes):
        pieces = quote_pieces(quote)
        if not pieces:
            continue
        words = pieces[0].split()[:_WORDS_SEARCHED]
        pattern = r"\s+".join(re.sub("[\"']", _MARK, re.escape(word)) for word in words)
        found = re.search(pattern, text)
        if found:
            return found.start()
        tried += 1
        if tried == _QUOTES_TRIED:
            return None
    return None


def _sentence_start(text: str, quoted: int) -> tuple[int, bool]:
    """Where the window around the quote at ``quoted`` starts: at its sentence when that
    starts within reach (True: a start to keep), else at the reach (False: to be moved to
    a word's start)."""
    reach = max(0, quoted - _CONTEXT_BEFORE)
    ends = list(_SENTENCE_END.finditer(text, reach, quoted))
    if ends:
        return ends[-1].end(), True
    return reach, reach == 0


_SPACE = re.compile(r"\s")


def _word_start(text: str, start: int, end: int) -> int:
    """The first word that starts at or after ``start`` (``start`` itself when the window
    holds no space), never inside a letter and its combining marks."""
    space = _SPACE.search(text, start, end)
    if space:
        return space.end()
    while start < end and unicodedata.combining(text[start]):
        start += 1
    return start


def _word_end(text: str, start: int, end: int) -> int:
    """The end of the last word that ends by ``end`` (``end`` itself when the window holds
    no space), never between a letter and its combining marks."""
    space = max(text.rfind(" ", start, end + 1), text.rfind("\n", start, end + 1))
    if space > start:
        return space
    while end > start and unicodedata.combining(text[end]):
        end -= 1
    return end
