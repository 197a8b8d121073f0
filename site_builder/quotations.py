"""Quotations in an editor's text, found the way German copy writes them (SPEC §4).

- Pairs: „…“ and „…” (German), “…” (English), "…" (straight), «…» and »…« (guillemets),
  and mixed pairs an editor types by accident: „…" is a quotation too.
- Nesting: ‚…‘ (or "…", “…”) inside „…“ belongs to the outer quotation, as German
  typography nests quotes. A ‚…‘ standing alone is a quotation of its own (``single``).
- Apostrophes are not quotation marks: a ’ or ' between letters ("geht’s") is skipped, and
  a straight ' never opens a quotation.
- A mark that opens and never closes within the text is reported as unbalanced.

Ambiguous marks (" “ ‘ ’) are read from their neighbours: after a space or at the start
they open, after a letter they close.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

# Opening mark → the marks that close it.
_CLOSERS = {
    "„": '“”"',
    "“": '”"',
    '"': '"”“',
    "«": "»",
    "»": "«",
    "‚": "‘’'",
    "‘": "’'",
    "‹": "›",
    "›": "‹",
}
_ALWAYS_OPEN = "„‚"  # never closers: open wherever they stand
_SINGLE = "‚‘’'‹›"
_APOSTROPHES = "’'"  # close a single quotation only when no letter follows
_OPENING_CONTEXT = "([{/–—-\u00a0"
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)*?\1", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Quotation:
    """A quotation of a text: offsets of its opening and closing mark. ``single`` for a
    quotation in single marks (‚…‘) that stands alone."""

    open: int
    close: int
    single: bool = False

    def inner(self, text: str) -> str:
        return text[self.open + 1 : self.close]


@dataclass(frozen=True, slots=True)
class Quotations:
    """The outermost quotations of a text, in order, and the offsets of marks that open
    and never close (each reported once, innermost included)."""

    closed: tuple[Quotation, ...]
    unclosed: tuple[int, ...]


def find_quotations(text: str, skip: Sequence[tuple[int, int]] = ()) -> Quotations:
    """The quotations of ``text``; ``skip`` holds (start, end) ranges that are not prose
    (citation groups), which never hold a quotation mark. Code spans are skipped too."""
    hidden = sorted([*skip, *((m.start(), m.end()) for m in _CODE_SPAN.finditer(text))])
    stack: list[tuple[str, int]] = []  # open marks: (mark, offset)
    closed: list[Quotation] = []
    unclosed: list[int] = []
    for at, mark in _marks(text, hidden):
        closing = _closed_level(stack, mark, text, at)
        if closing is not None:
            unclosed += [offset for _, offset in stack[closing + 1 :]]  # inner, never closed
            opener, start = stack[closing]
            del stack[closing:]
            if not stack:
                closed.append(Quotation(start, at, single=opener in _SINGLE))
        elif mark in _ALWAYS_OPEN or (mark in _CLOSERS and _opens_here(text, at)):
            stack.append((mark, at))
    unclosed += [offset for _, offset in stack]
    return Quotations(tuple(closed), tuple(sorted(unclosed)))


def _marks(text: str, hidden: list[tuple[int, int]]) -> list[tuple[int, str]]:
    """Every quotation mark of ``text`` outside the hidden ranges, with its offset."""
    found = []
    ranges = iter(hidden)
    current = next(ranges, None)
    for at, char in enumerate(text):
        while current is not None and at >= current[1]:
            current = next(ranges, None)
        if current is not None and current[0] <= at:
            continue
        if char in _CLOSERS or char in "”’'":
            found.append((at, char))
    return found


def _closed_level(stack: list[tuple[str, int]], mark: str, text: str, at: int) -> int | None:
    """The index in ``stack`` of the open mark that ``mark`` closes here, or None.

    The innermost open mark is tried first; an outer one is closed only when the mark
    cannot close the inner one (``„Er sagte ‚ja“``: the ‚ was never closed)."""
    if mark in _ALWAYS_OPEN or not _closes_here(text, at, mark):
        return None
    opens = stack and mark in _CLOSERS and _opens_here(text, at)
    if opens and (mark not in _CLOSERS[stack[-1][0]] or stack[-1][1] == at - 1):
        return None  # a new opening mark ("„"Problemen"“"), not a closer
    for level in range(len(stack) - 1, -1, -1):
        if mark in _CLOSERS[stack[level][0]]:
            return level
    return None


def _opens_here(text: str, at: int) -> bool:
    """A mark opens after the start, a space or an opening bracket, before a non-space."""
    before = text[at - 1] if at > 0 else " "
    after = text[at + 1] if at + 1 < len(text) else " "
    return (before.isspace() or before in _OPENING_CONTEXT or before in _CLOSERS) and not (
        after.isspace()
    )


def _closes_here(text: str, at: int, mark: str) -> bool:
    """A mark closes after a non-space; an apostrophe-like mark only before a non-letter
    ("geht’s" is no closing mark)."""
    before = text[at - 1] if at > 0 else " "
    after = text[at + 1] if at + 1 < len(text) else " "
    if before.isspace() and at > 0 and not _opens_here(text, at):
        return True  # a lone mark after a space that opens nothing: read it as a closer
    if before.isspace() or at == 0:
        return False
    return not (mark in _APOSTROPHES and after.isalnum())


# Sentences: where quotations meet the citation groups that attest them.

_SENTENCE_MARKS = ".!?…"
_TRAILING = '"“”»«’‘)]'  # may follow a sentence's final mark before the space
_STARTS_SENTENCE = '„"“«»‚‘([0123456789'
_MONTHS = frozenset(
    "Januar Jänner Februar Feber März April Mai Juni Juli August September Oktober "  # noqa: SIM905
    "November Dezember Jan Feb Mär Apr Jun Jul Aug Sep Sept Okt Nov Dez".split()
)
# Words that end in a period without ending the sentence (German copy, a few English).
_ABBREVIATIONS = frozenset(
    "Dr Prof Nr St bzw ca vgl usw etc Mio Mrd Abs Art Hr Fr Jh inkl evtl ggf sog Bd "  # noqa: SIM905
    "Tel Mr Mrs Ms Jr Sr Inc Co Ltd Gen Col Lt Sgt Rep Sen Gov".split()
)
_WORD_BEFORE = re.compile(r"(\w+)$")
_NEXT_WORD = re.compile(r"\s+(\w+)")


def sentence_starts(text: str, quotations: Sequence[Quotation]) -> list[int]:
    """Offsets where the sentences of ``text`` start, the first at 0. A sentence ends at
    ``.``, ``!``, ``?`` or ``…`` (or a quotation ending in one) followed by a space and a
    capital letter, a digit or an opening mark; not inside a quotation, not after an
    abbreviation, an initial or an ordinal number of a date ("am 27. Februar")."""
    inside = [(q.open, q.close) for q in quotations]
    starts = [0]
    for at, char in enumerate(text):
        if char not in _SENTENCE_MARKS and not _ends_quoted_sentence(text, at, quotations):
            continue
        if any(start < at < end for start, end in inside):
            continue
        after = at + 1
        while after < len(text) and text[after] in _TRAILING:
            after += 1
        if after < len(text) and not text[after].isspace():
            continue
        rest = text[after:].lstrip()
        if rest and not (rest[0].isupper() or rest[0] in _STARTS_SENTENCE):
            continue
        if char == "." and _period_inside_sentence(text, at):
            continue
        if rest:
            starts.append(len(text) - len(rest))
    return sorted(set(starts))


def _ends_quoted_sentence(text: str, at: int, quotations: Sequence[Quotation]) -> bool:
    """The closing mark of a quotation whose last character ends a sentence: „Wir sind
    bereit.“ Peskow …"""
    return any(q.close == at and text[at - 1 : at] in tuple(_SENTENCE_MARKS) for q in quotations)


def _period_inside_sentence(text: str, at: int) -> bool:
    word = _WORD_BEFORE.search(text, 0, at)
    if word is None:
        return False
    before = word.group(1)
    if before in _ABBREVIATIONS or (len(before) == 1 and before.isalpha()):
        return True  # "Dr.", "z. B.", an initial ("Donald J. Trump")
    following = _NEXT_WORD.match(text, at + 1)
    return before.isdigit() and following is not None and following.group(1) in _MONTHS


def attested_quotations(
    text: str,
    quotations: Sequence[Quotation],
    groups: Sequence[tuple[int, int]],
) -> list[list[Quotation]]:
    """For each citation group (start, end offsets in ``text``, in order), the quotations
    it attests (SPEC §4): the quotations of its sentence before it (back to the previous
    group), and those after it when no later group of the sentence follows them. A
    standalone single-mark quotation (‚…‘) counts only directly before a group; a
    quotation holding a group counts for none. A group
    standing right after a sentence's final mark ("… gesagt. [@a#p1]") belongs to that
    sentence."""
    starts = sentence_starts(text, quotations)
    in_sentence = [_sentence_of_group(text, starts, start) for start, _ in groups]
    attested: list[list[Quotation]] = [[] for _ in groups]
    for quotation in quotations:
        if any(quotation.open < start < quotation.close for start, _ in groups):
            continue  # a citation inside the quotation: the editor cites its parts
        sentence = _sentence_of(starts, quotation.open)
        same = [i for i, s in enumerate(in_sentence) if s == sentence]
        following = [i for i in same if groups[i][0] > quotation.close]
        if quotation.single:
            first = following[0] if following else None
            if first is not None and not text[quotation.close + 1 : groups[first][0]].strip():
                attested[first].append(quotation)
            continue
        preceding = [i for i in same if groups[i][1] <= quotation.open]
        chosen = following[0] if following else preceding[-1] if preceding else None
        if chosen is not None:
            attested[chosen].append(quotation)
    return attested


def _sentence_of(starts: list[int], offset: int) -> int:
    return bisect.bisect_right(starts, offset) - 1


def _sentence_of_group(text: str, starts: list[int], start: int) -> int:
    sentence = _sentence_of(starts, start)
    if sentence > 0 and not text[starts[sentence] : start].strip():
        return sentence - 1
    return sentence
