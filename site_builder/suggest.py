""" "Did you mean" suggestions for names an editor mistyped."""

from __future__ import annotations

import bisect
import difflib
import functools
import re
from collections.abc import Iterable, Mapping

from .messages import Message, maybe, msg

# Names difflib compares a word with at most: it costs about the product of the two lengths
# per name, and a source of 300,000 paragraphs has as many anchors (1–2 s per citation).
CANDIDATES = 1_000


def closest(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The candidate most like ``word``, or None when nothing is close enough.

    A candidate that starts with ``word`` wins (``kreml`` → ``kreml-gebiete``). Of more
    than ``CANDIDATES`` names, those nearest ``word`` in sort order are compared.
    """
    ordered = _nearest_in_order(word, sorted(set(candidates)))
    prefixed = [c for c in ordered if word and c.startswith(word)]
    if len(prefixed) == 1:
        return prefixed[0]
    matches = difflib.get_close_matches(word, ordered, n=1, cutoff=cutoff)
    return matches[0] if matches else None


def did_you_mean(word: str, candidates: Iterable[str]) -> Message:
    """A hint fragment such as "did you mean 'summary'? ", or no words when nothing is
    close."""
    return maybe_meant(closest(word, candidates))


def maybe_meant(match: str | None) -> Message:
    """ "did you mean 'match'? ", or no words when there is no ``match``."""
    return maybe(msg("did you mean '{word}'? ", word=match) if match else None)


def closest_anchor(anchor: str, anchors: Mapping[str, int], paragraphs: int) -> str | None:
    """The anchor of a source (``anchors``, its ``paragraphs`` positional ones ``p1``… and
    its names) most like a mistyped ``anchor``. A source of more than ``CANDIDATES``
    anchors offers difflib only the positional anchors one digit edit away from the
    number typed, the first and the last, and the names nearest in sort order."""
    if len(anchors) <= CANDIDATES:
        return closest(anchor, anchors, cutoff=0.5)
    numbers = {1, paragraphs, *_one_edit_away(re.sub(r"\D", "", anchor))}
    positional = [f"p{n}" for n in numbers if 1 <= n <= paragraphs]
    named = _nearest_in_order(anchor, _names(_Same(anchors)))
    return closest(anchor, [*positional, *named], cutoff=0.5)


def _one_edit_away(digits: str) -> set[int]:
    """The numbers whose digits are one deletion, insertion, change or swap from ``digits``."""
    if not digits or len(digits) > 9:  # no paragraph number has more digits (1 MiB files)
        return set()
    cuts = [(digits[:at], digits[at:]) for at in range(len(digits) + 1)]
    edited = {head + tail[1:] for head, tail in cuts if tail}
    edited |= {head + tail[1] + tail[0] + tail[2:] for head, tail in cuts if len(tail) > 1}
    edited |= {head + d + tail[1:] for head, tail in cuts if tail for d in "0123456789"}
    edited |= {head + d + tail for head, tail in cuts for d in "0123456789"}
    return {int(number) for number in edited | {digits} if number}


def _nearest_in_order(word: str, ordered: list[str]) -> list[str]:
    """``ordered`` (sorted) when short, else the ``CANDIDATES`` names around ``word`` in it:
    those sharing its beginning, where a mistyped name's ending goes wrong."""
    if len(ordered) <= CANDIDATES:
        return ordered
    at = bisect.bisect_left(ordered, word)
    start = max(0, min(at - CANDIDATES // 2, len(ordered) - CANDIDATES))
    return ordered[start : start + CANDIDATES]


_POSITIONAL = re.compile(r"p[1-9][0-9]*")


class _Same:
    """Hashes and compares by identity: the key of a value cached per (unhashable) object.
    The cache holds the object, so its identity is not reused while cached."""

    def __init__(self, value: Mapping[str, int]) -> None:
        self.value = value

    def __hash__(self) -> int:
        return id(self.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.value is self.value


@functools.lru_cache(maxsize=16)
def _names(anchors: _Same) -> list[str]:
    """A source's named anchors in order, sorted once per source, not once per citation."""
    return sorted(name for name in anchors.value if not _POSITIONAL.fullmatch(name))
