"""Reviewing changed citations: how a change is shown to an editor, and the walk through
the changes one at a time that ``site-builder lock`` (alias ``review``) runs on a terminal.

The walk never reads or writes files: it asks and says through the functions it is given
and returns the editor's decisions, which the command then writes. A changed paragraph can
be accepted or skipped; a moved one can be followed (``reanchor``) or skipped, never
accepted here, because accepting would make its briefs cite the paragraph now in its old
place. ``site-builder lock SOURCE#ANCHOR`` accepts one deliberately.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..language import ENGLISH, Language
from ..messages import msg
from ..report import paint_word_diff, printable
from .stale import ChangedCitation

Ask = Callable[[str], str | None]  # shows a prompt, returns the answer (None: no more input)
Say = Callable[[str], None]

REVIEW_CONTEXT = 8  # words of unchanged text around each change in the review

_ACCEPT = {"a", "accept", "y", "yes", "j", "ja"}
_SKIP = {"s", "skip", "n", "no", "nein"}
_FOLLOW = {"r", "reanchor", "f", "follow"}
_QUIT = {"q", "quit"}


@dataclass(frozen=True, slots=True)
class Decisions:
    """What the editor decided: keys to accept, moved keys to follow; ``stopped`` when
    they quit before the end (the rest is left as it was)."""

    accepted: frozenset[str] = field(default_factory=frozenset)
    followed: frozenset[str] = field(default_factory=frozenset)
    stopped: bool = False


def shown_diff(change: ChangedCitation, colour: bool, context: int = 4) -> str:
    """The change's word diff as printed: control characters escaped, coloured as git
    colours it when ``colour``."""
    diff = printable(change.diff(context))
    return paint_word_diff(diff) if colour else diff


def change_lines(
    change: ChangedCitation, colour: bool, language: Language = ENGLISH, context: int = 4
) -> list[str]:
    """A changed citation as an editor reads it, in ``language``: what changed (a word
    diff, or where the paragraph moved), then every brief sentence that cites it."""
    lines = []
    if change.moved_to is None:
        changed = msg("{where} changed:", where=change.where)
        lines += [language(changed), f"  {shown_diff(change, colour, context)}"]
    else:
        moved = msg(
            "{where} now reads as #{anchor}: {reason}",
            where=change.where,
            anchor=change.moved_to,
            reason=change.move_reason,
        )
        stands = msg(
            "the text these citations were checked against stands word for word at #{anchor}",
            anchor=change.moved_to,
        )
        lines += [language(moved), f"  {language(stands)}"]
    refs, sentences = change.cited.refs, change.cited.sentences
    for ref, sentence in zip(refs, sentences, strict=True):
        cited = msg(
            "cited in {path}:{line}: {sentence}",
            path=ref.span.path,
            line=ref.span.line,
            sentence=printable(sentence),
        )
        lines.append(f"  {language(cited)}")
    return lines


def review_changes(
    changes: Sequence[ChangedCitation],
    ask: Ask,
    say: Say,
    colour: bool,
    language: Language = ENGLISH,
) -> Decisions:
    """Walk through ``changes`` one at a time: show each, ask (in ``language``), and
    collect the answers. ``quit`` (or the end of input) keeps what was decided so far."""
    accepted: set[str] = set()
    followed: set[str] = set()
    for number, change in enumerate(changes, start=1):
        say("")
        lines = change_lines(change, colour, language, REVIEW_CONTEXT)
        say(f"[{number}/{len(changes)}] " + "\n".join(lines))
        answer = _answer(change, ask, say, language)
        if answer == "quit":
            return Decisions(frozenset(accepted), frozenset(followed), stopped=True)
        if answer == "accept":
            accepted.add(change.key)
        elif answer == "follow":
            followed.add(change.key)
    return Decisions(frozenset(accepted), frozenset(followed))


def _answer(change: ChangedCitation, ask: Ask, say: Say, language: Language) -> str:
    """``accept``, ``follow``, ``skip`` or ``quit``, asked until the answer is one of them.
    The letters stay a, r, s and q in every language (a script or a habit keeps working)."""
    if change.moved_to is None:
        question = msg("accept the new text for these citations? [a]ccept, [s]kip, [q]uit: ")
        meanings = {"accept": _ACCEPT, "skip": _SKIP, "quit": _QUIT}
    else:
        question = msg(
            "follow it to #{anchor}? [r]eanchor, [s]kip, [q]uit: ", anchor=change.moved_to
        )
        meanings = {"follow": _FOLLOW, "skip": _SKIP, "quit": _QUIT}
    prompt = language(question)
    while True:
        answer = ask(prompt)
        if answer is None:
            return "quit"
        for meaning, words in meanings.items():
            if answer.strip().casefold() in words:
                return meaning
        say(language(msg("please answer with one of the letters in brackets")))
