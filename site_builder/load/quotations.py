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
_MARK = re.compile("[" + re.escape("".join(_CLOSERS) + "”’'") + "]")
_DEEPEST = 8  # open marks looked through for the one a closing mark closes
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
    for match in _MARK.finditer(text):
        at = match.start()
        while current is not None and at >= current[1]:
            current = next(ranges, None)
        if current is None or at < current[0]:
            found.append((at, match.group()))
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
    # Quotations nest a few levels at most; looking deeper would make a text of thousands
    # of unclosed marks cost the square of its length.
    for level in range(len(stack) - 1, max(-1, len(stack) - 1 - _DEEPEST), -1):
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
_SPACE = re.compile(r"\s+(?=\S)")
_SPACES = re.compile(r"\s*")
_END_MARK = re.compile("[" + re.escape(_SENTENCE_MARKS) + "]")
_NEXT_WORD = re.compile(r"\s+(\w+)")


def sentence_starts(text: str, quotations: Sequence[Quotation]) -> list[int]:
    """Offsets where the sentences of ``text`` start, the first at 0. A sentence ends at
    ``.``, ``!``, ``?`` or ``…`` (or a quotation ending in one) followed by a space and a
    capital letter, a digit or an opening mark; not inside a quotation, not after an
    abbreviation, an initial or an ordinal number of a date ("am 27. Februar")."""
    opens = [q.open for q in quotations]  # in order, not overlapping: outermost only
    candidates = sorted(
        [m.start() for m in _END_MARK.finditer(text)]
        + [q.close for q in quotations if text[q.close - 1 : q.close] in tuple(_SENTENCE_MARKS)]
    )
    starts = [0]
    for at in candidates:
        index = bisect.bisect_left(opens, at) - 1
        if index >= 0 and quotations[index].close > at:
            continue  # inside a quotation
        start = _next_sentence(text, at)
        if start is not None:
            starts.append(start)
    return sorted(set(starts))


def _next_sentence(text: str, at: int) -> int | None:
    """Where the next sentence starts when the mark at ``at`` ends one, else None."""
    after = at + 1
    while after < len(text) and text[after] in _TRAILING:
        after += 1
    space = _SPACE.match(text, after)
    if space is None:
        return None  # no space after the mark, or nothing after the space
    start = space.end()
    if not (text[start].isupper() or text[start] in _STARTS_SENTENCE):
        return None
    if text[at] == "." and _period_inside_sentence(text, at):
        return None
    return start


def _period_inside_sentence(text: str, at: int) -> bool:
    begin = at
    while begin > 0 and text[begin - 1].isalnum():
        begin -= 1
    before = text[begin:at]
    if not before:
        return False
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
    group_starts = [start for start, _ in groups]
    in_sentence = [_sentence_of_group(starts, start) for start in group_starts]
    attested: list[list[Quotation]] = [[] for _ in groups]
    for quotation in quotations:
        after = bisect.bisect_right(group_starts, quotation.open)  # first group after it opens
        if after < len(groups) and groups[after][0] < quotation.close:
            continue  # a citation inside the quotation: the editor cites its parts
        sentence = _sentence_of(starts, quotation.open)
        follows = after < len(groups) and in_sentence[after] == sentence
        if quotation.single:
            gap = _SPACES.match(text, quotation.close + 1)
            if follows and gap is not None and gap.end() == groups[after][0]:
                attested[after].append(quotation)
            continue
        before = after - 1
        if follows:
            attested[after].append(quotation)
        elif before >= 0 and in_sentence[before] == sentence:
            attested[before].append(quotation)
    return attested


def _sentence_of(starts: list[int], offset: int) -> int:
    return bisect.bisect_right(starts, offset) - 1


def _sentence_of_group(starts: list[int], start: int) -> int:
    """The sentence of a group starting at ``start``; a group that starts a sentence
    belongs to the one before (sentence starts are their first non-space character)."""
    sentence = _sentence_of(starts, start)
    return sentence - 1 if sentence > 0 and starts[sentence] == start else sentence
