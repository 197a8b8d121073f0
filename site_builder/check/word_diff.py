"""Word diffs of a changed paragraph, in the convention of ``git diff --word-diff=plain``:
removed words as ``[-…-]``, added words as ``{+…+}``, a replacement as both.

Words are compared, not characters, so an editor sees „zweimal“ become „dreimal“ rather
than a scatter of letters. A word is a run of letters and digits (umlauts, ß and accents
included); every other visible character (quotation mark, comma, hyphen) is a word of its
own, so a changed punctuation mark is marked alone. Unchanged text is shortened to a few
words of context around each change.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

# Letters and digits with their combining marks (a decomposed "ä" stays one word), or any
# other single visible character; with the whitespace before it.
_TOKEN = re.compile(
    r"(\s*)((?:\w|[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f])+|\S)"
)
REMOVED = ("[-", "-]")
ADDED = ("{+", "+}")
ELLIPSIS = "…"
CONTEXT_WORDS = 4

Kind = Literal["same", "removed", "added"]


@dataclass(frozen=True, slots=True)
class Part:
    """A piece of a word diff: text both versions share (``same``), or words only the old
    version has (``removed``) or only the new one (``added``). A ``same`` part carries its
    spaces; a change's leading space, if any, stands in the ``same`` part before it."""

    kind: Kind
    text: str


@dataclass(frozen=True, slots=True)
class _Token:
    """A word and whether whitespace stands before it; words alone are compared, so a
    line that starts differently does not turn its first shared word into a change."""

    word: str
    spaced: bool = field(compare=False)

    def written(self, first: bool = False) -> str:
        return self.word if first or not self.spaced else " " + self.word


def word_diff(old: str, new: str) -> tuple[Part, ...]:
    """The parts that turn ``old`` into ``new``, whitespace runs read as one space."""
    old_tokens, new_tokens = _tokens(old), _tokens(new)
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    parts: list[Part] = []
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        if operation == "equal":
            first = not parts
            text = "".join(t.written(first and n == 0) for n, t in enumerate(new_tokens[j1:j2]))
            parts.append(Part("same", text))
            continue
        removed, added = old_tokens[i1:i2], new_tokens[j1:j2]
        if parts and any(tokens and tokens[0].spaced for tokens in (removed, added)):
            parts.append(Part("same", " "))
        if removed:
            parts.append(Part("removed", _joined(removed)))
        if added:
            parts.append(Part("added", _joined(added)))
    return tuple(_merged(parts))


def _tokens(text: str) -> list[_Token]:
    return [_Token(word, bool(space)) for space, word in _TOKEN.findall(text)]


def _joined(tokens: Sequence[_Token]) -> str:
    return "".join(token.written(first=n == 0) for n, token in enumerate(tokens))


def _merged(parts: list[Part]) -> list[Part]:
    merged: list[Part] = []
    for part in parts:
        if merged and merged[-1].kind == part.kind == "same":
            merged[-1] = Part("same", merged[-1].text + part.text)
        else:
            merged.append(part)
    return merged


def shortened(parts: Sequence[Part], context: int = CONTEXT_WORDS) -> tuple[Part, ...]:
    """``parts`` with long unchanged text cut to ``context`` words on each side of every
    change (``…`` marks the cut); a diff without changes is returned as it is."""
    if all(part.kind == "same" for part in parts):
        return tuple(parts)
    result = []
    for index, part in enumerate(parts):
        if part.kind != "same":
            result.append(part)
            continue
        keep_head = index > 0  # words right after a change
        keep_tail = index < len(parts) - 1  # words right before a change
        result.append(Part("same", _cut(part.text, context, keep_head, keep_tail)))
    return tuple(result)


def _cut(text: str, context: int, keep_head: bool, keep_tail: bool) -> str:
    """``text`` with only its first and/or last ``context`` words, the rest as ``…``."""
    words = text.split(" ")  # whitespace is one space here; the edges may be "" (a space)
    head = words[: context + 1] if keep_head else [""]
    tail = words[-context - 1 :] if keep_tail else [""]
    if len(words) <= len(head) + len(tail):
        return text
    return " ".join(head).rstrip() + f" {ELLIPSIS} " + " ".join(tail).lstrip()


def render_plain(parts: Sequence[Part]) -> str:
    """The diff as ``git diff --word-diff=plain`` writes it: ``Land [-zweimal-]{+dreimal+}``."""
    return "".join(_marked(part) for part in parts).strip()


def _marked(part: Part) -> str:
    if part.kind == "removed":
        return REMOVED[0] + part.text + REMOVED[1]
    if part.kind == "added":
        return ADDED[0] + part.text + ADDED[1]
    return part.text


def describe(old: str, new: str, context: int = CONTEXT_WORDS) -> str:
    """The plain word diff of ``old`` → ``new``, shortened to ``context`` words around each
    change: what a diagnostic and the review show. Texts that differ only in spacing
    (``a,b`` and ``a, b``) are shown whole, as removed and added."""
    parts = word_diff(old, new)
    if old != new and all(part.kind == "same" for part in parts):
        parts = (Part("removed", old), Part("added", new))
    return render_plain(shortened(parts, context))
