""" "Did you mean" suggestions for names an editor mistyped."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The candidate most like ``word``, or None when nothing is close enough.

    A candidate that starts with ``word`` wins (``kreml`` → ``kreml-gebiete``).
    """
    ordered = sorted(set(candidates))
    prefixed = [c for c in ordered if word and c.startswith(word)]
    if len(prefixed) == 1:
        return prefixed[0]
    matches = difflib.get_close_matches(word, ordered, n=1, cutoff=cutoff)
    return matches[0] if matches else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A hint fragment such as "did you mean 'summary'? " or "" when nothing is close."""
    match = closest(word, candidates)
    return f"did you mean '{match}'? " if match else ""
