"""The passage of a paragraph closest to a quote that does not stand in it: what the
quote-not-found diagnostic shows, as a word diff from the brief's words to the source's.

Closest means sharing the most words with the quote **in order**, where inflected forms
count as one word („gemeinsamen“ and „gemeinsame“), so an editor sees the passage meant
and the words to correct. Two words are one when they are equal ignoring case and the
punctuation at their edges, or when they share a beginning of at least 4 letters and
neither has more than 3 letters past it (``same_word``): German endings (-e, -en, -er,
-em, -es, -ern) and typos near a word's end, not a different word of one stem
(„Russ“/„Russlands“). Equal counts are decided by difflib's ratio of the characters; a
quote sharing no word at all gets the run of words most like it by characters alone.
"""

from __future__ import annotations

import bisect
import difflib
import heapq
import re
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from .quotes import normalise, quote_pieces

_EDGE_PUNCTUATION = "\"',.;:"
_WORD_EDGES = re.compile(r"^[\W_]+|[\W_]+$")
_STEM = 4  # letters two forms of one word share at least
_ENDING = 3  # letters each of them may have past what they share

# Bounds of the search: a long paragraph has thousands of runs of words, and difflib's ratio
# costs about the square of the quote's length per run (a 30-word quote against 1,000
# words took seconds, against 20,000 words minutes, when every run was compared).
_CLOSEST_WINDOWS = 32  # runs of each width looked at: those sharing the most word stems
_CLOSEST_QUOTE = 500  # characters: a longer quote gets no "closest" passage
_SLACK = 2  # words a run may have beyond the quote's: words the brief left out


@dataclass(frozen=True, slots=True)
class Passage:
    """A run of a paragraph's words, trimmed to those it shares with the quote (with its
    edge punctuation dropped): ``shared`` of the quote's words stand in it in order,
    ``similarity`` is difflib's ratio of the two texts. Empty when nothing is close."""

    text: str
    shared: int
    similarity: float

    def rank(self) -> tuple[int, float]:
        """Higher is closer: shared words first, characters for ties."""
        return self.shared, self.similarity


NOTHING = Passage("", 0, 0.0)


def core(word: str) -> str:
    """``word`` as ``same_word`` compares it: in lower case (``casefold``), without the
    punctuation at its edges; a word of punctuation alone stays as it is."""
    return _WORD_EDGES.sub("", word).casefold() or word


def same_word(a: str, b: str) -> bool:
    """Are two ``core`` words one word, maybe inflected differently?"""
    if a == b:
        return True
    stem = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    endings = a[stem:] + b[stem:]
    return stem >= _STEM and max(len(a), len(b)) - stem <= _ENDING and endings.isalpha()


def closest_passage(quote: str, paragraph_text: str) -> Passage:
    """The run of the paragraph's words closest to the quote (see the module)."""
    wanted = quote_pieces(quote)
    if not wanted or len(" ".join(wanted)) > _CLOSEST_QUOTE:
        return NOTHING
    paragraph = _indexed(paragraph_text)
    if not paragraph.words:
        return NOTHING
    quoted = " ".join(wanted).split(" ")
    best = _by_words(quoted, paragraph)
    return best if best.shared else _by_characters(quoted, paragraph)


# A paragraph of more words than this has its likely windows found from the places of the
# quote's rarer words rather than by sliding over every word: one quote's work no longer
# grows with the paragraph (200 quotes against a 1 MB paragraph took minutes). Normal
# paragraphs are far shorter and keep the full pass.
_DENSE_WORDS = 2_000
_SPARSE_PLACES = 512  # places of quoted words looked at per quote in a longer paragraph
_SCORED_WORDS = 16  # the quote's rarest words that score those places' windows


@dataclass(frozen=True, slots=True)
class _Indexed:
    """A paragraph's words, computed once per paragraph text and shared by every quote
    citing it: normalised words, their ``core`` and stem, and for a long paragraph where
    each word and each stem stands."""

    words: list[str]
    cores: list[str]
    stems: list[str]
    word_places: dict[str, list[int]] | None  # None: a paragraph of _DENSE_WORDS or fewer
    stem_places: dict[str, list[int]] | None


# The indexes kept, by paragraph text, most recently used last: a cache like
# ``functools.lru_cache``, but one that can say whether a text is in it, so that a
# brief's budget for this help (``check_quotes.HelpBudget``) pays only for indexes built.
_KEPT: OrderedDict[str, _Indexed] = OrderedDict()
_KEEP = 8


def is_indexed(paragraph_text: str) -> bool:
    """Is the word index of ``paragraph_text`` kept (a closest passage in it is cheap)?"""
    return paragraph_text in _KEPT


def _indexed(paragraph_text: str) -> _Indexed:
    kept = _KEPT.get(paragraph_text)
    if kept is not None:
        _KEPT.move_to_end(paragraph_text)
        return kept
    text = normalise(paragraph_text)
    words = text.split(" ") if text else []
    cores = _cores(text, words)
    stems = [word_core[:_STEM] for word_core in cores]
    if len(words) <= _DENSE_WORDS:
        made = _Indexed(words, cores, stems, None, None)
    else:
        made = _Indexed(words, cores, stems, _places(words), _places(stems))
    _KEPT[paragraph_text] = made
    if len(_KEPT) > _KEEP:
        _KEPT.popitem(last=False)
    return made


# ``core`` of every word of a normalised text at once (words are separated by single
# spaces): a paragraph of 150,000 words took half a second word by word.
_TEXT_WORD_EDGES = re.compile(r"(?<!\S)[\W_]+|[\W_]+(?!\S)")


def _cores(text: str, words: list[str]) -> list[str]:
    if len(words) <= _DENSE_WORDS:
        return [core(word) for word in words]
    stripped = _TEXT_WORD_EDGES.sub("", text).casefold().split(" ")
    if len(stripped) != len(words):  # casefolding made a space: word by word after all
        return [core(word) for word in words]
    return [stripped_core or word for stripped_core, word in zip(stripped, words, strict=True)]


def _places(keys: list[str]) -> dict[str, list[int]]:
    places: dict[str, list[int]] = defaultdict(list)
    for at, key in enumerate(keys):
        places[key].append(at)
    return dict(places)


def _by_words(quoted: list[str], paragraph: _Indexed) -> Passage:
    """The run sharing the most words with ``quoted`` in order, among the likely windows."""
    cores, words = paragraph.cores, paragraph.words
    matcher = _WordMatcher([core(word) for word in quoted])
    width = len(quoted) + _SLACK
    spans = set()
    for begin in _likely_windows(paragraph.stems, matcher.stems, width, paragraph.stem_places):
        chain = _in_order([matcher.matches(c) for c in cores[begin : begin + width]])
        if chain:
            (first, start), (last, end) = chain[0], chain[-1]
            unmatched = first, len(quoted) - 1 - last
            spans.add(_Aligned(len(chain), begin + start, begin + end + 1, *unmatched))
    if not spans:
        return NOTHING
    most = max(span.shared for span in spans)
    wanted = " ".join(quoted)
    candidates = (
        (_passage(wanted, words[span.start : span.end], span.shared), span)
        for span in sorted(spans, key=lambda span: (span.start, span.end))
        if span.shared == most
    )
    best, span = max(candidates, key=lambda candidate: candidate[0].rank())
    return _widened(best, span, wanted, words)


@dataclass(frozen=True, slots=True)
class _Aligned:
    """Paragraph words ``start:end`` sharing ``shared`` words in order with the quote;
    ``before`` and ``after`` quoted words have no match before the first and after the last
    shared one."""

    shared: int
    start: int
    end: int
    before: int
    after: int


_WIDEN = 4  # words added at most at an edge of a passage for unmatched quoted words


def _widened(passage: Passage, span: _Aligned, wanted: str, words: list[str]) -> Passage:
    """``passage`` with the paragraph words that stand where the quote's unmatched first or
    last words would (up to one more than those, and ``_WIDEN``), when they make it more
    like the quote by characters: „unbestreitbar und [-unverhandelbar-]{+nicht
    verhandelbar+}“ rather than „unbestreitbar und [-unverhandelbar-]“."""
    best = passage
    for before in range(min(span.before + 1, _WIDEN) + 1 if span.before else 1):
        for after in range(min(span.after + 1, _WIDEN) + 1 if span.after else 1):
            start, end = max(0, span.start - before), span.end + after
            candidate = _passage(wanted, words[start:end], span.shared)
            if candidate.similarity > best.similarity:
                best = candidate
    return best


class _WordMatcher:
    """Which of the quote's words a paragraph word is (by ``same_word``), remembered per
    word: a paragraph repeats its words, and most share no stem with any quoted word."""

    def __init__(self, quoted_cores: list[str]) -> None:
        self.quoted = quoted_cores
        self.stems = [word[:_STEM] for word in quoted_cores]
        self._known: dict[str, list[int]] = {}

    def matches(self, word_core: str) -> list[int]:
        """Indexes of the quoted words ``word_core`` is, in descending order."""
        known = self._known.get(word_core)
        if known is None:
            stem = word_core[:_STEM]
            known = [
                index
                for index in range(len(self.quoted) - 1, -1, -1)
                if self.stems[index] == stem and same_word(self.quoted[index], word_core)
            ]
            self._known[word_core] = known
        return known


def _in_order(matches: Sequence[list[int]]) -> list[tuple[int, int]]:
    """(quoted word, window position) pairs of a longest chain of window words matching
    quoted words in order (each ``matches`` item: the quoted words the window word at that
    position is, descending). Hunt and Szymanski's longest common subsequence: it costs the
    matches, not the product of the lengths."""
    tails: list[int] = []  # tails[k]: smallest quoted index ending a chain of k + 1 words
    chains: list[tuple[tuple[int, int], ...]] = []  # that chain
    for position, indexes in enumerate(matches):
        for index in indexes:  # descending, so one window word extends a chain only once
            length = bisect.bisect_left(tails, index)
            chain = (*(chains[length - 1] if length else ()), (index, position))
            if length == len(tails):
                tails.append(index)
                chains.append(chain)
            else:
                tails[length] = index
                chains[length] = chain
    return list(chains[-1]) if chains else []


def _passage(wanted: str, words: list[str], shared: int) -> Passage:
    text = " ".join(words).strip(_EDGE_PUNCTUATION)
    ratio = difflib.SequenceMatcher(None, wanted, text, autojunk=False).ratio()
    return Passage(text, shared, ratio)


def _by_characters(quoted: list[str], paragraph: _Indexed) -> Passage:
    """The run of about the quote's length most like it by characters: for a quote that
    shares no word with the paragraph („Russ“ gets „Russlands“)."""
    wanted, words = " ".join(quoted), paragraph.words
    best = NOTHING
    size = len(quoted)
    for width in sorted({max(1, size - 1), size, size + 1}):
        for begin in _likely_windows(words, quoted, width, paragraph.word_places):
            candidate = _passage(wanted, words[begin : begin + width], 0)
            if candidate.similarity > best.similarity:
                best = candidate
    return best


def _likely_windows(
    words: list[str], wanted: list[str], width: int, places: dict[str, list[int]] | None
) -> list[int]:
    """Start indexes of the ``_CLOSEST_WINDOWS`` windows of ``width`` words sharing the most
    words with ``wanted`` (earliest first among equals), in ascending order; one sliding
    pass over ``words``, or over the ``places`` of the quoted words when given."""
    count = max(1, len(words) - width + 1)
    if count <= _CLOSEST_WINDOWS:
        return list(range(count))
    if places is not None:
        return _sparse_windows(places, wanted, width, count)
    needed = Counter(wanted)
    window: Counter[str] = Counter()
    shared = 0
    scores = []
    for end, word in enumerate(words):
        window[word] += 1
        shared += window[word] <= needed[word]
        if end >= width:
            gone = words[end - width]
            shared -= window[gone] <= needed[gone]
            window[gone] -= 1
        if end >= width - 1:
            scores.append((-shared, end - width + 1))
    return sorted(begin for _, begin in heapq.nsmallest(_CLOSEST_WINDOWS, scores))


def _sparse_windows(
    places: dict[str, list[int]], wanted: list[str], width: int, count: int
) -> list[int]:
    """``_likely_windows`` from where the quoted words stand. Each place of one of the
    quote's rarest words (``_SPARSE_PLACES`` places in all, so a quote of common words
    such as „die“ and „und“ costs no more) proposes the window that starts where the quote
    would, given that word's position in it; each window is scored by the quote's
    ``_SCORED_WORDS`` rarest words it holds, counted from their places."""
    needed = Counter(wanted)
    present = sorted((len(places[key]), key) for key in needed if key in places)
    if not present:  # nothing in common: every window ties, the earliest are taken
        return list(range(_CLOSEST_WINDOWS))
    begins: set[int] = set()
    for number, key in present:
        if begins and len(begins) + number > _SPARSE_PLACES:
            break
        offset = wanted.index(key)
        begins.update(min(max(0, at - offset), count - 1) for at in places[key][:_SPARSE_PLACES])
    scored = [(places[key], needed[key]) for _, key in present[:_SCORED_WORDS]]

    def held(begin: int) -> int:
        return sum(
            min(need, bisect.bisect_left(at, begin + width) - bisect.bisect_left(at, begin))
            for at, need in scored
        )

    best = heapq.nsmallest(_CLOSEST_WINDOWS, ((-held(begin), begin) for begin in begins))
    return sorted(begin for _, begin in best)
